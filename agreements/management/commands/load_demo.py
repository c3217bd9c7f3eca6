from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agreements.demo import DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Load the two seed cases (Region Skåne, Region Västerbotten) and the demo users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load even when DEBUG is off (not for production)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG är avstängt: demodata laddas inte i produktion. "
                "Använd --force om du menar det."
            )
        created = load_demo(password=settings.DEMO_PASSWORD)
        if created:
            for line in created:
                self.stdout.write(f"Skapade {line}")
        else:
            self.stdout.write("Demodata finns redan; inget ändrades.")
        self.stdout.write(
            self.style.SUCCESS("Demoinloggningar (lösenord: DEMO_PASSWORD, standard iop-demo):")
        )
        for username in ["admin"] + [u[0] for u in DEMO_USERS]:
            self.stdout.write(f"  {username}")
