"""How fast a long reading log imports, and whether memory stays flat as it grows.

    make bench-import            # SQLite in a throw-away file
    DATABASE_URL=postgres://… make bench-import

Builds synthetic logs of 10,000 and 40,000 entries in the team's format (mojibake included),
imports each into an empty database through the real command (in a fresh process each), and
prints the wall time, whether it meets issue #18's goal (10,000 in under 5 s, 40,000 in under
20 s) and how much the import added to the process's peak memory.

Then a 5 MB log (the same generator, as many entries as reach 5,000,000 bytes) goes through
the import page as a curator would send it (django.test.Client, into an empty database): the
preview (upload, decode, the dry run on a private copy, the report page) and "Import for real",
each timed against the goal of under 10 s. The page, not `import_library --dry-run`, because it
does more than the command: it decodes the whole file at once, copies an SQLite database, keeps
the text in the session and renders the report.
"""

import datetime
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DEBUG", "0")  # DEBUG keeps every query in memory, which would skew the figure
DB_FILE = Path(tempfile.gettempdir()) / "idl-bench-import.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DB_FILE}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idlproject.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")  # django.test.Client's host, for the page's row

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from library.models import LogEntry, Reference  # noqa: E402

ICONS = ["📜", "📰", "📖", "🌐", "🧪", "📺"]
WORDS = [
    "sparse", "autoencoder", "attention", "transformer", "residual", "diffusion", "scaling", "features",
    "circuits", "memory", "mixture", "experts", "quantization", "gradient", "optimizer", "reasoning",
]  # fmt: skip
SIZES = (10_000, 40_000)
GOAL_SECONDS = {10_000: 5, 40_000: 20}  # issue #18
PAGE_BYTES, PAGE_GOAL_SECONDS = 5_000_000, 10  # a 5 MB file previews and imports in under 10 s each


def synthetic_log(entries, seed=1):
    rng = random.Random(seed)
    lines = ["Legend:", "- 📜: papers", "- 📰: blog posts, project pages", "- 📖: books",
             "- 🌐: broad/general resources", "- 🧪: code, experiments", "- 📺: videos"]  # fmt: skip
    day = datetime.date(2024, 9, 25)
    written = 0
    while written < entries:
        lines += ["", f"{day:%m/%d/%Y}"]
        for _ in range(min(rng.randint(1, 5), entries - written)):
            n = rng.randrange(entries // 2)  # about half the entries re-read an earlier reference
            title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize() + f" {n}"
            lines.append(
                f"- {rng.choice(ICONS)}[{title}](https://arxiv.org/abs/{2000 + n // 9000}.{n % 90000:05d})"
            )
            lines.append(f"    - Notes on “{title}”: {' '.join(rng.choice(WORDS) for _ in range(25))}")
            if rng.random() < 0.3:
                lines.append(f"        - and $O(n^2)$ {rng.choice(WORDS)}")
            written += 1
        day -= datetime.timedelta(days=1)
    text = "\n".join(lines) + "\n"
    return text.encode("utf-8").decode("mac_roman").encode("utf-8")  # broken like the team's 003


def fresh_database():
    """Empty tables in a compact file: SQLite keeps an earlier run's pages on its free list after
    a flush (PostgreSQL's TRUNCATE gives each table new files), and the import would write into
    them scattered; VACUUM makes the file what an empty database's is."""
    call_command("flush", interactive=False, verbosity=0)
    if django.db.connection.vendor == "sqlite":
        with django.db.connection.cursor() as cursor:
            cursor.execute("VACUUM")
    return get_user_model().objects.create_user("reader")


def current_rss_kb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


class PeakSampler(threading.Thread):
    """The highest resident memory seen while the block runs (ru_maxrss would include the past)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, current_rss_kb())
            time.sleep(0.005)

    def __enter__(self):
        self.start()

    def __exit__(self, *exc):
        self.running = False
        self.join()
        self.peak = max(self.peak, current_rss_kb())


def log_path(entries):
    return Path(tempfile.gettempdir()) / f"idl-bench-log-{entries}.md"


def measure(entries):
    """One import in this process: its wall time, and the memory it added to the process."""
    path = log_path(entries)
    # Load every code path first (ORM, markdown, ftfy, …) so the figure is the import's own.
    fresh_database()
    warm_up = log_path(50)
    warm_up.write_bytes(synthetic_log(50))
    with open(os.devnull, "w") as quiet:
        call_command("import_library", str(warm_up), "--reader", "reader", "--dry-run", stdout=quiet)
    before = current_rss_kb()
    sampler = PeakSampler()
    started = time.perf_counter()
    with sampler, open(os.devnull, "w") as quiet:
        call_command("import_library", str(path), "--reader", "reader", stdout=quiet)
    elapsed = time.perf_counter() - started
    added_kb = sampler.peak - before
    assert LogEntry.objects.count() == entries, LogEntry.objects.count()
    return {
        "database": django.db.connection.vendor,
        "entries": entries,
        "references": Reference.objects.count(),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "seconds": round(elapsed, 2),
        "peak_rss_added_mb": round(added_kb / 1024, 1),
        "beyond_file_mb": round(added_kb / 1024 - path.stat().st_size / 2**20, 1),
    }


def page_log():
    """The entries of the smallest synthetic log of at least PAGE_BYTES bytes, written to its file."""
    per_entry = len(synthetic_log(1000)) / 1000
    entries = int(PAGE_BYTES / per_entry)
    while len(data := synthetic_log(entries)) < PAGE_BYTES:
        entries += 1 + int((PAGE_BYTES - len(data)) / per_entry)
    while len(smaller := synthetic_log(entries - 1)) >= PAGE_BYTES:
        entries, data = entries - 1, smaller
    log_path(entries).write_bytes(data)
    return entries


def measure_page(entries):
    """The import page in this process: the preview of the file, then "Import for real"."""
    from django.conf import settings
    from django.test import override_settings

    # The pages name their static files; the manifest production gets from collectstatic is
    # not here, so they are named plainly (as in the tests), which costs the same.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        return _measure_page(entries)


def _measure_page(entries):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    path, url = log_path(entries), reverse("library:import")
    reader = fresh_database()
    curator = get_user_model().objects.create_user("curator", is_staff=True)
    client = Client(headers={"X-Forwarded-Proto": "https"})  # as behind the TLS proxy: no redirect
    client.force_login(curator)

    def preview(path):
        upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/markdown")
        response = client.post(url, {"file": upload, "reader": reader.pk})
        page = response.content.decode()
        assert response.status_code == 200 and "nothing saved yet" in page, page[:2000]
        return re.search(r'name="token" value="([^"]+)"', page)[1]

    warm_up = log_path(50)
    warm_up.write_bytes(synthetic_log(50))
    preview(warm_up)  # loads every code path, as measure() does
    started = time.perf_counter()
    token = preview(path)
    previewed = time.perf_counter() - started
    started = time.perf_counter()
    response = client.post(url, {"confirm": "1", "token": token})
    imported = time.perf_counter() - started
    assert response.status_code == 200 and "Imported " in response.content.decode()
    assert LogEntry.objects.count() == entries, LogEntry.objects.count()
    return {
        "database": django.db.connection.vendor,
        "entries": entries,
        "bytes": path.stat().st_size,
        "preview_seconds": round(previewed, 2),
        "import_seconds": round(imported, 2),
    }


def goal(seconds, limit):
    return f"< {limit} s: {'met' if seconds < limit else 'NOT MET'}"


def in_a_fresh_process(*args):
    # A fresh process per measure, so one import's leftovers cannot flatter or burden the next.
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(measure(int(sys.argv[2]))))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--page":
        print(json.dumps(measure_page(int(sys.argv[2]))))
        return
    print(
        f"{'database':>9} {'entries':>8} {'refs':>7} {'file MB':>8} {'seconds':>8} {'goal':>14} "
        f"{'memory added MB':>16} {'of which not the file':>22}"
    )
    call_command("migrate", verbosity=0)
    for entries in SIZES:
        log_path(entries).write_bytes(synthetic_log(entries))
        r = in_a_fresh_process("--one", str(entries))
        print(
            f"{r['database']:>9} {r['entries']:>8} {r['references']:>7} {r['file_mb']:>8} "
            f"{r['seconds']:>8} {goal(r['seconds'], GOAL_SECONDS[entries]):>14} "
            f"{r['peak_rss_added_mb']:>16} {r['beyond_file_mb']:>22}"
        )
    r = in_a_fresh_process("--page", str(page_log()))
    print(
        f"{r['database']:>9} {r['entries']:>8} entries, {r['bytes']:,} bytes, through the import page: "
        f"preview {r['preview_seconds']} s ({goal(r['preview_seconds'], PAGE_GOAL_SECONDS)}), "
        f"import {r['import_seconds']} s ({goal(r['import_seconds'], PAGE_GOAL_SECONDS)})"
    )


if __name__ == "__main__":
    main()
