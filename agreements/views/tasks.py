"""An agreement's task list: every part with its status and the form that completes it."""

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements.access import get_agreement_for
from agreements.documents.context import AGREEMENT_PREFETCH
from agreements.tasklist import COMPLETE, TASK_PREFETCH, FormAccess, task_list


@login_required
@require_GET
def agreement_tasks(request, pk):
    agreement = get_agreement_for(request.user, pk)
    prefetch_related_objects([agreement], *AGREEMENT_PREFETCH, *TASK_PREFETCH)
    tasks = task_list(agreement)
    FormAccess(request.user).link(tasks.linkable())
    context = {
        "agreement": agreement,
        "tasks": tasks.tasks,
        "steps": tasks.steps,
        "completed": sum(task.status == COMPLETE for task in tasks.tasks),
    }
    return render(request, "agreements/agreement_tasks.html", context)
