"""Plain factory helpers for tests: real rows in the real database."""

import itertools
from datetime import date

from django.contrib.auth import get_user_model
from stdnum import luhn

from agreements.models import (
    Agreement,
    AgreementParty,
    Membership,
    Party,
    PartyKind,
    PartyRole,
)
from agreements.services.organisations import ORGANISATION_FIELDS
from funding.models import FundingLine, Share

_seq = itertools.count(1)


def org_number(n=None):
    """A valid organisationsnummer (check digit by Luhn), distinct per call."""
    n = next(_seq) if n is None else n
    body = f"80{n:07d}"[-9:]
    body = "8" + body[1:]
    check = luhn.calc_check_digit(body)
    return f"{body[:6]}-{body[6:]}{check}"


def make_party(name=None, kind=PartyKind.NONPROFIT, **fields):
    n = next(_seq)
    return Party.objects.create(
        name=name or f"Organisation {n}", kind=kind, org_number=org_number(n), **fields
    )


def make_agreement(*parties, start=date(2026, 1, 1), end=date(2028, 12, 31), **fields):
    n = next(_seq)
    fields.setdefault("title", f"Överenskommelse {n}")
    agreement = Agreement.objects.create(period_start=start, period_end=end, **fields)
    for i, party in enumerate(parties):
        role = PartyRole.NONPROFIT if party.kind == PartyKind.NONPROFIT else PartyRole.PUBLIC
        AgreementParty.objects.create(agreement=agreement, party=party, role=role, position=i)
    return agreement


def make_line(agreement, party, amounts, **fields):
    """A funding line with {year: amount} shares."""
    line = FundingLine.objects.create(agreement=agreement, party=party, **fields)
    Share.objects.bulk_create(Share(line=line, year=y, amount=a) for y, a in amounts.items())
    return line


def make_user(username=None, *, party=None, role=None, **fields):
    username = username or f"user{next(_seq)}"
    user = get_user_model().objects.create_user(
        username=username, password="pw-test-1234", **fields
    )
    if party is not None and role is not None:
        Membership.objects.create(user=user, party=party, role=role)
    return user


# --- Browser app: one base set of users and objects for view and access tests ---------------


def make_member(username, party, role):
    """A user with one membership and no usable password (tests log in with force_login)."""
    user = get_user_model().objects.create(username=username, first_name=username.title())
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Membership.objects.create(user=user, party=party, role=role)
    return user


def make_followup(agreement, *, pk=None, reporter=None, uploader=None):
    """A decision, draft report, meeting, funding line with payment and an attachment on the
    agreement; with pk, every object gets that primary key (so ids never coincide)."""
    from django.core.files.base import ContentFile

    from agreements.models import (
        Decision,
        DecisionKind,
        DecisionOutcome,
        Meeting,
        Obligation,
        ObligationKind,
        Report,
        ReportAttachment,
    )
    from funding.models import Payment

    ids = {"pk": pk} if pk else {}
    parties = [ap.party for ap in agreement.parties.select_related("party")]
    public = next(p for p in parties if p.kind != PartyKind.NONPROFIT)
    nonprofit = reporter or next(p for p in parties if p.kind == PartyKind.NONPROFIT)
    decision = Decision.objects.create(
        organisation=public,
        body="Hälso- och sjukvårdsnämnden",
        kind=DecisionKind.AGREEMENT,
        outcome=DecisionOutcome.PROPOSED,
        title=f"Förslag {agreement.title}",
        **ids,
    )
    decision.agreements.add(agreement)
    Obligation.objects.create(
        agreement=agreement,
        kind=ObligationKind.TERTIAL_REPORT,
        responsible=nonprofit,
        recipient=public,
        **ids,
    )
    report = Report.objects.create(
        agreement=agreement,
        party=nonprofit,
        year=agreement.period_start.year,
        period="T1",
        due_date=date(agreement.period_start.year, 5, 30),
        **ids,
    )
    meeting = Meeting.objects.create(agreement=agreement, date=agreement.period_start, **ids)
    line = FundingLine.objects.create(agreement=agreement, party=public, **ids)
    Share.objects.create(line=line, year=agreement.period_start.year, amount=100_000)
    payment = Payment.objects.create(
        line=line,
        year=agreement.period_start.year,
        paid_on=agreement.period_start,
        amount=1000,
        **ids,
    )
    uploader = uploader or get_user_model().objects.filter(is_superuser=False).first()
    attachment = ReportAttachment(
        report=report,
        original_name="rapport.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=uploader,
        **ids,
    )
    attachment.file.save("bilaga.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return {
        "agreement": agreement,
        "decision": decision,
        "report": report,
        "meeting": meeting,
        "line": line,
        "payment": payment,
        "attachment": attachment,
        "party": nonprofit,
    }


OTHER_PK = 90_001  # the other organisations' objects: an id no own object ever has


def make_world():
    """Org A (region) with an administrator and a secretary, org B (non-profit) with a
    coordinator, both party to one agreement; org C's administrator (the outsider) with an
    agreement between C and D. Returns a dict of users, parties and objects."""
    from types import SimpleNamespace

    a = make_party("Region A", kind=PartyKind.REGION)
    b = make_party("Förening B")
    c = make_party("Kommun C", kind=PartyKind.MUNICIPALITY)
    d = make_party("Förening D")
    users = {
        "admin": make_member("admin_a", a, "administrator"),
        "secretary": make_member("sekr_a", a, "secretary"),
        "coordinator": make_member("samord_b", b, "coordinator"),
        "outsider": make_member("admin_c", c, "administrator"),
    }
    own = make_agreement(a, b, title="Vår överenskommelse")
    other = make_agreement(c, d, title="Deras överenskommelse", pk=OTHER_PK)
    own_objects = make_followup(own, uploader=users["coordinator"])
    other_objects = make_followup(other, pk=OTHER_PK, uploader=users["outsider"])
    own_objects["party"] = b
    other_objects["party"] = Party.objects.create(
        pk=OTHER_PK, name="Förening E", kind=PartyKind.NONPROFIT, org_number=org_number()
    )
    AgreementParty.objects.create(
        agreement=other, party=other_objects["party"], role=PartyRole.NONPROFIT, position=3
    )
    return SimpleNamespace(a=a, b=b, c=c, d=d, users=users, own=own_objects, other=other_objects)


def party_form_data(party, **changes):
    """What an organisation's edit page posts: its record and contact people as saved now,
    with changes."""
    party.refresh_from_db()
    data = {name: getattr(party, name) for name in ORGANISATION_FIELDS}
    contacts = list(party.contacts.all())
    data |= {
        "version": party.version,
        "kontakter-TOTAL_FORMS": len(contacts),
        "kontakter-INITIAL_FORMS": len(contacts),
        "kontakter-MIN_NUM_FORMS": "0",
        "kontakter-MAX_NUM_FORMS": "1000",
    }
    for i, contact in enumerate(contacts):
        data |= {
            f"kontakter-{i}-id": contact.pk,
            f"kontakter-{i}-party": party.pk,
            f"kontakter-{i}-name": contact.name,
            f"kontakter-{i}-title": contact.title,
            f"kontakter-{i}-email": contact.email,
            f"kontakter-{i}-phone": contact.phone,
        }
    return data | changes
