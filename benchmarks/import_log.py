"""How fast a long reading log imports, and whether memory stays flat as it grows.

    make bench-import            # SQLite in a throw-away file
    DATABASE_URL=postgres://… make bench-import

Builds synthetic logs of 10,000 and 40,000 entries in the team's format (mojibake included),
imports each into an empty database through the real command (in a fresh process each), and
prints the wall time and how much the import added to the process's peak memory.
"""

import datetime
import json
import os
import random
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
    call_command("flush", interactive=False, verbosity=0)
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


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(measure(int(sys.argv[2]))))
        return
    print(
        f"{'database':>9} {'entries':>8} {'refs':>7} {'file MB':>8} {'seconds':>8} {'memory added MB':>16} {'of which not the file':>22}"
    )
    call_command("migrate", verbosity=0)
    for entries in SIZES:
        log_path(entries).write_bytes(synthetic_log(entries))
        # A fresh process per size, so one import's leftovers cannot flatter or burden the next.
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(entries)], check=True, capture_output=True, text=True
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{r['database']:>9} {r['entries']:>8} {r['references']:>7} {r['file_mb']:>8} "
            f"{r['seconds']:>8} {r['peak_rss_added_mb']:>16} {r['beyond_file_mb']:>22}"
        )


if __name__ == "__main__":
    main()
