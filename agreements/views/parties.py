"""Organisations: the user's own and those party to their agreements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.access import (
    ADMINISTRATOR,
    agreements_visible_to,
    get_party_for,
    is_any,
    parties_editable_by,
    parties_visible_to,
    require_any,
)
from agreements.forms import PartyForm
from agreements.models import AgreementParty

from ._common import paginate


@login_required
@require_GET
def party_list(request):
    parties = parties_visible_to(request.user).order_by("name", "pk")
    return render(
        request,
        "agreements/party_list.html",
        {
            "page": paginate(request, parties),
            "can_create": is_any(request.user, ADMINISTRATOR),
            "editable": set(parties_editable_by(request.user).values_list("pk", flat=True)),
        },
    )


@login_required
@require_GET
def party_detail(request, pk):
    party = get_party_for(request.user, pk)
    roles = (
        AgreementParty.objects.filter(
            party=party, agreement__in=agreements_visible_to(request.user)
        )
        .select_related("agreement")
        .order_by("-agreement__period_start", "agreement__title", "agreement_id")
    )
    return render(
        request,
        "agreements/party_detail.html",
        {
            "party": party,
            "agreement_roles": roles,
            "can_edit": parties_editable_by(request.user).filter(pk=party.pk).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_create(request):
    require_any(request.user, ADMINISTRATOR)
    form = PartyForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        party = form.save()
        messages.success(
            request,
            _("%(name)s är registrerad. Lägg till den som part i en överenskommelse.")
            % {"name": party.name},
        )
        return redirect("agreements:parties")
    return render(request, "agreements/party_form.html", {"form": form, "party": None})


@login_required
@require_http_methods(["GET", "POST"])
def party_edit(request, pk):
    party = get_party_for(request.user, pk, edit=True)
    form = PartyForm(request.POST if request.method == "POST" else None, instance=party)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, _("Organisationen är sparad."))
        return redirect("agreements:party", party.pk)
    return render(request, "agreements/party_form.html", {"form": form, "party": party})
