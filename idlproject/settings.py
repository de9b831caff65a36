"""IDL Wiki settings: one module, driven by the environment.

Development defaults are safe to run locally; production (DEBUG off) refuses to start
without a SECRET_KEY and turns on every transport-security setting.
"""

import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in (os.environ.get(name) or default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 for development).")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# When on, anonymous visitors may read (never write); off, the whole wiki is behind the login.
IDL_PUBLIC_READ = env_bool("IDL_PUBLIC_READ")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so `runserver` serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "taggit",
    "wiki",
    "library",
    "ideas",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "idlproject.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Puts this session's CSRF token where cached page bodies hold a placeholder.
    "wiki.pagecache.CsrfPlaceholderMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view (and the login wall) reads a parameter: a NUL in the address is a 400.
    "idlproject.security.NulCharacterMiddleware",
    "wiki.access.WikiAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so its 413 page passes back through every other middleware (headers included);
    # it still runs before any view or CSRF check reads the body.
    "idlproject.security.RequestSizeLimitMiddleware",
]

ROOT_URLCONF = "idlproject.urls"

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
                "notifications.context_processors.inbox",
                "wiki.pagecache.context",
                "idlproject.navigation.header_links",
            ],
        },
    },
]

WSGI_APPLICATION = "idlproject.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serves several gunicorn workers: WAL lets readers run beside a writer,
    # IMMEDIATE takes the write lock at BEGIN (so a writer waits instead of failing on
    # upgrade with "database is locked"), and the timeout is how long it waits.
    # synchronous=FULL syncs the WAL at every commit: a write the site acknowledged survives
    # an OS crash or power cut (NORMAL could lose the last ones), for 0.2-3.5 ms a commit.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=FULL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }

# The cache holds counts that are dear on a big wiki (tag uses, reading heatmaps, BibTeX) and
# is invalidated on writes, so every worker must see the same one: Redis when REDIS_URL is set
# (several machines), else files on this machine, shared by its gunicorn workers.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "wiki.filecache.FileCache",
            "LOCATION": os.environ.get("IDL_CACHE_DIR", str(BASE_DIR / ".cache")),
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# List rows' HTML, each under a key made of the values it shows (wiki/templatetags/rowcache.py):
# never stale, so each process keeps its own in memory: typically 1-2 KB a row, at most 16 KB
# (rowcache.LARGEST), so 3,000 rows take a few MB and never more than 48 MB.
ROWS_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "rows",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 3000},
}
CACHES["rows"] = ROWS_CACHE

# Cached counts belong to one database: switching DATABASE_URL must not serve another's.
_db = DATABASES["default"]
CACHES["default"]["KEY_PREFIX"] = hashlib.sha1(
    f"{_db['ENGINE']}|{_db.get('HOST', '')}|{_db.get('PORT', '')}|{_db['NAME']}".encode()
).hexdigest()[:12]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production so they can be cached forever (and by a CDN).
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Password reset mails go to the console until an SMTP host is configured.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not env_bool("EMAIL_USE_SSL"))
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "idl-wiki@localhost")
# Seconds a mail server may take before a send counts as failed (and is retried later).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
# The wiki's address as members reach it: mails link to it.
IDL_SITE_URL = os.environ.get("IDL_SITE_URL", "http://127.0.0.1:8000")

TAGGIT_CASE_INSENSITIVE = True
# Every tag field (forms and admin) parses through here: names cleaned, too long a name a field error.
TAGGIT_TAGS_FROM_STRING = "library.tags.parse_tags"

# --- Request sizes (idlproject/security.py) ---
# A form's body (urlencoded) may be this large; a larger one gets the 413 page unread.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(float(os.environ.get("IDL_MAX_FORM_MB", "2")) * 2**20)
# A file the import pages accept; a bigger one gets a field error on the form.
IDL_MAX_IMPORT_BYTES = int(float(os.environ.get("IDL_MAX_IMPORT_MB", "5")) * 2**20)
# A whole upload (multipart) request; above it the 413 page, before Django reads a byte.
IDL_MAX_UPLOAD_BYTES = int(float(os.environ.get("IDL_MAX_UPLOAD_MB", "20")) * 2**20)

# --- Capture by identifier (library/metadata/) ---
# Where titles, authors and dates are looked up for a pasted arXiv id, DOI or link.
IDL_ARXIV_API = os.environ.get("IDL_ARXIV_API", "https://export.arxiv.org/api/query")
IDL_CROSSREF_API = os.environ.get("IDL_CROSSREF_API", "https://api.crossref.org/works")
# Seconds for connecting and for each read; a whole fetch gets twice this at most.
IDL_METADATA_TIMEOUT = float(os.environ.get("IDL_METADATA_TIMEOUT", "5"))
# A response larger than this is refused unread past the limit.
IDL_METADATA_MAX_BYTES = int(os.environ.get("IDL_METADATA_MAX_BYTES", str(2 * 2**20)))
# Off: links to loopback, private, link-local… addresses are refused (no probing the server's network).
IDL_METADATA_ALLOW_PRIVATE = env_bool("IDL_METADATA_ALLOW_PRIVATE")
# Crossref's "polite pool": a contact address sent in the User-Agent (optional).
IDL_METADATA_MAILTO = os.environ.get("IDL_METADATA_MAILTO", "")
# Seconds fill_metadata waits between lookups (arXiv asks for one request every 3 seconds).
IDL_METADATA_PAUSE = float(os.environ.get("IDL_METADATA_PAUSE", "3"))

# --- Login throttling (idlproject/throttle.py) ---
# Failures (never successes) are counted per (account, address), per account and per address;
# a counter is forgotten `window` seconds after its latest failure; locks are in seconds.
# The pair waits slow_delay seconds after its slow_after-th failure, doubling, then locks at
# pair_limit. The account-wide lock needs many more failures and is short, and an address
# that has logged in to the account before is exempt from it, so nobody can lock a member
# out from their usual address. Each is overridable as IDL_LOGIN_<NAME>, e.g. IDL_LOGIN_PAIR_LIMIT.
IDL_LOGIN_THROTTLE = {
    name: int(os.environ.get(f"IDL_LOGIN_{name.upper()}", default))
    for name, default in {
        "window": 15 * 60,
        "slow_after": 3,
        "slow_delay": 5,
        "pair_limit": 5,
        "pair_lock": 15 * 60,
        "account_limit": 20,
        "account_lock": 5 * 60,
        "address_limit": 40,
        "address_lock": 15 * 60,
    }.items()
}
# Password-reset mails: at most email_limit per e-mail address typed (an account or not) and
# address_limit per client address, per window seconds. Overridable as IDL_RESET_<NAME>.
IDL_RESET_THROTTLE = {
    name: int(os.environ.get(f"IDL_RESET_{name.upper()}", default))
    for name, default in {"window": 60 * 60, "email_limit": 3, "address_limit": 10}.items()
}
# How many proxies of ours add to X-Forwarded-For in front of the app (0: use REMOTE_ADDR).
# Behind one nginx or load balancer, set 1, or every client shares the proxy's address.
IDL_PROXY_COUNT = int(os.environ.get("IDL_PROXY_COUNT", "0"))

# The member behind a session is read from the cache too, until the next write (idlproject/members.py).
AUTHENTICATION_BACKENDS = ["idlproject.members.CachedModelBackend"]
# Sessions are read from the cache and written through to the database: a visit costs no
# session query, and a session outlives a cache flush or a Redis restart.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The site's page for an expired form, showing what was typed (Django's is unstyled under the CSP).
CSRF_FAILURE_VIEW = "idlproject.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"  # Django's default, stated: tests rely on it

if not DEBUG:
    # The app runs behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging ---
# Everything goes to stderr (gunicorn's or systemd's log). A failed request is logged by
# django.request at ERROR with its traceback; the 500 page itself shows none of it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own handlers (console under DEBUG, mail to the unset ADMINS) would print every
    # error twice; its records reach the root handler instead.
    "loggers": {"django": {"handlers": [], "level": "INFO"}},
}
