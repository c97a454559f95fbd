"""Saksflyt settings: one module, read from the environment.

No environment at all is the embedded demo mode (`make run`): SQLite under var/, Celery tasks run
eagerly in-process, e-mail and SMS to the console, media under var/media. Setting DATABASE_URL,
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=false switches to production behaviour.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import storage
from config.env import Env
from config.redis_url import redis_url_for_tests

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("SAKSFLYT_VAR_DIR", str(BASE_DIR / "var")))

DATABASE_URL = env.url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
REDIS_URL = env.url("REDIS_URL", schemes=("redis", "rediss"))
# Test mode (MD5 hashing, no HTTPS-only settings, demo key and hosts allowed with DEBUG off) is
# only ever this explicit switch: pytest's configuration sets it (pyproject.toml, pytest-env).
TESTING = env.bool("SAKSFLYT_TESTING", False)
if TESTING and REDIS_URL:
    # The suite flushes its Redis database: never database 0 (config/redis_url.py).
    REDIS_URL = redis_url_for_tests(REDIS_URL)

# Demo mode (nothing configured) defaults to DEBUG on; a configured deployment defaults to off.
DEBUG = env.bool("DEBUG", DATABASE_URL is None)

_DEMO_SECRET_KEY = "django-insecure-saksflyt-demo-only-never-use-this-key-in-production-0123456789"
if env.is_set("SECRET_KEY"):
    SECRET_KEY = env.str("SECRET_KEY")
elif DEBUG or TESTING:
    SECRET_KEY = _DEMO_SECRET_KEY
else:
    raise ImproperlyConfigured("The environment variable SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS and not TESTING:
    raise ImproperlyConfigured(
        "The environment variable ALLOWED_HOSTS must be set when DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "config.admin.SaksflytAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "anymail",
    "axes",
    "csp",
    "organizations",
    "customers",
    "properties",
    "notifications",
    "cases",
    "printing",
    "inquiries",
    "portal",
    "privacy",
    "search",
    "reports",
]

MIDDLEWARE = [
    # First: each request starts with no organization (organizations/tenancy.py).
    "organizations.middleware.TenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads request.POST (CSRF does): an oversized body is refused unread.
    "organizations.http.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "organizations.middleware.NoStoreForSignedInMiddleware",
    "organizations.middleware.IdleTimeoutMiddleware",
    "organizations.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # DEBUG only (make run): the styled 404 page instead of Django's technical one.
    "config.site.StyledNotFoundMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} answered from a per-process cache (organizations/urlcache.py).
            "builtins": ["organizations.urlcache"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "organizations.context_processors.organization",
                "notifications.context_processors.bell",
                "inquiries.context_processors.tray",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
if DATABASE_URL:
    # Connections live ten minutes (health-checked before reuse): a worker's statements are
    # prepared only after five runs on one connection (below), which a connection renewed
    # every minute rarely reached on a worker with a request every few seconds.
    _database = dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 600, minimum=0),
        conn_health_checks=True,
    )
    DATABASES = {"default": _database}
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend; skips the health check of a connection that just answered, and
        # mirrors the tenancy scope into each transaction for row-level security.
        _database["ENGINE"] = "config.postgresql"
        # No server-side cursors: they outlive the statement, which PgBouncer's transaction
        # pooling and the per-transaction tenancy setting do not allow.
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
        # DATABASE_URL's role owns the schema and runs migrations ("owner" alias); the
        # application connects as DATABASE_APP_USER, a role that is neither superuser, owner
        # nor BYPASSRLS, so row-level security applies to it (organizations/rls.py).
        _app_user = env.str("DATABASE_APP_USER", "saksflyt_app" if TESTING else "")
        if _app_user:
            DATABASES["owner"] = {**_database, "ROLE": "owner", "CONN_MAX_AGE": 0}
            DATABASES["default"] = {
                **_database,
                "USER": _app_user,
                "PASSWORD": env.str("DATABASE_APP_PASSWORD", ""),
                "TEST": {"MIRROR": "owner"},
            }
        # Each request's view runs in one transaction: the tenancy setting is transaction-local.
        DATABASES["default"]["ATOMIC_REQUESTS"] = True
        # DATABASE_POOLER=pgbouncer: DATABASE_URL names PgBouncer in transaction pooling mode
        # (README → Production → Behind PgBouncer). Nothing may outlive a transaction: no
        # server-side cursors (above), no prepared statements (psycopg's prepare_threshold).
        if env.choice("DATABASE_POOLER", "", ("", "pgbouncer")) == "pgbouncer":
            for _alias in DATABASES.values():
                _alias["OPTIONS"] = {
                    **_alias.get("OPTIONS", {}),
                    "prepare_threshold": None,
                    "server_side_binding": False,
                }
        elif env.bool("DATABASE_PREPARED_STATEMENTS", True):
            # Connected straight to PostgreSQL: parameters bound by the server, and a statement
            # run a second time on a connection is prepared (psycopg), so PostgreSQL stops
            # planning it again. Under row-level security planning was most of a small query's
            # time (bench-200k: 0.5 ms for the case's row, 3.5 ms for the inbox's union). At
            # psycopg's default of five runs, each of three gunicorn workers planned a page's
            # statements afresh for its first five views of it, which showed as slower first
            # rounds in bench/idle_gaps.py (case page median 19.8 ms at five, 18.4 at one).
            for _alias in DATABASES.values():
                _alias["OPTIONS"] = {
                    **_alias.get("OPTIONS", {}),
                    "server_side_binding": True,
                    "prepare_threshold": env.int("DATABASE_PREPARE_THRESHOLD", 1, minimum=0),
                }
        # DATABASE_REPLICA_URL: a streaming replica for reports, exports and search, read as
        # the application's role (its URL gives host, port and database); config/db_router.py
        # decides which reads may go there.
        DATABASE_REPLICA_URL = env.url("DATABASE_REPLICA_URL", schemes=("postgres", "postgresql"))
        if DATABASE_REPLICA_URL:
            _replica = dj_database_url.parse(
                DATABASE_REPLICA_URL,
                conn_max_age=_database["CONN_MAX_AGE"],
                conn_health_checks=True,
            )
            DATABASES["replica"] = {
                **DATABASES["default"],
                **{key: _replica[key] for key in ("NAME", "HOST", "PORT")},
                "ATOMIC_REQUESTS": False,
                "TEST": {"MIRROR": "default"},
            }
            DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "saksflyt.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The inbox's covering indexes (INCLUDE) are a PostgreSQL feature; SQLite (the embedded
    # demo) builds them without the extra columns, which is fine there.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Cache and sessions ---------------------------------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.SaksflytRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", "saksflyt"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# A session not marked "remember me" ends when the browser closes or after this much inactivity.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", 2 * 60 * 60, minimum=60)
SESSION_REMEMBER_AGE = env.int("SESSION_REMEMBER_AGE", 30 * 24 * 60 * 60, minimum=60)
SESSION_COOKIE_AGE = SESSION_REMEMBER_AGE

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "organizations.backends.ModelBackend",
    # Sessions signed in before organizations.backends existed name Django's own; it stays
    # listed so they keep working (it is never reached when signing in: the one above answers).
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: lock a username+IP pair after AXES_FAILURE_LIMIT failures for the cool-off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "organizations.throttling.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's address (lock-outs, the web form's rate limit) comes from
# organizations.http.client_ip, which reads X-Forwarded-For only as TRUSTED_PROXY_COUNT says.
AXES_CLIENT_IP_CALLABLE = "organizations.http.client_ip"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = env.choice("LANGUAGE_CODE", "nb", ("nb", "sv", "da", "en"))
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("sv", _("Swedish")),
    ("da", _("Danish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", "Europe/Oslo")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files: the local disk, or an S3-compatible store (config/storage.py).
MEDIA_STORAGE = storage.media_storage(env)
STORAGES = {
    "default": {"BACKEND": storage.BACKENDS[MEDIA_STORAGE]},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
if MEDIA_STORAGE == "s3":
    # django-storages' own AWS_* settings (bucket, region, endpoint, keys, private defaults).
    globals().update(storage.s3_settings(env, max_memory_size=FILE_UPLOAD_MAX_MEMORY_SIZE))
# Serve files from the store by a presigned redirect instead of streaming them (s3 only).
MEDIA_S3_REDIRECT = storage.media_s3_redirect(env, MEDIA_STORAGE)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024, minimum=1024)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# Images (attachments, logos) with more pixels are refused, measured from the header before any
# decoding: a small file can decode to gigabytes.
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", 40_000_000, minimum=1)
# A request outside the API (forms with their files) may not be larger than this in total: a
# larger one is refused with 413 from its Content-Length, before its body is read.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)

# --- E-mail and SMS -------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Saksflyt <noreply@saksflyt.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds an SMTP connection may hang; well under the outbox's lease (OUTBOX_LEASE_SECONDS).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 30, minimum=1)
ANYMAIL = {
    key: env.str(f"ANYMAIL_{key}")
    for key in (
        "MAILGUN_API_KEY",
        "MAILGUN_WEBHOOK_SIGNING_KEY",
        "POSTMARK_SERVER_TOKEN",
        "SENDGRID_API_KEY",
        "WEBHOOK_SECRET",  # "user:password" the ESP's tracking webhooks send (basic auth)
    )
    if env.is_set(f"ANYMAIL_{key}")
}
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", "")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", "")
# SMS goes through Twilio when it is configured, else it is printed (demo mode).
SMS_BACKEND = env.str(
    "SMS_BACKEND",
    "notifications.transports.TwilioSmsBackend"
    if TWILIO_ACCOUNT_SID
    else "notifications.transports.ConsoleSmsBackend",
)
# A bare 8-digit number is taken to be in this country.
SMS_DEFAULT_COUNTRY_CODE = env.str("SMS_DEFAULT_COUNTRY_CODE", "+47")
# The right-hand side of our own Message-IDs (threading replies depends on them).
EMAIL_MESSAGE_ID_DOMAIN = env.str(
    "EMAIL_MESSAGE_ID_DOMAIN",
    (DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">").strip() or "saksflyt.localhost"),
)
# The outbox (notifications/outbox/): attempts before a message shows as failed, the first
# retry's delay (doubling, with jitter), how long a worker holds a row it is sending, and how
# long a queued row may wait for its task before the sweeper re-enqueues it.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", 6, minimum=1)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", 30, minimum=1)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", 300, minimum=5)
OUTBOX_SWEEP_GRACE_SECONDS = env.int("OUTBOX_SWEEP_GRACE_SECONDS", 60, minimum=0)

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Tests run tasks eagerly except the integration tests, which start a real worker themselves.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", REDIS_URL is None or TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_RETRY_DELAY = 10
CELERY_TASK_MAX_RETRIES = 5
# Each periodic job is claimed in Redis before beat sends it, so a second beat started by
# mistake sends nothing twice (config/beat_lock.py).
CELERY_BEAT_SCHEDULER = "config.beat_lock:LockedScheduler"
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 60.0},
    "purge-deleted-inquiries": {
        "task": "inquiries.tasks.purge_deleted_inquiries",
        "schedule": crontab(minute=17, hour=3),
    },
    "purge-idempotency-keys": {
        "task": "inquiries.tasks.purge_idempotency_keys",
        "schedule": crontab(minute=41),
    },
    "poll-imap-mailboxes": {"task": "inquiries.tasks.poll_imap_mailboxes", "schedule": 120.0},
    "sweep-inbound-email": {"task": "inquiries.tasks.sweep_inbound_email", "schedule": 60.0},
    "sweep-orphan-files": {
        "task": "organizations.tasks.sweep_orphan_files",
        "schedule": crontab(minute=53, hour=4),
    },
    # Images whose thumbnail task was lost (broker down at enqueue): cases/services/thumbnails.py.
    "sweep-thumbnails": {"task": "cases.tasks.sweep_thumbnails", "schedule": 300.0},
    # Service-level thresholds reached (at risk, missed): cases/services/service_level_sweep.py.
    "sweep-service-levels": {"task": "cases.tasks.sweep_service_levels", "schedule": 60.0},
    # Print jobs whose task was lost, and rendered PDFs past their 24 h (printing/services/jobs.py).
    "delete-expired-portal-links": {
        "task": "portal.tasks.delete_expired_portal_links",
        "schedule": crontab(minute=7, hour=4),
    },
    "sweep-print-jobs": {"task": "printing.tasks.sweep_print_jobs", "schedule": 120.0},
    "delete-expired-print-files": {
        "task": "printing.tasks.delete_expired_print_files",
        "schedule": crontab(minute=7),
    },
    # Case-list exports whose task was lost, and export files past their 24 h
    # (reports/services/export_jobs.py).
    "sweep-export-jobs": {"task": "reports.tasks.sweep_export_jobs", "schedule": 120.0},
    "delete-expired-exports": {
        "task": "reports.tasks.delete_expired_exports",
        "schedule": crontab(minute=13),
    },
    # Default dashboard views of organizations that opened theirs within the hour, recomputed
    # before their cache expires (reports/dashboard/cache.py, REFRESH_SECONDS).
    "refresh-dashboards": {"task": "reports.tasks.refresh_dashboards", "schedule": 120.0},
    # Every organization's retention policy (privacy/retention.py), in batches; idempotent.
    "apply-retention-policies": {
        "task": "privacy.tasks.apply_retention_policies",
        "schedule": crontab(minute=29, hour=2),
    },
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Secure by default: every DRF view needs an API key unless it opts out explicitly. The
    # classes are named here (not imported by `cases`) so the import stack stays one-way.
    "DEFAULT_AUTHENTICATION_CLASSES": ["inquiries.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["inquiries.auth.HasApiKey"],
    "DEFAULT_THROTTLE_CLASSES": ["inquiries.auth.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Size-limited JSON and multipart only: anything else is 415.
    "DEFAULT_PARSER_CLASSES": [
        "config.api_parsers.JSONParser",
        "config.api_parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "config.api_errors.json_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Saksflyt API",
    "DESCRIPTION": (
        "Send inquiries into Saksflyt from your website or other systems, and read or update"
        " cases.\n\n"
        "**Authentication.** Every request sends `Authorization: Api-Key <your key>`. An"
        " administrator creates keys under Settings → API keys; the key alone decides the"
        " organization. No key, or an invalid or revoked one: 401.\n\n"
        '**Errors** are JSON: `{"detail": ..., "code": ...}`, and for invalid input (400)'
        " also `errors`, messages per field, in the organization's language unless you send"
        " `Accept-Language`. Malformed JSON: 400; body or file too large: 413; a Content-Type"
        " other than JSON or multipart: 415.\n\n"
        "**Rate limit** per API key; over it you get 429 with `Retry-After` (seconds).\n\n"
        "**Retries.** Send an `Idempotency-Key` header with writes: a retry with the same key and"
        " body within 24 hours gets the first answer and changes nothing."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.Case.Status",
        "InquiryStatusEnum": ["new", "converted"],
    },
    # No CDN: Swagger UI's files come from drf-spectacular-sidecar through our static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Requests per API key, as DRF writes rates: "<number>/<second|minute|hour|day>".
API_RATE_LIMIT = env.str("API_RATE_LIMIT", "120/min")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", API_RATE_LIMIT):
    raise ImproperlyConfigured(
        f"The environment variable API_RATE_LIMIT must look like 120/min, not {API_RATE_LIMIT!r}."
    )
# A multipart API request (JSON fields plus attachments) may not be larger than this in total;
# each file may not exceed ATTACHMENT_MAX_BYTES. JSON bodies stop at DATA_UPLOAD_MAX_MEMORY_SIZE.
API_UPLOAD_MAX_BYTES = env.int("API_UPLOAD_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
# Submissions of the hosted web form per visitor IP address and hour.
WEBFORM_RATE_LIMIT_PER_HOUR = env.int("WEBFORM_RATE_LIMIT_PER_HOUR", 20, minimum=1)
# bench/api_throughput.py only: a DRF endpoint that parses JSON and does no database work.
BENCH_BARE_ENDPOINT = env.bool("BENCH_BARE_ENDPOINT", False)

# --- Security -------------------------------------------------------------------------------
# Reverse proxies in front of Saksflyt, each appending to X-Forwarded-For: the client's address
# is the TRUSTED_PROXY_COUNT-th entry from the right (0: REMOTE_ADDR, the header is ignored).
# AXES_PROXY_COUNT is the older name. TRUSTED_PROXIES (addresses or networks) additionally
# restricts believing the header to requests that came from one of them.
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", env.int("AXES_PROXY_COUNT", 0, minimum=0), minimum=0
)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            "The environment variable TRUSTED_PROXIES must list IP addresses or networks "
            f"(10.0.0.0/8), not {_proxy!r}."
        ) from None
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every page (django-csp): scripts only from our own static files (no
# inline scripts, event-handler attributes or eval: see static/js/saksflyt.js), nothing framed,
# no plugins. Styles allow 'unsafe-inline' (style-src only): the organization's colour is a style
# attribute and htmx inserts its indicator style; inline style cannot run script. Pages may be
# framed by nobody, except the hosted web form (/form/<org>/, frame-ancestors * in its view).
# Swagger UI (/api/docs/) initialises itself with an inline script and is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Tests run with DEBUG off (Django forces it) over plain HTTP: HTTPS-only settings would redirect
# every request of the test client and keep the browser tests' cookies away.
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", True)
    if env.bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
