from django.db import migrations
from django.db.models import Exists, OuterRef


def mark_not_started(apps, schema_editor):
    """Expected reports nobody has written in yet read "Ej påbörjad", not "Utkast"."""
    Report = apps.get_model("agreements", "Report")
    ReportFigure = apps.get_model("agreements", "ReportFigure")
    ReportAttachment = apps.get_model("agreements", "ReportAttachment")
    Report.objects.filter(status="draft", text="").exclude(
        Exists(ReportFigure.objects.filter(report=OuterRef("pk")))
    ).exclude(Exists(ReportAttachment.objects.filter(report=OuterRef("pk")))).update(
        status="not_started"
    )


def back_to_draft(apps, schema_editor):
    # The earlier schema knows no "not started" (nor a review): those rows were drafts.
    Report = apps.get_model("agreements", "Report")
    Report.objects.filter(status="not_started").update(status="draft")
    Report.objects.filter(status__in=["approved", "returned"]).update(status="submitted")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0026_report_review_and_not_started")]

    operations = [migrations.RunPython(mark_not_started, back_to_draft)]
