"""Yearly index uplift of a base amount (pure arithmetic; texts translated by funding.texts).

Rule: the amount for year Y is the base amount for Y uplifted by each year's index value from
the first uplift year up to Y, compounded, and rounded to whole kronor once per year:

    a(first-1) = base;  a(y) = round(a(y-1) × (1 + p(y)/100))   for first <= y <= Y

Which index value counts for a year is part of the agreement's rule: the preliminary value
(optionally the one published in a given month of the year before, as Västerbotten's
agreement says "published in October") or the final one. A year without a value that counts is
a forecast: the amount is computed on a stated assumption and marked as such, never on a
silent zero.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .money import (
    factor,
    format_exact,
    format_factor,
    format_kr,
    format_percent,
    round_kronor,
    to_decimal,
)
from .texts import gettext as _
from .texts import gettext_noop, month_name

PRELIMINARY = "preliminary"
FINAL = "final"
FIXED = "fixed"
FORECAST = "forecast"

# Marked for translation here, translated where shown (status_label, the exports).
STATUS_LABELS = {
    FIXED: gettext_noop("fast belopp"),
    PRELIMINARY: gettext_noop("enligt preliminärt index"),
    FINAL: gettext_noop("enligt slutligt index"),
    FORECAST: gettext_noop("prognos"),
}
VALUE_LABELS = {PRELIMINARY: gettext_noop("preliminärt"), FINAL: gettext_noop("slutligt")}


def is_example_source(source):
    """Whether an index value's source marks it as an example, not a published figure."""
    return "exempel" in source.lower()


@dataclass(frozen=True)
class IndexPoint:
    """One published (or entered) index value: the yearly change in percent."""

    year: int
    percent: Decimal
    status: str
    published_on: date | None = None
    source: str = ""

    @property
    def is_example(self):
        return is_example_source(self.source)

    @property
    def label(self):
        values = {
            "year": self.year,
            "percent": format_percent(self.percent),
            "status": _(VALUE_LABELS[self.status]),
            "date": self.published_on.isoformat() if self.published_on else "",
        }
        if self.published_on:
            return _("%(year)s: %(percent)s (%(status)s, publicerat %(date)s)") % values
        return _("%(year)s: %(percent)s (%(status)s)") % values


@dataclass(frozen=True)
class UpliftRule:
    first_year: int
    basis: str  # PRELIMINARY or FINAL
    published_month: int | None = None  # month of the year before, for preliminary values

    def __post_init__(self):
        if self.basis not in (PRELIMINARY, FINAL):
            raise ValueError(f"unknown basis {self.basis!r}")
        if self.published_month is not None and not 1 <= self.published_month <= 12:
            raise ValueError("published_month must be 1–12")

    @property
    def description(self):
        year = {"year": self.first_year}
        if self.basis == FINAL:
            return _("slutligt indexvärde för varje år från och med %(year)s") % year
        if self.published_month:
            return _(
                "preliminärt indexvärde för varje år från och med %(year)s, publicerat i "
                "%(month)s året före"
            ) % (year | {"month": month_name(self.published_month)})
        return _("preliminärt indexvärde för varje år från och med %(year)s") % year


@dataclass(frozen=True)
class Step:
    """One year's uplift: before × factor = exact, rounded to after."""

    year: int
    percent: Decimal
    before: int
    exact: Decimal
    after: int
    point: IndexPoint | None  # None when no value at all is known (assumed 0 %)
    assumption: str = ""  # non-empty when the value is assumed (forecast)

    @property
    def factor(self):
        return factor(self.percent)

    @property
    def factor_text(self):
        return format_factor(self.percent)

    @property
    def exact_text(self):
        return format_exact(self.exact)

    @property
    def is_assumed(self):
        return bool(self.assumption)

    @property
    def text(self):
        exact = format_exact(self.exact)
        return (
            f"{format_kr(self.before)} × {self.factor_text} = {exact} kr → {format_kr(self.after)}"
        )


@dataclass(frozen=True)
class YearAmount:
    """A line's amount for one year, with the steps that lead to it."""

    year: int
    base: int
    amount: int
    status: str
    steps: tuple = ()
    alternative_amount: int | None = None  # with final values where the rule used preliminary
    alternative_steps: tuple = field(default=(), compare=False)

    @property
    def status_label(self):
        return _(STATUS_LABELS[self.status])

    @property
    def is_forecast(self):
        return self.status == FORECAST

    @property
    def assumptions(self):
        return [s.assumption for s in self.steps if s.assumption]

    @property
    def assumption(self):
        return "; ".join(self.assumptions)

    @property
    def uses_example(self):
        return any(s.point is not None and s.point.is_example for s in self.steps)

    @property
    def sources(self):
        seen = []
        for s in self.steps:
            if s.point is not None and s.point.source and s.point.source not in seen:
                seen.append(s.point.source)
        return seen

    @property
    def example_sources(self):
        """The sources of the example index values the amount was computed with."""
        return [source for source in self.sources if is_example_source(source)]

    @property
    def difference(self):
        """Final-value amount minus the amount the rule gives (0 when they agree)."""
        if self.alternative_amount is None:
            return 0
        return self.alternative_amount - self.amount

    @property
    def factors_text(self):
        return " × ".join(s.factor_text for s in self.steps)

    @property
    def explanation(self):
        """'1 726 000 kr × 1,03000 = 1 777 780,00 kr → 1 777 780 kr' – checkable by hand."""
        if not self.steps:
            return _("%(amount)s (ingen uppräkning %(year)s)") % {
                "amount": format_kr(self.base),
                "year": self.year,
            }
        text = "; ".join(f"{s.year}: {s.text}" for s in self.steps)
        if self.assumption:
            text += " " + _("(prognos: %(assumption)s)") % {"assumption": self.assumption}
        return text

    @property
    def difference_text(self):
        if not self.difference:
            return ""
        sign = "+" if self.difference > 0 else ""
        return _(
            "Med slutliga indexvärden hade beloppet för %(year)s blivit %(amount)s "
            "(%(difference)s). Avtalets regel använder det preliminära värdet; redan gjorda "
            "betalningar ändras inte."
        ) % {
            "year": self.year,
            "amount": format_kr(self.alternative_amount),
            "difference": sign + format_kr(self.difference),
        }


def _by_year_status(points):
    table = {}
    for p in points:
        table[(p.year, p.status)] = p
    return table


def _counts(point, year, rule):
    """Whether the point is the value the rule names for the year."""
    if point is None or point.status != rule.basis:
        return False
    if rule.basis == PRELIMINARY and rule.published_month and point.published_on:
        return (point.published_on.year, point.published_on.month) == (
            year - 1,
            rule.published_month,
        )
    return True


def value_for(year, rule, points):
    """The index value that counts for the year and, if none, the assumed one.

    Returns (point, percent, assumption). assumption is '' when the point counts under the
    rule; otherwise it states what is assumed and why.
    """
    table = _by_year_status(points)
    own = table.get((year, rule.basis))
    if _counts(own, year, rule):
        return own, own.percent, ""
    if own is not None:
        # A preliminary value published in another month than the rule names.
        values = {
            "year": year,
            "month": month_name(rule.published_month),
            "year_before": year - 1,
            "assumed": own.label,
        }
        return (
            own,
            own.percent,
            _(
                "värdet för %(year)s som regeln anger (%(month)s %(year_before)s) saknas; "
                "antar %(assumed)s"
            )
            % values,
        )
    other_status = FINAL if rule.basis == PRELIMINARY else PRELIMINARY
    other = table.get((year, other_status))
    if other is not None:
        return (
            other,
            other.percent,
            _("%(status)s värde för %(year)s saknas; antar %(assumed)s")
            % {"status": _(VALUE_LABELS[rule.basis]), "year": year, "assumed": other.label},
        )
    earlier = [p for p in points if p.year < year]
    if earlier:
        # The latest year; on that year prefer the value the rule itself uses.
        latest_year = max(p.year for p in earlier)
        same_year = [p for p in earlier if p.year == latest_year]
        latest = next((p for p in same_year if p.status == rule.basis), same_year[0])
        return (
            latest,
            latest.percent,
            _(
                "värdet för %(year)s är inte publicerat; antar samma förändring som det "
                "senast kända värdet, %(assumed)s"
            )
            % {"year": year, "assumed": latest.label},
        )
    return (
        None,
        Decimal(0),
        _(
            "inget indexvärde finns registrerat för %(year)s eller tidigare år; antar 0 %% "
            "tills värdet publiceras"
        )
        % {"year": year},
    )


def _chain(base, year, rule, points, prefer_final=False):
    steps = []
    amount = base
    table = _by_year_status(points)
    for y in range(rule.first_year, year + 1):
        point, percent, assumption = value_for(y, rule, points)
        if prefer_final and (y, FINAL) in table:
            point, percent, assumption = table[(y, FINAL)], table[(y, FINAL)].percent, ""
        exact = to_decimal(amount) * factor(percent)
        after = round_kronor(exact)
        steps.append(Step(y, to_decimal(percent), amount, exact, after, point, assumption))
        amount = after
    return amount, tuple(steps)


def uplifted(base, year, rule, points):
    """The YearAmount for one year of a line: base uplifted under the rule."""
    if rule is None or year < rule.first_year:
        return YearAmount(year=year, base=base, amount=base, status=FIXED)
    points = list(points)
    amount, steps = _chain(base, year, rule, points)
    status = FORECAST if any(s.is_assumed for s in steps) else rule.basis
    alternative, alt_steps = None, ()
    if rule.basis == PRELIMINARY:
        finals = {p.year for p in points if p.status == FINAL}
        if any(s.year in finals for s in steps):
            alternative, alt_steps = _chain(base, year, rule, points, prefer_final=True)
    return YearAmount(
        year=year,
        base=base,
        amount=amount,
        status=status,
        steps=steps,
        alternative_amount=alternative,
        alternative_steps=alt_steps,
    )


def uplift_years(bases, rule, points):
    """{year: base} -> [YearAmount] in year order."""
    points = list(points)
    return [uplifted(base, year, rule, points) for year, base in sorted(bases.items())]
