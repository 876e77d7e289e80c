"""The Office's insight page (R9.5): the model in use, its training set, the acceptance rate, "retrain now"."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiesu.insight import permissions, selectors, services


def _check(request: HttpRequest) -> None:
    if not permissions.may_see_insight(request.user):
        raise PermissionDenied


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _check(request)
    context = {
        "version": selectors.latest_version(),
        "all_time": selectors.acceptance(),
        "last_30": selectors.acceptance(since=timezone.now() - dt.timedelta(days=30)),
    }
    return render(request, "insight/index.html", context)


@require_POST
def retrain(request: HttpRequest) -> HttpResponse:
    _check(request)
    queued = services.dispatch_model_training_request(actor=request.user)  # type: ignore[arg-type]
    if queued:
        messages.success(request, _("Retraining was queued; the new version appears here when it is ready."))
    else:
        messages.success(request, _("A new version of the dispatch suggestion was trained."))
    return redirect("insight:index")
