"""getiickets settings: one module, driven by environment variables.

Nothing set gives the embedded defaults (SQLite, local-memory cache, eager Celery,
console email, local files, sandbox Paystack, DEBUG on). Each variable below switches
one real service on; the README lists them.
"""

import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "insecure-dev-key-change-me"  # noqa: S105 - refused when DEBUG is off

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)
# An empty `SECRET_KEY=` line counts as unset: in development the dev key, in production
# a refusal to start (never a server whose every page is a 500).
SECRET_KEY = env.str("SECRET_KEY", default="") or DEFAULT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off (it is empty or the published dev key)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = (env.str("SITE_URL", default="") or "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "getiickets"

INSTALLED_APPS = [
    "getiickets.staff_admin.StaffAdminConfig",  # django.contrib.admin with the staff rules
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "imagekit",
    "django.contrib.postgres",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "phonenumber_field",
    "django_filters",
    "anymail",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "getiickets",
    "accounts",
    "events",
    "tickets",
    "orders",
    "payments",
    "organizer",
]
SITE_ID = 1

MIDDLEWARE = [
    # First: when the request reached the site (the waiting room's first come, first served).
    "getiickets.middleware.arrival_time",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # htmx requests get fragments or HX-Redirect, never a whole page (getiickets/htmx.py).
    "django_htmx.middleware.HtmxMiddleware",
    "getiickets.htmx.HtmxNavigationMiddleware",
    "django.middleware.common.CommonMiddleware",
    "getiickets.middleware.RemoveTrailingSlashMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # NUL and control characters in the path, query or form: a 400 before any view.
    "getiickets.input_guard.InputGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.ActiveRoleMiddleware",
    # Who changed what on an organizer's side (organizer.models.Activity).
    "organizer.middleware.ActivityLogMiddleware",
]

ROOT_URLCONF = "getiickets.urls"
WSGI_APPLICATION = "getiickets.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "getiickets.context_processors.site",
                # Placeholders for the CSRF token and the header while a page is cached.
                "getiickets.page_cache.context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Short, reused connections; the pool stays small on purpose (see README, benchmarks).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded site is served by a threaded dev server whose Paystack sandbox and eager
    # tasks write while other requests do: WAL lets readers go on during a write, a writer
    # waits up to `timeout` seconds for the lock instead of failing at once, and IMMEDIATE
    # takes the write lock when a transaction begins, so two transactions that read and then
    # write cannot deadlock (SQLite would answer "database is locked" at once).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, sessions, holds ----------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis; rate-limit counters fall back to process memory while it is down.
            "BACKEND": "getiickets.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gt",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A slow or dead Redis degrades to no cache, never an error page.
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # Sessions live in the database and are cached in Redis: an outage or a flush of Redis
    # signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Process memory for template fragments that are the same for everyone (the footer): no
# round trip at all, and nothing to invalidate but a deploy (which restarts the processes).
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
}

# Session length follows the active role (accounts.middleware.ActiveRoleMiddleware).
BUYER_SESSION_AGE = timedelta(hours=8)
ORGANIZER_SESSION_AGE = timedelta(hours=2)
# A session is ended by its role's deadline; the store and cookie last this much longer so
# the next visit can say "you were signed out after 8 hours" (accounts.roles).
SESSION_NOTICE_GRACE = timedelta(hours=1)
SESSION_COOKIE_AGE = int((BUYER_SESSION_AGE + SESSION_NOTICE_GRACE).total_seconds())

# A rate limiter that cannot count lets the request through rather than refuse everyone.
RATELIMIT_FAIL_OPEN = True

# --- Auth (django-allauth) -------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.AuthenticationBackend",
    # Sessions signed in before accounts.backends existed name these; they stay valid.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:after_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "10/h/ip,5/h/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[getiickets] "
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
PHONENUMBER_DEFAULT_REGION = "NG"

# --- Internationalisation, money -------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Africa/Lagos"
USE_I18N = True
USE_TZ = True
CURRENCY = "NGN"
SERVICE_FEE_BASIS_POINTS = env.int("SERVICE_FEE_BASIS_POINTS", default=350)  # 3.5 %
SERVICE_FEE_FLAT_KOBO = env.int("SERVICE_FEE_FLAT_KOBO", default=10_000)  # ₦100
HOLD_SECONDS = env.int("HOLD_SECONDS", default=600)
MAX_TICKETS_PER_ACCOUNT_PER_EVENT = env.int("MAX_TICKETS_PER_ACCOUNT_PER_EVENT", default=10)
HOLD_RATE_LIMIT = env.str("HOLD_RATE_LIMIT", default="30/m")  # per account (tickets.views)
HOLD_RATE_LIMIT_PER_IP = env.str("HOLD_RATE_LIMIT_PER_IP", default="120/m")
# Guest checkouts started per IP address (accounts.views.guest): each new guest identity
# could otherwise hold tickets of its own.
GUEST_RATE_LIMIT_PER_IP = env.str("GUEST_RATE_LIMIT_PER_IP", default="30/h")
# The Redis gate in front of the stock rows (tickets/inventory/gate.py); needs REDIS_URL.
HOLD_GATE_ENABLED = env.bool("HOLD_GATE_ENABLED", default=True)
HOLD_GATE_TIMEOUT_SECONDS = env.float("HOLD_GATE_TIMEOUT_SECONDS", default=0.3)
# The waiting room of an on-sale (tickets.inventory.waiting_room): what the server sustains
# (organizers may set their own), how long an admitted buyer's pass lasts, how often the
# queue page asks again.
WAITING_ROOM_ADMISSIONS_PER_MINUTE = env.int("WAITING_ROOM_ADMISSIONS_PER_MINUTE", default=600)
WAITING_ROOM_PASS_SECONDS = env.int("WAITING_ROOM_PASS_SECONDS", default=900)
WAITING_ROOM_POLL_SECONDS = env.int("WAITING_ROOM_POLL_SECONDS", default=5)
# A waitlist offer holds freed tickets for the buyer alone this long (orders.waitlist).
WAITLIST_OFFER_MINUTES = env.int("WAITLIST_OFFER_MINUTES", default=30)

# --- JSON API (/api/v1, Django REST framework + drf-spectacular) -------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organizer.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "getiickets.api.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "getiickets.api.problem_details_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # Throttles count in the cache: with Redis down they let requests through (truthfully
    # nothing is counted) rather than refuse everyone.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANON", default="60/min"),
        "user": env.str("API_RATE_USER", default="600/min"),
        "public": env.str("API_RATE_PUBLIC", default="120/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "getiickets API",
    "DESCRIPTION": "Events, tickets, orders and check-in. Amounts are integer kobo (₦1 = 100).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The documentation page works offline: Swagger UI is served from our static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "getiickets.api.add_problem_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EventStatusEnum": "events.models.Event.Status",
        "OrderStatusEnum": "orders.models.Order.Status",
        "TicketStatusEnum": "tickets.models.Ticket.Status",
        "SeatStatusEnum": "tickets.api.SEAT_STATUSES",
    },
}

# --- Static and media ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media"))
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
_local_static = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
    if DEBUG
    else "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="eu-west-1")
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    AWS_QUERYSTRING_EXPIRE = 300
    STORAGES = {
        "default": {
            "BACKEND": "getiickets.storage.TransactionFreeS3Storage",
            "OPTIONS": {"location": "public", "querystring_auth": False, "default_acl": None},
        },
        # Tickets and PDFs: private objects, short-lived signed URLs.
        "private": {
            "BACKEND": "getiickets.storage.TransactionFreeS3Storage",
            "OPTIONS": {"location": "private", "querystring_auth": True, "default_acl": None},
        },
        "staticfiles": {"BACKEND": _local_static},
    }
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
        },
        "staticfiles": {"BACKEND": _local_static},
    }

# --- Email: console by default, Brevo through anymail when keyed ----------------
BREVO_API_KEY = env.str("BREVO_API_KEY", default="")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="getiickets <tickets@getiickets.ng>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support@getiickets.ng")
if BREVO_API_KEY:
    EMAIL_BACKEND = "anymail.backends.brevo.EmailBackend"
    ANYMAIL = {"BREVO_API_KEY": BREVO_API_KEY}
    if env.str("BREVO_API_URL", default=""):
        ANYMAIL["BREVO_API_URL"] = env.str("BREVO_API_URL")
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="getiickets.mail.ConsoleEmailBackend")
    ANYMAIL = {}

# --- SMS (Twilio) ----------------------------------------------------------------
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="")  # a local stand-in in tests

# --- Paystack --------------------------------------------------------------------
# No base URL means the offline sandbox mounted at /sandbox/paystack in this app. With DEBUG
# off the sandbox must be asked for (PAYSTACK_SANDBOX=true, a sandbox deployment: every page
# says so), and the key that signs and checks webhooks is never empty or published.
SANDBOX_SECRET_KEY = "sk_test_sandbox_not_a_real_key"  # noqa: S105 - refused in production
_paystack_url = env.str("PAYSTACK_BASE_URL", default="")
PAYSTACK_SECRET_KEY = env.str("PAYSTACK_SECRET_KEY", default="")
PAYSTACK_SANDBOX = env.bool(
    "PAYSTACK_SANDBOX",
    default=_paystack_url.endswith("/sandbox/paystack")
    or not (_paystack_url or PAYSTACK_SECRET_KEY),
)
PAYSTACK_BASE_URL = _paystack_url or (
    f"{SITE_URL}/sandbox/paystack" if PAYSTACK_SANDBOX else "https://api.paystack.co"
)
PAYSTACK_PUBLIC_KEY = env.str("PAYSTACK_PUBLIC_KEY", default="") or "pk_test_sandbox"
if DEBUG:
    PAYSTACK_SECRET_KEY = PAYSTACK_SECRET_KEY or SANDBOX_SECRET_KEY
elif PAYSTACK_SANDBOX and not env.bool("PAYSTACK_SANDBOX", default=False):
    raise ImproperlyConfigured(
        "DEBUG is off but no Paystack is configured, so the Paystack sandbox would be "
        "mounted: set PAYSTACK_SECRET_KEY (and PAYSTACK_PUBLIC_KEY) for real Paystack, or "
        "PAYSTACK_SANDBOX=true for a sandbox deployment where no money moves."
    )
elif PAYSTACK_SANDBOX and not PAYSTACK_SECRET_KEY:
    # A sandbox deployment's own key, secret because SECRET_KEY is, the same in every process.
    PAYSTACK_SECRET_KEY = (
        "sk_test_sandbox_"
        + hashlib.sha256(f"paystack-sandbox:{SECRET_KEY}".encode()).hexdigest()[:32]
    )
elif not PAYSTACK_SECRET_KEY:
    raise ImproperlyConfigured(
        "PAYSTACK_SECRET_KEY must be set when DEBUG is off: it authenticates every Paystack "
        "call and signs the webhooks (or set PAYSTACK_SANDBOX=true for a sandbox deployment)."
    )
if not DEBUG and PAYSTACK_SECRET_KEY == SANDBOX_SECRET_KEY:
    raise ImproperlyConfigured(
        "PAYSTACK_SECRET_KEY is the published sandbox key: anyone could sign webhooks with it."
    )
PAYSTACK_TIMEOUT_SECONDS = env.float("PAYSTACK_TIMEOUT_SECONDS", default=10.0)
PAYSTACK_WEBHOOK_MAX_BYTES = 64 * 1024
# Organizer payouts (payments/payouts.py): revenue is payable this long after its event ends
# (refunds and disputes come out first); the job runs daily at this Lagos hour.
PAYOUT_DELAY_HOURS = env.int("PAYOUT_DELAY_HOURS", default=72)
PAYOUT_RUN_HOUR = env.int("PAYOUT_RUN_HOUR", default=10)
PAYOUT_MINIMUM_KOBO = env.int("PAYOUT_MINIMUM_KOBO", default=10_000)
# A call to Paystack, Brevo, Twilio or S3 inside a database transaction raises (getiickets/
# external.py) in development and tests; in production it is logged as an error.
STRICT_EXTERNAL_CALLS = env.bool("STRICT_EXTERNAL_CALLS", default=DEBUG)
# Twilio calls give up after this (anymail's default for Brevo is the same), well inside
# DELIVERY_LEASE_SECONDS, so a step's lease always outlasts its provider call.
PROVIDER_TIMEOUT_SECONDS = 30

# --- Celery ----------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=False)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Queues, in the order a worker takes from them ("priority" strategy): the confirmation
# path (issue tickets, email, SMS) first, then everything else, then PDF rendering. A worker
# started without -Q consumes all three (development, tests); docker-compose.yml gives the
# PDFs their own niced worker. Within a queue, a lower priority number goes first.
CELERY_TASK_QUEUES = (
    Queue("confirmations", routing_key="confirmations"),
    Queue("celery", routing_key="celery"),
    Queue("pdfs", routing_key="pdfs"),
)
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "tickets.fulfilment.issue_tickets": {"queue": "confirmations"},
    "tickets.fulfilment.send_confirmation_email": {"queue": "confirmations"},
    "tickets.fulfilment.send_sms": {"queue": "confirmations"},
    "tickets.fulfilment.render_order_pdf": {"queue": "pdfs"},
    "tickets.fulfilment.refresh_order_pdf": {"queue": "pdfs"},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 600,
    "queue_order_strategy": "priority",
    "priority_steps": list(range(10)),
    "sep": ":",
}
CELERY_TASK_DEFAULT_PRIORITY = 5
# Worker children are replaced after this many tasks or once they pass this resident size
# (KiB), so a burst of PDF rendering cannot grow them without bound.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=200_000)
# How long a delivery attempt owns its outbox row: longer than any provider call may take
# (Brevo, Twilio, SMTP time out well within it), shorter than the broker's visibility timeout.
DELIVERY_LEASE_SECONDS = env.int("DELIVERY_LEASE_SECONDS", default=300)
CELERY_BEAT_SCHEDULE = {
    "release-expired-holds": {
        "task": "tickets.tasks.release_expired_holds",
        "schedule": timedelta(seconds=30),
    },
    "expire-unpaid-orders": {
        "task": "orders.tasks.expire_unpaid_orders",
        "schedule": timedelta(seconds=60),
    },
    "reverify-pending-payments": {
        "task": "payments.tasks.reverify_pending_payments",
        "schedule": timedelta(minutes=2),
    },
    "expire-waitlist-offers": {
        "task": "orders.tasks.expire_waitlist_offers",
        "schedule": timedelta(minutes=1),
    },
    "requeue-stalled-deliveries": {
        "task": "tickets.tasks.requeue_stalled_deliveries",
        "schedule": timedelta(minutes=2),
    },
    "nightly-reconcile-sales": {
        "task": "orders.tasks.reconcile_sales",
        "schedule": crontab(minute=45, hour=3),
    },
    "nightly-reconcile-holds": {
        "task": "tickets.tasks.reconcile_gate",
        "schedule": crontab(minute=15, hour=3),
    },
    "daily-organizer-payouts": {
        "task": "payments.tasks.run_due_payouts",
        "schedule": crontab(minute=0, hour=PAYOUT_RUN_HOUR),
    },
}

# --- Security --------------------------------------------------------------------
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^health$"]

# Content-Security-Policy (django-csp 4): same-origin scripts and styles only;
# camera access for the check-in scanner is same-origin too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "https:", "http:"],
    }
}

# --- Logging: structured JSON to stdout ------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"skip_sold_out": {"()": "getiickets.log_filters.SkipSoldOutAnswers"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own default config lets django.* through at INFO whatever LOG_LEVEL says.
        "django": {"level": LOG_LEVEL},
        "django.request": {"filters": ["skip_sold_out"]},
        "django.db.backends": {"level": "WARNING"},
        "django_redis": {"level": "ERROR"},
    },
}
