from django.db import migrations


def fill_positions(apps, schema_editor):
    """Place each decision's agreements in the order they were listed and printed until now:
    the agreements' own order (newest period first, then by title), from 0 as the
    first agreement linked to a new decision is placed."""
    DecisionAgreement = apps.get_model("agreements", "DecisionAgreement")
    links = DecisionAgreement.objects.order_by(
        "decision_id", "-agreement__period_start", "agreement__title", "agreement_id"
    ).only("id", "decision_id", "position")
    changed, decision_id, place = [], None, 0
    for link in links.iterator(chunk_size=2000):
        place = place + 1 if link.decision_id == decision_id else 0
        decision_id = link.decision_id
        if link.position != place:
            link.position = place
            changed.append(link)
    DecisionAgreement.objects.bulk_update(changed, ["position"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0035_decision_agreement_position"),
    ]

    operations = [
        migrations.RunPython(fill_positions, migrations.RunPython.noop),
    ]
