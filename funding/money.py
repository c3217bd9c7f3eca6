"""Money arithmetic: one rounding rule for the whole app.

Amounts are whole kronor (int). Intermediate products are Decimal; never float.
"""

from decimal import ROUND_HALF_UP, Decimal

ONE = Decimal(1)
HUNDRED = Decimal(100)


def to_decimal(value):
    """A Decimal from int, str or Decimal; floats are refused so no binary error creeps in."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return value if isinstance(value, Decimal) else Decimal(value)


def round_kronor(value):
    """Round to whole kronor, half up (0.5 kr -> 1 kr), as Swedish accounting does."""
    return int(to_decimal(value).quantize(ONE, rounding=ROUND_HALF_UP))


def factor(percent):
    """1 + percent/100 as an exact Decimal (3.000 % -> 1.03000)."""
    return ONE + to_decimal(percent) / HUNDRED


def split_evenly(amount, parts):
    """Split whole kronor into parts that sum exactly; the remainder goes to the last part."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    each = amount // parts
    return [each] * (parts - 1) + [amount - each * (parts - 1)]


def format_kr(amount):
    """'1 726 000 kr' for plain-text use (mail, explanations); templates use the kr filter."""
    value = int(amount)
    sign = "−" if value < 0 else ""
    return f"{sign}{abs(value):,}".replace(",", "\u202f") + "\u00a0kr"


def format_exact(value):
    """'1 831 113,40' – an unrounded product with öre, for the explanation table."""
    text = f"{to_decimal(value):,.2f}"
    return text.replace(",", "\u202f").replace(".", ",").replace("-", "−")


def format_percent(percent):
    """'3,000 %' with a decimal comma and three decimals."""
    text = f"{to_decimal(percent):.3f}".replace(".", ",").replace("-", "−")
    return f"{text}\u00a0%"


def format_factor(percent):
    """'1,03000' for the explanation table."""
    return f"{factor(percent):.5f}".replace(".", ",")
