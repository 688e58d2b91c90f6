"""Settings for Kota Cerdas, read from the environment (django-environ).

Environment variables (all optional in development):

- ``KOTACERDAS_ENV``: ``development`` (default) or ``production``. Production refuses to start
  without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``, turns DEBUG off and secure cookies and HSTS on.
- ``DATABASE_URL``: default SQLite under ``var/``; e.g. ``postgres://user@host:5432/kotacerdas``.
- ``CACHE_URL``: default local memory; e.g. ``redis://127.0.0.1:6379/1``.
- ``SECRET_KEY``, ``ALLOWED_HOSTS`` (comma separated), ``CSRF_TRUSTED_ORIGINS``.
- ``MEDIA_ROOT``: where evidence files live with the local storage (never served publicly).
- ``EVIDENCE_STORAGE``: ``local`` (default) or ``s3`` (django-storages; ``AWS_*`` variables).
- ``EMAIL_URL``: default the console backend; ``EMAIL_TIMEOUT``: seconds to wait for the mail
  server (default 20); ``EMAIL_KEEP_DAYS``: how long sent emails stay in the outbox (default 90).
- ``SITE_URL``: scheme and host that links in emails point to (default http://127.0.0.1:8000).
- ``KOTACERDAS_DEMO``: ``1`` marks a demo installation (demo accounts may sign in without 2FA).
- ``LINK_CHECK``: ``1`` lets the server fetch and archive link evidence (default off: closed
  government networks have no internet); ``LINK_CHECK_ALLOW_PRIVATE``: ``1`` allows links to
  private addresses (default off, against SSRF).
- ``REMINDER_DAYS_BEFORE``: the days before a region's self-assessment deadline on which
  ``kotacerdas send_reminders`` reminds a region that has not sent it (default ``7,3,1``).
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()

KOTACERDAS_ENV = env.str("KOTACERDAS_ENV", default="development")
if KOTACERDAS_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"KOTACERDAS_ENV must be 'development' or 'production', not {KOTACERDAS_ENV!r}."
    )
PRODUCTION = KOTACERDAS_ENV == "production"
DEMO_MODE = env.bool("KOTACERDAS_DEMO", default=False)

VAR_DIR = Path(env.str("KOTACERDAS_VAR", default=str(PROJECT_DIR / "var")))

_DEV_SECRET_KEY = "django-insecure-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Production needs SECRET_KEY: a random value of at least 50 characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Production needs ALLOWED_HOSTS, e.g. ALLOWED_HOSTS=kotacerdas.example.go.id"
        )
    if DEMO_MODE:
        # Demo accounts (password "demo") may skip two-factor sign-in in demo mode.
        raise ImproperlyConfigured(
            "KOTACERDAS_DEMO=1 is for demonstrations only, never production."
        )
    DEBUG = False
else:
    DEBUG = env.bool("DEBUG", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    # Third-party apps under their Indonesian/English admin names (core/thirdparty_apps.py).
    "kotacerdas.core.thirdparty_apps.TotpAppConfig",
    "kotacerdas.core.thirdparty_apps.StaticAppConfig",
    "django_tasks",
    "kotacerdas.core.thirdparty_apps.TaskResultsAppConfig",
    "kotacerdas.core",
    "kotacerdas.regions",
    "kotacerdas.accounts",
    "kotacerdas.instruments",
    "kotacerdas.evaluations",
    "kotacerdas.masterplans",
    "kotacerdas.results",
    "kotacerdas.reports",
    "kotacerdas.appeals",
    "kotacerdas.surveys",
    "kotacerdas.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kotacerdas.api.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After AuthenticationMiddleware: a signed-in user without a language cookie gets their own.
    "kotacerdas.core.locale.LanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kotacerdas.accounts.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kotacerdas.urls"
WSGI_APPLICATION = "kotacerdas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "kotacerdas.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kotacerdas.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default lives under var/, which a fresh clone does not have yet.
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and IMMEDIATE transactions let many operators save at once on the embedded database.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://kotacerdas")}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Django's own Redis backend: no extra client library beyond `redis`.
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
    CACHES["default"].pop("OPTIONS", None)

# --- Accounts and authentication ----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# django-axes: lock an account (per username and address) after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1 if PRODUCTION else 0)

# Two-factor sign-in (accounts/twofactor.py): required for admins and assessors. Only the test
# suite turns the enforcement off (so other tests can use force_login); never in an installation.
KOTACERDAS_TWO_FACTOR_ENFORCED = True
OTP_TOTP_ISSUER = "Kota Cerdas"
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_THROTTLE_FACTOR = 1

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# Thousand separators are applied explicitly (`intcomma`), so ids and machine values stay plain.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["kotacerdas.formats"]

# --- Static files and evidence storage ----------------------------------------------------
STATIC_URL = "/static/"
# collectstatic writes here in production; in development WhiteNoise serves from the apps.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))) if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
# The vega-embed bundle of the charts is generated from vl-convert on first use (results app).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "kotacerdas.results.staticfiles.VegaBundleFinder",
]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Evidence is never served from a media URL: no URL pattern serves MEDIA_ROOT; files are streamed
# only by views that check permission.

EVIDENCE_STORAGE = env.str("EVIDENCE_STORAGE", default="local")
if EVIDENCE_STORAGE == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif EVIDENCE_STORAGE == "local":
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
else:
    raise ImproperlyConfigured(
        f"EVIDENCE_STORAGE must be 'local' or 's3', not {EVIDENCE_STORAGE!r}"
    )

STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Upper limit of one evidence file; checked by the evidence service, not only by the web server.
KOTACERDAS_EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Checking and archiving link evidence (evaluations.services.links): the server fetches each
# link added as evidence and keeps a copy. Off by default: the platform runs on closed government
# networks without internet access, where every check would only time out. LINK_CHECK=1 turns it
# on where the server may reach the internet directly (outbound http and https; no proxy is used).
KOTACERDAS_LINK_CHECK = env.bool("LINK_CHECK", default=False)
# Links whose host resolves to a private, loopback, link-local or other non-public address are
# refused, so that an operator cannot make the server fetch internal services (SSRF: the cloud
# metadata address 169.254.169.254, the database, an admin panel on the intranet) and read the
# answer from the archived copy. Only for tests and closed networks whose evidence sites are
# internal: LINK_CHECK_ALLOW_PRIVATE=1.
KOTACERDAS_LINK_CHECK_ALLOW_PRIVATE = env.bool("LINK_CHECK_ALLOW_PRIVATE", default=False)

# --- Background work (django-tasks; worker: `kotacerdas db_worker`) -------------------------
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# --- Result letters (kotacerdas.reports) ------------------------------------------------------
# The letter number: {number} counts from first_number by region code; {month} and {year} are
# those of the publication (e.g. B-1003/DJAI/AI.01.04/12/2022).
KOTACERDAS_LETTER = {
    "ministry": env.str(
        "LETTER_MINISTRY", default="Kementerian Komunikasi dan Digital Republik Indonesia"
    ),
    "directorate": env.str(
        "LETTER_DIRECTORATE", default="Direktorat Jenderal Aplikasi Informatika"
    ),
    "signatory": env.str("LETTER_SIGNATORY", default="Direktur Jenderal Aplikasi Informatika"),
    "number_format": env.str(
        "LETTER_NUMBER_FORMAT", default="B-{number}/DJAI/AI.01.04/{month:02d}/{year}"
    ),
    "first_number": env.int("LETTER_FIRST_NUMBER", default=1001),
}
# The licence of the published results' open-data package (docs/api.md, "Open data"): a Data
# Package licence object. The ministry decides it; CC BY 4.0 is the default.
KOTACERDAS_OPEN_DATA_LICENSE = {
    "name": env.str("OPEN_DATA_LICENSE_NAME", default="CC-BY-4.0"),
    "path": env.str(
        "OPEN_DATA_LICENSE_URL", default="https://creativecommons.org/licenses/by/4.0/"
    ),
    "title": env.str(
        "OPEN_DATA_LICENSE_TITLE", default="Creative Commons Attribution 4.0 International"
    ),
}
# Processes that render the PDF reports of a whole cycle (the batch job and `report --all`).
KOTACERDAS_REPORT_WORKERS = env.int("REPORT_WORKERS", default=os.cpu_count() or 1)

# --- Citizen survey on quick wins (kotacerdas.surveys; docs/surveys.md) --------------------
# Responses accepted per programme from one network address (its salted hash) per day (WIB).
SURVEY_MAX_PER_DAY = env.int("SURVEY_MAX_PER_DAY", default=20)
# Below this many responses a figure is shown as "belum cukup tanggapan", not as a number.
SURVEY_MIN_RESPONSES = env.int("SURVEY_MIN_RESPONSES", default=10)
# The salt of the anti-abuse fingerprint (default: derived from SECRET_KEY). Keep it secret:
# without it, the hash of an address cannot be tested against the small space of addresses.
SURVEY_FINGERPRINT_SALT = env.str("SURVEY_FINGERPRINT_SALT", default="")
if SURVEY_MAX_PER_DAY < 1 or SURVEY_MIN_RESPONSES < 1:
    raise ImproperlyConfigured("SURVEY_MAX_PER_DAY and SURVEY_MIN_RESPONSES must be at least 1.")

# --- Email (console by default) -----------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kota Cerdas <noreply@kotacerdas.local>")
# Seconds to wait for the mail server: emails are first sent in the request that caused them,
# which must not hang for the system's TCP timeout (minutes) when the server is unreachable.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The address links in emails point to (scheme and host, no trailing slash).
KOTACERDAS_SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Every email goes through the outbox (core.outbox; `kotacerdas send_emails` retries from cron);
# sent ones are kept this many days, then that command deletes them (unsent ones never).
KOTACERDAS_EMAIL_KEEP_DAYS = env.int("EMAIL_KEEP_DAYS", default=90)
if KOTACERDAS_EMAIL_KEEP_DAYS < 1:
    raise ImproperlyConfigured("EMAIL_KEEP_DAYS must be at least 1.")
# Reminders to regions that have not sent their self-assessment (evaluations.services.reminders,
# `kotacerdas send_reminders` daily from cron): the schedule steps, in days before the region's
# deadline, most distant first. Each step is emailed once per region.
try:
    REMINDER_DAYS_BEFORE = tuple(
        sorted(set(env.list("REMINDER_DAYS_BEFORE", cast=int, default=[7, 3, 1])), reverse=True)
    )
except ValueError:
    REMINDER_DAYS_BEFORE = ()
if not REMINDER_DAYS_BEFORE or not all(0 <= days <= 366 for days in REMINDER_DAYS_BEFORE):
    raise ImproperlyConfigured("REMINDER_DAYS_BEFORE must list days between 0 and 366, e.g. 7,3,1.")

# --- REST API (kotacerdas.api; docs/api.md) ------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # A personal token first, so an unauthenticated request is answered 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kotacerdas.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "kotacerdas.api.permissions.TokenScope",
        "rest_framework.permissions.IsAuthenticated",
    ],
    # JSON only: the browsable API needs inline scripts, which the CSP forbids; the
    # documentation page is Swagger UI at /api/v1/docs/.
    "DEFAULT_RENDERER_CLASSES": ["kotacerdas.api.problems.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "kotacerdas.api.problems.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "kotacerdas.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "kotacerdas.api.throttling.AnonymousThrottle",
        "kotacerdas.api.throttling.SignedInThrottle",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per client address (anonymous) or per account (signed in); "N/second|minute|hour|day".
KOTACERDAS_API_ANON_RATE = env.str("API_ANON_RATE", default="60/minute")
KOTACERDAS_API_USER_RATE = env.str("API_USER_RATE", default="1200/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Kota Cerdas API",
    "DESCRIPTION": (
        "Smart City evaluation of Indonesia's regional governments. Errors are RFC 9457 problem "
        "details (application/problem+json). Authentication: the browser session, or a personal "
        "token (`Authorization: Bearer kc_...`) made on /akun/token-api/. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CycleStateEnum": "kotacerdas.evaluations.models.CycleState",
        "SubmissionStateEnum": "kotacerdas.evaluations.models.SubmissionState",
        # Self-assessment and appeal evidence: a file or a link (one choice set for both).
        "EvidenceKindEnum": "kotacerdas.evaluations.models.EvidenceKindStored",
        "MasterplanStatusEnum": "kotacerdas.masterplans.choices.MasterplanStatus",
        "ProgrammeStatusEnum": "kotacerdas.masterplans.choices.ProgrammeStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kotacerdas.api.schema.add_problem_responses",
    ],
}

# --- Security -----------------------------------------------------------------------------
# Strict Content Security Policy: no inline scripts, nothing from outside this server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "kotacerdas.api.problems.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint (PDF reports) narrates every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
