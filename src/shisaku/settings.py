"""Django settings, all driven by SHISAKU_* environment variables (docs/OPERATIONS.md).

Defaults give a one-machine set-up: SQLite under SHISAKU_HOME, an embedded huey queue,
console e-mail. SHISAKU_PRODUCTION=1 turns on every secure default (`check --deploy` clean).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("SHISAKU_HOME", "var")).resolve()
HOME.mkdir(parents=True, exist_ok=True)


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PRODUCTION = _flag("SHISAKU_PRODUCTION")
# Debug pages show settings, tracebacks and URL patterns: only when a developer asks for them
# explicitly with SHISAKU_DEBUG=1 (never by default, never with SHISAKU_PRODUCTION=1).
DEBUG = _flag("SHISAKU_DEBUG") and not PRODUCTION


def _secret_key() -> str:
    key = os.environ.get("SHISAKU_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("SHISAKU_SECRET_KEY must be set when SHISAKU_PRODUCTION=1")
    # A per-installation key kept outside the repository, created on first start.
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("SHISAKU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SHISAKU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

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
    "ninja",  # serves Swagger UI's JS/CSS from its package (the API docs work offline)
    "axes",
    "huey.contrib.djhuey",
    "shisaku.core",
    "shisaku.accounts",
    "shisaku.notifications",
    "shisaku.tokens",
    "shisaku.directory",
    "shisaku.claims",
    "shisaku.estimates",
    "shisaku.consortia",
    "shisaku.projects",
    "shisaku.rfq",
    "shisaku.orders",
    "shisaku.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shisaku.core.middleware.ContentSecurityPolicyMiddleware",
    "shisaku.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "shisaku.core.middleware.RemoveSlashMiddleware",
    "shisaku.core.middleware.InputGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "shisaku.notifications.middleware.UserPreferencesMiddleware",
]

ROOT_URLCONF = "shisaku.urls"
WSGI_APPLICATION = "shisaku.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shisaku.core.context.navigation",
            ],
        },
    },
]


def database_from_url(url: str) -> dict[str, object]:
    """A Django DATABASES entry from ``postgres://user:pass@host:port/name?opt=v``."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ValueError(f"SHISAKU_DATABASE_URL: unsupported scheme {parsed.scheme!r}")
    options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "shisaku",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


_DATABASE_URL = os.environ.get("SHISAKU_DATABASE_URL", "")
if _DATABASE_URL:
    DATABASES = {"default": database_from_url(_DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": HOME / "shisaku.sqlite3",
            # WAL lets readers work while a writer commits; IMMEDIATE avoids upgrade deadlocks.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                 "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("SHISAKU_REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
    HUEY = {"huey_class": "huey.RedisHuey", "name": "shisaku", "url": REDIS_URL,
            "immediate": False}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {"huey_class": "huey.SqliteHuey", "name": "shisaku",
            "filename": str(HOME / "huey.sqlite3"), "immediate": False}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: SHISAKU_LOGIN_FAILURE_LIMIT failures lock, for 15 minutes, one username
# from one address AND one client address whatever usernames it tries (so that an address
# cannot walk through many usernames).
AXES_FAILURE_LIMIT = int(os.environ.get("SHISAKU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# An overlong username is cut to the column's width before it is recorded (never a 500).
AXES_USERNAME_CALLABLE = "shisaku.accounts.forms.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "en"
LANGUAGES = [("ko", _("Korean")), ("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("SHISAKU_TIME_ZONE", "Asia/Seoul")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise looks here; `serve` fills it (collectstatic)
STATICFILES_DIRS = [BASE_DIR / "static"]
# three.js for the part preview comes from the ifc-console-viewer wheel (see estimates/staticfiles)
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "shisaku.estimates.staticfiles.ThreeFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("SHISAKU_MEDIA_ROOT", HOME / "media"))
MEDIA_URL = "media/"
# Uploads: requests larger than this are refused before they reach a view.
SHISAKU_MAX_UPLOAD_MB = int(os.environ.get("SHISAKU_MAX_UPLOAD_MB", "50"))
# Pool files coordinators upload in the browser (larger pools: `shisaku import` on the server).
SHISAKU_IMPORT_UPLOAD_MB = int(os.environ.get("SHISAKU_IMPORT_UPLOAD_MB", "20"))
# Estimates: files over these limits are refused before any parser runs (docs/ESTIMATING.md);
# parts over the inline threshold are estimated by the worker in a child process with a memory
# budget (MB over what the worker maps) and a time limit (s).
SHISAKU_ESTIMATE_MAX_TRIANGLES = int(os.environ.get("SHISAKU_ESTIMATE_MAX_TRIANGLES", "1000000"))
SHISAKU_ESTIMATE_MAX_FACE_VERTICES = int(os.environ.get("SHISAKU_ESTIMATE_MAX_FACE_VERTICES",
                                                        "1000"))
SHISAKU_ESTIMATE_MAX_INFLATED_MB = int(os.environ.get("SHISAKU_ESTIMATE_MAX_INFLATED_MB", "150"))
SHISAKU_ESTIMATE_INLINE_TRIANGLES = int(os.environ.get("SHISAKU_ESTIMATE_INLINE_TRIANGLES",
                                                       "150000"))
SHISAKU_ESTIMATE_MEMORY_MB = int(os.environ.get("SHISAKU_ESTIMATE_MEMORY_MB", "2048"))
SHISAKU_ESTIMATE_TIMEOUT_S = float(os.environ.get("SHISAKU_ESTIMATE_TIMEOUT_S", "120"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

if os.environ.get("SHISAKU_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["SHISAKU_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("SHISAKU_SMTP_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("SHISAKU_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("SHISAKU_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = _flag("SHISAKU_SMTP_TLS", default=True)
elif os.environ.get("SHISAKU_MAIL_DIR"):
    # `shisaku demo`: every e-mail is a file under this directory (SHISAKU_HOME/mail).
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["SHISAKU_MAIL_DIR"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Where the platform is reached from outside: links in e-mails are made absolute with it.
SHISAKU_BASE_URL = os.environ.get("SHISAKU_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("SHISAKU_FROM_EMAIL", "Shisaku <no-reply@shisaku.invalid>")
# The public address links in e-mails point to (scheme, host and port; no trailing path).
SHISAKU_BASE_URL = os.environ.get("SHISAKU_BASE_URL", "http://127.0.0.1:8000")

# Claims of directory profiles (docs/CLAIMS.md): approve a claim at once when its applicant
# verified an e-mail address on the firm's own web domain / came through a coordinator's
# claim invitation sent to the firm's contact e-mail.
SHISAKU_CLAIM_AUTO_APPROVE_DOMAIN = _flag("SHISAKU_CLAIM_AUTO_APPROVE_DOMAIN", default=False)
SHISAKU_CLAIM_AUTO_APPROVE_CONTACT_LINK = _flag("SHISAKU_CLAIM_AUTO_APPROVE_CONTACT_LINK",
                                                default=True)
# Days a claim invitation link (pool invitations) and a team invitation link stay valid.
SHISAKU_CLAIM_INVITATION_DAYS = int(os.environ.get("SHISAKU_CLAIM_INVITATION_DAYS", "30"))
SHISAKU_TEAM_INVITATION_DAYS = int(os.environ.get("SHISAKU_TEAM_INVITATION_DAYS", "14"))
# Pages opened by a signed link (confirmation, invitations, verification): per client address
# and ten minutes.
SHISAKU_LINK_RATE_LIMIT = int(os.environ.get("SHISAKU_LINK_RATE_LIMIT", "30"))

# The address of this deployment in e-mails (personal invitation links).
SHISAKU_SITE_URL = os.environ.get("SHISAKU_SITE_URL", "http://127.0.0.1:8000")
# Requests per minute and client address to the personal-link pages (forged-link guessing).
SHISAKU_LINK_RATE_PER_MINUTE = int(os.environ.get("SHISAKU_LINK_RATE_PER_MINUTE", "60"))

# Reply-time promise: hours to acknowledge an invitation, counted in working hours of this
# calendar (empty: plain clock hours); holidays as comma-separated ISO dates.
SHISAKU_ACK_HOURS = float(os.environ.get("SHISAKU_ACK_HOURS", "2"))
SHISAKU_WORKING_HOURS = os.environ.get("SHISAKU_WORKING_HOURS", "09:00-18:00 mon-fri")
SHISAKU_HOLIDAYS = [d for d in os.environ.get("SHISAKU_HOLIDAYS", "").split(",") if d]

# Matching score weights (engines/matching): JSON object of factor -> weight, merged with defaults.
SHISAKU_MATCH_WEIGHTS = json.loads(os.environ.get("SHISAKU_MATCH_WEIGHTS", "{}"))
# Licence of the published directory (open data); a source's own licence (CC BY for the maker
# spaces of fablabs.io) is kept and named beside it.
SHISAKU_OPEN_DATA_LICENSE = os.environ.get("SHISAKU_OPEN_DATA_LICENSE", "CC-BY-4.0")
SHISAKU_TOKEN_RATE_PER_MINUTE = int(os.environ.get("SHISAKU_TOKEN_RATE_PER_MINUTE", "600"))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = _flag("SHISAKU_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SHISAKU_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHISAKU_LOG_LEVEL", "WARNING")},
}

# Without collectstatic (demo, development) whitenoise serves files straight from the apps.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
