from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agreements.due.store import refresh_due_items
from agreements.models import Agreement
from agreements.services.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send due-date reminders by e-mail (once per user and deadline), end agreements "
        "whose end date has passed and bring the dashboard's stored due items up to date. "
        "Run daily."
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
        # Off the visitors' time: items a month old or from last year, and any changed ones.
        refreshed = refresh_due_items(Agreement.objects.all(), today=today)
        self.stdout.write(
            f"{today.isoformat()}: {run.sent} påminnelser skickade, "
            f"{run.already_sent} redan skickade tidigare, "
            f"{run.failed} gick inte att skicka (se loggen), {len(run.ended)} avslutade, "
            f"att göra-listan räknad om för {refreshed} överenskommelser."
        )
