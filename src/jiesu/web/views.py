"""Thin views: parse, fetch through selectors, render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET

from jiesu.identity.providers import automatic_sign_in_url, sign_in_providers, sign_out_url
from jiesu.org.hours import is_open
from jiesu.org.models import User
from jiesu.org.selectors import hotline_directory, roles_for
from jiesu.web.forms import PasswordChangeForm, SignInForm
from jiesu.web.home import home_sections
from jiesu.workcalendar.selectors import get_calendar


@require_GET
def hotlines(request: HttpRequest) -> HttpResponse:
    """§11 directory: public, both campuses, with open-now following the working-day calendar (R5)."""
    now = timezone.localtime()
    calendar = get_calendar()
    rows = [(line, is_open(line, now, calendar.is_working_day)) for line in hotline_directory()]
    units = {line.unit_id for line, _open in rows}
    return render(
        request,
        "web/hotlines.html",
        {
            "rows": rows,
            "now": now,
            "unit_count": len(units),
            "is_working_day": calendar.is_working_day(now.date()),
        },
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role sees what it works on."""
    user = cast(User, request.user)  # login_required
    return render(request, "web/home.html", {"sections": home_sections(user, roles_for(user))})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


_password_change = auth_views.PasswordChangeView.as_view(
    template_name="web/password_change.html",
    form_class=PasswordChangeForm,
    success_url=reverse_lazy("web:password_change_done"),
)


@login_required
def password_change(request: HttpRequest) -> HttpResponseBase:
    """A local account changes its password (old one first, Django's validators); the session stays signed in
    and every other session of the account ends. Accounts without a local password are told where to go."""
    user = cast(User, request.user)
    if not user.has_usable_password():
        return render(request, "web/password_not_local.html", status=403)
    return _password_change(request)


class SignInView(auth_views.LoginView):
    """Django's sign-in; a slowed-down attempt (``jiesu.web.signin``) answers 429 with its message."""

    template_name = "registration/login.html"
    authentication_form = SignInForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated and (
            url := automatic_sign_in_url(request, self.get_redirect_url())
        ):
            return HttpResponseRedirect(url)  # inside WeCom: signed in without a password (issue 18)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """The school's sign-in services (CAS, WeCom, OIDC …) beside the local password form (issue 18)."""
        context = super().get_context_data(**kwargs)
        context["sign_in_providers"] = sign_in_providers(self.get_redirect_url())
        return context

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if any(error.code == "throttled" for error in form.non_field_errors().as_data()):
            response.status_code = 429
        return response


class SignOutView(auth_views.LogoutView):
    """Django's sign-out; a person who came in through CAS or WeCom is signed out there (the form re-sent with
    307, still a POST), so CAS's single sign-on session ends too."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if url := sign_out_url(request):
            return HttpResponseRedirect(url, status=307)
        return super().post(request, *args, **kwargs)
