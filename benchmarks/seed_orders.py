"""Acceptance check on the team's real files: import them in several orders, compare libraries.

    make check-seeds SEEDS=../shared/seeds

Each order is imported into its own throw-away SQLite database through the real commands;
the script prints the counts and fails unless every order gives the same library.
"""

import itertools
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ORDERS = 6


def manage(env, *args):
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def library_after(files, workdir):
    database = Path(workdir) / f"seeds-{random.random():.8f}.sqlite3"
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    manage(env, "migrate", "--verbosity", "0")
    manage(
        env, "shell", "-c", "from django.contrib.auth.models import User; User.objects.create_user('reader')"
    )
    for path in files:
        if is_ideas_file(path):
            manage(env, "import_ideas", str(path))
        else:
            manage(env, "import_library", str(path), "--reader", "reader")
    return (
        manage(
            env,
            "shell",
            "-c",
            "import hashlib; from library.models import Reference, LogEntry; from ideas.models import Idea\n"
            "keys = sorted(r.identity or r.title_key for r in Reference.objects.all())\n"
            "digest = hashlib.sha256('\\n'.join(keys).encode()).hexdigest()[:12]\n"
            "print(len(keys), len(set(keys)), LogEntry.objects.count(), Idea.objects.count(), digest)",
        )
        .splitlines()[-1]
        .split()
    )


def is_ideas_file(path):
    return "# Ideas and References" in path.read_text(encoding="utf-8", errors="replace")


def main():
    seeds = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "seeds")
    files = sorted(seeds.glob("*.txt"))
    if not files:
        sys.exit(f"No seed files in {seeds}")
    orders = [files, files[::-1], *random.Random(1).sample(list(itertools.permutations(files)), ORDERS - 2)]
    results = set()
    with tempfile.TemporaryDirectory() as workdir:
        for order in orders:
            references, distinct, entries, ideas, digest = library_after(order, workdir)
            names = " ".join(path.name[:3] for path in order)
            print(
                f"{names}: {references} references ({distinct} distinct), {entries} log entries, {ideas} ideas"
            )
            results.add((references, distinct, entries, ideas, digest))
    if len(results) != 1:
        sys.exit("The orders gave different libraries.")
    print("Every order gives the same library.")


if __name__ == "__main__":
    main()
