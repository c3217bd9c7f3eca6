import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.access import (
    ADMINISTRATOR,
    agreements_of_own_organisation,
    agreements_visible_to,
    get_agreement_for,
    get_own_party_for,
    get_payment_for,
    has_role,
    parties_visible_to,
    require_any,
    require_role,
)
from agreements.filters import filter_agreements
from agreements.forms import AgreementFilterForm, SubmitOnceForm, VersionForm, posted_name
from agreements.models import Agreement
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.once import submit_once
from agreements.views._common import paginate, query_without_page

from . import exports
from .forms import FundingLineFormSet, IndexImportForm, IndexValueForm, PaymentForm
from .models import IndexSeries, Payment
from .services import (
    add_index_value,
    change_payment,
    import_index_csv,
    register_payment,
    save_funding,
)
from .summary import (
    agreement_funding,
    group_lines,
    line_expected_payments,
    line_rows,
    lines_queryset,
    organisation_funding,
)

GROUP_PARAMS = {"budget": "pays", "betalare": "receives"}


@login_required
@require_GET
def organisation(request, pk):
    party = get_own_party_for(request.user, pk)
    agreements = agreements_of_own_organisation(request.user, party)
    asked = next((p for p in GROUP_PARAMS if p in request.GET), None)
    overview = organisation_funding(party, agreements, rows=asked is None)
    if asked is None:
        return render(request, "funding/organisation.html", {"party": party, "overview": overview})
    side, label = GROUP_PARAMS[asked], request.GET[asked]
    group = next((g for g in getattr(overview, side) if g.label == label), None)
    if group is None:
        raise Http404
    page = paginate(request, group_lines(party, agreements, side, label))
    page.object_list = line_rows(list(page.object_list), overview.years)
    context = {
        "party": party,
        "overview": overview,
        "side": side,
        "group": group,
        "page": page,
        "query": urlencode({asked: label}),
    }
    return render(request, "funding/organisation_group.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def index_values(request):
    # Index values are shared data: administrators of any organisation maintain them.
    require_any(request.user, ADMINISTRATOR)
    value_form, import_form, import_errors = IndexValueForm(), IndexImportForm(), []
    status = 200
    if request.method == "POST" and request.POST.get("action") == "import":
        import_form = IndexImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            created, import_errors = import_index_csv(
                series=import_form.cleaned_data["series"],
                text=import_form.cleaned_data["file"],
                by=request.user,
            )
            if not import_errors:
                messages.success(
                    request, _("%(n)s indexvärden importerades.") % {"n": len(created)}
                )
                return redirect("funding:index_values")
        status = 400
    elif request.method == "POST":
        value_form = IndexValueForm(request.POST)
        if value_form.is_valid():
            try:
                add_index_value(**value_form.cleaned_data, by=request.user)
            except DomainError as error:
                value_form.add_error(None, str(error))
            else:
                messages.success(request, _("Indexvärdet är sparat."))
                return redirect("funding:index_values")
        status = 400
    context = {
        "series_list": IndexSeries.objects.prefetch_related("values"),
        "value_form": value_form,
        "import_form": import_form,
        "import_errors": import_errors,
    }
    return render(request, "funding/index_values.html", context, status=status)


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


def _lines_forms(agreement, data):
    formset = FundingLineFormSet(
        data,
        instance=agreement,
        prefix="rader",
        queryset=agreement.funding_lines.select_related("party").prefetch_related("shares"),
    )
    return formset, VersionForm(data, version=agreement.funding_version)


@login_required
@require_http_methods(["GET", "POST"])
def lines(request, pk):
    agreement = get_agreement_for(request.user, pk, roles=[ADMINISTRATOR])
    data = request.POST if request.method == "POST" else None
    formset, version = _lines_forms(agreement, data)
    conflict = None
    if data is not None and all([formset.is_valid(), version.is_valid()]):
        try:
            save_funding(
                agreement=agreement,
                lines=formset.rows(),
                version=version.loaded,
                by=request.user,
            )
        except EditConflict as exc:
            conflict = exc
            agreement.refresh_from_db()
            data = exc.data(request.POST, posted_name(formset=formset))
            formset, version = _lines_forms(agreement, data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Finansieringen är sparad."))
            return redirect(agreement)
    context = {"agreement": agreement, "formset": formset, "version_form": version}
    return render(request, "funding/lines_form.html", context | {"conflict": conflict})


@login_required
@require_http_methods(["GET", "POST"])
def payments(request, pk):
    agreement = get_agreement_for(request.user, pk)
    form, once = PaymentForm(agreement=agreement), SubmitOnceForm()
    if request.method == "POST":
        require_role(request.user, agreement, ADMINISTRATOR)
        form = PaymentForm(request.POST, agreement=agreement)
        once = SubmitOnceForm(request.POST)
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
    return _payments_page(request, agreement, form, payment=None, extra={"once_form": once})


def _payment_forms(payment, agreement, data):
    form = PaymentForm(data, instance=payment, agreement=agreement)
    return form, VersionForm(data, version=payment.version)


@login_required
@require_http_methods(["GET", "POST"])
def payment(request, pk):
    payment = get_payment_for(request.user, pk, roles=[ADMINISTRATOR])
    agreement = payment.line.agreement
    data = request.POST if request.method == "POST" else None
    form, version = _payment_forms(payment, agreement, data)
    conflict = None
    if form.is_bound and all([form.is_valid(), version.is_valid()]):
        try:
            change_payment(
                payment=payment, version=version.loaded, **form.cleaned_data, by=request.user
            )
        except EditConflict as exc:
            conflict = exc
            payment.refresh_from_db()
            form, version = _payment_forms(payment, agreement, exc.data(request.POST))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Betalningen är sparad."))
            return redirect("funding:payments", pk=agreement.pk)
    extra = {"version_form": version, "conflict": conflict}
    return _payments_page(request, agreement, form, payment=payment, extra=extra)


def _payments_page(request, agreement, form, *, payment, extra=None):
    """The agreement's payment plans and payments, with the form to register or correct one
    (400 when a posted form was refused)."""
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
        "can_register": has_role(request.user, agreement, ADMINISTRATOR),
        "funding": agreement_funding(agreement, lines=lines),
        "today": today,
    }
    context |= extra or {}
    status = 400 if form.is_bound else 200
    return render(request, "funding/payments.html", context, status=status)
