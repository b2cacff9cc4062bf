"""Lantern's one settings module: every knob is an environment variable.

Values are read through the typed helpers in ``lantern.env``, which refuse
anything they cannot parse, so a typo stops the server instead of silently
weakening it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lantern.env import env_bool, env_int, env_list, env_secret, env_str

# Lets admin and DRF classes be written with their type parameters (ModelAdmin[Organisation]).
django_stubs_ext.monkeypatch()

SOURCE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("LANTERN_HOME", str(Path.cwd())))
VAR_DIR = BASE_DIR / "var"

DEVELOPMENT_SECRET_KEY = "lantern-development-key-never-use-in-production"  # noqa: S105

DEBUG = env_bool("LANTERN_DEBUG", False)
SECRET_KEY = env_secret("LANTERN_SECRET_KEY", DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "LANTERN_SECRET_KEY (or LANTERN_SECRET_KEY_FILE) must be set to a long random value "
        "when LANTERN_DEBUG is off; the development key is refused outside development."
    )
if not DEBUG and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("LANTERN_SECRET_KEY must be at least 32 characters long.")

# The identity vault's keys (see access/vault.py); never stored in the database.
DEVELOPMENT_VAULT_KEYS = "dev:ZGV2ZWxvcG1lbnQtdmF1bHQta2V5LW5vdC1zZWNyZXQ="
DEVELOPMENT_VAULT_INDEX_KEY = "ZGV2ZWxvcG1lbnQtbmFtZS1pbmRleC1ub3Qtc2VjcmU="
VAULT_KEYS = env_secret("LANTERN_VAULT_KEYS", DEVELOPMENT_VAULT_KEYS if DEBUG else "")
VAULT_INDEX_KEY = env_secret(
    "LANTERN_VAULT_INDEX_KEY", DEVELOPMENT_VAULT_INDEX_KEY if DEBUG else ""
)
if not DEBUG and not (VAULT_KEYS and VAULT_INDEX_KEY):
    raise ImproperlyConfigured(
        "LANTERN_VAULT_KEYS and LANTERN_VAULT_INDEX_KEY (or their _FILE variants) must be set when "
        "LANTERN_DEBUG is off: they protect victims' identities. `lantern vault new-keys` prints fresh ones."
    )
if not DEBUG and (
    VAULT_KEYS == DEVELOPMENT_VAULT_KEYS or VAULT_INDEX_KEY == DEVELOPMENT_VAULT_INDEX_KEY
):
    raise ImproperlyConfigured("The development vault keys are refused outside development.")

ALLOWED_HOSTS = env_list("LANTERN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("LANTERN_CSRF_TRUSTED_ORIGINS", [])

# Demo installations run with production code paths but say loudly that they are demos.
DEMO_MODE = env_bool("LANTERN_DEMO", False)
# Two-factor sign-in for the roles that see identities (see access.policy).
REQUIRE_2FA = env_bool("LANTERN_REQUIRE_2FA", not (DEBUG or DEMO_MODE))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "lantern.core",
    "lantern.access",
    "lantern.register",
    "lantern.nrm",
    "lantern.assistance",
    "lantern.hotline",
    "lantern.justice",
    "lantern.statistics",
    "lantern.exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lantern.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lantern.core.middleware.UserLanguageMiddleware",
    "lantern.access.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lantern.urls"
WSGI_APPLICATION = "lantern.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SOURCE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lantern.core.context_processors.installation",
            ],
        },
    },
]

DATABASE_URL = env_str("LANTERN_DATABASE_URL", f"sqlite:///{VAR_DIR / 'lantern.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failed sign-ins (django-axes), per account name.
AXES_FAILURE_LIMIT = env_int("LANTERN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LANTERN_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The lock-out lasts its set time from the moment it starts; retrying does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Lantern locks the account, whatever address the attempts come from (docs/decisions.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions end after this many idle minutes: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env_int("LANTERN_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Behind HTTPS in production; a demo on 127.0.0.1 runs over plain HTTP.
HTTPS = env_bool("LANTERN_HTTPS", not (DEBUG or DEMO_MODE))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("LANTERN_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("LANTERN_BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("az", _("Azerbaijani")), ("ru", _("Russian"))]
LOCALE_PATHS = [SOURCE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("LANTERN_TIME_ZONE", "Asia/Baku")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env_str("LANTERN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("LANTERN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LANTERN_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("LANTERN_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("LANTERN_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LANTERN_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("LANTERN_DEFAULT_FROM_EMAIL", "lantern@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lantern API",
    "DESCRIPTION": "Programmatic access to Lantern. Every request is checked by the access policy.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI is served from the installed sidecar package: nothing comes from the internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "lantern.register.models.CaseStatus.choices",
        "RegistrationStatusEnum": [
            ("potential", "Potential victim"),
            ("presumed", "Presumed victim"),
        ],
        "IdentificationMethodEnum": "lantern.register.models.IdentificationMethod.choices",
        "IdentificationOutcomeEnum": "lantern.register.models.IdentificationOutcome.choices",
        "AccessActionEnum": "lantern.access.models.AccessAction.choices",
        "TransferOutcomeEnum": "lantern.nrm.models.TransferOutcome.choices",
        "ReferralStatusEnum": "lantern.nrm.models.ReferralStatus.choices",
        "DeadlineStatusEnum": "lantern.nrm.models.DeadlineStatus.choices",
        "DisclosureEnum": "lantern.register.models.Disclosure.choices",
        "PlanItemStatusEnum": "lantern.assistance.models.PlanItemStatus.choices",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LANTERN_LOG_LEVEL", "INFO")},
    "loggers": {
        # Axes logs attempted usernames and request details; Lantern logs its own security events.
        "axes": {"level": "WARNING"},
        "django.security": {"level": "WARNING"},
    },
}

# Deadline reminders go out this many hours before a deadline is due (`lantern deadlines check`).
DEADLINE_REMINDER_HOURS = env_int("LANTERN_DEADLINE_REMINDER_HOURS", 6, minimum=1)
# Database connections a report's tables are counted on at once (statistics/parallel.py).
REPORT_WORKERS = env_int("LANTERN_REPORT_WORKERS", 2, minimum=1)
# The address staff use, for links in e-mails.
LANTERN_BASE_URL = env_str("LANTERN_BASE_URL", "http://127.0.0.1:8000")

# The jurisdiction pack loaded by `lantern demo` and offered by `lantern pack load az`.
DEFAULT_JURISDICTION = env_str("LANTERN_JURISDICTION", "az")
