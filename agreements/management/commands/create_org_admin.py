"""Give a new organisation its first member who manages its members, from the shell:

    python manage.py create_org_admin 232100-0222 anna.berg@region.se

The organisation is named by its organisationsnummer or id. An account with the e-mail
address gets the role at once; otherwise the address is invited by e-mail (a one-time link).
The role is the one that manages the organisation's members (administrator; coordinator of
a non-profit). Every later member is invited in the app by that person.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils import timezone

from agreements.access import party_with_org_number
from agreements.models import Party
from agreements.services import DomainError
from agreements.services.members import create_first_administrator


class Command(BaseCommand):
    help = "Give an organisation (organisationsnummer or id) its first administrator by e-mail."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="organisationsnummer or id")
        parser.add_argument("email")

    def handle(self, *args, organisation, email, **options):
        party = party_with_org_number(organisation)
        if party is None and organisation.isdigit():
            party = Party.objects.filter(pk=int(organisation)).first()
        if party is None:
            raise CommandError(f"No organisation with number or id {organisation!r}.")
        try:
            validate_email(email.strip())
            membership, invitation = create_first_administrator(
                party=party, email=email, by=None, now=timezone.now()
            )
        except ValidationError:
            raise CommandError(f"Not an e-mail address: {email!r}.") from None
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        if membership is not None:
            self.stdout.write(
                f"{membership.user.get_username()} is now {membership.role} of {party}."
            )
        else:
            self.stdout.write(
                f"Invited {invitation.email} as {invitation.role} of {party}; "
                f"the link is valid until {invitation.expires_at:%Y-%m-%d %H:%M}."
            )
