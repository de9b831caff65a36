"""The layers: the core (wiki) beneath library, library beneath ideas, notifications above both, the project on top.

Read from the source, so a new import across a layer fails here rather than in a cycle later.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# app: the top-level packages it must never import
FORBIDDEN = {
    "wiki": {"library", "ideas", "notifications", "idlproject", "benchmarks"},
    "library": {"ideas", "notifications", "idlproject", "benchmarks"},
    "ideas": {"notifications", "idlproject", "benchmarks"},
    # Hears of changes from the core's signal: the apps beneath never call it.
    "notifications": {"idlproject", "benchmarks"},
}
# The one way round: `demo_data --scale` builds the benchmarks' data set, imported only when asked.
ALLOWED = {("ideas/management/commands/demo_data.py", "benchmarks")}

# What only the core may do: write revisions and search documents, drop the caches of tracked data.
CORE_ONLY = ("Revision.objects", "SearchDocument.objects", "index_objects", "remove_objects", "revision_of")
# The apps fill caches; only the core drops them (the login throttle's counters are not wiki data).
APPS_NEVER = ("cache.delete",)


def modules(app):
    return sorted((ROOT / app).rglob("*.py"))


def imported(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_apps_import_only_what_is_beneath_them(app):
    crossings = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(app)
        for name in imported(path)
        if name in FORBIDDEN[app] and (str(path.relative_to(ROOT)), name) not in ALLOWED
    ]
    assert crossings == []


def test_the_checks_would_see_a_crossing(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from ideas.models import Idea\nimport idlproject.settings\nfrom . import tracked\n")
    assert list(imported(sample)) == ["ideas", "idlproject"]


@pytest.mark.parametrize("app", ["library", "ideas", "idlproject"])
def test_no_write_path_outside_the_core_keeps_history_search_or_caches_by_hand(app):
    by_hand = [
        f"{path.relative_to(ROOT)}: {word}"
        for path in modules(app)
        if "/migrations/" not in str(path)
        for word in CORE_ONLY + (APPS_NEVER if app != "idlproject" else ())
        if word in path.read_text()
    ]
    assert by_hand == []
