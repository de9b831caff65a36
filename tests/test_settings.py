"""Settings are read in fresh processes, exactly as production and `make run` read them."""

import json
import subprocess
import sys
from pathlib import Path

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
        "synchronous": 1,  # NORMAL: safe with WAL, far fewer fsyncs than FULL
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
