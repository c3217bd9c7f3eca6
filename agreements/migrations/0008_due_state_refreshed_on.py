# The due state records the day its items were computed for (the caller's today) instead of
# the wall-clock time, so that it is compared with the same clock; changed_at was never read.

# The day starts empty: 0009 recomputes every agreement's items anyway.

from django.db import migrations, models


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
