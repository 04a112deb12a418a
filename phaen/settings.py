"""Settings for phaen, driven by environment variables.

Everything a deployment changes comes from the environment (see docs/deployment.md):
``DEBUG``, ``SECRET_KEY`` (required when DEBUG is off), ``ALLOWED_HOSTS``, ``DATABASE_URL``,
``CSRF_TRUSTED_ORIGINS``, the ``EMAIL_*`` settings and the ``PHAEN_*`` switches.
The default database is an SQLite file under ``var/`` so that ``make demo`` needs nothing else.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PHAEN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG")

# A demo database may hold the public demo accounts (password "phaen-demo"); see load_demo.
PHAEN_DEMO = env_bool("PHAEN_DEMO")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (see docs/deployment.md)."
        )
    # Development only: a random key kept under var/ so sessions survive a restart.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # phaen, in layer order (lower layers first). Listed before Django's apps so that our
    # templates (the Thai registration/* pages and e-mails) win over admin's and auth's.
    "phaen.thai",
    "phaen.core",
    "phaen.orgs",
    "phaen.frameworks",
    "phaen.plans",
    "phaen.budget",
    "phaen.monitoring",
    "phaen.api",
    "phaen.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "phaen.core.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "phaen.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages middleware: the idle log-out leaves a message for the login page.
    "phaen.core.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "phaen.urls"
WSGI_APPLICATION = "phaen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "phaen.core.context_processors.shell",
            ],
            "builtins": ["phaen.thai.templatetags.thai"],
        },
    }
]

# Database ------------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'phaen.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASE_URL.startswith("sqlite:///") and ":memory:" not in DATABASE_URL:
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE avoids "database is locked"
        # surprises when two requests upgrade a read transaction to a write at the same time.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    # Behind PgBouncer in transaction pooling mode, server-side cursors must be off.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("PHAEN_PGBOUNCER")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Authentication ------------------------------------------------------------------------------

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "phaen.core.auth.PhaenModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failed log-ins (django-axes): per user name and address.
AXES_FAILURE_LIMIT = env_int("PHAEN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PHAEN_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "phaen.core.views.accounts.locked_out"  # Thai page; JSON under /api/
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "phaen.core.request_context.axes_client_ip"

# How many reverse proxies in front of phaen append to X-Forwarded-For (0: none, trust only
# REMOTE_ADDR). The audit log, the lock-out and the API rate limit use the address they give.
PHAEN_TRUSTED_PROXIES = env_int("PHAEN_TRUSTED_PROXIES", 0)

# Sessions: a working day at most, closed with the browser, and logged out after idle time.
SESSION_COOKIE_AGE = env_int("PHAEN_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PHAEN_SESSION_IDLE_MINUTES = env_int("PHAEN_SESSION_IDLE_MINUTES", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Internationalisation: Thai first, English available ------------------------------------------

LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "phaen" / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# Static and uploaded files ---------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # Evidence of monitoring reports: outside MEDIA_ROOT, so no URL ever serves a file directly
    # (they go out only as downloads through the access policy; phaen.monitoring.evidence).
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "evidence", "file_permissions_mode": 0o640},
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# The largest evidence file a report accepts (bytes; default 10 MB).
PHAEN_EVIDENCE_MAX_BYTES = env_int("PHAEN_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Days before a report's due date on which its reporters are reminded (comma-separated).
PHAEN_REPORT_REMINDER_DAYS = [
    int(day) for day in env_list("PHAEN_REPORT_REMINDER_DAYS", ["7", "1"])
]

# E-mail ----------------------------------------------------------------------------------------

MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "use_ssl": env_bool("EMAIL_USE_SSL"),
        },
    }
}
if "smtp" not in MAILERS["default"]["BACKEND"]:
    MAILERS["default"]["OPTIONS"] = {}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "phaen <no-reply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Background tasks (django.tasks + the database backend; workers run `manage.py db_worker`) ------

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
if env_bool("PHAEN_TASKS_IMMEDIATE"):
    # The demo runs no worker: tasks (e-mails) run inside the request instead.
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Security headers ------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("PHAEN_BEHIND_TLS_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# REST API --------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request is answered 401 with "WWW-Authenticate: Token".
        "phaen.core.auth.PhaenTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["phaen.core.api.policy.PolicyPermission"],
    "DEFAULT_PAGINATION_CLASS": "phaen.core.api.policy.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "phaen.core.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        # JSON only: the interactive docs at /api/v1/docs/ replace the browsable API (whose
        # inline scripts the content security policy refuses).
        "rest_framework.renderers.JSONRenderer",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": PHAEN_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "phaen API",
    "DESCRIPTION": (
        "REST API ของระบบแผน (phaen): แผนปฏิบัติการประจำปี งบประมาณ และการติดตามประเมินผล. "
        "Token auth: POST /api/v1/auth/token/ then send `Authorization: Token <token>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name get their own enum names (no generated suffixes).
    "ENUM_NAME_OVERRIDES": {
        "PlanVersionKindEnum": "phaen.plans.models.PlanVersion.Kind",
        "PlanVersionStatusEnum": "phaen.plans.models.PlanVersion.Status",
        "IndicatorKindEnum": "phaen.plans.models.Indicator.Kind",
        "ProjectStatusEnum": "phaen.plans.models.Project.Status",
    },
}

# Logging ---------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# phaen -----------------------------------------------------------------------------------------

PHAEN_LIST_PAGE_SIZE = env_int("PHAEN_LIST_PAGE_SIZE", 50)

# The empty choice of list filters: "all" rather than Django's "---------".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("ทั้งหมด")
PHAEN_SITE_NAME = os.environ.get("PHAEN_SITE_NAME", "แผน")
# The fiscal year (BE) pages open on before the user picks one; empty means the current one.
PHAEN_DEFAULT_FISCAL_YEAR = env_int("PHAEN_DEFAULT_FISCAL_YEAR", 0)


def _site_url() -> str:
    """The address users type, for links in e-mails sent without a request (notifications).

    Unset, it is https:// and the first ALLOWED_HOSTS name in production, the development
    server's address in DEBUG.
    """
    url = os.environ.get("PHAEN_SITE_URL", "").strip()
    if url:
        return url.rstrip("/")
    host = next((h for h in ALLOWED_HOSTS if h not in {"*", ""} and not h.startswith(".")), "")
    if not DEBUG and host:
        return f"https://{host}"
    return f"http://127.0.0.1:{os.environ.get('PORT') or 8000}"


SITE_URL = _site_url()
