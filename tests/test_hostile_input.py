"""Hostile input to every form: never a server error, and a refused form changes nothing.

Hypothesis posts random and hostile values (overlong strings, control characters including
NUL, HTML and SQL fragments, huge numbers, impossible dates, several values for one field)
to every admin add form of the project's models, one row of each inline included, mixed
with valid values so that some posts get past the field checks to the model's rules.

The browser app's forms join through APP_FORMS: a URL name, its arguments and the fields.
Every page that reads a query string (the list's filters, the exports that take them, the
paginated lists, the report form's preselection, the organisation overview's groups) gets
hostile values for each parameter it reads, through QUERY_PAGES: never a server error, and a
GET never changes data.
"""

import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import ContextList
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements.forms import PAGES_MAX_LENGTH, PARAGRAPHS_MAX_LENGTH, MoveForm, SubmitOnceForm
from agreements.models import (
    Agreement,
    CapacityTarget,
    Decision,
    Meeting,
    Obligation,
    ObligationKind,
    Party,
    PartyCorrection,
    Report,
)
from funding.models import IndexSeries, IndexValue, Payment, Share
from tests.factories import make_agreement, make_line, make_member, make_party

PROJECT_APPS = ("agreements", "funding")
EXAMPLES = 15
# Every fuzz run: the same examples each run (reproducible in CI), no time limit per example.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

HOSTILE_FRAGMENTS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 10,
    "\x1b[31m\x07\x08\x7f",
    "\r\n\t\x0b\x0c",
    "\u202e\u200b\ufeff",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE agreements_agreement; --",
    "1 OR 1=1",
    "' UNION SELECT password FROM auth_user --",
    "%s%s%s%n",
    "{{ settings.SECRET_KEY }}",
    "../../etc/passwd",
    '=HYPERLINK("https://example.se","Klicka")',
    "@SUM(A1)",
    "Region\nVästerbotten\r\nBcc: alla@example.se",
    "-1",
    "0",
    "99999999999999999999999999999",
    "-9223372036854775809",
    "9223372036854775808",
    "1e309",
    "1e999999",
    "-1e999999",
    "9" * 60,
    "NaN",
    "-Infinity",
    "3.14159",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "99999-01-01",
    "1900-01-01",
    "9999-12-31",
    "yesterday",
    "[]",
    "{}",
    '{"a": "\\u0000"}',
    '["\\u0000"]',
    "null",
    "true",
    "🙂" * 50,
]


def hostile_text():
    return st.one_of(
        st.sampled_from(HOSTILE_FRAGMENTS),
        st.text(max_size=40),
        st.text(min_size=1, max_size=3).map(lambda s: s * 7000),  # overlong
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.dates().map(lambda d: d.isoformat()),
    )


def hostile_value():
    """One value, or several for the same field (a wrong type for a single-valued field)."""
    return st.one_of(hostile_text(), st.lists(hostile_text(), min_size=2, max_size=3))


def valid_values(form_field):
    """A few values the field accepts, so some posts reach the model's own rules."""
    if getattr(form_field, "regex", None) == SubmitOnceForm.base_fields["submit_token"].regex:
        return ["t" * 43, "u" * 43]  # one-time tokens of a create form
    if isinstance(form_field, forms.ModelChoiceField):
        pks = [str(pk) for pk in form_field.queryset.values_list("pk", flat=True)[:5]]
        return pks or [""]
    if isinstance(form_field, forms.ChoiceField):
        return [str(value) for value, _ in form_field.choices if value != ""][:6] or [""]
    if isinstance(form_field, forms.BooleanField):
        return ["on", ""]
    if isinstance(form_field, forms.DateField):
        return ["2026-01-01", "2028-12-31", "2024-02-29"]
    if isinstance(form_field, (forms.IntegerField, forms.DecimalField)):
        return ["0", "1", "2026", "400000"]
    if isinstance(form_field, forms.EmailField):
        return ["kim@example.se"]
    return ["Svenska Röda Korset", "802002-8711", "403-4849"]


def value_for(form_field):
    return st.one_of(st.sampled_from(valid_values(form_field)), hostile_value())


@dataclass
class Target:
    """A form to attack: where it is, its fields and the fixed fields it needs."""

    url: str
    fields: dict = field(default_factory=dict)  # name -> form field (or None: text)
    fixed: dict = field(default_factory=dict)  # management forms, submit buttons


class _Superuser:
    is_active = is_staff = is_superuser = True

    def has_perm(self, perm, obj=None):
        return True


def admin_add_urls():
    """The add page of every project model whose admin allows adding at all."""
    request = RequestFactory().get("/admin/")
    request.user = _Superuser()
    return sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS and model_admin.has_add_permission(request)
    )


def discover_admin_target(client, url):
    """Read the add form's fields and one row of each inline from the rendered page."""
    response = client.get(url)
    assert response.status_code == 200, url
    target = Target(url=url, fixed={"_save": "Spara"})
    form = response.context["adminform"].form
    for name, form_field in form.fields.items():
        target.fields[name] = form_field
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix = formset.prefix
        target.fixed.update(
            {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        fk_name = getattr(formset, "fk", None) and formset.fk.name
        for name, form_field in formset.form.base_fields.items():
            if name in ("id", "DELETE", fk_name):
                continue
            target.fields[f"{prefix}-0-{name}"] = form_field
    return target


def project_tables():
    models = [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]
    models += [apps.get_model("admin", "LogEntry")]
    return sorted({m._meta.db_table for m in models})


def snapshot(tables):
    """Row counts of every project table, in one query."""
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def context_values(context):
    """Every value a rendered page's templates saw, whatever the template nesting."""
    contexts = context if isinstance(context, ContextList) else [context]
    values = []
    for ctx in contexts:
        values += list(ctx.flatten().values())
    return values


def form_errors(context):
    if context is None:
        return True  # not a form page (e.g. 400 for a request that is too large)
    errors = []
    adminform = context.get("adminform")
    if adminform is not None:
        errors += list(adminform.form.errors.items())
        for inline in context.get("inline_admin_formsets", []):
            errors += [e for e in inline.formset.errors if e]
            errors += list(inline.formset.non_form_errors())
        return errors
    if context.get("conflict"):
        return [context["conflict"]]  # refused: someone else saved first (shown on the page)
    for value in context_values(context):
        if isinstance(value, forms.BaseFormSet) and value.is_bound:
            errors += [e for e in value.errors if e] + list(value.non_form_errors())
        elif isinstance(value, forms.BaseForm) and value.is_bound:
            errors += list(value.errors.items())
    return errors


def attack(client, target, data, tables):
    """Post one example inside a savepoint; check the answer and the database."""
    payload = {**data, **target.fixed}
    sid = transaction.savepoint()
    try:
        before = snapshot(tables)
        # The test client re-raises a view's exception: a would-be 500 fails right here.
        response = client.post(target.url, payload)
        assert response.status_code < 500, (target.url, response.status_code)
        if response.status_code in (200, 400):
            assert snapshot(tables) == before, f"{target.url}: refused form changed data"
            if response.status_code == 200:
                assert form_errors(response.context), f"{target.url}: 200 without errors"
        else:
            assert response.status_code == 302, (target.url, response.status_code)
    finally:
        transaction.savepoint_rollback(sid)


@pytest.fixture
def rows(db):
    """A few rows of every kind the forms refer to, so choice fields have real values."""
    region = make_party("Region Test", kind="region", bankgiro="403-4849")
    nonprofit = make_party("Förening Test")
    agreement = make_agreement(region, nonprofit, case_number="RT 2026-1")
    line = make_line(agreement, region, {2026: 100_000})
    series = IndexSeries.objects.create(name="LPIK exklusive läkemedel")
    index_value = IndexValue.objects.create(
        series=series,
        year=2027,
        percent="3.000",
        status="preliminary",
        published_on="2026-10-15",
        source="SKR",
    )
    decision = Decision.objects.create(organisation=region, body="Nämnden")
    decision.agreements.add(agreement)
    decided = Decision.objects.create(
        organisation=region,
        body="Nämnden",
        outcome="approved",
        decided_on="2026-01-10",
        paragraph="3",
    )
    decided.agreements.add(agreement)
    CapacityTarget.objects.create(agreement=agreement, description="barn", quantity=70)
    report = Report.objects.create(
        agreement=agreement, party=nonprofit, year=2026, period="T1", due_date="2026-05-31"
    )
    meeting = Meeting.objects.create(agreement=agreement, date="2026-03-01", called_by=region)
    payment = Payment.objects.create(line=line, year=2026, paid_on="2026-02-01", amount=50_000)
    correction = PartyCorrection.objects.create(
        party=nonprofit,
        organisation=region,
        proposed_at="2026-03-01T12:00:00Z",
        values={"name": "Förening Rättad", "bankgiro": "5050-1055"},
        before={"name": nonprofit.name, "bankgiro": ""},
    )
    return {
        "agreement": agreement,
        "line": line,
        "decision": decision,
        "decided": decided,
        "region": region,
        "report": report,
        "meeting": meeting,
        "payment": payment,
        "series": series,
        "index_value": index_value,
        "nonprofit": nonprofit,
        "correction": correction,
    }


@pytest.fixture
def admin_client_(rows, superuser):
    client = Client()
    client.force_login(superuser)
    return client


def run_fuzz(client, target):
    tables = project_tables()
    strategy = st.fixed_dictionaries({name: value_for(f) for name, f in target.fields.items()})

    @FUZZ
    @given(data=strategy)
    def fuzz(data):
        attack(client, target, data, tables)

    fuzz()


def test_every_project_model_has_an_admin_add_form():
    assert len(admin_add_urls()) >= 12


@pytest.mark.parametrize("url", admin_add_urls())
def test_admin_add_form_survives_hostile_input(admin_client_, url):
    target = discover_admin_target(admin_client_, url)
    assert target.fields, url
    # PostgreSQL refuses NUL in text: it must come back as a form error, not a 500.
    attack(admin_client_, target, dict.fromkeys(target.fields, "a\x00b"), project_tables())
    run_fuzz(admin_client_, target)


def discover_app_target(client, url):
    """Read the forms and formsets (one row each) an app page renders for POSTing."""
    response = client.get(url)
    assert response.status_code == 200, url
    target = Target(url=url)
    for value in context_values(response.context):
        if isinstance(value, forms.BaseFormSet):
            prefix = value.prefix
            target.fixed.update(
                {
                    f"{prefix}-TOTAL_FORMS": "1",
                    f"{prefix}-INITIAL_FORMS": "0",
                    f"{prefix}-MIN_NUM_FORMS": "0",
                    f"{prefix}-MAX_NUM_FORMS": "1000",
                }
            )
            for name, form_field in value.empty_form.fields.items():
                if name not in ("id", "DELETE"):
                    target.fields[f"{prefix}-0-{name}"] = form_field
        elif isinstance(value, forms.BaseForm):
            for name, form_field in value.fields.items():
                target.fields[value.add_prefix(name)] = form_field
    return target


# The browser app's forms that write: URL name and a function of the rows giving its arguments.
# Posted as a superuser, who may use every one of them.
APP_FORMS = [
    ("agreements:create", lambda r: []),
    ("agreements:edit", lambda r: [r["agreement"].pk]),
    ("funding:lines", lambda r: [r["agreement"].pk]),
    ("agreements:obligations", lambda r: [r["agreement"].pk]),
    ("agreements:sections", lambda r: [r["agreement"].pk]),
    ("agreements:signatories", lambda r: [r["agreement"].pk]),
    ("agreements:contributions", lambda r: [r["agreement"].pk]),
    ("agreements:proposal_create", lambda r: [r["agreement"].pk]),
    ("agreements:meeting_create", lambda r: [r["agreement"].pk]),
    ("funding:payments", lambda r: [r["agreement"].pk]),
    ("agreements:proposal_edit", lambda r: [r["decision"].pk]),
    ("agreements:decision_record", lambda r: [r["decision"].pk]),
    ("agreements:report_create", lambda r: []),
    ("agreements:party_create", lambda r: []),
    ("agreements:party_edit", lambda r: [r["agreement"].parties.first().party_id]),
    ("agreements:correction", lambda r: [r["correction"].pk]),
    ("funding:payments", lambda r: [r["agreement"].pk]),
    ("funding:index_values", lambda r: []),
    ("funding:index_series", lambda r: [r["series"].pk]),
    ("funding:index_value", lambda r: [r["index_value"].pk]),
    ("funding:index_value_withdraw", lambda r: [r["index_value"].pk]),
    ("agreements:successor", lambda r: [r["agreement"].pk]),
    ("agreements:report", lambda r: [r["report"].pk]),
    ("agreements:report_review", lambda r: [r["report"].pk]),
    ("agreements:report_submit", lambda r: [r["report"].pk]),
    ("agreements:meeting", lambda r: [r["meeting"].pk]),
    ("funding:payment", lambda r: [r["payment"].pk]),
    ("agreements:decision_correct", lambda r: [r["decided"].pk]),
    ("funding:plan", lambda r: [r["line"].pk]),
    ("funding:outside_shares", lambda r: [r["agreement"].pk]),
    ("two_factor:setup", lambda r: []),
    ("agreements:member_invite", lambda r: [r["region"].pk]),
    ("agreements:party_letterhead", lambda r: [r["region"].pk]),
]
# The button a form is sent with, where the page has more than one step.
APP_FORM_BUTTONS = {
    "agreements:decision_correct": {"bekrafta": "1"},
    "agreements:decision_record": {"bekrafta": "1"},
}


def test_a_key_too_large_for_the_database_is_an_invalid_choice(admin_client_, rows):
    # SQLite cannot bind integers beyond 64 bits; Django's many-to-many field used to try.
    url = reverse("admin:agreements_decision_add")
    for key in ("99999999999999999999999999999", "-9223372036854775809"):
        response = admin_client_.post(url, {"organisation": rows["region"].pk, "cites": key})
        assert response.status_code == 200
        assert "cites" in response.context["adminform"].form.errors


@pytest.mark.parametrize("name, args", APP_FORMS, ids=[name for name, _ in APP_FORMS])
def test_app_form_survives_hostile_input(admin_client_, rows, name, args):
    target = discover_app_target(admin_client_, reverse(name, args=args(rows)))
    target.fixed.update(APP_FORM_BUTTONS.get(name, {}))
    assert target.fields, name
    attack(admin_client_, target, dict.fromkeys(target.fields, "a\x00b"), project_tables())
    run_fuzz(admin_client_, target)


def test_correction_proposal_survives_hostile_input(rows):
    """A correction is proposed by a partner, who may not change the record (a superuser
    changes it directly)."""
    partner = make_member("admin_region_test", rows["region"], "administrator")
    client = Client()
    client.force_login(partner)
    url = reverse("agreements:party_correct", args=[rows["nonprofit"].pk])
    target = discover_app_target(client, url)
    assert "bankgiro" in target.fields and "message" in target.fields
    attack(client, target, dict.fromkeys(target.fields, "a\x00b"), project_tables())
    run_fuzz(client, target)


def test_the_code_asked_at_login_survives_hostile_input(rows):
    """The second step of a password login, for a user with an app and recovery codes."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_member("kod_region_test", rows["region"], "administrator")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    StaticDevice.objects.create(user=user, name="reservkoder").token_set.create(token="abcdefgh")
    client = Client()
    client.force_login(user)  # by password: the code is owed
    target = discover_app_target(client, reverse("two_factor:verify"))
    assert "code" in target.fields
    attack(client, target, dict.fromkeys(target.fields, "a\x00b"), project_tables())
    run_fuzz(client, target)
    assert client.get("/").status_code == 302  # no hostile value passed for a code


def hostile_logo():
    """An upload that is no image, starts like one and is not, or is one (with any name)."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    png = BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    content = st.one_of(
        st.binary(max_size=300),
        st.binary(max_size=300).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
        st.binary(max_size=300).map(lambda b: b"\xff\xd8\xff" + b),
        st.binary(max_size=50).map(lambda b: png.getvalue()[:-12] + b),
        st.sampled_from([png.getvalue(), b'<svg onload="alert(1)"/>', b"%PDF-1.7"]),
    )
    return st.builds(SimpleUploadedFile, hostile_text().map(lambda n: n[:200] or "x"), content)


def test_letterhead_survives_hostile_files(admin_client_, rows, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    target = discover_app_target(
        admin_client_, reverse("agreements:party_letterhead", args=[rows["region"].pk])
    )
    assert "logo" in target.fields
    fields = {name: value_for(f) for name, f in target.fields.items() if name != "logo"}
    strategy = st.fixed_dictionaries({**fields, "logo": hostile_logo()})
    tables = project_tables()

    @FUZZ
    @given(data=strategy)
    def fuzz(data):
        attack(admin_client_, target, data, tables)

    fuzz()


def test_member_forms_survive_hostile_input(admin_client_, rows, mailoutbox):
    """A member's role and removal (as a superuser), and the invitation's account form (as
    the anonymous invitee)."""
    from django.utils import timezone

    from agreements.models import Membership
    from agreements.services.members import invite_member

    for role in ("administrator", "secretary"):
        make_member(f"{role}_region_test", rows["region"], role)
    membership = Membership.objects.get(role="secretary")
    for name in ("agreements:member_role", "agreements:member_remove"):
        target = discover_app_target(admin_client_, reverse(name, args=[membership.pk]))
        assert target.fields, name
        attack(admin_client_, target, dict.fromkeys(target.fields, "a\x00b"), project_tables())
        run_fuzz(admin_client_, target)
    invite_member(
        party=rows["region"], email="ny@example.se", role="secretary", by=None, now=timezone.now()
    )
    link = next(w for w in mailoutbox[-1].body.split() if "/inbjudan/" in w)
    invitee = Client()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    target = discover_app_target(invitee, path)
    assert "password1" in target.fields
    attack(invitee, target, dict.fromkeys(target.fields, "a\x00b"), project_tables())
    run_fuzz(invitee, target)


LIST_FILTERS = ("q", "status", "party", "year", "ending_within", "sida")

# URL name, a function of the rows giving its arguments, the query parameters it reads.
QUERY_PAGES = [
    ("agreements:list", lambda r: [], LIST_FILTERS),
    ("funding:export", lambda r: ["agreements", "csv"], (*LIST_FILTERS, "format")),
    ("funding:export", lambda r: ["payments", "xlsx"], LIST_FILTERS),
    ("agreements:todo", lambda r: ["rapporter"], ("sida",)),
    ("agreements:decisions", lambda r: [], ("sida",)),
    ("agreements:reports", lambda r: [], ("sida",)),
    ("agreements:parties", lambda r: [], ("sida",)),
    ("agreements:report_create", lambda r: [], ("ar", "overenskommelse", "period")),
    ("agreements:due_items", lambda r: [r["agreement"].pk], ("nyckel",)),
    ("agreements:todo", lambda r: ["andra-rapporter"], ("sida",)),
    ("funding:organisation", lambda r: [r["region"].pk], ("budget", "betalare", "sida")),
    ("agreements:history", lambda r: [r["agreement"].pk], ("sida",)),
    ("agreements:member_history", lambda r: [r["region"].pk], ("sida",)),
]


@pytest.mark.parametrize(
    "name, args, params", QUERY_PAGES, ids=[f"{n}-{i}" for i, (n, _a, _p) in enumerate(QUERY_PAGES)]
)
def test_page_survives_a_hostile_query_string(admin_client_, rows, name, args, params):
    url = reverse(name, args=args(rows))
    tables = project_tables()
    before = snapshot(tables)

    @FUZZ
    @given(query=st.fixed_dictionaries({}, optional={p: hostile_value() for p in params}))
    def fuzz(query):
        # The test client re-raises a view's exception: a would-be 500 fails right here.
        response = admin_client_.get(url, query)
        assert response.status_code in (200, 400, 404), (url, query, response.status_code)

    fuzz()
    # The bad values the exports used to turn into a server error, each on its own.
    for query in ({"q": "a\x00b"}, {"year": "0000"}, {"ending_within": "99999999999"}):
        assert admin_client_.get(url, query).status_code in (200, 400, 404), (url, query)
    assert snapshot(tables) == before, f"{url}: a GET changed data"


@pytest.mark.parametrize("move", ["propose", "sign"])
def test_life_cycle_step_survives_a_hostile_date(admin_client_, rows, move):
    """The step buttons post a date and the acting party (no page of their own): a wrong one
    refuses the step."""
    url = reverse("agreements:move", args=[rows["agreement"].pk, move])
    fields = MoveForm(parties=Party.objects.all()).fields
    target = Target(url=url, fields={"on": fields["on"], "party": fields["party"]})
    status = rows["agreement"].status
    response = admin_client_.post(url, {"on": "2026-02-30"}, follow=True)
    assert "Datumet är fel" in response.content.decode()
    rows["agreement"].refresh_from_db()
    assert rows["agreement"].status == status
    run_fuzz(admin_client_, target)


def test_due_item_change_survives_hostile_input(admin_client_, rows):
    """Closing or moving a due item: its page is found by the item's key (?nyckel=)."""
    agreement = rows["agreement"]
    Agreement.objects.filter(pk=agreement.pk).update(status="active")
    Obligation.objects.create(
        agreement=agreement,
        kind=ObligationKind.ONE_OFF_REPORT,
        responsible=rows["nonprofit"],
        due_date=date(2026, 6, 30),
    )
    url = reverse("agreements:due_items", args=[agreement.pk])
    key = f"report:{agreement.pk}:2026:{Obligation.objects.get().pk}"
    target = discover_app_target(admin_client_, f"{url}?nyckel={key}")
    target.url = url
    assert {"action", "due_date", "reason", "submit_token"} <= set(target.fields)
    attack(admin_client_, target, dict.fromkeys(target.fields, "a\x00b"), project_tables())
    run_fuzz(admin_client_, target)
    # With the item's key fixed, the posts get past the key to the rest of the form.
    target.fields.pop("key")
    target.fixed["key"] = key
    run_fuzz(admin_client_, target)


def test_hostile_fragments_include_nul_markup_sql_and_bad_dates():
    joined = "".join(HOSTILE_FRAGMENTS)
    for needle in ("\x00", "<script>", "DROP TABLE", "2026-02-30", "1e309", "1e999999", "=HYP"):
        assert needle in joined


# --- Input that must not take the service down ------------------------------------------------

LONG_WORD = "a" * 100_000


def cpu_seconds(fetch):
    """The response of fetch() and the CPU time this process spent on it (the renderer runs
    in the process; CPU time, unlike wall time, does not grow when the machine is busy)."""
    start = time.process_time()
    response = fetch()
    return response, time.process_time() - start


def test_a_100000_letter_word_previews_and_prints_in_under_a_second(admin_client_, rows):
    # Stored as an older version or the admin could store it: the forms now cap the length.
    agreement, decision = rows["agreement"], rows["decision"]
    Agreement.objects.filter(pk=agreement.pk).update(subject=LONG_WORD)
    Decision.objects.filter(pk=decision.pk).update(background=LONG_WORD)
    pages = [
        reverse("documents:agreement_preview", args=[agreement.pk]),
        reverse("documents:agreement_pdf", args=[agreement.pk]),
        reverse("documents:proposal_preview", args=[decision.pk]),
        reverse("documents:proposal_pdf", args=[decision.pk]),
    ]
    admin_client_.get(pages[1])  # the renderer's first start (imports, fonts) is not counted
    for url in pages:
        response, seconds = cpu_seconds(lambda url=url: admin_client_.get(url))
        assert response.status_code == 200, url
        assert seconds < 1, (url, seconds)


# The long texts people type, capped where they type them: URL name, arguments, field, limit.
TEXT_LIMITS = [
    ("agreements:create", lambda r: [], "subject", PARAGRAPHS_MAX_LENGTH),
    ("agreements:edit", lambda r: [r["agreement"].pk], "subject", PARAGRAPHS_MAX_LENGTH),
    ("agreements:edit", lambda r: [r["agreement"].pk], "contributions_intro", 5_000),
    ("agreements:edit", lambda r: [r["agreement"].pk], "renegotiation_text", 5_000),
    ("agreements:obligations", lambda r: [r["agreement"].pk], "description", 5_000),
    ("agreements:obligations", lambda r: [r["agreement"].pk], "parts", 5_000),
    ("agreements:sections", lambda r: [r["agreement"].pk], "body", PAGES_MAX_LENGTH),
    ("agreements:contributions", lambda r: [r["agreement"].pk], "description", 5_000),
    ("agreements:meeting_create", lambda r: [r["agreement"].pk], "participants", 5_000),
    ("agreements:meeting_create", lambda r: [r["agreement"].pk], "minutes", PAGES_MAX_LENGTH),
    ("agreements:meeting", lambda r: [r["meeting"].pk], "minutes", 20_000),
    ("agreements:report", lambda r: [r["report"].pk], "text", 20_000),
    ("agreements:report_review", lambda r: [r["report"].pk], "comment", 5_000),
    ("agreements:proposal_create", lambda r: [r["agreement"].pk], "background", 20_000),
    ("agreements:proposal_edit", lambda r: [r["decision"].pk], "background", 20_000),
    ("agreements:proposal_edit", lambda r: [r["decision"].pk], "proposal_summary", 5_000),
    ("agreements:proposal_edit", lambda r: [r["decision"].pk], "legal_assessment", 5_000),
    ("agreements:proposal_edit", lambda r: [r["decision"].pk], "environmental_impact", 5_000),
    ("agreements:proposal_edit", lambda r: [r["decision"].pk], "union_consultation", 5_000),
    ("agreements:proposal_edit", lambda r: [r["decision"].pk], "follow_up", 5_000),
    ("agreements:proposal_edit", lambda r: [r["decision"].pk], "text", 5_000),  # an item
    ("agreements:decision_record", lambda r: [r["decision"].pk], "summary", 5_000),
    ("funding:lines", lambda r: [r["agreement"].pk], "uplift_rule_text", 5_000),
    ("funding:lines", lambda r: [r["agreement"].pk], "uplift_fallback", 5_000),
]


def errors_of(context, field_name):
    """The errors shown beside field_name in the bound forms and formset rows of a page."""
    forms_seen = []
    for value in context_values(context):
        if isinstance(value, forms.BaseFormSet) and value.is_bound:
            forms_seen += value.forms
        elif isinstance(value, forms.BaseForm) and value.is_bound:
            forms_seen.append(value)
    return [e for form in forms_seen for e in form.errors.get(field_name, [])]


@pytest.mark.parametrize(
    "name, args, field_name, limit",
    TEXT_LIMITS,
    ids=[f"{name}-{field_name}" for name, _a, field_name, _l in TEXT_LIMITS],
)
def test_long_text_is_capped_with_a_message_by_the_field(
    admin_client_, rows, name, args, field_name, limit
):
    url = reverse(name, args=args(rows))
    target = discover_app_target(admin_client_, url)
    posted = next(k for k in target.fields if k == field_name or k.endswith(f"-0-{field_name}"))
    tables = project_tables()
    before = snapshot(tables)
    response = admin_client_.post(url, {**target.fixed, posted: "a" * (limit + 1)})
    assert response.status_code in (200, 400)
    message = f"Texten är för lång: den får ha högst {limit} tecken och har {limit + 1}."
    assert message in errors_of(response.context, field_name)
    assert message in response.content.decode()
    assert snapshot(tables) == before


def test_a_long_search_is_refused_not_run(admin_client_, rows):
    response = admin_client_.get(reverse("agreements:list"), {"q": "a" * 201})
    assert "den får ha högst 200 tecken och har 201" in response.content.decode()


# Numbers beyond what the arithmetic on them can take, refused where they enter:
# URL name, arguments, field, value, the message beside the field.
AMOUNT_TOO_LARGE = "Beloppet får vara högst 1 000 000 000 000 kr."
MONTHS_TOO_MANY = "Ange högst 120 månader (tio år)."
HUGE_NUMBERS = [
    ("funding:lines", "amount_2026", "9" * 60, AMOUNT_TOO_LARGE),
    ("funding:lines", "amount_2026", str(10**12 + 1), AMOUNT_TOO_LARGE),
    ("funding:lines", "period_total", str(10**12 + 1), AMOUNT_TOO_LARGE),
    ("funding:lines", "period_total", "9" * 60, AMOUNT_TOO_LARGE),
    ("funding:payments", "amount", str(10**12 + 1), AMOUNT_TOO_LARGE),
    ("funding:payment", "amount", "9" * 60, AMOUNT_TOO_LARGE),
    ("funding:index_series", "percent", "100.001", "Förändringen får vara högst 100 procent."),
    ("agreements:edit", "notice_months", "32767", MONTHS_TOO_MANY),
    ("agreements:edit", "extension_months", "121", MONTHS_TOO_MANY),
    ("agreements:create", "period_end", "9999-12-31", "Ange ett datum till och med 2200-12-31."),
    ("agreements:create", "period_start", "0001-01-01", "Ange ett datum från 1900-01-01."),
]
HUGE_NUMBER_ARGS = {
    "funding:lines": lambda r: [r["agreement"].pk],
    "funding:payments": lambda r: [r["agreement"].pk],
    "funding:payment": lambda r: [r["payment"].pk],
    "funding:index_series": lambda r: [r["series"].pk],
    "agreements:edit": lambda r: [r["agreement"].pk],
    "agreements:create": lambda r: [],
}


@pytest.mark.parametrize(
    "name, field_name, value, message",
    HUGE_NUMBERS,
    ids=[f"{n}-{f}-{v[:12]}" for n, f, v, _m in HUGE_NUMBERS],
)
def test_a_huge_number_is_refused_beside_its_field(
    admin_client_, rows, name, field_name, value, message
):
    url = reverse(name, args=HUGE_NUMBER_ARGS[name](rows))
    target = discover_app_target(admin_client_, url)
    posted = next(k for k in target.fields if k == field_name or k.endswith(f"-0-{field_name}"))
    tables = project_tables()
    before = snapshot(tables)
    response = admin_client_.post(url, {**target.fixed, posted: value})
    assert response.status_code in (200, 400)
    assert message in errors_of(response.context, field_name)
    assert snapshot(tables) == before


def test_services_that_check_the_model_refuse_huge_numbers_too(rows):
    line, payment = rows["line"], rows["payment"]
    Share(line=line, year=2027, amount=10**12).full_clean()
    with pytest.raises(ValidationError, match=AMOUNT_TOO_LARGE):
        Share(line=line, year=2027, amount=10**12 + 1).full_clean()
    payment.amount = 10**12 + 1
    with pytest.raises(ValidationError, match=AMOUNT_TOO_LARGE):
        payment.full_clean()
    series = IndexSeries.objects.get()
    value = IndexValue(series=series, year=2027, percent=Decimal(100), status="final")
    value.published_on, value.source = date(2026, 10, 1), "SKR"
    value.full_clean()
    value.percent = Decimal("100.001")
    with pytest.raises(ValidationError, match="högst 100 procent"):
        value.full_clean()


def test_a_century_of_the_largest_uplift_still_shows(admin_client_, rows):
    """The largest amount uplifted by the largest index every year of a long agreement: far
    past the 28 digits Decimal's default context rounds to whole kronor."""
    region, nonprofit = make_party(kind="region"), make_party()
    agreement = make_agreement(
        region, nonprofit, start=date(2026, 1, 1), end=date(2125, 12, 31), status="active"
    )
    series = IndexSeries.objects.get()
    IndexValue.objects.create(
        series=series,
        year=2027,
        percent=Decimal(100),
        status="final",
        published_on=date(2027, 3, 1),
        source="SKR",
    )
    make_line(
        agreement,
        region,
        dict.fromkeys(agreement.years, 10**12),
        uplift_series=series,
        uplift_first_year=2027,
        uplift_basis="final",
    )
    for url in (
        reverse("agreements:detail", args=[agreement.pk]),
        reverse("funding:public_json"),
        reverse("funding:export", args=["shares", "csv"]),
    ):
        response = admin_client_.get(url)
        assert response.status_code == 200, url
        b"".join(response.streaming_content) if response.streaming else response.content
