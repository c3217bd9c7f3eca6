# Due items keep their title and detail untranslated (a message and its values), translated
# for each reader when shown, instead of rendered texts in every language; and the report
# period they are for, instead of a key the dashboard parsed. Stored items are deleted (they
# would show no title) and every agreement is marked, so they are recomputed: run
# `manage.py refresh_due_items` after migrating rather than on the first visits.

from django.db import migrations, models


def mark_every_agreement(apps, schema_editor):
    apps.get_model("agreements", "DueItem").objects.all().delete()
    apps.get_model("agreements", "DueState").objects.update(dirty=True)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0008_due_state_refreshed_on"),
    ]

    operations = [
        migrations.RemoveField(model_name="dueitem", name="title"),
        migrations.RemoveField(model_name="dueitem", name="detail"),
        migrations.RemoveField(model_name="dueitem", name="translations"),
        migrations.AddField(
            model_name="dueitem",
            name="title_message",
            field=models.CharField(default="", max_length=400),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="dueitem",
            name="title_values",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="dueitem",
            name="detail_message",
            field=models.CharField(blank=True, max_length=400),
        ),
        migrations.AddField(
            model_name="dueitem",
            name="detail_values",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="dueitem",
            name="year",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="dueitem",
            name="period",
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.RunPython(mark_every_agreement, migrations.RunPython.noop),
    ]
