# The due state records the day its items were computed for (the caller's today) instead of
# the wall-clock time, so that it is compared with the same clock; changed_at was never read.

from django.db import migrations, models
from django.db.models.functions import TruncDate


def copy_refreshed_day(apps, schema_editor):
    # Keep existing items fresh instead of recomputing every agreement on the first visit.
    DueState = apps.get_model("agreements", "DueState")
    DueState.objects.filter(refreshed_at__isnull=False).update(
        refreshed_on=TruncDate("refreshed_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0007_related_rows_ordered_by_parent_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="duestate",
            name="refreshed_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(copy_refreshed_day, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="duestate",
            name="due_state_refreshed",
        ),
        migrations.RemoveField(
            model_name="duestate",
            name="changed_at",
        ),
        migrations.RemoveField(
            model_name="duestate",
            name="refreshed_at",
        ),
        migrations.AddIndex(
            model_name="duestate",
            index=models.Index(fields=["refreshed_on"], name="due_state_refreshed_on"),
        ),
    ]
