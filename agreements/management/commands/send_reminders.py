from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agreements.services.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send due-date reminders by e-mail (once per user and deadline) and end agreements "
        "whose end date has passed. Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if today were YYYY-MM-DD (for catch-up).")
        parser.add_argument("--days-before", type=int, help="Override REMINDER_DAYS_BEFORE.")

    def handle(self, *args, today=None, days_before=None, **options):
        if today:
            try:
                today = date.fromisoformat(today)
            except ValueError:
                raise CommandError("--today must be a date, YYYY-MM-DD") from None
        else:
            today = timezone.localdate()
        run = send_reminders(today=today, days_before=days_before)
        for agreement in run.ended:
            self.stdout.write(f"Avslutad: {agreement}")
        self.stdout.write(
            f"{today.isoformat()}: {run.sent} påminnelser skickade, "
            f"{run.already_sent} redan skickade tidigare, {len(run.ended)} avslutade."
        )
