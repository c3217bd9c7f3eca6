"""Swedish organisation numbers and bankgiro numbers, on top of python-stdnum."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

_DASHES = re.compile(r"[\s\-\u2010-\u2015]")  # the seeds print en dashes: 802002–8711


def clean_digits(value):
    return _DASHES.sub("", value or "")


def normalize_org_number(value):
    """Return NNNNNN-NNNN, or raise ValidationError with a Swedish message."""
    digits = clean_digits(value)
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
