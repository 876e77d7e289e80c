"""The directory's configuration, read from ``settings.JIESU_LDAP`` and ``settings.JIESU_OIDC`` (filled from the
``JIESU_LDAP_*`` / ``JIESU_OIDC_*`` environment; docs/deployment.md). Unset server or client = that part is off."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from jiesu.org.models import UNIT_ROLES, Role


@dataclass(frozen=True)
class RoleRule:
    """One mapping of a directory group (or an OIDC group claim value) to a role. A unit role applies in
    ``unit_code`` when given, else in the person's own unit."""

    role: Role
    unit_code: str | None = None


def parse_role_rules(raw: dict[str, str], *, setting: str, lower_keys: bool) -> dict[str, RoleRule]:
    """``{"cn=jiesu-heads,ou=groups,…": "unit_head", "…": "dispatcher:party_office"}`` → rules. An unknown role
    is a configuration error, reported when the setting is first used."""
    rules: dict[str, RoleRule] = {}
    for key, value in raw.items():
        role_name, _sep, unit_code = str(value).partition(":")
        try:
            role = Role(role_name.strip())
        except ValueError:
            raise ImproperlyConfigured(
                f"{setting}: {value!r} is not a role ({', '.join(Role.values)})"
            ) from None
        if unit_code and role not in UNIT_ROLES:
            raise ImproperlyConfigured(f"{setting}: {role.value} is school-wide and takes no unit")
        rules[key.strip().lower() if lower_keys else key.strip()] = RoleRule(role, unit_code.strip() or None)
    return rules


@dataclass(frozen=True)
class LdapConfig:
    server_uri: str = ""
    bind_dn: str = ""
    bind_password: str = ""
    start_tls: bool = False
    people_base: str = ""
    people_filter: str = "(objectClass=inetOrgPerson)"
    groups_base: str = ""
    units_base: str = ""
    number_attr: str = "uid"
    name_attr: str = "cn"
    unit_attr: str = "departmentNumber"
    kind_attr: str = "employeeType"
    timeout: int = 10
    group_roles: dict[str, RoleRule] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return bool(self.server_uri)

    def user_filter(self) -> str:
        """The sign-in search: the person's entry by 学号/工号 (django-auth-ldap fills ``%(user)s``, escaped)."""
        return f"(&{self.people_filter}({self.number_attr}=%(user)s))"


def ldap_config() -> LdapConfig:
    raw: dict[str, Any] = dict(getattr(settings, "JIESU_LDAP", {}) or {})
    roles = parse_role_rules(
        raw.pop("group_roles", {}) or {}, setting="JIESU_LDAP_GROUP_ROLES", lower_keys=True
    )
    return LdapConfig(**{k: v for k, v in raw.items() if v not in (None, "")}, group_roles=roles)


@dataclass(frozen=True)
class OidcConfig:
    client_id: str = ""
    number_claim: str = "preferred_username"
    name_claim: str = "name"
    groups_claim: str = "groups"
    create_users: bool = True
    group_roles: dict[str, RoleRule] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return bool(self.client_id)


def oidc_config() -> OidcConfig:
    raw: dict[str, Any] = dict(getattr(settings, "JIESU_OIDC", {}) or {})
    roles = parse_role_rules(
        raw.pop("group_roles", {}) or {}, setting="JIESU_OIDC_GROUP_ROLES", lower_keys=False
    )
    return OidcConfig(**{k: v for k, v in raw.items() if v not in (None, "")}, group_roles=roles)
