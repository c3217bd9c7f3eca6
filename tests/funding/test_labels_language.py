"""Payment states and uplift explanations are shown in the user's language: the pure modules
mark their words for translation and translate them where they are shown."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from funding import payments, uplift
from funding.exports import render


def marked(text):
    """A stand-in translation catalogue: every translated text comes back in «»."""
    return f"«{text}»"


def test_payment_states_are_translated_where_shown(monkeypatch):
    monkeypatch.setattr(payments, "_", marked)
    late = payments.ExpectedPayment(
        year=2026,
        installment=1,
        installments=1,
        due_date=date(2026, 1, 31),
        amount=100,
        bankgiro="",
        reference="",
        status=payments.OVERDUE,
    )
    assert late.status_label == "«försenad»"
    assert payments.ExpectedPayment(**{**late.__dict__, "paid": 40}).status_label == (
        "«försenad (delvis betald)»"
    )


def test_uplift_explanations_are_translated_where_shown(monkeypatch):
    monkeypatch.setattr(uplift, "_", marked)
    rule = uplift.UpliftRule(first_year=2027, basis=uplift.PRELIMINARY, published_month=10)
    assert rule.description == (
        "«preliminärt indexvärde för varje år från och med 2027, publicerat i oktober året före»"
    )
    point = uplift.IndexPoint(2027, Decimal("3.1"), uplift.FINAL, date(2027, 4, 1), "SKR")
    assert point.label == "«2027: 3,100\u00a0% («slutligt», publicerat 2027-04-01)»"
    amount = uplift.YearAmount(year=2027, base=100, amount=103, status=uplift.FORECAST)
    assert amount.status_label == "«prognos»"
    assert amount.explanation == "«100\u00a0kr (ingen uppräkning 2027)»"


def test_uplift_words_are_swedish_in_swedish():
    rule = uplift.UpliftRule(first_year=2027, basis=uplift.PRELIMINARY, published_month=10)
    with translation.override("sv"):
        assert rule.description == (
            "preliminärt indexvärde för varje år från och med 2027, publicerat i oktober året före"
        )
        _point, _percent, assumption = uplift.value_for(2027, rule, [])
        assert assumption == (
            "inget indexvärde finns registrerat för 2027 eller tidigare år; antar 0 % tills "
            "värdet publiceras"
        )


def test_export_file_names_are_in_the_users_language(db):
    from agreements.models import Agreement

    with translation.override("sv"):
        _body, _type, name = render(
            "shares", "csv", Agreement.objects.none(), today=date(2026, 5, 1)
        )
    assert name == "IOP andelar per år 2026-05-01.csv"
