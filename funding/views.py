import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.access import (
    ADMINISTRATOR,
    administered_party_ids,
    agreements_of_own_organisation,
    agreements_visible_to,
    funding_parties_for,
    get_agreement_for,
    get_funding_line_for,
    get_index_series_for,
    get_index_value_for,
    get_own_party_for,
    get_payment_for,
    index_series_usable_by,
    index_series_visible_to,
    may_maintain_index_series,
    parties_visible_to,
    require_any,
)
from agreements.filters import filter_agreements
from agreements.forms import (
    AgreementFilterForm,
    SubmitOnceForm,
    VersionForm,
    posted_name,
    rows_rearranged,
    unchecked,
)
from agreements.models import Agreement, Party
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.once import submit_once
from agreements.views._common import after_conflict, paginate, query_without_page

from . import exports
from .forms import (
    FundingLineFormSet,
    IndexCorrectionForm,
    IndexImportForm,
    IndexSeriesForm,
    IndexValueForm,
    IndexWithdrawalForm,
    PaymentForm,
    PaymentPlanForm,
)
from .index_history import series_history
from .models import Payment, PaymentPlan
from .services import (
    CORRECTED_INDEX_FIELDS,
    PLAN_FIELDS,
    add_index_value,
    change_payment,
    correct_index_value,
    create_index_series,
    import_index_csv,
    register_payment,
    remove_shares_outside_period,
    save_funding,
    save_payment_plan,
    shares_outside_period,
    withdraw_index_value,
)
from .summary import (
    GROUPS_SHOWN,
    agreement_funding,
    group_lines,
    line_expected_payments,
    line_rows,
    lines_queryset,
    organisation_funding,
)

GROUP_PARAMS = {"budget": "pays", "betalare": "receives"}
ALL_GROUPS = "alla"  # ?alla=budget: every budget's totals, page by page


@login_required
@require_GET
def organisation(request, pk):
    party = get_own_party_for(request.user, pk)
    agreements = agreements_of_own_organisation(request.user, party)
    asked = next((p for p in (*GROUP_PARAMS, ALL_GROUPS) if p in request.GET), None)
    overview = organisation_funding(party, agreements)
    if asked is None:
        context = {
            "party": party,
            "overview": overview,
            "pays": overview.pays[:GROUPS_SHOWN],
            "receives": overview.receives[:GROUPS_SHOWN],
        }
        return render(request, "funding/organisation.html", context)
    if asked == ALL_GROUPS:
        return _organisation_groups(request, party, overview, request.GET[asked])
    side, key = GROUP_PARAMS[asked], request.GET[asked]
    group = next((g for g in getattr(overview, side) if str(g.key) == key), None)
    if group is None:
        raise Http404
    page = paginate(request, group_lines(party, agreements, side, group.key))
    page.object_list = line_rows(list(page.object_list), overview.years)
    context = {
        "party": party,
        "overview": overview,
        "side": side,
        "group": group,
        "page": page,
        "query": urlencode({asked: key}),
    }
    return render(request, "funding/organisation_group.html", context)


def _organisation_groups(request, party, overview, param):
    """Every budget's (or payer's) totals, page by page."""
    if param not in GROUP_PARAMS:
        raise Http404
    side = GROUP_PARAMS[param]
    context = {
        "party": party,
        "overview": overview,
        "side": side,
        "param": param,
        "page": paginate(request, getattr(overview, side)),
        "totals": getattr(overview, f"{side}_totals"),
        "total": getattr(overview, f"{side}_total"),
        "query": urlencode({ALL_GROUPS: param}),
    }
    return render(request, "funding/organisation_groups.html", context)


# --- Index series -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def index_values(request):
    """The index series the user sees; an administrator creates one of their organisation's
    own (national series are the operator's, made in the Django admin)."""
    owners = Party.objects.filter(pk__in=administered_party_ids(request.user))
    form = IndexSeriesForm(request.POST if request.method == "POST" else None, owners=owners)
    if form.is_bound:
        require_any(request.user, ADMINISTRATOR)
        if form.is_valid():
            try:
                series = create_index_series(**form.cleaned_data, by=request.user)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Indexserien är skapad."))
                return redirect("funding:index_series", pk=series.pk)
    context = {
        "series_list": index_series_visible_to(request.user)
        .select_related("owner")
        .prefetch_related("values"),
        "form": form,
    }
    status = 400 if form.is_bound else 200
    return render(request, "funding/index_values.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def index_series(request, pk):
    """One series: its values with who published and corrected each, and its history; its
    maintainers add values one by one or from a CSV file."""
    series = get_index_series_for(request.user, pk, edit=request.method == "POST")
    value_form, import_form, import_errors = IndexValueForm(), IndexImportForm(), []
    if request.method == "POST" and request.POST.get("action") == "import":
        import_form = IndexImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            created, import_errors = import_index_csv(
                series=series, text=import_form.cleaned_data["file"], by=request.user
            )
            if not import_errors:
                messages.success(
                    request, _("%(n)s indexvärden importerades.") % {"n": len(created)}
                )
                return redirect("funding:index_series", pk=series.pk)
    elif request.method == "POST":
        value_form = IndexValueForm(request.POST)
        if value_form.is_valid():
            try:
                add_index_value(series=series, **value_form.cleaned_data, by=request.user)
            except DomainError as error:
                value_form.add_error(None, str(error))
            else:
                messages.success(request, _("Indexvärdet är sparat."))
                return redirect("funding:index_series", pk=series.pk)
    values, changes = series_history(series)
    context = {
        "series": series,
        "values": values,
        "changes": changes,
        "may_maintain": may_maintain_index_series(request.user, series),
        "value_form": value_form,
        "import_form": import_form,
        "import_errors": import_errors,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "funding/index_series.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def index_value(request, pk):
    """Correct a published value, with a reason its history keeps."""
    value = get_index_value_for(request.user, pk, edit=True)
    data = request.POST if request.method == "POST" else None
    form, version = _index_value_forms(value, data)
    conflict = None
    if form.is_bound and all([form.is_valid(), version.is_valid()]):
        fields = {name: form.cleaned_data[name] for name in CORRECTED_INDEX_FIELDS}
        try:
            correct_index_value(
                value=value,
                reason=form.cleaned_data["reason"],
                version=version.loaded,
                by=request.user,
                **fields,
            )
        except EditConflict as exc:
            conflict = exc
            form, version = after_conflict(
                request, exc, value, lambda data: _index_value_forms(value, data)
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Indexvärdet är rättat."))
            return redirect("funding:index_series", pk=value.series_id)
    status = 400 if form.is_bound else 200
    context = {"value": value, "form": form, "version_form": version, "conflict": conflict}
    return render(request, "funding/index_value_form.html", context, status=status)


def _index_value_forms(value, data):
    return IndexCorrectionForm(data, instance=value), VersionForm(data, version=value.version)


@login_required
@require_http_methods(["GET", "POST"])
def index_value_withdraw(request, pk):
    """Withdraw a published value, after a page that says what it changes, with a reason."""
    value = get_index_value_for(request.user, pk, edit=True)
    form = IndexWithdrawalForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        withdraw_index_value(value=value, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, _("Indexvärdet är tillbakadraget."))
        return redirect("funding:index_series", pk=value.series_id)
    status = 400 if form.is_bound else 200
    context = {"value": value, "form": form}
    return render(request, "funding/index_value_withdraw.html", context, status=status)


@login_required
@require_GET
def export(request, dataset, fmt):
    if fmt == "csv" and request.GET.get("format") == "csv-comma":
        fmt = "csv-comma"
    if dataset not in exports.DATASETS or fmt not in exports.FORMATS:
        raise Http404
    today = timezone.localdate()
    # The same selection as the list page the links come from, checked the same way: a filter
    # that is wrong is refused, not silently dropped (which would export more than was asked).
    visible = agreements_visible_to(request.user)
    form = AgreementFilterForm(
        request.GET, parties=parties_visible_to(request.user), agreements=visible
    )
    if not form.is_valid():
        context = {"form": form, "query": query_without_page(request, "format")}
        return render(request, "funding/export_refused.html", context, status=400)
    qs = filter_agreements(visible, form.cleaned_data, today)
    body, content_type, filename = exports.render(dataset, fmt, qs, today=today)
    # Streamed: a temporary file (XLSX) or the CSV's lines as they are written.
    response = FileResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_GET
def public_json(request):
    summary = exports.public_summary(Agreement.objects.all(), today=timezone.localdate())
    body = json.dumps(summary, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def public_csv(request):
    summary = exports.public_summary(Agreement.objects.all(), today=timezone.localdate())
    response = HttpResponse(exports.public_csv(summary), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="iop-aktiva-overenskommelser.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- Funding lines and payments of one agreement ----------------------------------------------


def _lines_forms(agreement, data, editable, series):
    formset = FundingLineFormSet(
        data,
        instance=agreement,
        prefix="rader",
        queryset=agreement.funding_lines.select_related("party").prefetch_related("shares"),
        editable=editable,
        series=series,
    )
    return formset, VersionForm(data, version=agreement.funding_version)


@login_required
@require_http_methods(["GET", "POST"])
def lines(request, pk):
    agreement = get_agreement_for(request.user, pk)
    # Each party's lines are its own: the page changes those of the parties the user may.
    editable = funding_parties_for(request.user, agreement)
    if not editable:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    series = index_series_usable_by(request.user)
    formset, version = _lines_forms(agreement, data, editable, series)
    conflict = None
    another = rows_rearranged(data, formset)
    if another is not None:
        formset, version = _lines_forms(agreement, another, editable, series)
        unchecked(formset)
    elif data is not None and all([formset.is_valid(), version.is_valid()]):
        rows = formset.rows()
        if any(row["party"].pk not in editable for row in rows):
            raise PermissionDenied
        try:
            save_funding(agreement=agreement, lines=rows, version=version.loaded, by=request.user)
        except EditConflict as exc:
            conflict = exc
            formset, version = after_conflict(
                request,
                exc,
                agreement,
                lambda data: _lines_forms(agreement, data, editable, series),
                posted_name(formset=formset),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Finansieringen är sparad."))
            return redirect(agreement)
    context = {"agreement": agreement, "formset": formset, "version_form": version}
    return render(request, "funding/lines_form.html", context | {"conflict": conflict})


@login_required
@require_http_methods(["GET", "POST"])
def outside_shares(request, pk):
    """Confirm, then remove, the amounts for years the agreement's period no longer has."""
    agreement = get_agreement_for(request.user, pk)
    editable = funding_parties_for(request.user, agreement)
    if not editable:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    version = VersionForm(data, version=agreement.funding_version)
    error = conflict = None
    if data is not None and version.is_valid():
        try:
            removed = remove_shares_outside_period(
                agreement=agreement, parties=editable, version=version.loaded, by=request.user
            )
        except EditConflict as exc:
            conflict = exc
            version = after_conflict(
                request,
                exc,
                agreement,
                lambda data: VersionForm(data, version=agreement.funding_version),
            )
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(
                request, _("%(n)s belopp utanför perioden är borttagna.") % {"n": removed}
            )
            return redirect(agreement)
    shares = list(shares_outside_period(agreement))
    context = {
        "agreement": agreement,
        "shares": shares,
        "removable": [s for s in shares if s.line.party_id in editable],
        "version_form": version,
        "conflict": conflict,
        "error": error,
    }
    return render(request, "funding/outside_shares.html", context, status=400 if data else 200)


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, pk):
    """The payment plan of one funding line, changed by the paying party's administrators."""
    line = get_funding_line_for(request.user, pk, edit=True)
    agreement = line.agreement
    existing = PaymentPlan.objects.filter(line=line).first()
    data = request.POST if request.method == "POST" else None
    form, version = _plan_forms(line, existing, data)
    conflict = None
    if data is not None and all([form.is_valid(), version.is_valid()]):
        fields = {name: form.cleaned_data[name] for name in PLAN_FIELDS}
        try:
            save_payment_plan(line=line, version=version.loaded, by=request.user, **fields)
        except EditConflict as exc:
            conflict = exc
            existing = PaymentPlan.objects.filter(line=line).first()
            form, version = after_conflict(
                request, exc, agreement, lambda data: _plan_forms(line, existing, data)
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Betalningsplanen är sparad."))
            return redirect("funding:payments", pk=agreement.pk)
    context = {"agreement": agreement, "line": line, "form": form, "version_form": version}
    status = 400 if form.is_bound else 200
    return render(
        request, "funding/plan_form.html", context | {"conflict": conflict}, status=status
    )


def _plan_forms(line, plan, data):
    form = PaymentPlanForm(data, instance=plan or PaymentPlan(line=line))
    return form, VersionForm(data, version=line.agreement.funding_version)


@login_required
@require_http_methods(["GET", "POST"])
def payments(request, pk):
    agreement = get_agreement_for(request.user, pk)
    editable = funding_parties_for(request.user, agreement)
    form = PaymentForm(agreement=agreement, editable=editable)
    once = SubmitOnceForm()
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = PaymentForm(request.POST, agreement=agreement, editable=editable)
        once = SubmitOnceForm(request.POST)
        # A payment on another party's line is that party's to register.
        if form.is_valid() and form.cleaned_data["line"].party_id not in editable:
            raise PermissionDenied
        if all([form.is_valid(), once.is_valid()]):
            try:
                submit_once(
                    key=once.key,
                    by=request.user,
                    create=lambda: register_payment(**form.cleaned_data, by=request.user),
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Betalningen är registrerad."))
                return redirect("funding:payments", pk=agreement.pk)
    extra = {"once_form": once}
    return _payments_page(request, agreement, form, payment=None, editable=editable, extra=extra)


def _payment_forms(payment, agreement, data, editable):
    form = PaymentForm(data, instance=payment, agreement=agreement, editable=editable)
    return form, VersionForm(data, version=payment.version)


@login_required
@require_http_methods(["GET", "POST"])
def payment(request, pk):
    payment = get_payment_for(request.user, pk, edit=True)
    agreement = payment.line.agreement
    editable = funding_parties_for(request.user, agreement)
    data = request.POST if request.method == "POST" else None
    form, version = _payment_forms(payment, agreement, data, editable)
    conflict = None
    if form.is_bound and form.is_valid() and form.cleaned_data["line"].party_id not in editable:
        raise PermissionDenied
    if form.is_bound and all([form.is_valid(), version.is_valid()]):
        try:
            change_payment(
                payment=payment, version=version.loaded, **form.cleaned_data, by=request.user
            )
        except EditConflict as exc:
            conflict = exc
            form, version = after_conflict(
                request,
                exc,
                payment,
                lambda data: _payment_forms(payment, agreement, data, editable),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Betalningen är sparad."))
            return redirect("funding:payments", pk=agreement.pk)
    extra = {"version_form": version, "conflict": conflict}
    return _payments_page(request, agreement, form, payment=payment, editable=editable, extra=extra)


def _payments_page(request, agreement, form, *, payment, editable, extra=None):
    """The agreement's payment plans and payments, with the form to register or correct one
    (400 when a posted form was refused); editable: the parties whose payments the user
    registers."""
    today = timezone.localdate()
    lines = list(lines_queryset().filter(agreement=agreement))
    context = {
        "agreement": agreement,
        "plans": [
            (line, line_expected_payments(line, today=today))
            for line in lines
            if hasattr(line, "payment_plan")
        ],
        "registered": Payment.objects.filter(line__agreement=agreement).select_related(
            "line__party"
        ),
        "form": form,
        "payment": payment,
        "can_register": any(line.party_id in editable for line in lines),
        # The lines whose payment plan the user enters or changes.
        "own_lines": [line for line in lines if line.party_id in editable],
        "editable": editable,
        "funding": agreement_funding(agreement, lines=lines),
        "today": today,
    }
    context |= extra or {}
    status = 400 if form.is_bound else 200
    return render(request, "funding/payments.html", context, status=status)
