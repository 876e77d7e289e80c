"""LDAP sign-in (django-auth-ldap): the person types their 学号/工号 and directory password; the backend binds
with the service account, finds the entry by number, binds as the person, and writes their details and mapped
roles through ``directory_signin_apply`` (the same code the nightly sync runs). Only in
AUTHENTICATION_BACKENDS when JIESU_LDAP_SERVER_URI is set (python-ldap is an optional extra)."""

from __future__ import annotations

from typing import Any

import ldap
from django.db import transaction
from django_auth_ldap.backend import LDAPBackend, LDAPSettings
from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

from jiesu.directory.conf import ldap_config
from jiesu.directory.models import DirectoryChange
from jiesu.directory.records import person_record
from jiesu.directory.services import DirectoryError, directory_signin_apply
from jiesu.identity.matching import new_person, person_by_number
from jiesu.org.models import User


class DirectoryLDAPBackend(LDAPBackend):
    """django-auth-ldap configured from ``settings.JIESU_LDAP`` rather than ``AUTH_LDAP_*`` settings."""

    @property
    def settings(self) -> LDAPSettings:
        config = ldap_config()
        options = {ldap.OPT_NETWORK_TIMEOUT: config.timeout, ldap.OPT_REFERRALS: 0}
        defaults: dict[str, Any] = {
            "SERVER_URI": config.server_uri,
            "BIND_DN": config.bind_dn,
            "BIND_PASSWORD": config.bind_password,
            "START_TLS": config.start_tls,
            "CONNECTION_OPTIONS": options,
            "USER_SEARCH": LDAPSearch(config.people_base, ldap.SCOPE_SUBTREE, config.user_filter()),
            "USER_ATTR_MAP": {},  # the details are written by directory_signin_apply
            "ALWAYS_UPDATE_USER": False,
        }
        if config.groups_base:
            defaults["GROUP_SEARCH"] = LDAPSearch(
                config.groups_base, ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)"
            )
            defaults["GROUP_TYPE"] = GroupOfNamesType()
        return LDAPSettings("JIESU_AUTH_LDAP_UNUSED_", defaults)

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[User, bool]:
        """The person is matched by number (the sync's key), not by account name."""
        number = (ldap_user.attrs.get(ldap_config().number_attr) or [username])[0]
        user = person_by_number(number)
        if user is not None:
            return user, False
        return new_person(number=number, username=number, prefix="directory"), True

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> User | None:
        config = ldap_config()
        with transaction.atomic():
            user = super().authenticate_ldap_user(ldap_user, password)
            if user is None:
                return None
            record = person_record(ldap_user.dn, ldap_user.attrs, config, ldap_user.group_dns)
            try:
                return directory_signin_apply(
                    record, user=user, rules=config.group_roles, source=DirectoryChange.Source.LDAP_SIGNIN
                )
            except DirectoryError:
                return None  # an entry without a usable 学号/工号 cannot sign in
