"""An organisation's letterhead: the logo and house font of the documents it issues."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agreements.access import get_party_for_letterhead
from agreements.documents.letterhead import party_logo_uri
from agreements.forms import VersionForm
from agreements.letterhead_forms import LetterheadForm
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.letterhead import save_letterhead


@login_required
@require_http_methods(["GET", "POST"])
def party_letterhead(request, pk):
    party = get_party_for_letterhead(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = LetterheadForm(data, request.FILES or None, party=party)
    version = VersionForm(data, version=party.version)
    conflict = None
    if data is not None and all([form.is_valid(), version.is_valid()]):
        try:
            save_letterhead(party=party, **form.details(), version=version.loaded, by=request.user)
        except EditConflict as exc:
            conflict = exc
            party.refresh_from_db()
            version = VersionForm(exc.data(request.POST), version=party.version)
        except DomainError as exc:
            form.add_error("logo", str(exc))
        else:
            messages.success(request, _("Brevhuvudet är sparat."))
            return redirect("agreements:party", party.pk)
    context = {
        "party": party,
        "form": form,
        "version_form": version,
        "conflict": conflict,
        "logo": party_logo_uri(party),
    }
    return render(request, "agreements/party_letterhead.html", context, status=400 if data else 200)
