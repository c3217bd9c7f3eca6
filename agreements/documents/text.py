"""Swedish wording for the printed documents: number words, lists, periods and amounts.

Pure functions on plain values, no database: each rule can be read and tested on its own.
"""

from agreements.calendar import MONTH_NAMES
from funding.money import format_kr, format_kronor

# Common gender ("en månad") and neuter ("ett år"); the rest are the same for both.
_WORDS = ["", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"]

MONTHS = MONTH_NAMES  # one list of Swedish month names, in agreements/calendar.py


def number_word(n, *, neuter=False):
    """1–12 in Swedish words (Språkrådet: spell out small numbers in running text), else digits."""
    if 1 <= n <= 12:
        return "ett" if n == 1 and neuter else _WORDS[n]
    return str(n)


def months_phrase(months):
    """'nio månaders', 'en månads'; whole years read as years: 24 -> 'två års'."""
    if months and months % 12 == 0:
        return f"{number_word(months // 12, neuter=True)} års"
    return f"{number_word(months)} {'månads' if months == 1 else 'månaders'}"


def join_words(items):
    """['A', 'B', 'C'] -> 'A, B och C'."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} och {items[-1]}"


def genitive(name):
    """'Region Skåne' -> 'Region Skånes'; names ending in s, x or z take no extra s."""
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


def year_span(years):
    """[2021, 2022, 2023, 2024] -> '2021–2024'; one year -> '2021'."""
    years = sorted(years)
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def date_span(start, end):
    """'2016-01-01 – 2018-12-31' as the seeds cite periods."""
    return f"{start.isoformat()} – {end.isoformat()}"


def amounts_phrase(by_year, *, unit="kronor", label=str):
    """{2021: 400000, …} -> '400 000 kronor per år'; differing years are listed one by one,
    each named by label(year) ('2021', or an agreement year's dates)."""
    fmt = format_kronor if unit == "kronor" else format_kr
    amounts = set(by_year.values())
    if len(amounts) == 1:
        return f"{fmt(amounts.pop())} per år"
    return join_words(f"{fmt(amount)} {label(year)}" for year, amount in sorted(by_year.items()))


def frequency_phrase(installments):
    """How often a yearly amount is paid: 1 -> 'en gång/år'."""
    return {
        1: "en gång/år",
        2: "två gånger/år",
        4: "fyra gånger/år",
        12: "en gång i månaden",
    }.get(installments, f"{number_word(installments, neuter=False)} gånger/år")


def payment_months(first_month, installments):
    """The months a plan pays in, from its first month: (1, 2) -> ['januari', 'juli']."""
    step = 12 // installments if installments and 12 % installments == 0 else 12
    months = sorted({(first_month - 1 + i * step) % 12 + 1 for i in range(12 // step)})
    return [MONTHS[m] for m in months]


_RULE_LEADS = ("uppräknas", "räknas upp", "sker", "årligen", "enligt")


def rule_phrase(text):
    """What an uplift rule without an index follows, as the end of 'räknas upp enligt …':
    'Uppräknas enligt de regler som gäller för detta.' -> 'de regler som gäller för detta'.

    The words people tend to start the rule with are dropped, as is the closing full stop, so
    the printed sentence reads the same however the rule was typed.
    """
    phrase = " ".join(text.split()).rstrip(" .")
    stripped = True
    while stripped:
        stripped = False
        for lead in _RULE_LEADS:
            if phrase.lower().startswith(lead + " "):
                phrase, stripped = phrase[len(lead) + 1 :].lstrip(), True
    return phrase


def chair_proposes(body, chair_name, chair_title):
    """Whether the chair puts the proposal to the deciding body.

    A committee or board (a 'nämnd' or 'styrelse') is put the proposal by its chair when the
    chair signs it, as Region Skåne's Hälso- och sjukvårdsnämnd is ('Ordförandens förslag');
    any other body, or a proposal no chair signs, is put it otherwise ('Förslag till beslut').
    """
    name = (body or "").strip().lower()
    committee = name.endswith(("nämnden", "nämnd", "styrelsen", "styrelse"))
    chaired = bool((chair_name or "").strip()) and (chair_title or "").strip().lower() in (
        "ordförande",
        "ordföranden",
    )
    return committee and chaired
