from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agreements.due.store import refresh_due_items
from agreements.models import Agreement


class Command(BaseCommand):
    help = (
        "Recompute the dashboard's stored due items of every marked or outdated agreement "
        "(after an upgrade or a bulk import; send_reminders does it daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Compute as if today were YYYY-MM-DD.")

    def handle(self, *args, today=None, **options):
        try:
            today = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError("--today must be a date, YYYY-MM-DD") from None
        refreshed = refresh_due_items(Agreement.objects.all(), today=today)
        self.stdout.write(
            f"{today.isoformat()}: att göra-listan räknad om för {refreshed} överenskommelser."
        )
