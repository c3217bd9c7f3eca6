from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import FundingLine, IndexSeries, IndexValue, Payment, PaymentPlan, Share


class IndexValueInline(admin.TabularInline):
    model = IndexValue
    extra = 0


@admin.register(IndexSeries)
class IndexSeriesAdmin(SimpleHistoryAdmin):
    list_display = ["name", "owner", "publisher"]
    list_select_related = ["owner"]
    search_fields = ["name", "publisher", "owner__name"]
    autocomplete_fields = ["owner"]
    inlines = [IndexValueInline]


@admin.register(IndexValue)
class IndexValueAdmin(SimpleHistoryAdmin):
    # By the parents' names and order; the models' own go by the parent's id (no join).
    ordering = ("series__name", "year", "status")
    list_display = ["series", "year", "percent", "status", "published_on", "source"]
    list_filter = ["series", "status", "year"]
    search_fields = ["source", "series__name"]
    list_select_related = ["series"]


class ShareInline(admin.TabularInline):
    model = Share
    extra = 0


class PaymentPlanInline(admin.StackedInline):
    model = PaymentPlan
    extra = 0


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0


@admin.register(FundingLine)
class FundingLineAdmin(SimpleHistoryAdmin):
    ordering = ("-agreement__period_start", "agreement__title", "agreement_id", "position", "id")
    list_display = ["party", "agreement", "kind", "purpose", "budget", "uplift_series"]
    list_filter = ["kind", "party__kind", "uplift_series"]
    search_fields = ["party__name", "agreement__title", "purpose", "budget"]
    list_select_related = ["party", "agreement", "uplift_series"]
    autocomplete_fields = ["agreement", "party", "receiver"]
    inlines = [ShareInline, PaymentPlanInline, PaymentInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "agreement",
                    "party",
                    "receiver",
                    "kind",
                    "purpose",
                    "budget",
                    "period_total",
                ]
            },
        ),
        (
            _("Indexuppräkning"),
            {
                "fields": [
                    "uplift_series",
                    "uplift_first_year",
                    "uplift_basis",
                    "uplift_published_month",
                    "uplift_fallback",
                ]
            },
        ),
    ]


@admin.register(Share)
class ShareAdmin(SimpleHistoryAdmin):
    ordering = ("-line__agreement__period_start", "line__agreement__title", "line_id", "year")
    list_display = ["line", "year", "amount"]
    list_filter = ["year", "line__kind"]
    search_fields = ["line__party__name", "line__agreement__title"]
    list_select_related = ["line__party", "line__agreement"]
    autocomplete_fields = ["line"]


@admin.register(PaymentPlan)
class PaymentPlanAdmin(SimpleHistoryAdmin):
    list_display = [
        "line",
        "installments_per_year",
        "first_month",
        "bankgiro",
        "reference",
    ]
    search_fields = ["reference", "bankgiro", "line__receiver__name"]
    list_select_related = ["line__party", "line__agreement"]
    autocomplete_fields = ["line"]


@admin.register(Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    list_display = ["paid_on", "line", "year", "amount", "reference"]
    list_filter = ["year"]
    date_hierarchy = "paid_on"
    search_fields = ["reference", "line__party__name", "line__agreement__title"]
    list_select_related = ["line__party", "line__agreement"]
    autocomplete_fields = ["line"]
