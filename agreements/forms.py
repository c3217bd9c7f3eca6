"""Forms of the browser app. Rules live in the models (full_clean); forms only show them."""

import hashlib
import re
import secrets
from itertools import count

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection
from django.forms import inlineformset_factory, modelformset_factory
from django.forms.formsets import TOTAL_FORM_COUNT
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from .access import party_with_org_number
from .models import (
    Agreement,
    AgreementParty,
    AgreementSection,
    AgreementStatus,
    CapacityTarget,
    CaseDocument,
    ContactPerson,
    Decision,
    DecisionCondition,
    DecisionItem,
    DecisionOutcome,
    Exclusion,
    Meeting,
    Obligation,
    Party,
    PredecessorRelation,
    ResourceContribution,
    Signatory,
)
from .number_fields import WholeNumberField
from .services.conflicts import CONTACT_FIELDS, PARTY_FIELDS
from .services.editing import EXCLUSION_FIELDS, OBLIGATION_FIELDS, TARGET_FIELDS
from .services.followup import PICKABLE_PERIODS
from .services.organisations import ORGANISATION_FIELDS
from .services.parts import CONTRIBUTION_FIELDS, SECTION_FIELDS, SIGNATORY_FIELDS


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, except that a number too large for the database's integer keys is refused
    as an invalid value: Django would pass it to the query, where SQLite raises OverflowError."""

    def _check_values(self, value):
        key = self.queryset.model._meta.pk if self.to_field_name is None else None
        if key is not None and key.get_internal_type() in ("AutoField", "BigAutoField"):
            low, high = connection.ops.integer_field_range(key.get_internal_type())
            for pk in value:
                try:
                    number = int(str(pk))
                except ValueError:
                    continue  # not a number at all: Django's own check refuses it
                if not low <= number <= high:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


# The longest texts people type, in characters. A field of a paragraph or a few holds 5 000
# (about two pages); one that holds pages, the case's background, a report or the minutes of a
# meeting, 20 000. The longest text in the seed documents, Skåne's background, has 2 400.
PARAGRAPHS_MAX_LENGTH = 5_000
PAGES_MAX_LENGTH = 20_000
SEARCH_MAX_LENGTH = 200
TOO_LONG = {
    "max_length": _(
        "Texten är för lång: den får ha högst %(limit_value)s tecken och har %(show_value)s."
    )
}


def limit_length(field, limit):
    """Refuse a text field's value beyond limit characters, saying how long it may be."""
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.error_messages.update(TOO_LONG)
    field.widget.attrs.update(field.widget_attrs(field.widget))  # maxlength, as Django sets it


class TextLimitsMixin:
    """Cap the long texts of a model form: text_limits maps a field to its characters."""

    text_limits: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, limit in self.text_limits.items():
            limit_length(self.fields[name], limit)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _constraint_messages(model, mapping):
    """{violation message: field} for the model's constraints named in mapping."""
    return {
        str(c.violation_error_message): mapping[c.name]
        for c in model._meta.constraints
        if c.name in mapping and c.violation_error_message
    }


class ConstraintFieldsMixin:
    """Show a constraint's message beside the field it is about, not above the form."""

    constraint_fields: dict = {}

    def _post_clean(self):
        super()._post_clean()
        if not self.constraint_fields or NON_FIELD_ERRORS not in self._errors:
            return
        messages = _constraint_messages(self._meta.model, self.constraint_fields)
        keep = []
        for error in self._errors[NON_FIELD_ERRORS].as_data():
            field = messages.get(str(error.message))
            if field in self.fields:
                self._errors.setdefault(field, self.error_class()).extend(error.messages)
                if field in self.cleaned_data:
                    del self.cleaned_data[field]
            else:
                keep.append(error)
        if keep:
            self._errors[NON_FIELD_ERRORS] = self.error_class(keep, renderer=self.renderer)
        else:
            del self._errors[NON_FIELD_ERRORS]


class VersionForm(forms.Form):
    """The version of the object the page was loaded at, posted back for optimistic locking."""

    version = forms.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.HiddenInput,
        error_messages={
            key: _("Sidan saknar versionsuppgift. Ladda om sidan och försök igen.")
            for key in ("required", "invalid", "min_value", "max_value")
        },
    )

    def __init__(self, data=None, *, version):
        super().__init__(data, initial={"version": version})

    @property
    def loaded(self):
        return self.cleaned_data["version"]


class SubmitOnceForm(forms.Form):
    """The one-time token of a create form, so that the same form sent twice is recognised
    (agreements.services.once)."""

    REFUSED = _("Sidan saknar en uppgift som behövs för att skicka formuläret. Ladda om sidan.")

    submit_token = forms.RegexField(
        regex=r"^[A-Za-z0-9_-]{32,64}\Z",
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(("required", "invalid"), REFUSED),
    )

    def __init__(self, data=None, files=None):
        super().__init__(data, files, initial={"submit_token": secrets.token_urlsafe(32)})

    @property
    def key(self):
        """The submission: the token and every value posted with it (the same token with
        other values is another submission, not a repeat)."""
        digest = hashlib.sha256()
        for name in sorted(self.data):
            if name != "csrfmiddlewaretoken":
                for value in self.data.getlist(name):
                    digest.update(f"{name}\0{value}\0".encode())
        for name in sorted(self.files or {}):
            for upload in self.files.getlist(name):
                digest.update(f"{name}\0{upload.name}\0{upload.size}\0".encode())
        return digest.hexdigest()


class RowsMixin:
    """A formset whose filled-in rows a service takes as plain data."""

    def rows(self):
        """{"id": pk or None, field: cleaned value, ..., "delete": bool} per filled-in row."""
        return [self.row(form) for form in self.forms if form.cleaned_data]

    def row(self, form):
        return (
            {"id": form.instance.pk}
            | {name: form.cleaned_data.get(name) for name in self.form._meta.fields}
            | {"delete": bool(form.cleaned_data.get("DELETE"))}
        )


def posted_name(form=None, formset=None, **groups):
    """key_of for EditConflict.data: the posted name of a field of the object (row None, in
    form), of one of formset's rows (by the row's pk), or of a row of a group of rows
    (by (group name, pk), the group's formset passed as group name=formset)."""
    rows = {f.instance.pk: f for f in formset.forms if f.instance.pk} if formset else {}
    for group, group_formset in groups.items():
        rows |= {(group, f.instance.pk): f for f in group_formset.forms if f.instance.pk}

    def key_of(row, name):
        return form.add_prefix(name) if row is None else rows[row].add_prefix(name)

    return key_of


class AgreementForm(TextLimitsMixin, ConstraintFieldsMixin, forms.ModelForm):
    constraint_fields = {"agreement_end_after_start": "period_end"}
    text_limits = dict.fromkeys(
        ("subject", "contributions_intro", "renegotiation_text"), PARAGRAPHS_MAX_LENGTH
    )

    class Meta:
        model = Agreement
        fields = [
            "title",
            "case_number",
            "subject",
            "period_start",
            "period_end",
            "extension_months",
            "notice_months",
            "contributions_intro",
            "renegotiation_text",
            "signed_digitally",
        ]
        field_classes = dict.fromkeys(("extension_months", "notice_months"), WholeNumberField)
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "subject": forms.Textarea(attrs={"rows": 3}),
            "contributions_intro": forms.Textarea(attrs={"rows": 3}),
            "renegotiation_text": forms.Textarea(attrs={"rows": 3}),
        }
        # The labels "Gäller från" and "Gäller till och med" are no nouns: "Ange gäller från"
        # would not read (iop.forms makes "Ange <label>" of the others).
        error_messages = {
            "period_start": {"required": _("Ange första dagen överenskommelsen gäller")},
            "period_end": {"required": _("Ange sista dagen överenskommelsen gäller")},
        }


class PastFollowupForm(forms.Form):
    """Asked when an agreement is entered: whether the follow-up before today is done."""

    done = forms.BooleanField(
        label=_("Uppföljningen före i dag är redan gjord"),
        required=False,
        help_text=_(
            "Kryssa i om överenskommelsen redan har börjat och rapporter och möten fram till "
            "i dag är gjorda. De visas då inte som försenade."
        ),
    )

    def done_before(self, period_start, today):
        """The day before which the follow-up is done, or None (also for a period that has
        not begun)."""
        if self.is_valid() and self.cleaned_data["done"] and period_start < today:
            return today
        return None


class SameCaseForm(forms.Form):
    """Asked when a case number is on other agreements of the user's own organisations."""

    same_case = forms.BooleanField(
        label=_("Ja, samma ärende: spara med samma diarienummer"), required=False
    )

    def __init__(self, data=None):
        super().__init__(data)
        self.sharing = []

    def confirms(self, form, sharing):
        """Whether form's case number may be saved: it is on none of `sharing` (the other
        agreements of the user's own organisations with the same number), or the user has
        confirmed that they are one case. Otherwise a warning beside the field, and this
        question with those agreements."""
        self.sharing = list(sharing)
        if not self.sharing or (self.is_valid() and self.cleaned_data["same_case"]):
            return True
        form.add_error(
            "case_number",
            _(
                "Diarienumret finns redan på en annan överenskommelse i din organisation. "
                "Kryssa i rutan om de hör till samma ärende, eller ändra numret."
            ),
        )
        return False


class AgreementPartyForm(ConstraintFieldsMixin, forms.ModelForm):
    constraint_fields = {"agreement_party_once": "party"}
    # Another organisation than those offered is found by its exact organisationsnummer.
    org_number = forms.CharField(
        label=_("eller organisationsnummer"),
        required=False,
        max_length=20,
        help_text=_("Finns organisationen inte i listan? Ange dess organisationsnummer."),
    )

    class Meta:
        model = AgreementParty
        fields = PARTY_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].required = False

    def clean(self):
        cleaned = super().clean()
        number, party = cleaned.get("org_number"), cleaned.get("party")
        if number:
            found = party_with_org_number(number)
            if found is None:
                self.add_error(
                    "org_number",
                    _(
                        "Ingen organisation har det organisationsnumret. Kontrollera numret, "
                        "eller registrera organisationen under Organisationer."
                    ),
                )
            elif party is not None and party != found:
                self.add_error(
                    "org_number",
                    _("Välj en organisation i listan eller ange ett nummer, inte båda."),
                )
            else:
                cleaned["party"] = found
        elif party is None and "party" not in self.errors:
            self.add_error("party", _("Välj en organisation eller ange ett organisationsnummer."))
        return cleaned

    def _get_validation_exclusions(self):
        # An unknown number is the error; the model need not add that no party is chosen.
        exclude = super()._get_validation_exclusions()
        if "org_number" in self._errors:
            exclude.add("party")
        return exclude

    def has_changed(self):
        # A new row pre-filled with the user's own organisation counts as filled in even if
        # left as offered (otherwise the formset would skip it as an untouched extra row).
        prefilled = (
            self.is_bound
            and not self.instance.pk
            and self.initial.get("party")
            and self.data.get(self.add_prefix("party"))
        )
        return bool(prefilled) or super().has_changed()


# A row button's value: "<formset prefix>-lagg-till", or "-upp-<row>" / "-ned-<row>".
ROW_ACTION = re.compile(r"(?P<prefix>[a-z]+)-(?:lagg-till|(?P<move>upp|ned)-(?P<row>\d{1,4}))")
ROW_ACTION_NAME = "rad"
MAX_ROWS = 200


def row_action(data, prefix):
    """The row button (ROW_ACTION) of the rows named prefix that data says was pressed: its
    match, or None."""
    match = ROW_ACTION.fullmatch(data.get(ROW_ACTION_NAME, ""))
    return match if match is not None and match["prefix"] == prefix else None


def moved_one_place(rows, at, move):
    """rows (a list, changed in place) with the one at index at swapped with the one above
    (move "upp") or below ("ned"); as it was when at is None or there is no such row."""
    to = None if at is None else at + (-1 if move == "upp" else 1)
    if to is not None and 0 <= at < len(rows) and 0 <= to < len(rows):
        rows[at], rows[to] = rows[to], rows[at]
    return rows


def unchecked(*forms_and_formsets):
    """Show forms and formsets as posted without checking them: nothing is being saved yet
    (a row was added or moved), so nothing is wrong yet either."""
    for item in forms_and_formsets:
        for form in getattr(item, "forms", [item]):
            form._errors, form.cleaned_data = ErrorDict(), {}
        if hasattr(item, "forms"):
            item._errors, item._non_form_errors = [], item.error_class()


class PlaceField(forms.Field):
    """A row's place in the shown order, carried in a hidden input. Moving a row is no change
    to it, and a value that is not a place is read as "last", not refused."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        return None

    def has_changed(self, initial, data):
        return False


PLACE = "place"


def posted_initial(form):
    """{posted name: [value, ...]} that the unbound form sends when left as shown."""
    posted = {}
    for field in form:
        value = field.value()
        if field.field.disabled or value is None or value == "":
            continue
        if isinstance(value, bool):
            shown = "true" if value else "false"
        else:
            shown = field.field.widget.format_value(value)
        values = shown if isinstance(shown, list) else [shown]
        posted[field.html_name] = [str(v) for v in values if v is not None]
    return posted


class AddRowMixin:
    """A formset with a button "Lägg till rad" (ROW_ACTION_NAME "<prefix>-lagg-till") that
    sends the form to be shown again with one more empty row, nothing saved and nothing typed
    lost (no script needed). An empty row is no row: a save ignores it."""

    adds_rows = True

    def _row_action(self, data):
        return row_action(data, self.prefix)

    def _with_another_row(self, data):
        """data with one more row, posted as the new row shows its initial values (so that it
        is shown with them, and is still an untouched row when saved as shown)."""
        data = data.copy()
        index = len(self.forms)
        data[self.add_prefix(TOTAL_FORM_COUNT)] = str(min(index + 1, MAX_ROWS))
        if index < MAX_ROWS:
            new = self.empty_form
            new.prefix = self.add_prefix(index)
            for name, values in posted_initial(new).items():
                data.setlist(name, values)
        return data

    def rearranged(self, data):
        """The posted data with one more row when this formset's "Lägg till rad" was
        pressed, else None."""
        match = self._row_action(data)
        if match is None or match["move"]:
            return None
        return self._with_another_row(data)


def rows_rearranged(data, *formsets):
    """The posted data as the row button pressed asks it shown (AddRowMixin, PlacesMixin,
    ProposalAgreementsForm), or None when nothing was posted or no row button of these forms
    and formsets was pressed."""
    if data is None:
        return None
    return next((d for f in formsets if (d := f.rearranged(data)) is not None), None)


class PlacesMixin(AddRowMixin):
    """Rows in the order they are printed, each with a hidden place. The buttons "Lägg till
    rad" (AddRowMixin), "Flytta upp" and "Flytta ned" send the form to be shown again with one
    more row or two rows in each other's place, nothing saved and nothing typed lost.

    Saved rows come first in a formset's numbering, so the order is the places', not the
    numbering: shown_forms and rows() follow it."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields[PLACE] = PlaceField(initial=None if index is None else index + 1)
        form.row_index = index

    def _place(self, form):
        raw = form.data.get(form.add_prefix(PLACE)) if self.is_bound else None
        raw = raw if raw is not None else form.fields[PLACE].initial
        try:
            return (0, int(str(raw)[:6]), form.row_index)
        except (TypeError, ValueError):
            return (1, 0, form.row_index)

    @property
    def shown_forms(self):
        return sorted(self.forms, key=self._place)

    def rows(self):
        return [self.row(form) for form in self.shown_forms if form.cleaned_data]

    def rearranged(self, data):
        """The posted data as the row button pressed asks it shown (one more row, or a row
        moved), or None when none of this formset's buttons was pressed."""
        match = self._row_action(data)
        if match is None:
            return None
        shown = self.shown_forms
        if match["move"]:
            at = next((i for i, f in enumerate(shown) if f.row_index == int(match["row"])), None)
            moved_one_place(shown, at, match["move"])
        data = data.copy()
        for place, form in enumerate(shown, start=1):
            data[form.add_prefix(PLACE)] = str(place)
        return data if match["move"] else self._with_another_row(data)


class BaseAgreementPartyFormSet(PlacesMixin, RowsMixin, forms.BaseInlineFormSet):
    """The agreement's parties in the order they are listed and printed (PlacesMixin)."""

    def __init__(self, *args, own_party_ids=(), offered=None, **kwargs):
        """offered: the organisations listed for choice (agreements.access.parties_offered_to;
        by default the agreement's own); any other is named by its organisationsnummer."""
        self.own_party_ids = set(own_party_ids)
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.extra = 1
        if offered is None:
            offered = Party.objects.filter(agreement_roles__agreement=self.instance.pk)
        for form in self.forms:
            form.fields["party"].queryset = offered.order_by("name", "pk")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        chosen = [
            f.cleaned_data["party"]
            for f in self.forms
            if f.cleaned_data.get("party") and not f.cleaned_data.get("DELETE")
        ]
        if len(chosen) < 2:
            raise ValidationError(_("En överenskommelse behöver minst två parter."))
        if self.own_party_ids and not {p.pk for p in chosen} & self.own_party_ids:
            raise ValidationError(_("Din organisation måste vara part i överenskommelsen."))

    def rows(self):
        """As RowsMixin's, in the order shown, each kept row with its place ("position")."""
        kept = count()
        return [row if row["delete"] else row | {"position": next(kept)} for row in super().rows()]


AgreementPartyFormSet = inlineformset_factory(
    Agreement,
    AgreementParty,
    form=AgreementPartyForm,
    formset=BaseAgreementPartyFormSet,
    extra=3,
    can_delete=True,
)


class ObligationForm(TextLimitsMixin, forms.ModelForm):
    text_limits = {"description": PARAGRAPHS_MAX_LENGTH}
    parts = forms.CharField(
        label=_("delar"),
        required=False,
        max_length=PARAGRAPHS_MAX_LENGTH,
        error_messages=TOO_LONG,
        help_text=_("En del per rad, t.ex. verksamhetsberättelse."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Obligation
        fields = OBLIGATION_FIELDS
        field_classes = dict.fromkeys(
            ("days_after_period", "due_before_month", "due_before_day", "min_per_year"),
            WholeNumberField,
        )
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and isinstance(self.instance.parts, list):
            self.initial["parts"] = "\n".join(self.instance.parts)
        if agreement is not None:
            parties = Party.objects.filter(agreement_roles__agreement=agreement)
            self.fields["responsible"].queryset = parties
            self.fields["recipient"].queryset = parties

    def clean_parts(self):
        return [line.strip() for line in self.cleaned_data["parts"].splitlines() if line.strip()]


class RowsFormSet(AddRowMixin, RowsMixin, forms.BaseInlineFormSet):
    pass


class BaseAgreementChildFormSet(AddRowMixin, RowsMixin, forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["agreement"] = self.instance
        return kwargs


ObligationFormSet = inlineformset_factory(
    Agreement,
    Obligation,
    form=ObligationForm,
    formset=BaseAgreementChildFormSet,
    extra=1,
    can_delete=True,
)


class CapacityTargetForm(forms.ModelForm):
    class Meta:
        model = CapacityTarget
        fields = TARGET_FIELDS
        field_classes = {"quantity": WholeNumberField}
        error_messages = {"description": {"required": _("Ange vad målet gäller")}}

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)


CapacityTargetFormSet = inlineformset_factory(
    Agreement,
    CapacityTarget,
    form=CapacityTargetForm,
    formset=BaseAgreementChildFormSet,
    extra=1,
    can_delete=True,
)


class OrderedRowsFormSet(PlacesMixin, RowsMixin, forms.BaseModelFormSet):
    """An agreement's ordered list of rows of one kind (PlacesMixin)."""

    def __init__(self, data=None, *, queryset, initial_rows=(), **kwargs):
        """initial_rows: values of the empty rows offered when there are no rows yet."""
        super().__init__(data, queryset=queryset, initial=list(initial_rows) or None, **kwargs)
        self.extra = len(initial_rows) if initial_rows and not queryset.exists() else 1


class SectionForm(TextLimitsMixin, forms.ModelForm):
    text_limits = {"body": PAGES_MAX_LENGTH}

    class Meta:
        model = AgreementSection
        fields = SECTION_FIELDS
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"body": _("Tom rad mellan stycken.")}


class PartyRowForm(forms.ModelForm):
    """A row that belongs to one of the agreement's parties, chosen by name."""

    def __init__(self, *args, parties=None, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["agreement_party"]
        field.queryset = parties if parties is not None else AgreementParty.objects.none()
        field.label_from_instance = lambda ap: ap.party.name
        field.label = _("för part")
        if choices is not None:  # read once for all the rows, not once per row
            field.choices = choices


class SignatoryForm(TextLimitsMixin, PartyRowForm):
    class Meta:
        model = Signatory
        fields = SIGNATORY_FIELDS
        help_texts = {"title": _("T.ex. Hälso- och sjukvårdsdirektör")}


class ContributionForm(TextLimitsMixin, PartyRowForm):
    text_limits = {"description": PARAGRAPHS_MAX_LENGTH}

    class Meta:
        model = ResourceContribution
        fields = CONTRIBUTION_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "description": _(
                "En punkt i partens lista, t.ex. lokaler och material, eller att regionens "
                "regelverk för sjukresor gäller. Pengar anger du under Finansiering."
            )
        }


class PartyRowsFormSet(OrderedRowsFormSet):
    def __init__(self, data=None, *, parties, **kwargs):
        self.parties = parties
        self.party_choices = [("", "---------")] + [(ap.pk, ap.party.name) for ap in parties]
        super().__init__(data, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        return kwargs | {"parties": self.parties, "choices": self.party_choices}


SectionFormSet = modelformset_factory(
    AgreementSection, form=SectionForm, formset=OrderedRowsFormSet, can_delete=True
)
SignatoryFormSet = modelformset_factory(
    Signatory, form=SignatoryForm, formset=PartyRowsFormSet, can_delete=True
)
ContributionFormSet = modelformset_factory(
    ResourceContribution, form=ContributionForm, formset=PartyRowsFormSet, can_delete=True
)


ExclusionFormSet = inlineformset_factory(
    Agreement,
    Exclusion,
    formset=RowsFormSet,
    fields=EXCLUSION_FIELDS,
    extra=1,
    can_delete=True,
)


class MeetingForm(TextLimitsMixin, forms.ModelForm):
    text_limits = {"participants": PARAGRAPHS_MAX_LENGTH, "minutes": PAGES_MAX_LENGTH}

    class Meta:
        model = Meeting
        fields = ["date", "called_by", "participants", "minutes"]
        widgets = {
            "date": DateInput(),
            "participants": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["called_by"].queryset = Party.objects.filter(
            agreement_roles__agreement=agreement
        )


class MinutesForm(TextLimitsMixin, forms.ModelForm):
    text_limits = MeetingForm.text_limits

    class Meta:
        model = Meeting
        fields = ["participants", "minutes"]
        widgets = {
            "participants": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = ORGANISATION_FIELDS

    def __init__(self, *args, registrars=(), **kwargs):
        """registrars: the user's organisations that may register it; asked only when there
        is more than one."""
        super().__init__(*args, **kwargs)
        self.registrars = list(registrars)
        if len(self.registrars) > 1:
            self.fields["registered_by"] = forms.ModelChoiceField(
                label=_("Registreras av"),
                queryset=Party.objects.filter(pk__in=[p.pk for p in self.registrars]),
                error_messages={"required": _("Välj vilken organisation som registrerar den")},
                help_text=_(
                    "Den organisationen ändrar uppgifterna tills den nya har egna användare."
                ),
            )

    def details(self):
        return {name: self.cleaned_data[name] for name in ORGANISATION_FIELDS}

    def registrar(self):
        if len(self.registrars) > 1:
            return self.cleaned_data["registered_by"]
        return next(iter(self.registrars), None)


ContactFormSet = inlineformset_factory(
    Party,
    ContactPerson,
    formset=RowsFormSet,
    fields=CONTACT_FIELDS,
    extra=1,
    can_delete=True,
)


class TwoFactorPolicyForm(forms.ModelForm):
    """The organisation's login policy, shown to its own administrators on its edit page."""

    class Meta:
        model = Party
        fields = ["require_two_factor"]

    def details(self):
        return {"require_two_factor": self.cleaned_data["require_two_factor"]}


class CorrectionForm(PartyForm):
    """The record as the proposer would have it, and why."""

    message = forms.CharField(
        label=_("Motivering"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vad är fel, och hur vet du det? Organisationen ser det du skriver."),
    )


class DecideCorrectionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Godta")), ("reject", _("Avslå"))], widget=forms.HiddenInput
    )
    reply = forms.CharField(
        label=_("Svar till den som föreslog"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @property
    def accepted(self):
        return self.cleaned_data["decision"] == "accept"


class ReportPickForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_("Överenskommelse"), queryset=Agreement.objects)
    year = WholeNumberField(label=_("År"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[(p.value, p.label) for p in PICKABLE_PERIODS],
    )

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Redovisning"),
        required=False,
        max_length=PAGES_MAX_LENGTH,
        error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Vad har gjorts under perioden? Du kan spara som utkast och fortsätta sen."),
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(report.agreement.capacity_targets.all())
        values = {f.target_id: f.value for f in report.figures.all()}
        self.initial.setdefault("text", report.text)
        for target in self.targets:
            self.fields[f"target_{target.pk}"] = WholeNumberField(
                label=_("%(what)s (mål: %(target)s)")
                % {"what": target.description, "target": str(target)},
                required=False,
                min_value=0,
                initial=values.get(target.pk),
            )

    def figures(self):
        return {t: self.cleaned_data.get(f"target_{t.pk}") for t in self.targets}

    def target_fields(self):
        return [self[f"target_{t.pk}"] for t in self.targets]


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Vad blir resultatet av granskningen?"),
        error_messages={"required": _("Välj om rapporten godkänns eller returneras")},
        choices=[
            ("approve", _("Godkänn rapporten")),
            ("return", _("Returnera rapporten för komplettering")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Kommentar till den som rapporterar"),
        required=False,
        max_length=PARAGRAPHS_MAX_LENGTH,
        error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Skriv vad som behöver kompletteras om du returnerar rapporten."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == "return" and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Skriv vad som behöver kompletteras."))
        return cleaned

    @property
    def approves(self):
        return self.cleaned_data["outcome"] == "approve"


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Bifoga fil"),
        error_messages={"required": _("Välj en fil att bifoga")},
        help_text=_("PDF, DOCX eller XLSX."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,application/pdf"}),
    )


PROPOSAL_FIELDS = [
    "title",
    "body",
    "kind",
    "case_number",
    "proposal_date",
    "case_officer_name",
    "case_officer_email",
    "document_identifier",
    "proposal_summary",
    "background",
    "legal_assessment",
    "environmental_impact",
    "union_consultation",
    "follow_up",
    "chair_name",
    "chair_title",
    "director_name",
    "director_title",
]


class ProposalForm(TextLimitsMixin, forms.ModelForm):
    text_limits = dict.fromkeys(
        (
            "proposal_summary",
            "legal_assessment",
            "environmental_impact",
            "union_consultation",
            "follow_up",
        ),
        PARAGRAPHS_MAX_LENGTH,
    ) | {"background": PAGES_MAX_LENGTH}

    class Meta:
        model = Decision
        fields = PROPOSAL_FIELDS
        widgets = {
            "proposal_date": DateInput(),
            "proposal_summary": forms.Textarea(attrs={"rows": 4}),
            "background": forms.Textarea(attrs={"rows": 8}),
            "legal_assessment": forms.Textarea(attrs={"rows": 2}),
            "environmental_impact": forms.Textarea(attrs={"rows": 2}),
            "union_consultation": forms.Textarea(attrs={"rows": 2}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }


class ProposalAgreementsForm(ProposalForm):
    """The proposal with the agreements it covers: one decision may enter several."""

    agreements = ModelMultipleChoiceField(
        label=_("Överenskommelser som beslutet gäller"),
        queryset=Agreement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Överenskommelser där organisationen är offentlig part."),
        error_messages={"required": _("Välj minst en överenskommelse.")},
    )

    # The prefix of its row buttons (ROW_ACTION): "overenskommelser-upp-<place>" moves the
    # chosen agreement at that place (from 0) one place up.
    prefix_of_rows = "overenskommelser"

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreements"].queryset = agreements
        if self.instance.pk and not self.is_bound:
            self.initial["agreements"] = [a.pk for a in self.instance.agreements_in_order()]

    def _chosen(self):
        """The chosen agreements' values, in the order they are listed (as posted: a browser
        sends checked boxes in the page's order)."""
        return [str(value) for value in self["agreements"].value() or []]

    def clean_agreements(self):
        order = {value: place for place, value in enumerate(self._chosen())}
        return sorted(self.cleaned_data["agreements"], key=lambda a: order.get(str(a.pk), 0))

    def listed_agreements(self):
        """Each agreement offered as (checkbox, place, whether last chosen): the chosen first,
        in their order with their place from 0, then the others (place None) in the
        agreements' own order."""
        boxes = {str(box.data["value"]): box for box in self["agreements"]}
        chosen = [value for value in self._chosen() if value in boxes]
        rest = [value for value in boxes if value not in chosen]
        last = len(chosen) - 1
        return [(boxes[v], place, place == last) for place, v in enumerate(chosen)] + [
            (boxes[v], None, False) for v in rest
        ]

    def rearranged(self, data):
        """The posted data with a chosen agreement moved, as its "Flytta upp"/"Flytta ned"
        asks (PlacesMixin's buttons), or None when none of these buttons was pressed."""
        match = row_action(data, self.prefix_of_rows)
        if match is None or not match["move"]:
            return None
        chosen = data.getlist(self.add_prefix("agreements"))
        data = data.copy()
        data.setlist(
            self.add_prefix("agreements"), moved_one_place(chosen, int(match["row"]), match["move"])
        )
        return data


class NewProposalForm(ProposalForm):
    organisation = forms.ModelChoiceField(
        label=_("Beslutande organisation"), queryset=Party.objects
    )

    class Meta(ProposalForm.Meta):
        fields = ["organisation"] + PROPOSAL_FIELDS

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.initial.setdefault("organisation", organisations[0].pk)


class DecisionItemForm(TextLimitsMixin, forms.ModelForm):
    text_limits = {"text": PARAGRAPHS_MAX_LENGTH}


class BaseDecisionItemFormSet(PlacesMixin, RowsMixin, forms.BaseInlineFormSet):
    """A proposal's items in the order they are numbered and printed (PlacesMixin)."""

    def rows(self):
        """As RowsMixin's, in the order shown, each kept row numbered by its place from 1."""
        kept = count(1)
        return [row if row["delete"] else row | {"number": next(kept)} for row in super().rows()]


DecisionItemFormSet = inlineformset_factory(
    Decision,
    DecisionItem,
    form=DecisionItemForm,
    formset=BaseDecisionItemFormSet,
    fields=["text"],
    widgets={"text": forms.Textarea(attrs={"rows": 3})},
    extra=1,
    can_delete=True,
)
CaseDocumentFormSet = inlineformset_factory(
    Decision,
    CaseDocument,
    formset=RowsFormSet,
    fields=["number", "title"],
    field_classes={"number": WholeNumberField},
    extra=1,
    can_delete=True,
)


class ConditionForm(forms.ModelForm):
    class Meta:
        model = DecisionCondition
        fields = ["party", "body"]

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parties is not None:
            self.fields["party"].queryset = parties


class BaseConditionFormSet(AddRowMixin, RowsMixin, forms.BaseInlineFormSet):
    def __init__(self, *args, parties=None, **kwargs):
        self.parties = parties
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["parties"] = self.parties
        return kwargs


ConditionFormSet = inlineformset_factory(
    Decision,
    DecisionCondition,
    form=ConditionForm,
    formset=BaseConditionFormSet,
    fk_name="decision",
    extra=1,
    can_delete=True,
)


class RecordDecisionForm(forms.Form):
    body = forms.CharField(label=_("Beslutande organ"), max_length=200)
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DateInput())
    paragraph = forms.CharField(
        label=_("Paragraf"), max_length=20, required=False, help_text=_("Utan §-tecken, t.ex. 190")
    )
    outcome = forms.ChoiceField(
        label=_("Utfall"),
        choices=[(c.value, c.label) for c in DecisionOutcome if c != DecisionOutcome.PROPOSED],
    )
    summary = forms.CharField(
        label=_("Vad beslutades"),
        required=False,
        max_length=PARAGRAPHS_MAX_LENGTH,
        error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectDecisionForm(RecordDecisionForm):
    reason = forms.CharField(
        label=_("Varför rättas beslutet?"),
        error_messages={"required": _("Ange varför beslutet rättas")},
        help_text=_("T.ex. fel paragraf i protokollet. Skälet visas med rättelsen."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MoveForm(forms.Form):
    on = forms.DateField(label=_("Datum"), required=False, widget=DateInput())
    # Whose act the step is, when the user acts for more than one of the parties.
    party = forms.ModelChoiceField(
        label=_("Organisationen som tar steget"),
        queryset=Party.objects.none(),
        required=False,
    )

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parties is not None:
            self.fields["party"].queryset = parties


class SuccessorForm(forms.Form):
    relation = forms.ChoiceField(
        label=_("Hur hänger den nya ihop med den här?"),
        error_messages={"required": _("Välj hur den nya hänger ihop med den här")},
        choices=PredecessorRelation.choices,
        widget=forms.RadioSelect,
    )


def _more_than(queryset, limit):
    return queryset.order_by()[: limit + 1].count() > limit


class AgreementFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Sök"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages=TOO_LONG,
        help_text=_("Titel, diarienummer eller part"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alla"))] + AgreementStatus.choices
    )
    party = forms.ModelChoiceField(
        label=_("Part"), required=False, queryset=Party.objects, empty_label=_("Alla")
    )
    year = WholeNumberField(label=_("Gäller år"), required=False, min_value=1900, max_value=2200)
    ending_within = WholeNumberField(
        label=_("Slutar inom (månader)"), required=False, min_value=0, max_value=240
    )

    # A drop-down of organisations helps a user who sees a handful of agreements and at most a
    # couple of hundred organisations (a superuser sees them all); beyond that the search box
    # finds parties by name, and a party filter set by a link stays as a hidden field. The
    # agreements are counted first (up to the limit, cheap): counting the distinct parties of
    # thousands of agreements is not.
    PARTY_CHOICES_AGREEMENTS = 60
    PARTY_CHOICES_LIMIT = 200

    def __init__(self, *args, parties, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties
        if _more_than(agreements, self.PARTY_CHOICES_AGREEMENTS) or _more_than(
            parties, self.PARTY_CHOICES_LIMIT
        ):
            self.fields["party"].widget = forms.HiddenInput()

    def chosen_party(self):
        """The party filtered on, when its field is hidden (shown as a removable filter)."""
        if not self.fields["party"].widget.is_hidden or not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("party")


class DueItemChangeForm(forms.Form):
    """Close one due item of an agreement, or move it to another day, saying why."""

    key = forms.CharField(max_length=120, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        label=_("Vad vill du göra?"),
        error_messages={"required": _("Välj om uppgiften ska stängas eller flyttas")},
        choices=[
            ("moved", _("Flytta till en annan dag")),
            ("closed", _("Stänga: inget mer ska göras")),
        ],
        widget=forms.RadioSelect,
    )
    due_date = forms.DateField(
        label=_("Ny förfallodag"),
        required=False,
        widget=DateInput,
        help_text=_("Bara när du flyttar uppgiften. Till exempel 2026-09-30."),
    )
    reason = forms.CharField(
        label=_("Skäl"),
        max_length=2000,
        error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Syns för alla parter, till exempel: Förlängd enligt beslut 2026-05-04."),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "moved" and not data.get("due_date"):
            self.add_error("due_date", _("Ange den nya förfallodagen."))
        return data
