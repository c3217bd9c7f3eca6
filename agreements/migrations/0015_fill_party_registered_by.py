"""Who changes an organisation that has no users of its own: the organisation that most
probably registered it, the first administered party of its first agreement. Organisations
with users of their own change their record themselves and are left empty, as are those
without such an agreement (then only the operator changes them)."""

from collections import defaultdict

from django.db import migrations
from django.db.models import Exists, OuterRef, Subquery

EDITORS = ("administrator", "coordinator")


def fill_registered_by(apps, schema_editor):
    Party = apps.get_model("agreements", "Party")
    AgreementParty = apps.get_model("agreements", "AgreementParty")
    Membership = apps.get_model("agreements", "Membership")
    first_agreement = (
        AgreementParty.objects.filter(party=OuterRef("pk"))
        .order_by("agreement__period_start", "agreement_id")
        .values("agreement_id")[:1]
    )
    administered = Membership.objects.filter(party=OuterRef("party"), role="administrator")
    registrar = (
        AgreementParty.objects.filter(agreement_id=OuterRef("first_agreement"))
        .exclude(party=OuterRef("pk"))
        .filter(Exists(administered))
        .order_by("position", "pk")
        .values("party_id")[:1]
    )
    unclaimed = (
        Party.objects.filter(registered_by__isnull=True)
        .exclude(Exists(Membership.objects.filter(party=OuterRef("pk"), role__in=EDITORS)))
        .annotate(first_agreement=Subquery(first_agreement))
        .annotate(registrar=Subquery(registrar))
        .filter(registrar__isnull=False)
        .values_list("pk", "registrar")
    )
    by_registrar = defaultdict(list)
    for pk, registrar_id in unclaimed:
        by_registrar[registrar_id].append(pk)
    for registrar_id, pks in by_registrar.items():
        for start in range(0, len(pks), 500):
            Party.objects.filter(pk__in=pks[start : start + 500]).update(
                registered_by_id=registrar_id
            )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0014_party_registered_by_and_version"),
    ]

    operations = [
        migrations.RunPython(fill_registered_by, migrations.RunPython.noop),
    ]
