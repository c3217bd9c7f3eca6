"""Swedish organisation numbers and bankgiro numbers, on top of python-stdnum."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr, personnummer

_DASHES = re.compile(r"[\s\-\u2010-\u2015]")  # the seeds print en dashes: 802002–8711


def clean_digits(value):
    return _DASHES.sub("", value or "")


def is_personal_number(value):
    """Whether value is a person's number (personnummer or samordningsnummer), not an
    organisation's.

    Both kinds pass the organisation number's check digit (the same Luhn sum over ten
    digits), so the check digit cannot tell them apart; the date can. An organisation number
    has 20 or more in the month's place (Skatteverket keeps the third digit at least 2 for
    legal persons), a person's number a birth date, and a samordningsnummer the birth day
    plus 60. A sole trader's organisation number is the owner's personnummer, so it is a
    person's number here too. For example 880320-0016 is a personnummer, 802002-8711
    (Svenska Röda Korset) an organisation number.
    """
    digits = clean_digits(value)
    if len(digits) == 12 and digits[:2] in ("18", "19", "20"):
        digits = digits[2:]  # the twelve-digit form with the century
    if len(digits) != 10 or not digits.isdigit() or not luhn.is_valid(digits):
        return False
    day = int(digits[4:6])
    if day > 60:
        digits = f"{digits[:4]}{day - 60:02d}{digits[6:]}"
    try:
        personnummer.get_birth_date(digits)
    except StdnumError:
        return False
    return True


# Ten digits, or twelve with the century, optionally split before the last four.
_NUMBER_IN_TEXT = re.compile(r"(?<![\d])(?:\d{2})?\d{6}[-+\u2010-\u2015 ]?\d{4}(?![\d])")


def redact_personal_numbers(text, replacement):
    """text with every person's number in it (is_personal_number) replaced."""
    if not text:
        return text
    return _NUMBER_IN_TEXT.sub(
        lambda m: replacement if is_personal_number(m.group()) else m.group(), text
    )


def normalize_org_number(value):
    """Return NNNNNN-NNNN, or raise ValidationError with a Swedish message."""
    digits = clean_digits(value)
    if is_personal_number(digits):
        # The message does not repeat the number: it identifies a person.
        raise ValidationError(
            _(
                "Numret är ett personnummer, inte ett organisationsnummer. En part i en IOP "
                "är en organisation: ange organisationens nummer."
            ),
            code="personal_number",
        )
    try:
        return orgnr.format(orgnr.validate(digits))
    except StdnumError:
        raise ValidationError(
            _("%(value)s är inte ett giltigt organisationsnummer (kontrollsiffran stämmer inte)."),
            code="invalid_org_number",
            params={"value": value},
        ) from None


def normalize_bankgiro(value):
    """Return a bankgiro as NNN-NNNN or NNNN-NNNN, or raise ValidationError."""
    digits = clean_digits(value)
    if not digits.isdigit() or len(digits) not in (7, 8) or not luhn.is_valid(digits):
        raise ValidationError(
            _("%(value)s är inte ett giltigt bankgironummer (kontrollsiffran stämmer inte)."),
            code="invalid_bankgiro",
            params={"value": value},
        )
    return f"{digits[:-4]}-{digits[-4:]}"


def validate_org_number(value):
    normalize_org_number(value)


def validate_bankgiro(value):
    normalize_bankgiro(value)
