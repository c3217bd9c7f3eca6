"""Case numbers (diarienummer): each organisation's own.

A case number is the registering organisation's number for its case. Several agreements of
one case carry the same number, and another organisation's registry may hold the same string
for a case of its own, so a number is not unique in the system. A number already on another
agreement of the user's own organisations is worth a question (a typo, or the same case?),
asked of those agreements only: that another organisation uses a number is never told.
"""


def sharing_case_number(agreements, case_number, *, exclude=None):
    """The agreements among `agreements` (those of the user's own organisations) with the
    same case number, letter case aside; none for an empty number. `exclude`: the agreement
    being edited."""
    number = (case_number or "").strip()
    if not number:
        return agreements.none()
    found = agreements.filter(case_number__iexact=number)
    if exclude is not None and exclude.pk:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("-period_start", "title", "pk")
