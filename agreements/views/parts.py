"""An agreement's ordered lists, each on its own page: the prose sections, the signatories and
the parties' listed resource contributions."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods

from agreements.access import ADMINISTRATOR, get_agreement_for
from agreements.forms import (
    ContributionFormSet,
    SectionFormSet,
    SignatoryFormSet,
    VersionForm,
    posted_name,
    unchecked,
)
from agreements.models import AgreementParty
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.parts import (
    CONTRIBUTIONS,
    SECTIONS,
    SIGNATORIES,
    save_contributions,
    save_sections,
    save_signatories,
)

from ._common import after_conflict


@dataclass(frozen=True)
class ListPage:
    """What differs between the three pages."""

    kind: object  # agreements.services.parts.OrderedList
    formset: type
    prefix: str
    save: object  # the service; takes the rows as its keyword `name`
    heading: str
    help: str
    row_label: str
    saved: str
    per_party: bool = True


PAGES = {
    "sections": ListPage(
        SECTIONS,
        SectionFormSet,
        "avsnitt",
        save_sections,
        _("Överenskommelsens text"),
        _(
            "Avsnitten skrivs ut i den här ordningen. Flytta, ta bort eller lägg till avsnitt; "
            "tomma avsnitt visas som luckor i dokumentet."
        ),
        _("Avsnitt"),
        _("Texten är sparad."),
        per_party=False,
    ),
    "signatories": ListPage(
        SIGNATORIES,
        SignatoryFormSet,
        "undertecknare",
        save_signatories,
        _("Undertecknare"),
        _(
            "Vem skriver under för varje part? De skrivs ut part för part, i den här ordningen "
            "inom varje part."
        ),
        pgettext_lazy("one row", "Undertecknare"),
        _("Undertecknarna är sparade."),
    ),
    "contributions": ListPage(
        CONTRIBUTIONS,
        ContributionFormSet,
        "bidrag",
        save_contributions,
        _("Parternas resursbidrag"),
        _(
            "Varje parts bidrag som en lista, i ord: insatser, lokaler, kunskap och annat som "
            "parten står för. Belopp i kronor anges under Finansiering och skrivs ut först."
        ),
        _("Resursbidrag"),
        _("Resursbidragen är sparade."),
    ),
}


def _forms(page, agreement, data):
    kwargs = {"queryset": page.kind.model.objects.filter(**{page.kind.parent_field: agreement})}
    if page.per_party:
        parties = AgreementParty.objects.filter(agreement=agreement).select_related("party")
        kwargs |= {
            "parties": parties,
            "initial_rows": [{"agreement_party": ap.pk} for ap in parties],
        }
    formset = page.formset(data, prefix=page.prefix, **kwargs)
    return formset, VersionForm(data, version=getattr(agreement, page.kind.version_field))


def _edit_list(request, pk, page):
    agreement = get_agreement_for(request.user, pk, roles=[ADMINISTRATOR])
    data = request.POST if request.method == "POST" else None
    rows, version = _forms(page, agreement, data)
    conflict = None
    rearranged = rows.rearranged(data) if data is not None else None
    if rearranged is not None:
        rows, version = _forms(page, agreement, rearranged)
        unchecked(rows)
    elif data is not None and all([rows.is_valid(), version.is_valid()]):
        try:
            page.save(
                agreement=agreement,
                version=version.loaded,
                by=request.user,
                **{page.kind.name: rows.rows()},
            )
        except EditConflict as exc:
            conflict = exc
            rows, version = after_conflict(
                request,
                exc,
                agreement,
                lambda data: _forms(page, agreement, data),
                posted_name(**{page.kind.name: rows}),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, page.saved)
            return redirect(agreement)
    context = {"agreement": agreement, "page": page, "rows": rows}
    context |= {"version_form": version, "conflict": conflict}
    return render(request, "agreements/agreement_rows_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_sections(request, pk):
    return _edit_list(request, pk, PAGES["sections"])


@login_required
@require_http_methods(["GET", "POST"])
def agreement_signatories(request, pk):
    return _edit_list(request, pk, PAGES["signatories"])


@login_required
@require_http_methods(["GET", "POST"])
def agreement_contributions(request, pk):
    return _edit_list(request, pk, PAGES["contributions"])
