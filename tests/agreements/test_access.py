"""Role × URL matrix: every URL of the app, every role, an own and another organisation's
object, every method. Zero leaks: another organisation's object answers 404, a wrong role
403, a wrong method 405, an anonymous visitor is sent to the login page. Every answer to a
signed-in user is `Cache-Control: private, no-store`.

The URL list comes from the resolver, so a new URL is covered the day it is added: every URL
of the app's namespaces needs a row in EXPECTED (the test fails without one).
"""

import hashlib
from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from agreements.access import agreements_visible_to, get_agreement_for, roles_on
from agreements.models import (
    DocumentKind,
    Invitation,
    IssuedDocument,
    Membership,
    PartyCorrection,
)
from funding.models import IndexSeries, IndexValue
from tests.factories import OTHER_PK, make_member, make_world

ROLES = ["admin", "coordinator", "secretary", "outsider"]
EVERYONE = set(ROLES)
ADMIN, COORD, SECR = {"admin"}, {"coordinator"}, {"secretary"}
NAMESPACES = ["agreements", "documents", "funding", "feeds", "sso", "two_factor"]

# url name -> (object the pk names, roles allowed to GET, roles allowed to POST).
# None as a role set: the method is not accepted (405). The object "member_party" is an
# organisation only its own members see (404 for everyone else, whatever the role); likewise
# "member_membership" and "member_invitation", a membership of and an invitation to it.
EXPECTED = {
    "agreements:dashboard": (None, EVERYONE, None),
    "agreements:todo": (None, EVERYONE, None),
    "agreements:list": (None, EVERYONE, None),
    "agreements:create": (None, ADMIN | {"outsider"}, ADMIN | {"outsider"}),
    "agreements:detail": ("agreement", EVERYONE, None),
    "agreements:tasks": ("agreement", EVERYONE, None),
    "agreements:edit": ("agreement", ADMIN, ADMIN),
    "agreements:history": ("agreement", EVERYONE, None),
    # The agreement's dossier (ZIP): what the user sees of it (tests/agreements/test_dossier.py).
    "agreements:dossier": ("agreement", EVERYONE, None),
    "agreements:obligations": ("agreement", ADMIN, ADMIN),
    "agreements:sections": ("agreement", ADMIN, ADMIN),
    "agreements:signatories": ("agreement", ADMIN, ADMIN),
    "agreements:contributions": ("agreement", ADMIN, ADMIN),
    "agreements:move": ("agreement", None, ADMIN | SECR),
    # The page before giving notice; its form posts to agreements:move.
    "agreements:terminate": ("agreement", ADMIN, None),
    # The page before ending the agreement; its form posts to agreements:move.
    "agreements:end": ("agreement", ADMIN, None),
    # The agreement's due items; closing or moving one: administrators, coordinators their
    # own report items (a post naming no item is refused with 400 after access is granted).
    "agreements:due_items": ("agreement", EVERYONE, ADMIN | COORD),
    "agreements:successor": ("agreement", ADMIN, ADMIN),
    "agreements:proposal_create": ("agreement", SECR, SECR),
    "agreements:meeting_create": ("agreement", ADMIN | COORD, ADMIN | COORD),
    "agreements:decisions": (None, EVERYONE, None),
    "agreements:decision": ("decision", EVERYONE, None),
    "agreements:proposal_edit": ("decision", SECR, SECR),
    "agreements:decision_record": ("decision", SECR, SECR),
    "agreements:decision_correct": ("decision", ADMIN | SECR, ADMIN | SECR),
    "agreements:reports": (None, EVERYONE, None),
    "agreements:report_create": (None, COORD, COORD),
    "agreements:report": ("report", EVERYONE, COORD),
    "agreements:report_review": ("report", ADMIN, ADMIN),
    # The check before handing in, and handing in (a post without the page's version is
    # sent back to the check page).
    "agreements:report_submit": ("report", COORD, COORD),
    "agreements:attachment": ("attachment", EVERYONE, None),
    "agreements:attachment_delete": ("attachment", None, COORD),
    "agreements:meeting": ("meeting", ADMIN | COORD, ADMIN | COORD),
    "agreements:parties": (None, EVERYONE, None),
    "agreements:party_create": (None, ADMIN | {"outsider"}, ADMIN | {"outsider"}),
    "agreements:party": ("party", EVERYONE, None),
    # An organisation's record is changed by its own users; partners propose corrections.
    "agreements:party_edit": ("party", COORD, COORD),
    "agreements:party_correct": ("party", ADMIN | SECR, ADMIN | SECR),
    # Its letterhead by those who manage its members: B's coordinators (B is a non-profit).
    "agreements:party_letterhead": ("party", COORD, COORD),
    "agreements:correction": ("correction", EVERYONE, COORD),
    # An organisation's members are managed by its administrators, a non-profit's (B) by its
    # coordinators; nobody else sees them.
    "agreements:my_members": (None, ADMIN | COORD | {"outsider"}, None),
    "agreements:members": ("member_party", COORD, None),
    "agreements:member_history": ("member_party", COORD, None),
    "agreements:member_invite": ("member_party", COORD, COORD),
    "agreements:member_role": ("member_membership", COORD, COORD),
    "agreements:member_remove": ("member_membership", COORD, COORD),
    "agreements:invitation_revoke": ("member_invitation", None, COORD),
    # The invitation's link is found by its secret token, with or without login.
    "agreements:invitation": ("token", set(), set()),
    "documents:agreement_preview": ("agreement", EVERYONE, None),
    "documents:agreement_pdf": ("agreement", EVERYONE, None),
    "documents:versions": ("agreement", EVERYONE, None),
    "documents:proposal_preview": ("decision", EVERYONE, None),
    "documents:proposal_pdf": ("decision", EVERYONE, None),
    # What issuing does (the page), then issuing (its post).
    "documents:issue": ("decision", ADMIN | SECR, ADMIN | SECR),
    "documents:download": ("issued", EVERYONE, None),
    "funding:organisation": ("member_party", COORD, None),
    "funding:lines": ("agreement", ADMIN, ADMIN),
    "funding:payments": ("agreement", EVERYONE, ADMIN),
    "funding:payment": ("payment", ADMIN, ADMIN),
    "funding:plan": ("line", ADMIN, ADMIN),
    "funding:outside_shares": ("agreement", ADMIN, ADMIN),
    "funding:index_values": (None, EVERYONE, ADMIN | {"outsider"}),
    # An organisation's own series: seen by the parties of agreements uplifted by it, changed
    # by its administrators.
    "funding:index_series": ("series", EVERYONE, ADMIN),
    "funding:index_value": ("index_value", ADMIN, ADMIN),
    "funding:index_value_withdraw": ("index_value", ADMIN, ADMIN),
    "funding:export": (None, EVERYONE, None),
    "feeds:manage": (None, EVERYONE, EVERYONE),
    # The feed is found by its secret token, not by login: an unknown token is not found.
    "feeds:calendar": ("token", set(), None),
    # The user's own second factor: nobody else's is reachable (tests/test_two_factor.py).
    "two_factor:overview": (None, EVERYONE, None),
    "two_factor:setup": (None, EVERYONE, EVERYONE),
    "two_factor:verify": (None, EVERYONE, EVERYONE),
    "two_factor:codes": (None, EVERYONE, None),
    "two_factor:regenerate": (None, EVERYONE, EVERYONE),
    "two_factor:remove": (None, EVERYONE, EVERYONE),
}
# Lists and forms without an object: the outsider is a user like any other there.
NO_OBJECT = {name for name, (kind, _, _) in EXPECTED.items() if kind is None}
# Open to anyone, by design (published open data).
PUBLIC = {"funding:public_json", "funding:public_csv"}
# Single sign-on: anyone starts a login and returns from the provider (tests/sso).
PUBLIC |= {"sso:start", "sso:callback"}
# Values for URL parameters other than pk.
PARAMS = {
    "group": "rapporter",
    "move": "propose",
    "kind": "beslut",
    "dataset": "agreements",
    "fmt": "csv",
    "token": "x",
}


def url_patterns():
    """(qualified name, pattern) of every named URL in the app's namespaces."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and namespace in NAMESPACES:
                found.append((f"{namespace}:{p.name}", p))

    walk(get_resolver().url_patterns, None)
    return sorted(found)


def kind_of(qualified):
    return EXPECTED[qualified][0] if qualified in EXPECTED else None


def url_for(qualified, pattern, objects):
    params = pattern.pattern.converters.keys()
    kwargs = {}
    for param in params:
        if param == "pk":
            kind = (kind_of(qualified) or "").removeprefix("member_") or None
            obj = objects.get(kind) if kind else None
            kwargs["pk"] = obj.pk if obj is not None else OTHER_PK
        else:
            kwargs[param] = PARAMS.get(param, "x")
    return reverse(qualified, kwargs=kwargs)


def test_every_app_url_has_a_row():
    missing = [q for q, _ in url_patterns() if q not in EXPECTED and q not in PUBLIC]
    assert missing == []
    assert len(url_patterns()) == len(EXPECTED) + len(PUBLIC)


def expected_status(name, role, method, own):
    """What an agreements URL must answer."""
    kind, get_roles, post_roles = EXPECTED[name]
    allowed = get_roles if method == "get" else post_roles
    if allowed is None:
        return 405
    if kind == "token":
        return 404
    if kind and kind.startswith("member_"):
        # Only the coordinator belongs to the own world's organisation B; nobody to E.
        return "ok" if own and role in allowed else 404
    if kind is not None:
        # The outsider's view of org A's objects, and everyone else's of org C's: not found.
        sees = (role != "outsider") if own else (role == "outsider")
        if not sees:
            return 404
        # The outsider administers org C: for C's objects it acts as the administrator.
        effective = "admin" if role == "outsider" else role
        return "ok" if effective in allowed else 403
    return "ok" if role in allowed else 403


def is_private(response):
    """Cache-Control forbids shared caches and any stored copy."""
    directives = response.get("Cache-Control", "").split(",")
    return {"private", "no-store"} <= {d.strip().split("=")[0] for d in directives}


def _check(response, expected):
    if expected == "ok":
        # 400: the empty form was refused, after access was granted.
        login = reverse("login")
        return response.status_code in (200, 302, 400) and not (
            response.status_code == 302 and response["Location"].startswith(login)
        )
    return response.status_code == expected


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    for objects, user in ((world.own, "admin"), (world.other, "outsider")):
        objects["issued"] = _issued(objects["agreement"], world.users[user])
    for objects, owner, ids in ((world.own, world.a, {}), (world.other, world.c, OTHER_IDS)):
        objects["series"], objects["index_value"] = _own_series(objects["line"], owner, ids)
    # A correction of the non-profit proposed by the administrator of the public party.
    world.own["correction"] = _correction(world.own["party"], world.users["admin"], world.a)
    world.other["correction"] = _correction(
        world.other["party"], world.users["outsider"], world.c, pk=OTHER_PK
    )
    # A membership of and an invitation to each world's non-profit.
    world.own["membership"] = Membership.objects.get(user=world.users["coordinator"])
    member_e = make_member("samord_e", world.other["party"], "coordinator")
    Membership.objects.filter(user=member_e).update(id=OTHER_PK)
    world.other["membership"] = Membership.objects.get(pk=OTHER_PK)
    for objects, ids in ((world.own, {}), (world.other, OTHER_IDS)):
        objects["invitation"] = _invitation(objects["party"], **ids)
    return world


def _invitation(party, **ids):
    now = timezone.now()
    return Invitation.objects.create(
        party=party,
        email=f"ny{party.pk}@example.se",
        role="coordinator",
        token_hash=hashlib.sha256(str(party.pk).encode()).hexdigest(),
        created_at=now,
        expires_at=now + timedelta(days=7),
        **ids,
    )


OTHER_IDS = {"pk": OTHER_PK}


def _own_series(line, owner, ids):
    """An index series of the line's paying organisation, uplifting the line, with a value."""
    series = IndexSeries.objects.create(name=f"Index för {owner.name}", owner=owner, **ids)
    line.uplift_series, line.uplift_first_year, line.uplift_basis = series, 2027, "final"
    line.save()
    value = IndexValue.objects.create(
        series=series,
        year=2027,
        percent="2.000",
        status="final",
        published_on=date(2027, 3, 1),
        source="Egen beräkning",
        **ids,
    )
    return series, value


def _correction(party, by, organisation, **ids):
    return PartyCorrection.objects.create(
        party=party,
        proposed_by=by,
        organisation=organisation,
        proposed_at=timezone.now(),
        values={"city": "Umeå"},
        before={"city": ""},
        **ids,
    )


def _issued(agreement, by):
    pdf = b"%PDF-1.4\n"
    return IssuedDocument.objects.create(
        agreement=agreement,
        kind=DocumentKind.AGREEMENT,
        version=1,
        identifier=f"IOP-{agreement.pk}",
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        issued_by=by,
        issued_at=timezone.now(),
    )


def _requests(world, own):
    objects = world.own if own else world.other
    urls = []
    for qualified, pattern in url_patterns():
        urls.append((qualified, url_for(qualified, pattern, objects)))
    # Deleting last, so the object still exists for every other request.
    return sorted(urls, key=lambda item: "delete" in item[0])


@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_role_url_matrix(client, world, role, own):
    client.force_login(world.users[role])
    failures = []
    for method in ("get", "post"):
        for qualified, url in _requests(world, own):
            if qualified in PUBLIC:
                continue
            response = getattr(client, method)(url)
            expected = expected_status(qualified, role, method, own)
            if not _check(response, expected):
                failures.append(
                    f"{method.upper()} {url} ({qualified}): "
                    f"{response.status_code}, expected {expected}"
                )
            if not is_private(response):
                failures.append(
                    f"{method.upper()} {url} ({qualified}): "
                    f"Cache-Control {response.get('Cache-Control')!r}, expected private, no-store"
                )
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_anonymous_is_sent_to_login_everywhere(client, world, own):
    login = reverse("login")
    failures = []
    for method in ("get", "post"):
        for qualified, url in _requests(world, own):
            if qualified in PUBLIC:
                continue
            response = getattr(client, method)(url)
            ok = response.status_code == 302 and response["Location"].startswith(login)
            if qualified.startswith("feeds:") or kind_of(qualified) == "token":
                ok = ok or response.status_code in (403, 404, 405)
            if not ok:
                failures.append(f"{method.upper()} {url}: {response.status_code}")
    assert failures == [], "\n".join(failures)


def test_unknown_method_answers_405(client, world):
    client.force_login(world.users["admin"])
    url = reverse("agreements:detail", args=[world.own["agreement"].pk])
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_access_helpers_scope_to_membership(world):
    admin, outsider = world.users["admin"], world.users["outsider"]
    assert list(agreements_visible_to(admin)) == [world.own["agreement"]]
    assert list(agreements_visible_to(outsider)) == [world.other["agreement"]]
    assert roles_on(world.users["secretary"], world.own["agreement"]) == {"secretary"}
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(Http404):
        get_agreement_for(outsider, world.own["agreement"].pk)
    with pytest.raises(PermissionDenied):
        get_agreement_for(
            world.users["coordinator"], world.own["agreement"].pk, roles=["administrator"]
        )


def test_memberships_are_read_once_per_user_object(world, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    from agreements.access import party_ids_of, user_roles
    from agreements.models import Membership

    admin = get_user_model().objects.get(pk=world.users["admin"].pk)
    with django_assert_num_queries(1):
        assert party_ids_of(admin) == [world.a.pk]
        assert party_ids_of(admin, "coordinator") == []
        assert user_roles(admin) == {"administrator"}
    Membership.objects.create(user=admin, party=world.b, role="coordinator")
    # The next request loads the user afresh and sees the new membership.
    fresh = get_user_model().objects.get(pk=admin.pk)
    assert party_ids_of(fresh) == [world.a.pk, world.b.pk]
    assert party_ids_of(fresh, "coordinator") == [world.b.pk]
    assert user_roles(fresh) == {"administrator", "coordinator"}


def test_agreements_of_own_organisation_are_the_visible_ones_of_that_organisation(world):
    from django.contrib.auth import get_user_model

    from agreements.access import agreements_of_own_organisation
    from tests.factories import make_agreement

    make_agreement(world.a, world.d)  # a second agreement of A, without B
    admin, coordinator, outsider = (world.users[r] for r in ("admin", "coordinator", "outsider"))
    for user, party in [(admin, world.a), (coordinator, world.b), (outsider, world.c)]:
        own = set(agreements_of_own_organisation(user, party))
        assert own == set(agreements_visible_to(user).filter(parties__party=party))
        assert own and all(party in [p.party for p in a.parties.all()] for a in own)
    assert len(agreements_of_own_organisation(admin, world.a)) == 2
    # Another organisation's agreements: none, even those the user sees through its own.
    assert list(agreements_of_own_organisation(admin, world.b)) == []
    assert list(agreements_of_own_organisation(outsider, world.a)) == []
    root = get_user_model().objects.create_superuser("root", "root@example.se", "x")
    assert set(agreements_of_own_organisation(root, world.b)) == {world.own["agreement"]}


def test_a_coordinator_reports_for_their_own_party_only(world):
    from django.core.exceptions import PermissionDenied

    from agreements.access import reporting_party_for

    agreement = world.own["agreement"]
    assert reporting_party_for(world.users["coordinator"], agreement) == world.b
    with pytest.raises(PermissionDenied):
        reporting_party_for(world.users["admin"], agreement)


def test_a_draft_report_is_edited_by_a_coordinator_of_the_reporting_party(world):
    from agreements.access import may_edit_report
    from agreements.models import ReportStatus

    report = world.own["report"]
    assert may_edit_report(world.users["coordinator"], report)
    assert not may_edit_report(world.users["admin"], report)
    report.status = ReportStatus.SUBMITTED
    assert not may_edit_report(world.users["coordinator"], report)


def test_the_deciding_organisation_prepares_and_issues_its_proposal(world):
    from agreements.access import is_secretary_of, may_issue_proposal

    decision = world.own["decision"]
    assert decision.organisation == world.a
    assert is_secretary_of(world.users["secretary"], decision)
    assert not is_secretary_of(world.users["admin"], decision)
    assert may_issue_proposal(world.users["admin"], decision)
    assert not may_issue_proposal(world.users["coordinator"], decision)


def test_a_superuser_acts_in_every_role_and_others_in_those_they_hold(world):
    from django.contrib.auth import get_user_model

    from agreements.access import acting_roles

    agreement = world.own["agreement"]
    root = get_user_model().objects.create_superuser("root", password="pw-test-1234")
    assert acting_roles(root, agreement) == {"administrator", "coordinator", "secretary"}
    assert acting_roles(world.users["coordinator"], agreement) == {"coordinator"}


@pytest.mark.django_db
def test_the_proposal_button_shows_only_where_the_proposal_page_opens(client):
    """A secretary of the non-profit who administers the region is not offered a proposal
    the proposal page would refuse; a secretary of the region is."""
    world = make_world()
    agreement = world.own["agreement"]
    both = make_member("sekr_b_admin_a", world.b, "secretary")
    Membership.objects.create(user=both, party=world.a, role="administrator")
    detail = reverse("agreements:detail", args=[agreement.pk])
    create = reverse("agreements:proposal_create", args=[agreement.pk])
    for user, offered in ((both, False), (world.users["secretary"], True)):
        client.force_login(user)
        shown = create in client.get(detail).content.decode()
        assert shown is offered
        assert client.get(create).status_code == (200 if offered else 403)
