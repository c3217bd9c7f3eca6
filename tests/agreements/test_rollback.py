"""Multi-row saves are all or nothing: an error in the middle leaves nothing half-saved."""

from datetime import date

import pytest
from django.db import IntegrityError
from django.urls import reverse

from agreements.models import Agreement, AgreementParty, CapacityTarget, Report, ReportFigure
from agreements.services import DomainError
from agreements.services.followup import save_report
from funding import services as funding_services
from funding.models import FundingLine, Payment, Share
from funding.services import change_payment, register_payment
from tests.factories import make_world
from tests.forms_html import fresh_token

from .test_locking import agreement_data, funding_data

pytestmark = pytest.mark.django_db(transaction=True)

HANDLED = "Någon annan ändrade samtidigt. Kontrollera och spara igen."


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_world()


def fail_on_save(monkeypatch, model, *, call=2, error=IntegrityError):
    """Make the call-th save of the model raise, after the earlier rows are written."""
    original, calls = model.save, []

    def save(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == call:
            raise error("tvingat fel mitt i sparandet")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(model, "save", save)
    return calls


def snapshot(agreement):
    """Everything an agreement save or a funding save could touch."""
    agreement = Agreement.objects.get(pk=agreement.pk)
    return {
        "agreement": (agreement.title, agreement.version, agreement.funding_version),
        "parties": list(AgreementParty.objects.filter(agreement=agreement).values()),
        "lines": list(FundingLine.objects.filter(agreement=agreement).values()),
        "shares": list(Share.objects.filter(line__agreement=agreement).values()),
        "history": Agreement.history.filter(id=agreement.pk).count(),
        "party_history": AgreementParty.history.filter(agreement_id=agreement.pk).count(),
        "share_history": Share.history.count(),
    }


# --- Agreement with its parties -----------------------------------------------------------


def test_agreement_edit_failing_at_the_second_party_saves_nothing(client, monkeypatch, world):
    agreement = world.own["agreement"]
    before = snapshot(agreement)
    data = agreement_data(
        agreement,
        title="Halvt sparad?",
        **{"parter-0-unit": "Enhet ett", "parter-1-unit": "Enhet två"},
    )
    calls = fail_on_save(monkeypatch, AgreementParty)
    client.force_login(world.users["admin"])

    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)

    assert len(calls) == 2  # the agreement and the first party were written before the error
    assert response.status_code == 200
    assert HANDLED in response.content.decode()
    assert 'value="Halvt sparad?"' in response.content.decode()  # the input is kept
    assert snapshot(agreement) == before


def test_agreement_create_failing_at_a_party_leaves_no_agreement(client, monkeypatch, world):
    from .test_views import agreement_post

    agreements, parties = Agreement.objects.count(), AgreementParty.objects.count()
    fail_on_save(monkeypatch, AgreementParty, call=3)
    client.force_login(world.users["admin"])

    response = client.post(reverse("agreements:create"), agreement_post(world))

    assert response.status_code == 200
    assert HANDLED in response.content.decode()
    assert (Agreement.objects.count(), AgreementParty.objects.count()) == (agreements, parties)
    assert not Agreement.history.filter(title="Tre parter").exists()


def test_an_unexpected_error_in_the_middle_also_rolls_back(client, monkeypatch, world):
    agreement = world.own["agreement"]
    before = snapshot(agreement)
    fail_on_save(monkeypatch, AgreementParty, error=RuntimeError)
    client.force_login(world.users["admin"])
    data = agreement_data(agreement, title="Nej", **{"parter-1-unit": "X", "parter-0-unit": "Y"})
    with pytest.raises(RuntimeError):
        client.post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert snapshot(agreement) == before


# --- Funding lines with their shares ------------------------------------------------------


def test_funding_failing_at_a_share_saves_no_line_and_no_share(client, monkeypatch, world):
    agreement = world.own["agreement"]
    before = snapshot(agreement)
    data = funding_data(agreement)
    n = int(data["rader-TOTAL_FORMS"])
    data |= {
        "rader-TOTAL_FORMS": n + 1,
        "rader-0-amount_2026": "120000",
        f"rader-{n}-party": world.b.pk,
        f"rader-{n}-kind": "cash",
        f"rader-{n}-purpose": "Ny rad",
        f"rader-{n}-amount_2026": "1000",
        f"rader-{n}-amount_2027": "2000",
        f"rader-{n}-amount_2028": "3000",
    }
    calls = fail_on_save(monkeypatch, Share)
    client.force_login(world.users["admin"])

    response = client.post(reverse("funding:lines", args=[agreement.pk]), data)

    assert len(calls) == 2
    assert response.status_code == 200
    assert HANDLED in response.content.decode()
    assert snapshot(agreement) == before
    assert not FundingLine.objects.filter(purpose="Ny rad").exists()


# --- A report with its figures ------------------------------------------------------------


def test_report_failing_at_a_figure_keeps_the_saved_text(monkeypatch, world):
    report = world.own["report"]
    targets = [
        CapacityTarget.objects.create(
            agreement=report.agreement, description=f"mål {i}", quantity=10
        )
        for i in range(2)
    ]
    fail_on_save(monkeypatch, ReportFigure)
    with pytest.raises(IntegrityError):
        save_report(
            report=report,
            text="Ny text",
            figures={targets[0]: 1, targets[1]: 2},
            by=world.users["coordinator"],
            version=1,
        )
    report = Report.objects.get(pk=report.pk)
    assert (report.text, report.version) == ("", 1)
    assert not ReportFigure.objects.filter(report=report).exists()


# --- A payment with its reconciliation ----------------------------------------------------


def failing_reconciliation(monkeypatch, error):
    def reconcile(**kwargs):
        assert Payment.objects.filter(pk=kwargs["payment"].pk).exists()  # written already
        raise error

    monkeypatch.setattr(funding_services, "_reconcile", reconcile)


def payment_post(line, amount):
    return {
        "line": line.pk,
        "year": 2026,
        "paid_on": "2026-03-01",
        "amount": amount,
        **fresh_token(),
    }


def test_payment_registration_failing_at_reconciliation_saves_no_payment(
    client, monkeypatch, world
):
    line = world.own["line"]
    payments = Payment.objects.count()
    failing_reconciliation(monkeypatch, DomainError("Avstämningen gick inte att göra."))
    client.force_login(world.users["admin"])

    response = client.post(
        reverse("funding:payments", args=[line.agreement_id]), payment_post(line, 500)
    )

    assert response.status_code == 400
    assert "Avstämningen gick inte att göra." in response.content.decode()
    assert Payment.objects.count() == payments
    assert not Payment.history.filter(amount=500).exists()


def test_payment_change_failing_at_reconciliation_keeps_the_saved_payment(
    client, monkeypatch, world
):
    payment = world.own["payment"]
    failing_reconciliation(monkeypatch, DomainError("Avstämningen gick inte att göra."))
    client.force_login(world.users["admin"])

    response = client.post(
        reverse("funding:payment", args=[payment.pk]),
        payment_post(payment.line, 700) | {"version": payment.version},
    )

    assert response.status_code == 400
    assert "Avstämningen gick inte att göra." in response.content.decode()
    payment.refresh_from_db()
    assert (payment.amount, payment.paid_on) == (1000, date(2026, 1, 1))


def test_an_unexpected_error_at_reconciliation_rolls_back_both_services(monkeypatch, world):
    line, payment = world.own["line"], world.own["payment"]
    count = Payment.objects.count()
    failing_reconciliation(monkeypatch, RuntimeError("tvingat fel"))
    with pytest.raises(RuntimeError):
        register_payment(line=line, year=2026, paid_on=date(2026, 3, 1), amount=5)
    with pytest.raises(RuntimeError):
        change_payment(
            payment=payment,
            version=1,
            line=line,
            year=2026,
            paid_on=date(2026, 3, 1),
            amount=5,
        )
    assert Payment.objects.count() == count
    payment.refresh_from_db()
    assert payment.amount == 1000


def test_over_payment_found_by_reconciliation_is_rolled_back(world):
    line = world.own["line"]
    count = Payment.objects.count()
    with pytest.raises(DomainError, match="överstiger"):
        register_payment(line=line, year=2026, paid_on=date(2026, 3, 1), amount=100_000)
    assert Payment.objects.count() == count
