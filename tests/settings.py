"""Test settings: the real settings module, with a throw-away key and fast password hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from idlproject.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# One process: an in-memory cache behaves as the shared one would, without files between runs.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "rows": ROWS_CACHE}  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# The test client speaks plain http; production's redirect to https is tested separately.
SECURE_SSL_REDIRECT = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files from the apps' folders, as in development: tests run without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests never reach the internet: the sources point at a port nothing listens on (refused at
# once) unless a test starts its own stub server and points them there.
IDL_ARXIV_API = "http://127.0.0.1:9/api/query"
IDL_CROSSREF_API = "http://127.0.0.1:9/works"
