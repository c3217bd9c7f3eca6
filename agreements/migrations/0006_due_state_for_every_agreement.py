"""Every agreement gets a due-state row (marked dirty where it had none): the dashboard's check
reads the marked rows only (agreements.services.due.refresh_marked)."""

from django.db import migrations


def add_missing_states(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    DueState = apps.get_model("agreements", "DueState")
    missing = Agreement.objects.filter(due_state__isnull=True).values_list("pk", flat=True)
    batch = []
    for pk in missing.iterator(chunk_size=2000):
        batch.append(DueState(agreement_id=pk, dirty=True))
        if len(batch) == 2000:
            DueState.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    DueState.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0005_due_item_party_kind_date"),
    ]

    operations = [
        migrations.RunPython(add_missing_states, migrations.RunPython.noop),
    ]
