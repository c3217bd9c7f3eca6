"""An agreement's history: who changed what and when, for every party's members."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements.access import get_agreement_for
from agreements.agreement_log import agreement_history as history_of

from ._common import paginate

PAGE_SIZE = 50


@login_required
@require_GET
def agreement_history(request, pk):
    agreement = get_agreement_for(request.user, pk)
    page = paginate(request, history_of(agreement), PAGE_SIZE)
    return render(
        request, "agreements/agreement_history.html", {"agreement": agreement, "page": page}
    )
