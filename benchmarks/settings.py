"""Production-like settings for `make bench`: the site's own settings with DEBUG off.

Only what a benchmark over plain HTTP on 127.0.0.1 needs differs: the test client's and
wrk's host names are allowed, no HTTPS redirect or secure-only cookies (there is no TLS
proxy in front), plain static storage (no collectstatic manifest needed), a cache of its
own per database, and the benchmark's URLconf, which adds a database-free view to compare
the pages with.
"""

import hashlib
import os
import tempfile
import warnings
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
os.environ["DEBUG"] = "0"

from idlproject.settings import *  # noqa: F403
from idlproject.settings import BASE_DIR, ROWS_CACHE, STORAGES, TEMPLATES

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmarks.urls"
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "benchmarks" / "templates"]}]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# The benchmark's own cache, one per database: the site's default file cache lives in the project
# and its keys do not name the database, so another database's counts and BibTeX would leak in.
CACHES = {
    "default": {
        "BACKEND": "wiki.filecache.FileCache",
        "LOCATION": str(
            Path(tempfile.gettempdir())
            / f"idl-bench-cache-{hashlib.sha1(os.environ.get('DATABASE_URL', '').encode()).hexdigest()[:12]}"
        ),
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
    "rows": ROWS_CACHE,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# No collectstatic here: whitenoise would warn on every start that STATIC_ROOT is missing.
warnings.filterwarnings("ignore", message="No directory at")
