"""Jiesu settings, read from the environment.

Defaults serve the embedded install: a SQLite file under ``var/``, DEBUG off. Production deployments use
``jiesu.settings.production`` (see docs/architecture.md, "Deployment").
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/jiesu
REPO_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("JIESU_VAR_DIR", REPO_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def local_secret_key(var_dir: Path) -> str:
    """This install's own key for development, the demo and tests: ``var/secret_key``, made once with
    ``secrets.token_urlsafe`` (readable by its owner only; git-ignored, never committed)."""
    path = var_dir / "secret_key"
    try:
        var_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(secrets.token_urlsafe(50) + "\n")
    return path.read_text(encoding="ascii").strip()


DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules
# No key is written in the source: a key anyone can read lets anyone sign sessions and links (docs/security.md).
# With DEBUG off the key comes from the environment; without it the process refuses to start
# (jiesu.web.checks.E001, an error of `jiesu check`). DEBUG runs, `make demo` and the tests use this install's
# own random key under var/.
SECRET_KEY = os.environ.get("SECRET_KEY", "") or (local_secret_key(VAR_DIR) if DEBUG or TESTING else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "csp",
    "jiesu.org",
    "jiesu.workcalendar",
    "jiesu.tickets",
    "jiesu.notify",
    "jiesu.worker",
    "jiesu.ledger",
    "jiesu.insight",
    "jiesu.catalogue",
    "jiesu.knowledge",
    "jiesu.supervision",
    "jiesu.reporting",
    "django_cas_ng",
    "jiesu.identity",  # issue 18: CAS and WeCom sign-in
    "jiesu.people",
    "jiesu.mailbox",
    "jiesu.directory",
    "jiesu.channels",  # Office-led channels: reception day, symposiums, petitions (R2.1, R2.4, R2.5)
    "jiesu.referrals",
    "jiesu.api",
    "jiesu.open311",  # above api and catalogue: Open311 GeoReport v2 on the referral path
    "jiesu.web",
    "jiesu.backup",  # top layer: reads every app's tables to back them up
    "jiesu.demo",  # on top of everything: nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "jiesu.web.middleware.NoStoreMiddleware",  # after whitenoise: static files stay cacheable
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jiesu.web.middleware.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jiesu.urls"
WSGI_APPLICATION = "jiesu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jiesu.web.context_processors.roles",
                "jiesu.notify.context_processors.unread",
            ],
        },
    },
]


def _database_from_url(url: str) -> dict[str, Any]:
    """Build Django's DATABASES entry; SQLite gets WAL, a busy timeout and persistent connections."""
    if url.startswith("sqlite"):
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=None))
        config["OPTIONS"] = {
            # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so two
            # writers queue instead of failing with "database is locked" on upgrade.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-32000; PRAGMA mmap_size=268435456;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        # A file test database (not pytest-django's in-memory one) so the concurrency tests run on SQLite too.
        config["TEST"] = {"NAME": str(VAR_DIR / "test-jiesu.sqlite3")}
        return config
    config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    if config["ENGINE"] == "django.db.backends.postgresql":
        options = config.setdefault("OPTIONS", {})
        pool = int(os.environ.get("JIESU_DB_POOL", "0") or 0)
        if pool > 0:
            # Django's own connection pool (psycopg_pool): up to JIESU_DB_POOL connections per process, shared by
            # its threads; persistent connections must then be off (Django refuses both).
            options["pool"] = {"min_size": min(2, pool), "max_size": pool}
            config["CONN_MAX_AGE"] = 0
            config["CONN_HEALTH_CHECKS"] = False
        if os.environ.get("JIESU_DB_SERVER_SIDE_BINDING", "0") == "1":
            # Server-side parameter binding (Django's documented psycopg option); not behind PgBouncer < 1.21.
            options["server_side_binding"] = True
    return config


VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiesu.sqlite3'}")
DATABASES = {"default": _database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# How many reverse proxies of our own stand before the application (nginx: 1). The client's address is read
# through them (jiesu.clientip) by every throttle and lockout; 0 = REMOTE_ADDR, X-Forwarded-For ignored.
JIESU_TRUSTED_PROXIES = int(os.environ.get("JIESU_TRUSTED_PROXIES", "0"))
NINJA_NUM_PROXIES = JIESU_TRUSTED_PROXIES  # for any django-ninja throttle not keyed by jiesu.clientip

# Lockout after repeated failed sign-ins (django-axes) on the username *and* address together, so nobody can lock
# someone else out from elsewhere; the username alone and the address alone are slowed down instead
# (jiesu.web.signin: guessing one account from many addresses, password spraying from one address).
AXES_CLIENT_IP_CALLABLE = "jiesu.clientip.client_ip_or_none"
AXES_FAILURE_LIMIT = int(os.environ.get("JIESU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("JIESU_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Issue 17 items 3 and 6: bounds on what a client may send. A request body (files aside) over
# JIESU_MAX_BODY_BYTES is answered 413; staff may date a request back at most JIESU_INTAKE_BACKDATE_DAYS; intake
# (web form and API together) is limited per person and per client address ("N/s", "N/m", "N/h", "N/d").
JIESU_MAX_BODY_BYTES = int(os.environ.get("JIESU_MAX_BODY_BYTES", str(1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = JIESU_MAX_BODY_BYTES
JIESU_INTAKE_BACKDATE_DAYS = int(os.environ.get("JIESU_INTAKE_BACKDATE_DAYS", "7"))
JIESU_INTAKE_RATE_PERSON = os.environ.get("JIESU_INTAKE_RATE_PERSON", "30/h")
JIESU_INTAKE_RATE_ADDRESS = os.environ.get("JIESU_INTAKE_RATE_ADDRESS", "120/h")
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
# Front-end packages installed from the npm registry by `make install` (git-ignored, never hand-copied).
VENDOR_STATIC_DIR = PACKAGE_DIR / "static_vendor"
STATICFILES_DIRS = [VENDOR_STATIC_DIR] if VENDOR_STATIC_DIR.exists() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded attachments live outside the web root and are served only through permission checks.
MEDIA_ROOT = Path(os.environ.get("JIESU_MEDIA_ROOT", VAR_DIR / "media"))

SESSION_COOKIE_HTTPONLY = True
# A session ends after 8 hours without activity (jiesu.web.middleware.SessionIdleMiddleware keeps an active one
# alive); JIESU_SESSION_IDLE_HOURS may shorten it.
SESSION_COOKIE_AGE = int(float(os.environ.get("JIESU_SESSION_IDLE_HOURS", "8")) * 3600)
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "jiesu.web.errors.csrf_failure"  # issue 14 item 3: a Chinese page with a way back
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, fonts and fetches from this site only — no inline
# script or style, no CDN (htmx, ECharts and Swagger UI are local static files), no framing, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# A shared cache (throttles, the calendar version check): Redis in production, the database by default so
# every process of the embedded install shares it.
CACHE_URL = os.environ.get("JIESU_CACHE_URL", "")
if CACHE_URL.startswith("redis"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "jiesu_cache"}
    }

# --- Background work (huey): the queue lives in its own SQLite file by default, in Redis in production
# (JIESU_QUEUE_URL=redis://host:6379/0). Under pytest tasks stay in memory unless a test starts a worker.
QUEUE_URL = os.environ.get("JIESU_QUEUE_URL") or (
    "memory://" if TESTING else f"sqlite:///{VAR_DIR / 'queue.sqlite3'}"
)
QUEUE_NAME = os.environ.get("JIESU_QUEUE_NAME", "jiesu")
WORKER_THREADS = int(os.environ.get("JIESU_WORKER_THREADS", "2"))

# --- Notifications: email through Django's backends (SMTP when EMAIL_HOST is set), SMS and WeCom through
# pluggable backends that print to the worker's console by default.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = os.environ.get("JIESU_EMAIL_BACKEND", EMAIL_BACKEND)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "接诉即办 <jiesu@localhost>")
JIESU_SMS_BACKEND = os.environ.get("JIESU_SMS_BACKEND", "jiesu.notify.backends.ConsoleSmsBackend")
JIESU_WECOM_BACKEND = os.environ.get("JIESU_WECOM_BACKEND", "jiesu.notify.backends.ConsoleWecomBackend")
JIESU_WECOM_WEBHOOK_URL = os.environ.get("JIESU_WECOM_WEBHOOK_URL", "")
# How long a worker holds a claimed outbox row (renewed before each send) before another may take it again:
# longer than one send can take (backends time out after 10–20 s). The fault benchmark shortens it.
JIESU_OUTBOX_LEASE_SECONDS = int(os.environ.get("JIESU_OUTBOX_LEASE_SECONDS", "300"))
# Absolute links in messages (the rating link): the address requesters reach the site at.
JIESU_SITE_URL = os.environ.get("JIESU_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Rule parameters (../shared/spec/rules.md). Every number is a default the school may change. ---
JIESU_RULES: dict[str, object] = {}

# --- Assessment (R8.6): no official weights are published, so the score's weights are settings.
JIESU_ASSESSMENT_WEIGHTS: dict[str, float] = {"response": 0.1, "resolution": 0.5, "satisfaction": 0.4}
JIESU_ASSESSMENT_BASIC_WEIGHT = 1.0  # w: how much "basically satisfied" counts in the satisfaction rate
# Dashboards and the public summary are school-wide aggregates, computed at most once per this many seconds.
JIESU_SUPERVISION_CACHE_SECONDS = int(os.environ.get("JIESU_SUPERVISION_CACHE_SECONDS", "300"))
# R8.4: units in a sensitive period report by this local time (Asia/Shanghai, HH:MM); missing ones are flagged.
JIESU_ZERO_REPORT_CUTOFF = os.environ.get("JIESU_ZERO_REPORT_CUTOFF", "17:00")

# --- Issue 18: signing in through the school's identity services (docs/deployment.md). Local accounts (the
# Office's administrators) always keep their password. Unset JIESU_CAS_SERVER_URL = no CAS at all: no link on the
# sign-in page, no backend, /cas/… answers 404.
CAS_SERVER_URL = os.environ.get("JIESU_CAS_SERVER_URL", "") or None
CAS_VERSION = os.environ.get("JIESU_CAS_VERSION", "3")  # "3" (CAS 3.0, p3/serviceValidate) or "2"
CAS_CREATE_USER = False  # jiesu.identity decides who a CAS account is (ExternalIdentity), never by user name
CAS_LOGOUT_COMPLETELY = True  # signing out of Jiesu also ends the CAS single sign-on session
CAS_LOGIN_MSG = None  # no English flash messages from django-cas-ng
CAS_LOGGED_MSG = None
CAS_REDIRECT_URL = "/"
# Attribute names the school's CAS releases (CAS 3.0 attributes, or CAS 2.0 with the attribute extension).
JIESU_CAS_ATTR_NUMBER = os.environ.get("JIESU_CAS_ATTR_NUMBER", "employeeNumber")  # 学号/工号
JIESU_CAS_ATTR_NAME = os.environ.get("JIESU_CAS_ATTR_NAME", "cn")
JIESU_CAS_ATTR_KIND = os.environ.get("JIESU_CAS_ATTR_KIND", "userType")
JIESU_CAS_ATTR_UNIT = os.environ.get("JIESU_CAS_ATTR_UNIT", "ou")
# The CAS's values of the kind attribute → requester kinds ("本科生=student,教职工=faculty"); the kinds' own codes
# (student, faculty, staff, retiree, external) are always understood.
JIESU_CAS_KIND_MAP = os.environ.get(
    "JIESU_CAS_KIND_MAP", "本科生=student,研究生=student,学生=student,教师=faculty,职工=staff,离退休=retiree"
)
if CAS_SERVER_URL:
    AUTHENTICATION_BACKENDS.append("jiesu.identity.backends.CASBackend")
    # A CAS session's sign-out form ends at the CAS server's /logout (single sign-out); browsers check that
    # redirect against form-action.
    _cas = urlsplit(CAS_SERVER_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_cas.scheme}://{_cas.netloc}")

# WeCom web sign-in (企业微信网页授权): all three of corp id, agent id and secret set = WeCom sign-in on.
JIESU_WECOM_CORP_ID = os.environ.get("JIESU_WECOM_CORP_ID", "")
JIESU_WECOM_AGENT_ID = os.environ.get("JIESU_WECOM_AGENT_ID", "")
JIESU_WECOM_SECRET = os.environ.get("JIESU_WECOM_SECRET", "")
JIESU_WECOM_API_BASE = os.environ.get("JIESU_WECOM_API_BASE", "https://qyapi.weixin.qq.com").rstrip("/")
JIESU_WECOM_AUTHORIZE_URL = os.environ.get(
    "JIESU_WECOM_AUTHORIZE_URL", "https://open.weixin.qq.com/connect/oauth2/authorize"
)
if JIESU_WECOM_CORP_ID and JIESU_WECOM_AGENT_ID and JIESU_WECOM_SECRET:
    AUTHENTICATION_BACKENDS.append("jiesu.identity.backends.WeComBackend")
# --- Campus directory (issue 18, docs/deployment.md): LDAP sign-in by 学号/工号 and the nightly sync of units
# and people; OIDC sign-in (mozilla-django-oidc). Each is off while its server / client id is unset.
JIESU_LDAP: dict[str, Any] = {
    "server_uri": os.environ.get("JIESU_LDAP_SERVER_URI", ""),
    "bind_dn": os.environ.get("JIESU_LDAP_BIND_DN", ""),
    "bind_password": os.environ.get("JIESU_LDAP_BIND_PASSWORD", ""),
    "start_tls": env_bool("JIESU_LDAP_START_TLS"),
    "people_base": os.environ.get("JIESU_LDAP_PEOPLE_BASE", ""),
    "people_filter": os.environ.get("JIESU_LDAP_PEOPLE_FILTER", ""),
    "groups_base": os.environ.get("JIESU_LDAP_GROUPS_BASE", ""),
    "units_base": os.environ.get("JIESU_LDAP_UNITS_BASE", ""),
    "number_attr": os.environ.get("JIESU_LDAP_NUMBER_ATTR", ""),
    "unit_attr": os.environ.get("JIESU_LDAP_UNIT_ATTR", ""),
    "kind_attr": os.environ.get("JIESU_LDAP_KIND_ATTR", ""),
    "group_roles": json.loads(os.environ.get("JIESU_LDAP_GROUP_ROLES") or "{}"),  # group DN -> role[:unit]
}
if JIESU_LDAP["server_uri"]:
    AUTHENTICATION_BACKENDS.append("jiesu.directory.backends.DirectoryLDAPBackend")
JIESU_OIDC: dict[str, Any] = {
    "client_id": os.environ.get("JIESU_OIDC_CLIENT_ID", ""),
    "number_claim": os.environ.get("JIESU_OIDC_NUMBER_CLAIM", ""),
    "groups_claim": os.environ.get("JIESU_OIDC_GROUPS_CLAIM", ""),
    "create_users": env_bool("JIESU_OIDC_CREATE_USERS", True),
    "group_roles": json.loads(os.environ.get("JIESU_OIDC_GROUP_ROLES") or "{}"),  # claim value -> role[:unit]
}
AUTHENTICATION_BACKENDS.append("jiesu.directory.oidc.DirectoryOIDCBackend")  # answers only when configured
OIDC_RP_CLIENT_ID = JIESU_OIDC["client_id"]
OIDC_RP_CLIENT_SECRET = os.environ.get("JIESU_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("JIESU_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("JIESU_OIDC_SCOPES", "openid profile email")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("JIESU_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("JIESU_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("JIESU_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("JIESU_OIDC_JWKS_ENDPOINT", "")
OIDC_AUTHENTICATION_CALLBACK_URL = "directory:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/login/"  # mozilla-django-oidc takes a path here, not a URL name
