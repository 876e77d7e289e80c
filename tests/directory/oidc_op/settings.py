"""Settings of the test-only OpenID provider (django-oidc-provider) the OIDC sign-in tests run in a process of
its own (``serve.py``): a school's identity provider standing in for Keycloak. Never part of Jiesu."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from oidc_provider.lib.claims import ScopeClaims

HERE = Path(__file__).resolve().parent
SECRET_KEY = "test-provider-key-not-secret"  # noqa: S105 - a throwaway server for the tests
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.directory.oidc_op.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["OIDC_OP_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/login/"
SITE_URL = os.environ["OIDC_OP_SITE_URL"]
OIDC_USERINFO = "tests.directory.oidc_op.settings.userinfo"
OIDC_EXTRA_SCOPE_CLAIMS = "tests.directory.oidc_op.settings.GroupClaims"

# The provider's people: account -> the claims it releases (the 学号/工号 as preferred_username).
PEOPLE: dict[str, dict[str, Any]] = {
    "zhangxm": {
        "preferred_username": "2023010101",
        "name": "张小明",
        "email": "zhangxm@example.edu.cn",
        "groups": ["students"],
    },
    "wangfang": {
        "preferred_username": "T0002",
        "name": "王芳",
        "email": "wangf@example.edu.cn",
        "groups": ["staff", "jiesu-dispatchers"],
    },
}


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    person = PEOPLE.get(user.username, {})
    claims.update({k: v for k, v in person.items() if k != "groups"})
    claims["email_verified"] = True
    return claims


class GroupClaims(ScopeClaims):
    """The ``groups`` scope: the person's groups, as Keycloak's group mapper releases them."""

    info_groups = ("Groups", "The groups you belong to.")

    def scope_groups(self) -> dict[str, Any]:
        return {"groups": PEOPLE.get(self.user.username, {}).get("groups", [])}
