"""Money arithmetic: one rounding rule for the whole app.

Amounts are whole kronor (int). Intermediate products are Decimal; never float.
"""

from decimal import ROUND_HALF_UP, Context, Decimal

ONE = Decimal(1)
HUNDRED = Decimal(100)
# The largest amount the app takes for a share, a period or a payment: a thousand billion
# kronor, more than any one agreement. Sums of many stay far inside the database's 64-bit
# integers (SQLite's SUM stops with an error past them).
MAX_AMOUNT = 10**12


def to_decimal(value):
    """A Decimal from int, str or Decimal; floats are refused so no binary error creeps in."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return value if isinstance(value, Decimal) else Decimal(value)


def round_kronor(value):
    """Round to whole kronor, half up (0.5 kr -> 1 kr), as Swedish accounting does."""
    value = to_decimal(value)
    # As many digits as the whole part has: the default context's 28 made quantize refuse an
    # uplifted amount of 10^28 kronor or more (many years of a large index) with an error.
    context = Context(prec=max(28, value.adjusted() + 2))
    return int(value.quantize(ONE, rounding=ROUND_HALF_UP, context=context))


def factor(percent):
    """1 + percent/100 as an exact Decimal (3.000 % -> 1.03000)."""
    return ONE + to_decimal(percent) / HUNDRED


def split_evenly(amount, parts):
    """Split whole kronor into parts that sum exactly; the remainder goes to the last part."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    each = amount // parts
    return [each] * (parts - 1) + [amount - each * (parts - 1)]


NARROW_NBSP = "\u202f"  # thousands separator, as Swedish typography and Skatteverket use
NBSP = "\u00a0"


def group_thousands(amount):
    """1726000 -> '1 726 000' with a true minus; None or "" -> ""."""
    if amount is None or amount == "":
        return ""
    value = int(amount)
    sign = "−" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", NARROW_NBSP)


def format_kr(amount):
    """'1 726 000 kr': the one amount format, in templates as the kr filter; None -> ""."""
    if amount is None or amount == "":
        return ""
    return f"{group_thousands(amount)}{NBSP}kr"


def format_kronor(amount):
    """'1 070 000 kronor', as printed in agreements and proposals; None -> ""."""
    if amount is None or amount == "":
        return ""
    return f"{group_thousands(amount)}{NBSP}kronor"


def format_exact(value):
    """'1 831 113,40' – an unrounded product with öre, for the explanation table."""
    text = f"{to_decimal(value):,.2f}"
    return text.replace(",", NARROW_NBSP).replace(".", ",").replace("-", "−")


def format_percent(percent):
    """'3,000 %' with a decimal comma and three decimals."""
    text = f"{to_decimal(percent):.3f}".replace(".", ",").replace("-", "−")
    return f"{text}\u00a0%"


def format_factor(percent):
    """'1,03000' for the explanation table."""
    return f"{factor(percent):.5f}".replace(".", ",")
