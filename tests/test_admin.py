"""Every admin changelist, add, change and history page loads for the superuser; bad input
in the admin gets a form error, never a server error, and changes nothing."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from agreements.models import Agreement, Party
from funding.models import FundingLine, Share

pytestmark = pytest.mark.django_db

MODELS = [
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in {"agreements", "funding"}
]


@pytest.fixture
def su_client(client, superuser, demo):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_changelist_add_change_and_history_load(su_client, app, model):
    for params in ({}, {"q": "Röda"}):
        response = su_client.get(reverse(f"admin:{app}_{model}_changelist"), params)
        assert response.status_code == 200
    # Issued documents, reminder logs and calendar feeds are never added by hand: 403.
    response = su_client.get(reverse(f"admin:{app}_{model}_add"))
    assert response.status_code in (200, 403)
    model_class = apps.get_model(app, model)
    obj = model_class.objects.first()
    if obj is not None:
        response = su_client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))
        assert response.status_code == 200
        response = su_client.get(reverse(f"admin:{app}_{model}_history", args=[obj.pk]))
        assert response.status_code == 200


def test_every_model_with_demo_rows_is_covered():
    covered = {m for _, m in MODELS}
    for name in [
        "agreement",
        "party",
        "decision",
        "fundingline",
        "share",
        "paymentplan",
        "indexvalue",
        "obligation",
        "agreementparty",
        "report",
        "meeting",
        "payment",
    ]:
        assert name in covered


def test_agreement_changelist_is_in_swedish(su_client):
    response = su_client.get(reverse("admin:agreements_agreement_changelist"))
    content = response.content.decode()
    assert "Överenskommelser" in content or "överenskommelse" in content
    assert "Barnverksamhet vid Röda Korsets behandlingscentrum i Malmö" in content


def test_history_records_who_changed_what(su_client, superuser):
    party = Party.objects.get(org_number="232100-0222")
    url = reverse("admin:agreements_party_change", args=[party.pk])
    data = {
        "name": "Region Västerbotten",
        "kind": "region",
        "org_number": "232100-0222",
        "unit": "Hälso- och sjukvården",
        "address_line": "",
        "postal_code": "901 89",
        "city": "Umeå",
        "bankgiro": "",
        "email": "",
        "phone": "",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    # Existing inline rows must be posted back unchanged.
    contacts = list(party.contacts.all())
    data["contacts-TOTAL_FORMS"] = data["contacts-INITIAL_FORMS"] = str(len(contacts))
    for i, c in enumerate(contacts):
        data.update(
            {
                f"contacts-{i}-id": c.pk,
                f"contacts-{i}-party": party.pk,
                f"contacts-{i}-name": c.name,
                f"contacts-{i}-title": c.title,
                f"contacts-{i}-email": c.email,
                f"contacts-{i}-phone": c.phone,
            }
        )
    members = list(party.memberships.all())
    data["memberships-TOTAL_FORMS"] = data["memberships-INITIAL_FORMS"] = str(len(members))
    for i, m in enumerate(members):
        data.update(
            {
                f"memberships-{i}-id": m.pk,
                f"memberships-{i}-party": party.pk,
                f"memberships-{i}-user": m.user_id,
                f"memberships-{i}-role": m.role,
            }
        )
    response = su_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    last = party.history.first()
    assert last.history_user == superuser
    assert last.unit == "Hälso- och sjukvården"
    delta = last.diff_against(last.prev_record)
    assert [c.field for c in delta.changes] == ["unit"]
    history_page = su_client.get(reverse("admin:agreements_party_history", args=[party.pk]))
    assert "root" in history_page.content.decode()


def _agreement_post(agreement, **overrides):
    data = {
        "title": agreement.title,
        "case_number": agreement.case_number,
        "status": agreement.status,
        "subject": agreement.subject,
        "period_start": agreement.period_start.isoformat(),
        "period_end": agreement.period_end.isoformat(),
        "extension_months": agreement.extension_months or "",
        "notice_months": agreement.notice_months or "",
        "contributions_intro": agreement.contributions_intro,
        "renegotiation_text": agreement.renegotiation_text,
        "predecessor": agreement.predecessor_id or "",
        "predecessor_relation": agreement.predecessor_relation,
    }
    for prefix in [
        "parties",
        "sections",
        "obligations",
        "capacity_targets",
        "exclusions",
        "funding_lines",
        "decisionagreement_set",
    ]:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update(overrides)
    return data


def test_admin_add_with_end_before_start_shows_swedish_error(su_client):
    before = Agreement.objects.count()
    data = _agreement_post(
        Agreement.objects.first(),
        title="Ny",
        case_number="",
        period_start="2027-01-01",
        period_end="2026-01-01",
        predecessor="",
        predecessor_relation="",
    )
    response = su_client.post(reverse("admin:agreements_agreement_add"), data)
    assert response.status_code == 200
    assert "Slutdatum kan inte ligga före startdatum." in response.content.decode()
    assert Agreement.objects.count() == before


def test_admin_saves_a_second_agreement_of_the_same_case(su_client):
    first = Agreement.objects.order_by("pk").first()
    first.case_number = "RS 2020/1"
    first.save()
    data = _agreement_post(first, title="Kopia", predecessor="", predecessor_relation="")
    response = su_client.post(reverse("admin:agreements_agreement_add"), data)
    assert response.status_code == 302
    assert Agreement.objects.filter(case_number="RS 2020/1").count() == 2


def test_admin_wrong_org_number_refused(su_client):
    data = {
        "name": "Fel",
        "kind": "nonprofit",
        "org_number": "802002-8712",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    count = Party.objects.count()
    response = su_client.post(reverse("admin:agreements_party_add"), data)
    assert response.status_code == 200
    assert "kontrollsiffran stämmer inte" in response.content.decode()
    assert Party.objects.count() == count


def test_admin_share_for_non_party_and_negative_amount_refused(su_client):
    skane = Agreement.objects.get(period_start__year=2021)
    vasterbotten = Party.objects.get(org_number="232100-0222")
    data = {
        "agreement": skane.pk,
        "party": vasterbotten.pk,
        "kind": "cash",
        "purpose": "",
        "budget": "",
        "period_total": "",
        "uplift_series": "",
        "uplift_first_year": "",
        "uplift_basis": "",
        "uplift_published_month": "",
        "uplift_fallback": "",
        "shares-TOTAL_FORMS": "1",
        "shares-INITIAL_FORMS": "0",
        "shares-0-year": "2021",
        "shares-0-amount": "-5",
        "payment_plan-TOTAL_FORMS": "0",
        "payment_plan-INITIAL_FORMS": "0",
        "payments-TOTAL_FORMS": "0",
        "payments-INITIAL_FORMS": "0",
    }
    lines, shares = FundingLine.objects.count(), Share.objects.count()
    response = su_client.post(reverse("admin:funding_fundingline_add"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Organisationen är inte part i överenskommelsen." in content
    assert (FundingLine.objects.count(), Share.objects.count()) == (lines, shares)


def test_admin_duplicate_share_year_refused(su_client):
    line = FundingLine.objects.get(party__name="Region Skåne")
    shares = list(line.shares.all())
    data = {
        "agreement": line.agreement_id,
        "party": line.party_id,
        "kind": "cash",
        "purpose": "",
        "budget": line.budget,
        "period_total": "",
        "uplift_series": "",
        "uplift_first_year": "",
        "uplift_basis": "",
        "uplift_published_month": "",
        "uplift_fallback": "",
        "shares-TOTAL_FORMS": str(len(shares) + 1),
        "shares-INITIAL_FORMS": str(len(shares)),
        "payment_plan-TOTAL_FORMS": "0",
        "payment_plan-INITIAL_FORMS": "0",
        "payments-TOTAL_FORMS": "0",
        "payments-INITIAL_FORMS": "0",
    }
    for i, s in enumerate(shares):
        data.update(
            {
                f"shares-{i}-id": s.pk,
                f"shares-{i}-line": line.pk,
                f"shares-{i}-year": s.year,
                f"shares-{i}-amount": s.amount,
            }
        )
    n = len(shares)
    data.update(
        {f"shares-{n}-year": "2021", f"shares-{n}-amount": "1", f"shares-{n}-line": line.pk}
    )
    response = su_client.post(reverse("admin:funding_fundingline_change", args=[line.pk]), data)
    assert response.status_code == 200
    assert line.shares.count() == n


def test_agreement_and_decision_admin_link_to_their_documents(su_client):
    from agreements.models import Decision

    agreement = Agreement.objects.get(period_start__year=2026)
    page = su_client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk]))
    assert reverse("documents:agreement_pdf", args=[agreement.pk]) in page.content.decode()
    decision = Decision.objects.exclude(proposal_date=None).get()
    page = su_client.get(reverse("admin:agreements_decision_change", args=[decision.pk]))
    assert reverse("documents:proposal_preview", args=[decision.pk]) in page.content.decode()
