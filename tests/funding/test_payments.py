"""Expected payments and reconciliation: paid, partly paid, unpaid, overdue; refusals."""

from datetime import date

import pytest

from agreements.models import AgreementStatus
from agreements.services import DomainError
from funding import payments as pay
from funding.models import Payment, PaymentPlan
from funding.services import register_payment
from funding.summary import line_expected_payments, lines_queryset
from tests.factories import make_agreement, make_line, make_party

pytestmark = pytest.mark.django_db


def fresh(line):
    return lines_queryset().get(pk=line.pk)


def test_vasterbotten_plan_generates_one_january_payment_a_year(vb):
    line = fresh(vb.funding_lines.get())
    expected = line_expected_payments(line, today=date(2026, 1, 15))
    assert [(e.year, e.due_date, e.amount) for e in expected] == [
        (2026, date(2026, 1, 31), 1_726_000),
        (2027, date(2027, 1, 31), 1_777_780),
        (2028, date(2028, 1, 31), 1_831_113),
    ]
    assert {(e.bankgiro, e.reference) for e in expected} == {("403-4849", "825-V10050")}
    assert [e.status for e in expected] == ["unpaid", "unpaid", "unpaid"]
    assert expected[2].status_basis == "forecast"


def test_partly_paid_then_overdue_then_paid(vb):
    line = vb.funding_lines.get()
    register_payment(
        line=line, year=2026, paid_on=date(2026, 1, 20), amount=1_000_000, reference="A", by=None
    )
    (e2026, *_) = line_expected_payments(fresh(line), today=date(2026, 1, 25))
    assert (e2026.status, e2026.paid, e2026.outstanding) == ("partly_paid", 1_000_000, 726_000)
    (e2026, *_) = line_expected_payments(fresh(line), today=date(2026, 2, 1))
    assert e2026.status == "overdue"
    assert e2026.status_label == "försenad (delvis betald)"
    register_payment(line=line, year=2026, paid_on=date(2026, 2, 2), amount=726_000, reference="")
    (e2026, *_) = line_expected_payments(fresh(line), today=date(2026, 2, 3))
    assert (e2026.status, e2026.outstanding) == ("paid", 0)


def test_overpayment_is_refused_and_nothing_is_saved(vb):
    line = vb.funding_lines.get()
    register_payment(line=line, year=2027, paid_on=date(2027, 1, 10), amount=1_777_000)
    with pytest.raises(DomainError) as error:
        register_payment(line=line, year=2027, paid_on=date(2027, 1, 11), amount=781)
    assert "med 1\u00a0kr" in str(error.value)
    assert Payment.objects.filter(line=line).count() == 1
    # The exact rest is accepted: 1 777 780 − 1 777 000 = 780.
    register_payment(line=line, year=2027, paid_on=date(2027, 1, 11), amount=780)


def test_payment_to_a_closed_agreement_is_refused(vb):
    line = vb.funding_lines.get()
    for status in (AgreementStatus.ENDED, AgreementStatus.TERMINATED):
        vb.status = status
        vb.save()
        with pytest.raises(DomainError, match="inga fler betalningar"):
            register_payment(line=line, year=2026, paid_on=date(2026, 1, 20), amount=1)
    assert not Payment.objects.exists()


def test_payment_for_a_year_without_amount_is_refused(vb):
    with pytest.raises(DomainError, match="inget belopp för 2030"):
        register_payment(line=vb.funding_lines.get(), year=2030, paid_on=date(2030, 1, 1), amount=1)
    with pytest.raises(DomainError):
        register_payment(line=vb.funding_lines.get(), year=2026, paid_on=date(2026, 1, 1), amount=0)
    assert not Payment.objects.exists()


def test_quarterly_instalments_sum_exactly_and_settle_in_order(db):
    region, org = make_party(kind="region"), make_party()
    agreement = make_agreement(region, org, status=AgreementStatus.ACTIVE)
    line = make_line(agreement, region, {2026: 1_000_001}, receiver=org)
    PaymentPlan.objects.create(
        line=line,
        installments_per_year=4,
        first_month=2,
        due_day=31,
        bankgiro="403-4849",
    )
    register_payment(line=line, year=2026, paid_on=date(2026, 2, 1), amount=300_000)
    expected = line_expected_payments(fresh(line), today=date(2026, 3, 1))
    assert [e.due_date for e in expected] == [
        date(2026, 2, 28),
        date(2026, 5, 31),
        date(2026, 8, 31),
        date(2026, 11, 30),
    ]
    assert [e.amount for e in expected] == [250_000, 250_000, 250_000, 250_001]
    assert sum(e.amount for e in expected) == 1_000_001
    assert [e.status for e in expected] == ["paid", "partly_paid", "unpaid", "unpaid"]
    assert [e.outstanding for e in expected] == [0, 200_000, 250_000, 250_001]


def test_pure_reconcile_and_overpayment():
    plan = pay.Plan(2, 1, 15, "403-4849", "R")
    result = pay.reconciled_for_year(plan, 2026, 100, 0, date(2026, 1, 16))
    assert [(e.due_date, e.amount) for e in result] == [
        (date(2026, 1, 15), 50),
        (date(2026, 7, 15), 50),
    ]
    assert [r.status for r in result] == ["overdue", "unpaid"]
    # 60 paid of 100 in 4 instalments due on the 31st (the month's last day): in order.
    plan = pay.Plan(4, 2, 31, "403-4849", "R")
    result = pay.reconciled_for_year(plan, 2026, 100, 60, date(2026, 6, 1))
    assert [(e.due_date, e.amount, e.paid, e.status) for e in result] == [
        (date(2026, 2, 28), 25, 25, "paid"),
        (date(2026, 5, 31), 25, 25, "paid"),
        (date(2026, 8, 31), 25, 10, "partly_paid"),
        (date(2026, 11, 30), 25, 0, "unpaid"),
    ]
    assert pay.overpayment(100, 60, 40) == 0
    assert pay.overpayment(100, 60, 41) == 1


def test_instalments_book_the_paid_total_in_due_date_order():
    # Four instalments from March, due on the 31st: June and December end earlier.
    assert pay.instalments(4, 3, 31, 2026, 1_001, 300, date(2026, 7, 1)) == [
        (1, date(2026, 3, 31), 250, 250, "paid"),
        (2, date(2026, 6, 30), 250, 50, "overdue"),
        (3, date(2026, 9, 30), 250, 0, "unpaid"),
        (4, date(2026, 12, 31), 251, 0, "unpaid"),
    ]
    assert pay.instalments(1, 5, 15, 2026, 100, 40, date(2026, 1, 1)) == [
        (1, date(2026, 5, 15), 100, 40, "partly_paid"),
    ]
