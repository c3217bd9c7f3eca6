from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from funding.models import FundingLine

from .forms import ModelMultipleChoiceField
from .models import (
    STANDARD_SECTION_HEADINGS,
    Agreement,
    AgreementEvent,
    AgreementParty,
    AgreementSection,
    CalendarFeed,
    CapacityTarget,
    CaseDocument,
    ContactPerson,
    Decision,
    DecisionAgreement,
    DecisionCondition,
    DecisionItem,
    Exclusion,
    Invitation,
    IssuedDocument,
    Meeting,
    Membership,
    Obligation,
    Party,
    PartyCorrection,
    ReminderLog,
    Report,
    ReportAttachment,
    ReportFigure,
    ResourceContribution,
    Signatory,
)

admin.site.site_header = _("IOP – administration")
admin.site.site_title = _("IOP")
admin.site.index_title = _("Idéburet offentligt partnerskap")


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Party)
class PartyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "org_number", "unit", "city", "bankgiro"]
    # Empty "registrerad av": without users of its own, only a superuser changes it.
    list_filter = ["kind", ("registered_by", admin.EmptyFieldListFilter)]
    search_fields = ["name", "org_number", "unit", "city"]
    inlines = [ContactPersonInline, MembershipInline]
    autocomplete_fields = ["registered_by"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "org_number", "unit", "registered_by"]}),
        (
            _("Adress och betalning"),
            {"fields": ["address_line", "postal_code", "city", "bankgiro"]},
        ),
        (_("Kontakt"), {"fields": ["email", "phone"]}),
    ]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "party", "role"]
    list_filter = ["role", "party__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "party__name"]
    autocomplete_fields = ["user", "party"]
    list_select_related = ["user", "party"]


class SectionInline(admin.StackedInline):
    model = AgreementSection
    extra = 0
    fields = ["position", "heading", "body"]


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    min_num = 0
    autocomplete_fields = ["party"]
    fields = ["position", "party", "role", "unit", "short_name"]
    show_change_link = True


class ObligationForm(forms.ModelForm):
    parts = forms.CharField(
        label=_("delar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En del per rad, t.ex. verksamhetsberättelse."),
    )

    class Meta:
        model = Obligation
        exclude: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and isinstance(self.instance.parts, list):
            self.initial["parts"] = "\n".join(self.instance.parts)

    def clean_parts(self):
        raw = self.cleaned_data.get("parts") or ""
        if isinstance(raw, list):
            return raw
        return [line.strip() for line in raw.splitlines() if line.strip()]


class ObligationInline(admin.StackedInline):
    model = Obligation
    form = ObligationForm
    extra = 0
    autocomplete_fields = ["responsible", "recipient"]
    fields = [
        ("kind", "responsible"),
        ("recipient", "recipient_description"),
        "parts",
        ("days_after_period", "due_before_month", "due_before_day", "due_date", "min_per_year"),
        "description",
    ]


class CapacityTargetInline(admin.TabularInline):
    model = CapacityTarget
    extra = 0


class ExclusionInline(admin.TabularInline):
    model = Exclusion
    extra = 0


class FundingLineInline(admin.TabularInline):
    model = FundingLine
    extra = 0
    autocomplete_fields = ["party"]
    fields = ["position", "party", "kind", "purpose", "budget", "period_total", "uplift_series"]
    show_change_link = True


class DecisionAgreementInline(admin.TabularInline):
    model = DecisionAgreement
    extra = 0
    autocomplete_fields = ["agreement"]
    fields = ["position", "agreement"]
    verbose_name = _("överenskommelse")
    verbose_name_plural = _("överenskommelser")


class DecisionInline(admin.TabularInline):
    model = DecisionAgreement
    extra = 0
    autocomplete_fields = ["decision"]
    verbose_name = _("beslut")
    verbose_name_plural = _("beslut")


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "case_number",
        "period_start",
        "period_end",
        "status",
        "party_count",
    ]
    list_filter = ["status", "parties__party__kind", "period_end"]
    search_fields = ["title", "case_number", "subject", "parties__party__name"]
    date_hierarchy = "period_start"
    autocomplete_fields = ["predecessor"]
    inlines = [
        AgreementPartyInline,
        SectionInline,
        ObligationInline,
        CapacityTargetInline,
        ExclusionInline,
        FundingLineInline,
        DecisionInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "case_number", "status", "subject", "documents"]}),
        (
            _("Period, förlängning och uppsägning"),
            {
                "fields": [
                    ("period_start", "period_end"),
                    "extension_months",
                    "notice_months",
                    ("signed_digitally", "signed_on", "terminated_on"),
                ]
            },
        ),
        (_("Villkor i text"), {"fields": ["contributions_intro", "renegotiation_text"]}),
        (_("Föregående överenskommelse"), {"fields": ["predecessor", "predecessor_relation"]}),
    ]
    actions = ["add_standard_sections"]
    readonly_fields = ["documents"]

    @admin.display(description=_("dokument"))
    def documents(self, obj):
        if obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("documents:agreement_preview", args=[obj.pk]),
            _("Förhandsgranska överenskommelsen"),
            reverse("documents:agreement_pdf", args=[obj.pk]),
            _("PDF"),
            reverse("documents:versions", args=[obj.pk]),
            _("Utfärdade versioner"),
        )

    def get_queryset(self, request):
        # Distinct: the party filters join the parties table.
        return super().get_queryset(request).annotate(n_parties=Count("parties", distinct=True))

    @admin.display(description=_("parter"), ordering="n_parties")
    def party_count(self, obj):
        return obj.n_parties

    @admin.action(description=_("Lägg till standardavsnitt som saknas"))
    def add_standard_sections(self, request, queryset):
        for agreement in queryset:
            existing = set(agreement.sections.values_list("heading", flat=True))
            start = agreement.sections.count()
            AgreementSection.objects.bulk_create(
                AgreementSection(agreement=agreement, position=start + i, heading=h)
                for i, h in enumerate(h for h in STANDARD_SECTION_HEADINGS if h not in existing)
            )
        self.message_user(request, _("Standardavsnitten har lagts till."))

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj is None and isinstance(inline, SectionInline) and request.method == "GET":
            kwargs["initial"] = [
                {"position": i, "heading": h} for i, h in enumerate(STANDARD_SECTION_HEADINGS)
            ]
        return kwargs

    def get_inline_instances(self, request, obj=None):
        instances = super().get_inline_instances(request, obj)
        for inline in instances:
            if isinstance(inline, SectionInline):
                inline.extra = len(STANDARD_SECTION_HEADINGS) if obj is None else 0
        return instances


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0


class ResourceContributionInline(admin.TabularInline):
    model = ResourceContribution
    extra = 0


@admin.register(AgreementParty)
class AgreementPartyAdmin(SimpleHistoryAdmin):
    # In the agreements' order; the model's own goes by the agreement's id (no join).
    ordering = ("-agreement__period_start", "agreement__title", "agreement_id", "position")
    list_display = ["party", "agreement", "role", "unit"]
    list_filter = ["role", "party__kind"]
    search_fields = ["party__name", "agreement__title"]
    list_select_related = ["party", "agreement"]
    autocomplete_fields = ["agreement", "party"]
    inlines = [SignatoryInline, ResourceContributionInline]


class DecisionItemInline(admin.TabularInline):
    model = DecisionItem
    extra = 0


class CaseDocumentInline(admin.TabularInline):
    model = CaseDocument
    extra = 0


class DecisionConditionInline(admin.TabularInline):
    model = DecisionCondition
    fk_name = "decision"
    extra = 0
    autocomplete_fields = ["party", "satisfied_by"]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "organisation", "kind", "outcome", "proposal_date", "title"]
    list_filter = ["outcome", "kind", "organisation"]
    search_fields = ["body", "title", "paragraph", "case_number", "organisation__name"]
    date_hierarchy = "decided_on"
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "cites"]
    inlines = [
        DecisionAgreementInline,
        DecisionItemInline,
        CaseDocumentInline,
        DecisionConditionInline,
    ]

    readonly_fields = ["proposal_document"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organisation",
                    "body",
                    "kind",
                    "outcome",
                    "title",
                    "case_number",
                    "proposal_document",
                ]
            },
        ),
        (
            _("Beslutet"),
            {"fields": [("decided_on", "paragraph"), "summary", "cites"]},
        ),
        (
            _("Beslutsförslaget"),
            {
                "fields": [
                    "proposal_date",
                    ("case_officer_name", "case_officer_email"),
                    "document_identifier",
                    "proposal_summary",
                    "background",
                    "legal_assessment",
                    "environmental_impact",
                    "union_consultation",
                    "follow_up",
                    ("chair_name", "chair_title"),
                    ("director_name", "director_title"),
                ]
            },
        ),
    ]

    @admin.display(description=_("beslutsförslag"))
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # A number too large for a key is an invalid choice, not a server error.
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def proposal_document(self, obj):
        if obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("documents:proposal_preview", args=[obj.pk]),
            _("Förhandsgranska beslutsförslaget"),
            reverse("documents:proposal_pdf", args=[obj.pk]),
            _("PDF"),
        )


@admin.register(Obligation)
class ObligationAdmin(SimpleHistoryAdmin):
    ordering = ("-agreement__period_start", "agreement__title", "agreement_id", "kind", "id")
    form = ObligationForm
    list_display = ["kind", "agreement", "responsible", "min_per_year", "due_before_month"]
    list_filter = ["kind"]
    search_fields = ["agreement__title", "responsible__name"]
    list_select_related = ["agreement", "responsible"]
    autocomplete_fields = ["agreement", "responsible", "recipient"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["date", "agreement", "called_by"]
    date_hierarchy = "date"
    search_fields = ["agreement__title", "participants", "minutes"]
    list_select_related = ["agreement", "called_by"]
    autocomplete_fields = ["agreement", "called_by"]


class ReportFigureInline(admin.TabularInline):
    model = ReportFigure
    extra = 0


class ReportAttachmentInline(admin.TabularInline):
    model = ReportAttachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    fields = ["file", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the app, which checks type and size


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    list_display = ["agreement", "year", "period", "party", "due_date", "status", "submitted_at"]
    list_filter = ["status", "period", "year"]
    search_fields = ["agreement__title", "party__name", "title"]
    date_hierarchy = "due_date"
    list_select_related = ["agreement", "party"]
    autocomplete_fields = ["agreement", "party", "obligation", "submitted_by"]
    inlines = [ReportFigureInline, ReportAttachmentInline]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    ordering = ("-agreement__period_start", "agreement__title", "agreement_id", "kind", "-version")
    list_display = ["identifier", "kind", "version", "agreement", "issued_by", "issued_at"]
    list_filter = ["kind"]
    search_fields = ["identifier", "agreement__title", "sha256"]
    list_select_related = ["agreement", "issued_by"]
    exclude = ["pdf"]
    readonly_fields = [
        "agreement",
        "decision",
        "kind",
        "version",
        "identifier",
        "sha256",
        "size",
        "issued_by",
        "issued_at",
        "replaces",
    ]

    def has_add_permission(self, request):
        return False  # issued through the document service, which renders and hashes

    def has_delete_permission(self, request, obj=None):
        return False  # issued documents are never deleted

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PartyCorrection)
class PartyCorrectionAdmin(SimpleHistoryAdmin):
    list_display = ["party", "organisation", "proposed_by", "proposed_at", "status"]
    list_filter = ["status"]
    search_fields = ["party__name", "organisation__name", "proposed_by__username"]
    list_select_related = ["party", "organisation", "proposed_by"]
    readonly_fields = [
        "party",
        "organisation",
        "proposed_by",
        "proposed_at",
        "values",
        "before",
        "message",
        "status",
        "decided_by",
        "decided_at",
        "reply",
    ]

    def has_add_permission(self, request):
        return False  # proposed and answered in the app, by the organisations themselves

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "user", "subject", "due_date", "agreement"]
    search_fields = ["subject", "user__username", "key"]
    list_select_related = ["user", "agreement"]
    readonly_fields = ["user", "agreement", "key", "due_date", "subject", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__username"]
    exclude = ["token"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(AgreementEvent)
class AgreementEventAdmin(admin.ModelAdmin):
    """Whose act each registration, change and step was: a record, never edited."""

    list_display = ["at", "agreement", "kind", "party", "user", "on"]
    list_filter = ["kind"]
    search_fields = ["agreement__title", "party__name", "user__username"]
    list_select_related = ["agreement", "party", "user"]
    readonly_fields = ["agreement", "kind", "party", "user", "on", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    """Read only: invitations are sent in the app (members pages) or by create_org_admin."""

    list_display = ["email", "party", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "party__name"]
    list_select_related = ["party"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
