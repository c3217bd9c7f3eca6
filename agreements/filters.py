"""The agreement list's search and filters, shared by the list page and the exports."""

from django.db.models import Exists, OuterRef

from .calendar import add_months
from .models import Agreement, AgreementParty, AgreementStatus

ENDED = (AgreementStatus.ENDED, AgreementStatus.TERMINATED)


def filter_agreements(queryset, data, today):
    """Apply the cleaned data of an AgreementFilterForm to a queryset of agreements: q (title,
    case number or a party's name), status, party, year (the period covers it) and
    ending_within (months from today; ended and terminated agreements left out)."""
    if data.get("q"):
        q = data["q"]
        # Each field on its own, so that PostgreSQL uses its trigram index (migration 0010).
        matching = (
            Agreement.objects.filter(title__icontains=q)
            .order_by()
            .values("pk")
            .union(
                Agreement.objects.filter(case_number__icontains=q).order_by().values("pk"),
                AgreementParty.objects.filter(party__name__icontains=q)
                .order_by()
                .values("agreement_id"),
            )
        )
        queryset = queryset.filter(pk__in=matching)
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("party"):
        queryset = queryset.filter(
            Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), party=data["party"]))
        )
    if data.get("year"):
        queryset = queryset.filter(
            period_start__year__lte=data["year"], period_end__year__gte=data["year"]
        )
    if data.get("ending_within") is not None:
        until = add_months(today, data["ending_within"])
        queryset = queryset.filter(period_end__gte=today, period_end__lte=until).exclude(
            status__in=ENDED
        )
    return queryset
