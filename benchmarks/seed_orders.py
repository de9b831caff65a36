"""Acceptance check on the team's real files: import them in several orders, compare libraries.

    make check-seeds SEEDS=../shared/seeds

Each order is imported into its own throw-away SQLite database through the real commands;
the script prints the counts and fails unless every order gives the same library. Then each
file alone is imported and exported again: a papers README or a reading log must come back
line for line (as the repaired text: a broken encoding is not written back), an ideas file
must read back to the same ideas and export the same again.
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


def round_trip(path, workdir):
    """Import one file into a fresh database, export it; None if it came back, else why not."""
    database = Path(workdir) / f"trip-{random.random():.8f}.sqlite3"
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    manage(env, "migrate", "--verbosity", "0")
    manage(
        env, "shell", "-c", "from django.contrib.auth.models import User; User.objects.create_user('reader')"
    )
    exported = Path(workdir) / "exported.md"
    if is_ideas_file(path):
        manage(env, "import_ideas", str(path))
        manage(env, "export_ideas", "-o", str(exported))
        again = manage(env, "import_ideas", str(exported))
        second = Path(workdir) / "exported-again.md"
        manage(env, "export_ideas", "-o", str(second))
        if "0 new, 0 updated" not in again or "Conflicts: 0." not in again:
            return f"its export reads back with changes: {again.strip().splitlines()[-1]}"
        return None if second.read_bytes() == exported.read_bytes() else "a second export differs"
    manage(env, "import_library", str(path), "--reader", "reader")
    format = "log" if "Legend:" in path.read_text(encoding="utf-8", errors="replace") else "papers"
    manage(env, "export_library", "--format", format, "-o", str(exported))
    original = Path(workdir) / "original.md"
    manage(
        env,
        "shell",
        "-c",
        f"from pathlib import Path; from library.importer import read_file\n"
        f"Path({str(original)!r}).write_text(read_file(Path({str(path)!r}).read_bytes(), 'seed')[0])",
    )
    if original.read_text().splitlines() != exported.read_text(encoding="utf-8").splitlines():
        return "the export differs from the file"
    return None


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
        failures = []
        for path in files:
            problem = round_trip(path, workdir)
            print(f"{path.name[:3]} alone, exported: {problem or 'as it was'}")
            if problem:
                failures.append(path.name)
        if failures:
            sys.exit(f"Not exported back as they were: {', '.join(failures)}")


if __name__ == "__main__":
    main()
