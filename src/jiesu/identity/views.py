"""Thin views of the external sign-in: CAS (django-cas-ng's views, guarded) and WeCom's code flow."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from cas import SingleLogoutMixin
from django.conf import settings
from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_cas_ng import views as cas_views

from jiesu.identity import wecom
from jiesu.identity.backends import REFUSAL_ATTRIBUTE
from jiesu.identity.models import Provider
from jiesu.identity.providers import WECOM_BACKEND
from jiesu.identity.services import ExternalAccount, external_sign_in

logger = logging.getLogger(__name__)
WECOM_STATE_KEY = "jiesu_wecom_state"


def _problem(request: HttpRequest, status: int, title: str, explanation: str) -> HttpResponse:
    """A Chinese page in the site's error layout, with the way back and a link to the sign-in page."""
    context = {"code": status, "title": title, "explanation": explanation, "bare": False}
    return render(request, "identity/problem.html", context, status=status)


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    return _problem(request, 403, _("Sign-in refused"), reason)


class _CASLogin(cas_views.LoginView):
    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("logoutRequest"):
            # Single sign-out: the CAS server names the ticket whose session ends. python-cas reads these
            # requests only in its CAS 3.0 client; the message is the same SAML one whichever protocol version
            # validates tickets, so sign-outs from a CAS 2.0 server end sessions too.
            cas_views.clean_sessions(SingleLogoutMixin, request)
            return HttpResponse("ok", content_type="text/plain")
        return super().post(request)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except PermissionDenied:
            reason = getattr(request, REFUSAL_ATTRIBUTE, "") or _(
                "The school's unified identity authentication did not confirm who you are. Try again."
            )
            return _refused(request, reason)


_cas_login = _CASLogin.as_view()
_cas_logout = cas_views.LogoutView.as_view()


def _cas_configured() -> None:
    if not settings.CAS_SERVER_URL:
        raise Http404


@csrf_exempt  # the CAS server posts its single sign-out requests (logoutRequest) here
def cas_login(request: HttpRequest) -> Any:
    """Redirects to the CAS server's sign-in; back here with ``?ticket=`` it checks the ticket and signs in."""
    _cas_configured()
    return _cas_login(request)


@require_POST
def cas_logout(request: HttpRequest) -> Any:
    """Ends the Jiesu session, then the CAS single sign-on session (CAS_LOGOUT_COMPLETELY). POST only (the
    sign-out form, re-sent here by a 307), so no other site can sign a person out with a link."""
    _cas_configured()
    return _cas_logout(request)


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


@require_GET
def wecom_login(request: HttpRequest) -> HttpResponse:
    """Step 1 of WeCom's web sign-in: to WeCom's authorize page with a one-time state, back at the callback."""
    if not wecom.is_configured():
        raise Http404
    state = secrets.token_urlsafe(16)
    request.session[WECOM_STATE_KEY] = {"state": state, "next": _safe_next(request, request.GET.get("next"))}
    callback = request.build_absolute_uri(reverse("identity:wecom_callback"))
    return HttpResponseRedirect(wecom.authorize_url(redirect_uri=callback, state=state))


@require_GET
def wecom_callback(request: HttpRequest) -> HttpResponse:
    """Step 2: WeCom's code → the userid (gettoken, getuserinfo) → the linked person, signed in."""
    if not wecom.is_configured():
        raise Http404
    pending = request.session.pop(WECOM_STATE_KEY, None) or {}
    code = request.GET.get("code", "")
    if (
        not code
        or not pending
        or not secrets.compare_digest(str(pending.get("state", "")), request.GET.get("state", ""))
    ):
        return _problem(
            request,
            400,
            _("The WeCom sign-in has expired"),
            _("The sign-in link was used already or came from elsewhere. Open Jiesu again from WeCom."),
        )
    try:
        userid = wecom.user_id_for_code(code)
    except wecom.NotAMember:
        return _refused(request, _("Only members of the school's WeCom may sign in this way."))
    except wecom.WeComError as error:
        logger.warning("WeCom sign-in failed: %s", error)
        return _problem(
            request,
            502,
            _("WeCom could not confirm who you are"),
            _("WeCom did not answer as expected. Try again in a moment, or sign in another way."),
        )
    result = external_sign_in(
        account=ExternalAccount(provider=Provider.WECOM, subject=userid), may_create=False
    )
    if result.user is None:
        return _refused(request, result.reason)
    login(request, result.user, backend=WECOM_BACKEND)
    return HttpResponseRedirect(str(pending.get("next") or reverse(settings.LOGIN_REDIRECT_URL)))


@require_POST
def wecom_signed_out(request: HttpRequest) -> HttpResponse:
    """Signing out of a WeCom session: a page with a way to sign in again, instead of WeCom's silent sign-in
    putting the person straight back in."""
    logout(request)
    return render(request, "identity/signed_out.html")
