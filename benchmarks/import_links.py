"""How fast a 5,000-link markdown list imports, and how fast importing it again adds nothing.

    make bench-links             # SQLite in a throw-away file
    DATABASE_URL=postgres://… make bench-links

Builds a synthetic paper list in the shapes teams keep (weekly tables with several links a
row, an awesome-list's nested items under category headings, paragraphs of notes with bare
links), imports it into an empty database through the real command, then imports it again,
and prints the wall and CPU time of each (the CPU time is the figure on a busy machine).
"""

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DEBUG", "0")  # DEBUG keeps every query in memory, which would skew the figure
DB_FILE = Path(tempfile.gettempdir()) / "idl-bench-links.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DB_FILE}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idlproject.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from library.models import Reference  # noqa: E402

LINKS = 5_000
WORDS = [
    "sparse", "autoencoder", "attention", "transformer", "residual", "diffusion", "scaling", "features",
    "circuits", "memory", "mixture", "experts", "quantization", "gradient", "optimizer", "reasoning",
]  # fmt: skip


def synthetic_list(links, seed=1):
    """A markdown file with `links` links: a third in tables, a third in lists, a third in notes."""
    rng = random.Random(seed)
    lines, made, n = ["# Papers we liked", ""], 0, 0

    def title():
        return " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()

    while made < links:
        n += 1
        lines += [f"## Week {n}", "", "| Paper | Links |", "|---|---|"]
        for _ in range(10):
            paper = title()
            lines.append(
                f"| **{paper} {n}** - {' '.join(rng.choice(WORDS) for _ in range(8))} "
                f"| [Paper](https://arxiv.org/abs/{2000 + n // 900}.{made:05d}) · [Code](https://github.com/lab{n}/{made}) |"
            )
            made += 2
        lines += ["", f"### Category {n}", ""]
        for _ in range(10):
            lines.append(f"- [{title()} {made}](https://blog{n}.example.org/posts/{made}) - {title()}")
            lines.append(f"  - follow-up: [{title()} {made}b](https://papers.example.org/{n}/{made}b)")
            made += 2
        lines += ["", f"Notes on week {n}: see https://notes.example.org/{n}/{made} and more.", ""]
        made += 1
    return "\n".join(lines) + "\n"


def main():
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    path = Path(tempfile.gettempdir()) / "idl-bench-links.md"
    path.write_text(synthetic_list(LINKS), encoding="utf-8")
    with open(os.devnull, "w") as quiet:
        timings = []
        for _ in range(2):
            started, cpu = time.perf_counter(), time.process_time()
            call_command("import_library", str(path), "--format", "links", stdout=quiet)
            timings.append((time.perf_counter() - started, time.process_time() - cpu))
    count = Reference.objects.count()
    print(
        f"{django.db.connection.vendor}: {count:,} references from a {path.stat().st_size / 1e6:.1f} MB list; "
        f"first import {timings[0][0]:.2f} s ({timings[0][1]:.2f} s of CPU), "
        f"again (adds nothing) {timings[1][0]:.2f} s ({timings[1][1]:.2f} s of CPU)"
    )


if __name__ == "__main__":
    main()
