from django.db import migrations
from django.db.models import Count, F, OuterRef, Subquery


def fill_receivers(apps, schema_editor):
    """Step 2 of 3: each line's receiver as the organisation overview found it before: its
    payment plan's payee; else, for a cash line, the agreement's only non-profit party when
    that is not the payer."""
    FundingLine = apps.get_model("funding", "FundingLine")
    PaymentPlan = apps.get_model("funding", "PaymentPlan")
    AgreementParty = apps.get_model("agreements", "AgreementParty")
    FundingLine.objects.filter(payment_plan__isnull=False).update(
        receiver_id=Subquery(
            PaymentPlan.objects.filter(line_id=OuterRef("pk")).values("payee_id")[:1]
        )
    )
    nonprofits = AgreementParty.objects.filter(
        agreement_id=OuterRef("agreement_id"), role="nonprofit"
    )
    count = nonprofits.order_by().values("agreement_id").annotate(n=Count("pk")).values("n")
    FundingLine.objects.filter(
        payment_plan__isnull=True, kind="cash", receiver_id__isnull=True
    ).alias(nonprofit_count=Subquery(count)).filter(nonprofit_count=1).update(
        receiver_id=Subquery(nonprofits.values("party_id")[:1])
    )
    FundingLine.objects.filter(payment_plan__isnull=True, receiver_id=F("party_id")).update(
        receiver_id=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0010_search_trigram_indexes"),
        ("funding", "0003_funding_line_receiver"),
    ]

    operations = [migrations.RunPython(fill_receivers, migrations.RunPython.noop)]
