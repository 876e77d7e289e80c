"""A real CAS server for the tests: django-mama-cas in its own small Django project and process, beside Jiesu
(as a school's CAS runs beside it). Not part of Jiesu; started by ``tests/identity/conftest.py``."""

import os
from pathlib import Path

SECRET_KEY = os.environ["CAS_TEST_SECRET_KEY"]  # a random key from the fixture
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "mama_cas",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "tests.identity.casserver.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["CAS_TEST_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LANGUAGE_CODE = "zh-hans"
# Its own cookie names: the browser talks to Jiesu and to this server on the same machine.
SESSION_COOKIE_NAME = "cas_sessionid"
CSRF_COOKIE_NAME = "cas_csrftoken"
MAMA_CAS_SERVICES = [
    {
        "SERVICE": r"^https?://(127\.0\.0\.1|localhost|testserver)(:\d+)?/",
        "CALLBACKS": ["tests.identity.casserver.callbacks.school_attributes"],
        "LOGOUT_ALLOW": True,  # single sign-out: POST a logoutRequest to each service the person used
    }
]
MAMA_CAS_FOLLOW_LOGOUT_URL = True
