"""Settings are read in fresh processes, exactly as production and `make run` read them."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "x7!q9-production-like-secret-key-that-is-long-and-random-3f8a1c2e",
    "ALLOWED_HOSTS": "wiki.example.org",
}


def run_python(code, env, tmp_path):
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "idlproject.settings", "HOME": str(tmp_path)}
    base.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sqlite_is_set_up_for_concurrent_writers(tmp_path):
    code = (
        "import json, django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    read = lambda p: c.execute(f'PRAGMA {p}').fetchone()[0]\n"
        "    out = {p: read(p) for p in ['journal_mode', 'busy_timeout', 'foreign_keys', 'synchronous']}\n"
        "out['transaction_mode'] = connection.transaction_mode\n"
        "print(json.dumps(out))\n"
    )
    result = run_python(code, {"DEBUG": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr
    pragmas = json.loads(result.stdout)
    assert pragmas == {
        "journal_mode": "wal",
        "busy_timeout": 20000,
        "foreign_keys": 1,
        "synchronous": 2,  # FULL: an acknowledged write survives an OS crash (NORMAL may lose it)
        "transaction_mode": "IMMEDIATE",
    }


def test_production_settings_pass_check_deploy(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            **PRODUCTION_ENV,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_python("import django; django.setup()", {"ALLOWED_HOSTS": "wiki.example.org"}, tmp_path)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"debug": False, "hosts": ["wiki.example.org"], "public": False, "hsts": 31536000}),
        (
            {"DEBUG": "1", "ALLOWED_HOSTS": "", "IDL_PUBLIC_READ": "yes"},
            {"debug": True, "hosts": ["127.0.0.1", "localhost"], "public": True, "hsts": 0},
        ),
    ],
)
def test_environment_drives_settings(tmp_path, env, expected):
    code = (
        "import json; from django.conf import settings as s\n"
        "print(json.dumps({'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'public': s.IDL_PUBLIC_READ,"
        " 'hsts': s.SECURE_HSTS_SECONDS}))"
    )
    result = run_python(code, {**PRODUCTION_ENV, **env}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


def test_database_url_selects_postgresql(tmp_path):
    code = (
        "import json; from django.conf import settings as s; d = s.DATABASES['default']\n"
        "print(json.dumps([d['ENGINE'], d['NAME'], d['HOST']]))"
    )
    result = run_python(
        code, {**PRODUCTION_ENV, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wiki"}, tmp_path
    )
    assert json.loads(result.stdout) == ["django.db.backends.postgresql", "wiki", "127.0.0.1"]


PRODUCTION_RESPONSE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# The hashed-names manifest exists only after collectstatic; this is about headers, not files.
plain_files = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=plain_files):
    client = Client()
    plain = client.get("/accounts/login/")
    page = client.get("/accounts/login/", secure=True)
cookie = page.cookies["csrftoken"]
print(json.dumps({
    "redirect": [plain.status_code, plain["Location"]],
    "status": page.status_code,
    "headers": {name: page.get(name) for name in [
        "Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options",
        "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy",
    ]},
    "csrf_cookie": {"secure": bool(cookie["secure"]), "samesite": cookie["samesite"]},
}))
"""


def test_production_responses_carry_transport_and_content_security(tmp_path):
    result = run_python(PRODUCTION_RESPONSE, {**PRODUCTION_ENV, "ALLOWED_HOSTS": "testserver"}, tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)

    assert seen["redirect"] == [301, "https://testserver/accounts/login/"]
    assert seen["status"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert seen["csrf_cookie"] == {"secure": True, "samesite": "Lax"}


def test_throttle_and_size_limits_come_from_the_environment(tmp_path):
    code = (
        "import json; from django.conf import settings as s\n"
        "print(json.dumps([s.IDL_LOGIN_THROTTLE, s.IDL_PROXY_COUNT, s.DATA_UPLOAD_MAX_MEMORY_SIZE,"
        " s.IDL_MAX_IMPORT_BYTES, s.IDL_MAX_UPLOAD_BYTES]))"
    )
    env = {
        **PRODUCTION_ENV,
        "IDL_LOGIN_PAIR_LIMIT": "3",
        "IDL_LOGIN_ACCOUNT_LOCK": "60",
        "IDL_PROXY_COUNT": "1",
        "IDL_MAX_FORM_MB": "1",
        "IDL_MAX_IMPORT_MB": "8",
        "IDL_MAX_UPLOAD_MB": "30",
    }
    throttle, proxies, *sizes = json.loads(run_python(code, env, tmp_path).stdout)

    assert throttle["pair_limit"] == 3 and throttle["account_lock"] == 60
    assert throttle["account_limit"] == 20 and throttle["pair_lock"] == 900  # the defaults stay
    assert proxies == 1
    assert sizes == [2**20, 8 * 2**20, 30 * 2**20]


REDIS_URL = os.environ.get("IDL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable():
    host, port = urlsplit(REDIS_URL).hostname, urlsplit(REDIS_URL).port or 6379
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def test_redis_url_gives_a_working_shared_cache_for_the_login_throttle(tmp_path):
    """REDIS_URL selects Django's Redis cache: its client is installed and the throttle runs on it."""
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}; CI must have it")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    code = (
        "import django, json; django.setup()\n"
        "from django.conf import settings as s; from django.core.cache import cache\n"
        "from idlproject.throttle import LoginThrottle\n"
        "throttle = LoginThrottle('redis-test-' + s.CACHES['default']['KEY_PREFIX'], '192.0.2.77')\n"
        "cache.set('probe', {'a': 1}, 30); probe = cache.get('probe'); cache.delete('probe')\n"
        "refusals = []\n"
        "for _ in range(6):\n"
        "    refusal = throttle.begin()\n"
        "    refusals.append(refusal.scope if refusal else None)\n"
        "    if not refusal: throttle.failed()\n"
        "cache.delete_many([throttle._key(k, sc) for k in ('fail', 'lock', 'slow') for sc in throttle.keys])\n"
        "print(json.dumps([s.CACHES['default']['BACKEND'], probe, refusals]))"
    )
    env = {**PRODUCTION_ENV, "REDIS_URL": REDIS_URL, "IDL_LOGIN_SLOW_AFTER": "100"}
    result = run_python(code, env, tmp_path)

    assert result.returncode == 0, result.stderr
    backend, probe, refusals = json.loads(result.stdout)
    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert probe == {"a": 1}
    assert refusals == [None] * 5 + ["pair"]


def test_the_redis_client_is_pinned():
    """A fresh `make install` must bring what REDIS_URL needs: every login failed without it."""
    pins = (ROOT / "requirements.txt").read_text().split()
    assert any(pin.startswith("redis==") for pin in pins)
