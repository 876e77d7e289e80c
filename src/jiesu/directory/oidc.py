"""OIDC sign-in (mozilla-django-oidc) for schools that run Keycloak or similar. A person is matched by a
configurable claim holding their 学号/工号 (``JIESU_OIDC_NUMBER_CLAIM``, default ``preferred_username``), never by
e-mail; their name and e-mail come from the claims; roles only from ``JIESU_OIDC_GROUP_ROLES``: a claim without
a mapping gives no role."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from jiesu.directory.conf import OidcConfig, oidc_config
from jiesu.directory.models import DirectoryChange
from jiesu.directory.records import KIND_ALIASES, PersonRecord
from jiesu.directory.services import DirectoryError, directory_signin_apply
from jiesu.identity.matching import people_with_number
from jiesu.identity.providers import SignInProvider, with_next
from jiesu.org.models import User


def oidc_provider(next_url: str) -> SignInProvider | None:
    """The sign-in page's OIDC button, registered in ``identity.providers.PROVIDERS`` by the app's ``ready()``
    (identity sits below directory and cannot import it), so the page has one list of services."""
    if not oidc_config().enabled:
        return None
    return SignInProvider(
        "oidc",
        str(_("Sign in through the school's identity service")),
        with_next(reverse("directory:oidc_login"), next_url),
    )


def claims_record(claims: dict[str, Any], config: OidcConfig) -> PersonRecord:
    groups = claims.get(config.groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    number = str(claims.get(config.number_claim) or "").strip()
    return PersonRecord(
        number=number,
        full_name=str(claims.get(config.name_claim) or claims.get("given_name") or "").strip(),
        email=str(claims.get("email") or "").strip() if claims.get("email_verified", True) else "",
        phone=str(claims.get("phone_number") or "").strip(),
        kind=KIND_ALIASES.get(str(claims.get("kind") or "").lower()),
        unit_code=str(claims.get("unit") or "").strip() or None,
        dn=f"oidc:{claims.get('sub', '')}",
        group_dns=frozenset(str(g) for g in groups),
    )


class DirectoryOIDCBackend(OIDCAuthenticationBackend):
    """Answers only when JIESU_OIDC_CLIENT_ID is set and the request is the provider's callback."""

    def authenticate(self, request: Any, **kwargs: Any) -> User | None:
        if request is None or not oidc_config().enabled:
            return None
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(str(claims.get(oidc_config().number_claim) or "").strip())

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return people_with_number(str(claims.get(oidc_config().number_claim) or ""))

    def _write(self, claims: dict[str, Any], user: User | None) -> User | None:
        config = oidc_config()
        try:
            return directory_signin_apply(
                claims_record(claims, config),
                user=user,
                rules=config.group_roles,
                source=DirectoryChange.Source.OIDC_SIGNIN,
            )
        except DirectoryError:
            return None

    def create_user(self, claims: dict[str, Any]) -> User | None:
        if not oidc_config().create_users:
            return None
        return self._write(claims, None)

    def update_user(self, user: User, claims: dict[str, Any]) -> User | None:
        return self._write(claims, user)
