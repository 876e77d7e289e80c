"""Authentication backends for the external identity services.

``CASBackend`` checks a CAS service ticket with the CAS server (django-cas-ng's client) and hands the account to
``jiesu.identity.services``; django-cas-ng's own user creation (by user name) is never used. ``WeComBackend``
authenticates nobody itself: the WeCom callback signs the person in with it, so the session knows how the person
came in (``sign_out_url``) and Django can load the person on later requests.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_cas_ng.utils import get_cas_client

from jiesu.identity.models import Provider
from jiesu.identity.profiles import cas_profile
from jiesu.identity.services import ExternalAccount, external_sign_in

REFUSAL_ATTRIBUTE = "jiesu_sign_in_refusal"
logger = logging.getLogger(__name__)


class CASBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        ticket: str | None = None,
        service: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not ticket or not service or request is None:
            return None
        client = get_cas_client(service_url=service, request=request)
        try:
            username, attributes, _pgtiou = client.verify_ticket(ticket)
        except requests.RequestException as error:
            logger.warning("CAS ticket check failed: %s", error)
            reason = _("The school's unified identity authentication could not be reached. Try again later.")
            setattr(request, REFUSAL_ATTRIBUTE, reason)  # noqa: B010
            return None
        if not username:
            return None
        attributes = dict(attributes or {})
        account = ExternalAccount(
            provider=Provider.CAS,
            subject=str(username),
            profile=cas_profile(attributes),
            attributes=attributes,
        )
        result = external_sign_in(account=account, may_create=True)
        if result.user is None:
            setattr(request, REFUSAL_ATTRIBUTE, result.reason)  # noqa: B010 (shown by the CAS login view)
        return result.user


class WeComBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:  # type: ignore[override]
        return None
