"""How many queries and how much server time the main pages take at 100,000 references.

    make bench                                  # SQLite in /tmp/idl-bench-100k.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/idl_bench make bench
    BENCH_SCALE=2000 make bench                 # a small data set while developing

Builds the data set with `demo_data --scale N` (or reuses the one already there), then for each
main page, logged in as a member with DEBUG off (benchmarks/settings.py), counts the queries
and the time spent in the database of a few requests and times 50 more after a warm-up, in
process with django.test.Client. Then it serves the same settings with gunicorn (2 workers)
and measures requests per second with wrk for the library list and idea pages next to a
database-free 50-row view (benchmarks/urls.py), the framework's floor on this machine. Last it
renders each pathological markdown input (benchmarks/markdown_corpus.py) and reports the slowest.
Prints the tables and writes benchmarks/results/pages-<database>.json.

The planner's statistics are fresh, as `demo_data --scale` leaves them: PostgreSQL gets VACUUM
ANALYZE first (the state autovacuum keeps a server in; it may be off on a development machine),
and a SQLite data set built before the build ran ANALYZE gets it once.
"""

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALE = int(os.environ.get("BENCH_SCALE") or 100_000)
RESULTS = ROOT / "benchmarks" / "results"
MEMBER = "member02"  # an ordinary member (member01 is staff)
WARM_UP = 3
COUNTED = 5  # requests whose queries are counted and timed (the median time is reported)
MAX_QUERIES = 12
MAX_P95_MS = 50
MAX_SEARCH_P95_MS = 30
MAX_DEEP_PAGE_RATIO = 2
MIN_THROUGHPUT_RATIO = 0.5
BIBTEX_SIZE = 500
SEARCHES = ["attention", "sparse autoencoders", "mixture of experts"]
TEXT_LIMIT_LABEL = "100 KB (the markdown fields' limit)"


def scale_label(n):
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def configure(scale):
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    default_db = Path(tempfile.gettempdir()) / f"idl-bench-{scale_label(scale)}.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{default_db}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"


def create_postgres_database():
    """Create the database DATABASE_URL names if it is PostgreSQL and missing."""
    import dj_database_url

    db = dj_database_url.parse(os.environ["DATABASE_URL"])
    if "postgresql" not in db["ENGINE"]:
        return
    import psycopg
    from psycopg import sql

    params = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None}
    params["password"] = db["PASSWORD"] or None
    try:
        psycopg.connect(dbname=db["NAME"], **params).close()
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        print(f"Created the PostgreSQL database {db['NAME']}.")


def build(scale):
    """migrate and demo_data --scale in their own processes; returns the seconds taken."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, cwd=ROOT)
    subprocess.run([*manage, "demo_data", "--scale", str(scale)], check=True, cwd=ROOT)
    return time.perf_counter() - started


# The pages


def choose_pages():
    """The pages to measure, with parameters taken from the data so that they select something."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count
    from taggit.models import TaggedItem

    from ideas.models import Comment, Idea
    from library.models import Kind, LogEntry, Reference
    from wiki import search

    ref_tags = list(
        TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(Reference))
        .values_list("tag__slug")
        .annotate(n=Count("id"))
        .order_by("-n", "tag__slug")
    )
    common_tag, common_n = ref_tags[0]
    bib_tag, bib_n = min(ref_tags, key=lambda row: (abs(row[1] - BIBTEX_SIZE), row[0]))
    years = sorted(d.year for d in Reference.objects.filter(kind=Kind.PAPER).dates("published", "year"))
    year = years[len(years) // 2]
    kind_year_n = Reference.objects.filter(kind=Kind.PAPER, published__year=year).count()
    reads = LogEntry.objects.values_list("reference").annotate(n=Count("id"))
    most_read, most_reads = reads.order_by("-n", "reference")[0]
    typical_read, typical_reads = reads.filter(n=3).order_by("reference")[0]
    by_comments = list(
        Idea.objects.annotate(n=Count("comments")).order_by("-n", "pk").values_list("slug", "n")
    )
    busiest_reader = (
        LogEntry.objects.values_list("reader__username")
        .annotate(n=Count("id"))
        .order_by("-n", "reader")[0][0]
    )
    busiest_idea, busiest_n = by_comments[0]
    typical_idea, typical_n = by_comments[len(by_comments) // 2]
    assert busiest_n >= 200, f"the busiest idea has only {busiest_n} comments"
    assert Comment.objects.filter(idea__slug=busiest_idea).exists()

    pages = [
        ("dashboard", "/", {}),
        ("library list, page 1", "/library/", {}),
        ("library list, page 1000", "/library/?page=1000", {"deep": True}),
        ("library list, page 4000", "/library/?page=4000", {"deep": True}),
        (f"library, tag {common_tag} ({common_n})", f"/library/?tag={common_tag}", {}),
        (f"library, paper {year} ({kind_year_n})", f"/library/?kind=paper&year={year}", {}),
        (f"reference ({typical_reads} reads)", f"/library/{typical_read}/", {}),
        (f"reference ({most_reads} reads, most)", f"/library/{most_read}/", {}),
        ("reading log", "/log/", {}),
        (f"member page ({busiest_reader})", f"/members/{busiest_reader}/", {}),
        (f"tag page {common_tag}", f"/tags/{common_tag}/", {}),
        ("idea list", "/ideas/", {}),
        (f"idea ({typical_n} comments)", f"/ideas/{typical_idea}/", {}),
        (f"idea ({busiest_n} comments, most)", f"/ideas/{busiest_idea}/", {"busiest": True}),
    ]
    for words in SEARCHES:
        hits = search.count(words)
        assert hits, f"no search hits for {words!r}: pick words that occur in the data"
        label = f"search '{words}' ({'1000+' if hits > search.COUNT_LIMIT else hits} hits)"
        pages.append((label, f"/search/?q={words.replace(' ', '+')}", {"search": True}))
    bibtex = f"/library/export.bib?tag={bib_tag}"
    pages.append((f"BibTeX, tag {bib_tag}", bibtex, {"bibtex": bib_n}))
    # The first request after a write: a reference edited through the core before every request
    # (its revision, search document and the caches it drops), then the page read.
    for name, url, options in list(pages):
        if not options.get("floor") and "bibtex" not in options:
            fresh = {key: value for key, value in options.items() if key != "deep"}  # judged by p95 alone
            pages.append((f"{name}, after a write", url, {**fresh, "after_write": True}))
    # The first request after a change, where the site caches: nothing in the cache.
    pages.append(("dashboard, cache cleared", "/", {"cold": True}))
    pages.append((f"library, tag {common_tag}, cache cleared", f"/library/?tag={common_tag}", {"cold": True}))
    pages.append((f"BibTeX, tag {bib_tag}, cache cleared", bibtex, {"bibtex": bib_n, "cold": True}))
    pages.append(("bare view (no database)", "/bench/bare/", {"floor": True}))
    return pages


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class QueryTimer:
    """Each query's time in the database: its execute() and the fetches of its rows.

    SQLite does much of a query's work while rows are fetched (and iterator() fetches in
    chunks), so timing execute() alone, as the debug cursor does, would miss it.
    """

    def __init__(self):
        self.queries, self.last_on = [], {}

    def __call__(self, execute, sql, params, many, context):  # a connection.execute_wrapper
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append({"sql": sql, "params": params, "ms": (time.perf_counter() - started) * 1000})
            self.last_on[id(context["cursor"])] = len(self.queries) - 1

    @contextlib.contextmanager
    def fetches(self):
        from django.db.backends.utils import CursorWrapper

        original = CursorWrapper.__getattr__
        timer = self

        def timed_getattr(cursor, attr):
            value = original(cursor, attr)
            if not attr.startswith("fetch"):
                return value

            def timed_fetch(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return value(*args, **kwargs)
                finally:
                    index = timer.last_on.get(id(cursor))
                    if index is not None:
                        timer.queries[index]["ms"] += (time.perf_counter() - started) * 1000

            return timed_fetch

        CursorWrapper.__getattr__ = timed_getattr
        try:
            yield
        finally:
            CursorWrapper.__getattr__ = original


def fetch(client, url):
    """A response with its whole body read: a streamed download is written while it is read."""
    response = client.get(url)
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response


def counted_request(client, url):
    """One request with its queries (SQL as the debug log shows it) and each one's database time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timer = QueryTimer()
    with CaptureQueriesContext(connection) as context, connection.execute_wrapper(timer), timer.fetches():
        response = fetch(client, url)
    logged = list(context.captured_queries)  # a view of the log, which the next request clears
    if len(logged) == len(timer.queries):
        for query, entry in zip(timer.queries, logged, strict=True):
            query["sql"] = entry["sql"]
    return response, timer.queries


def write():
    """An edit of one reference through the core, as a member's save would make it."""
    from library.models import Reference
    from wiki import changes

    reference = Reference.objects.order_by("pk").first()
    with changes.change(reference, None):
        reference.venue = "" if reference.venue == "Bench venue" else "Bench venue"
        reference.save()


def measure(client, name, url, options, requests):
    from django.core.cache import caches

    def clear_caches():
        for cache in caches.all(initialized_only=False):
            cache.clear()

    # "cold": the benchmark's caches (the shared one, and this process's list rows) are emptied
    # before every request, as after a restart.
    before = clear_caches if options.get("cold") else write if options.get("after_write") else lambda: None
    for _ in range(WARM_UP):
        before()
        response = fetch(client, url)
        assert response.status_code == 200, f"{url}: {response.status_code} {response.get('Location', '')}"
    counted = []
    for _ in range(COUNTED):
        before()
        counted.append(counted_request(client, url))
    response, queries = counted[-1]
    db_ms = statistics.median(sum(q["ms"] for q in qs) for _, qs in counted)
    times = []
    for _ in range(requests):
        before()
        started = time.perf_counter()
        fetch(client, url)
        times.append((time.perf_counter() - started) * 1000)
    slowest = sorted(queries, key=lambda q: -q["ms"])[:3]
    row = {
        "page": name,
        "url": url,
        "queries": max(len(qs) for _, qs in counted),
        "db_ms": round(db_ms, 1),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "bytes": len(response.body),
        "slowest_queries": [{"ms": round(q["ms"], 1), "sql": q["sql"]} for q in slowest],
        **options,
    }
    if "bibtex" in options:
        row["bibtex_entries"] = len(re.findall(r"^@\w+\{", response.body.decode(), re.MULTILINE))
        assert abs(row["bibtex_entries"] - options["bibtex"]) <= 1, row["bibtex_entries"]
    if options.get("floor"):
        assert not len(queries), "the bare view must not touch the database"
    return row


def judge(row, first_page):
    if row.get("floor"):
        return "-"
    problems = []
    if row["queries"] > MAX_QUERIES:
        problems.append(f"{row['queries']} queries > {MAX_QUERIES}")
    limit = MAX_SEARCH_P95_MS if row.get("search") else MAX_P95_MS
    if row["p95_ms"] >= limit:
        problems.append(f"p95 >= {limit} ms")
    if row.get("deep") and row["p50_ms"] > MAX_DEEP_PAGE_RATIO * first_page["p50_ms"]:
        problems.append(f"p50 {row['p50_ms'] / first_page['p50_ms']:.1f}x page 1")
    return "yes" if not problems else "NO: " + ", ".join(problems)


def print_pages(rows):
    width = max(len(row["page"]) for row in rows)
    print(
        f"\n{'page':<{width}} {'queries':>7} {'p50 ms':>7} {'p95 ms':>7} {'db ms':>6} {'slowest q':>9}  target met?"
    )
    for row in rows:
        slowest = row["slowest_queries"][0]["ms"] if row["slowest_queries"] else 0
        print(
            f"{row['page']:<{width}} {row['queries']:>7} {row['p50_ms']:>7} {row['p95_ms']:>7} "
            f"{row['db_ms']:>6} {slowest:>9}  {row['target_met']}"
        )


# Throughput through gunicorn and wrk


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(port, url, cookie=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", url, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def wrk(binary, port, url, cookie, seconds):
    out = subprocess.run(
        [binary, "-t2", "-c16", f"-d{seconds}s", "--latency", *(["-H", f"Cookie: {cookie}"] if cookie else []),
         f"http://127.0.0.1:{port}{url}"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    found = lambda pattern: re.search(pattern, out)  # noqa: E731
    bad = found(r"Non-2xx or 3xx responses: (\d+)")
    errors = found(r"Socket errors: (.*)")
    return {
        "requests_per_s": float(found(r"Requests/sec:\s+([\d.]+)").group(1)),
        "requests": int(found(r"(\d+) requests in")[1]),
        "latency_p50": found(r"(?m)^\s+50%\s+(\S+)")[1],
        "latency_p99": found(r"(?m)^\s+99%\s+(\S+)")[1],
        "non_2xx": int(bad[1]) if bad else 0,
        "socket_errors": errors[1].strip() if errors else "",
    }


@contextlib.contextmanager
def gunicorn(port, log_path):
    """gunicorn with the benchmark settings on 127.0.0.1:port, until the block ends."""
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "idlproject.wsgi:application", "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"},
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    http_get(port, "/bench/bare/")
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"gunicorn did not start; see {log_path}") from None
                    time.sleep(0.2)
            yield
        finally:
            server.terminate()
            server.wait(timeout=30)


def throughput(urls, seconds):
    """Requests per second of each (name, url, cookie); the first is the bare view."""
    binary = shutil.which("wrk")
    if not binary:
        print("\nwrk is not installed, so requests per second were not measured:")
        print("  sudo apt-get install -y wrk   (Debian/Ubuntu; `make bench` does it when run as root)")
        return None
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / "idl-bench-gunicorn.log"
    results = []
    with gunicorn(port, log_path):
        print(
            f"\nThroughput: gunicorn, 2 workers on 127.0.0.1:{port}; wrk, 2 threads, 16 connections, {seconds} s each"
        )
        for name, url, cookie in urls:
            status = http_get(port, url, cookie)
            if status != 200:
                print(f"{url} answered {status} through gunicorn (see {log_path}); not measured")
                results.append({"page": name, "url": url, "error": f"HTTP {status}"})
                continue
            for _ in range(10):  # both workers load their templates and open their connection
                http_get(port, url, cookie)
            results.append({"page": name, "url": url, **wrk(binary, port, url, cookie, seconds)})
    failed = [r for r in results if "error" in r]
    results = [r for r in results if "error" not in r]
    if not results or results[0]["url"] != urls[0][1]:
        print("The bare view could not be measured, so there is no floor to compare with.")
        return {"rows": results, "failed": failed, "library_ratio": None, "library_ratio_met": False}
    floor = results[0]["requests_per_s"]
    width = max(len(r["page"]) for r in results)
    print(f"{'page':<{width}} {'requests/s':>10} {'vs bare':>8} {'p50':>9} {'p99':>9}  errors")
    for r in results:
        r["ratio_to_bare"] = round(r["requests_per_s"] / floor, 3)
        problems = ", ".join(
            filter(None, [f"{r['non_2xx']} non-2xx" if r["non_2xx"] else "", r["socket_errors"]])
        )
        print(
            f"{r['page']:<{width}} {r['requests_per_s']:>10.1f} {r['ratio_to_bare']:>8.2f} "
            f"{r['latency_p50']:>9} {r['latency_p99']:>9}  {problems or 'none'}"
        )
    library = next((r for r in results if r["url"] == "/library/"), None)
    if library is None:
        return {"rows": results, "failed": failed, "library_ratio": None, "library_ratio_met": False}
    met = library["ratio_to_bare"] >= MIN_THROUGHPUT_RATIO
    print(
        f"library list / bare view = {library['ratio_to_bare']:.2f} "
        f"(target >= {MIN_THROUGHPUT_RATIO}: {'met' if met else 'NOT met'})"
    )
    return {
        "rows": results,
        "failed": failed,
        "library_ratio": library["ratio_to_bare"],
        "library_ratio_met": met,
    }


def cpu_ratios(rows, cookie):
    """Each page's server CPU per request beside the bare view's, through gunicorn (benchmarks/cpu.py),
    and the whole library's BibTeX and log downloaded through it."""
    from benchmarks import cpu

    binary = shutil.which("wrk")
    if not binary:
        print("\nwrk is not installed, so CPU per request through gunicorn was not measured.")
        return None
    pages = [
        (row["page"], row["url"])
        for row in rows
        if not (row.get("floor") or row.get("cold") or row.get("after_write") or "bibtex" in row)
    ]
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / "idl-bench-gunicorn-cpu.log"
    with gunicorn(port, log_path):
        for _, url in pages:  # both workers load their templates and open their connection
            for _ in range(4):
                http_get(port, url, cookie)
        table = cpu.ratios(binary, port, pages, cookie)
        cpu.print_ratios(table)
        met = sum(row["met"] for row in table)
        print(f"{met} of {len(table)} pages cost at most {1 / cpu.GOAL:.0f}x the bare view's CPU.")
        downloads = [cpu.download(port, url, cookie) for url in ("/library/export.bib", "/log/export.md")]
    print("\nWhole downloads through gunicorn (streamed):")
    for d in downloads:
        print(
            f"  {d['url']}: HTTP {d['status']}, first byte {d['first_byte_s']} s, whole {d['total_s']} s, "
            f"{d['mib']} MiB; workers' memory {d['workers_rss_mb_before_after'][0]} -> "
            f"{d['workers_rss_mb_before_after'][1]} MB"
        )
    return {"pages": table, "downloads": downloads}


def code_version():
    """The commit measured, and files changed since it (the numbers belong to that working tree)."""

    def git(*args):
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    changed = git(
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        "wiki",
        "library",
        "ideas",
        "idlproject",
        "templates",
    )
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted": changed.splitlines()}


def markdown_worst():
    """Render every input of benchmarks/markdown_corpus.py (at the fields' limit) once: the
    slowest, and what each came to (rendered or refused as too complex)."""
    from benchmarks.markdown_corpus import pathological_inputs
    from library.models import TEXT_LIMIT
    from wiki import rendering

    rendering.render_markdown("warm *up* [a](b) $x$")
    timings = {}
    for name, text in pathological_inputs(TEXT_LIMIT).items():
        rendering._local.__dict__.pop("remembered", None)  # render for real, not from memory
        started = time.perf_counter()
        try:
            rendering.render_markdown_or_refuse(text)
            outcome = "rendered"
        except rendering.MarkdownTooComplex:
            outcome = "refused"
        timings[name] = {"ms": round((time.perf_counter() - started) * 1000, 1), "outcome": outcome}
    worst = max(timings, key=lambda name: timings[name]["ms"])
    return {"worst_input": worst, "worst_ms": timings[worst]["ms"], "inputs": timings}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=SCALE, help="references in the data set")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--wrk-seconds", type=int, default=10, help="how long wrk drives each URL")
    args = parser.parse_args()
    configure(args.scale)
    create_postgres_database()
    print(f"Data set of {args.scale} references in {os.environ['DATABASE_URL']}")
    build_seconds = build(args.scale)
    print(f"Build or reuse took {build_seconds:.1f} s.")

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from ideas.models import Comment, Idea
    from library.demo import DEMO_PASSWORD
    from library.models import LogEntry, Reference
    from wiki.models import SearchDocument

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:  # a data set built before the build ran ANALYZE itself
                print("ANALYZE (this data set has no planner statistics yet)")
                cursor.execute("ANALYZE")
    counts = {
        "references": Reference.objects.count(),
        "log_entries": LogEntry.objects.count(),
        "ideas": Idea.objects.count(),
        "comments": Comment.objects.count(),
        "search_documents": SearchDocument.objects.count(),
    }
    print(", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items()))

    cache.clear()  # the benchmark's own cache (benchmarks/settings.py): every run starts the same
    client = Client()
    assert client.login(username=MEMBER, password=DEMO_PASSWORD), f"cannot log in as {MEMBER}"
    pages = choose_pages()
    print(f"Timing {len(pages)} pages as {MEMBER}: {WARM_UP} warm-up requests, then {args.requests} timed")
    load_before = os.getloadavg()[0]
    anonymous = Client()  # the bare view without a session: a logged-in request loads session and user
    rows = [
        measure(anonymous if options.get("floor") else client, name, url, options, args.requests)
        for name, url, options in pages
    ]
    for row in rows:
        row["target_met"] = judge(row, rows[1])
    load = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(
        f"\n{connection.vendor}, {counts['references']} references; "
        f"load average {load[0]:.2f} before, {load[1]:.2f} after the timings ({os.cpu_count()} CPUs)"
    )
    if load[0] > 0.75:  # after the timings it counts this process (and the database server) too
        print("Warning: other work on this machine was using the CPU; it inflates these times.")
    print_pages(rows)
    print(
        f"Targets: <= {MAX_QUERIES} queries; p95 < {MAX_P95_MS} ms (search < {MAX_SEARCH_P95_MS} ms); "
        f"page 1000 p50 within {MAX_DEEP_PAGE_RATIO}x page 1.\nTimes are the test client's, in process; "
        "db ms is the time spent in the database (execute and fetch) per request, slowest q its slowest query;\n"
        "'cache cleared' rows empty the benchmark's cache before every request, like the first visit after a change."
    )
    bib = next(row for row in rows if "bibtex" in row)
    print(f"BibTeX: {bib['bibtex_entries']} entries, {bib['bytes'] // 1024} KiB.")

    markdown = markdown_worst()
    refused = sum(timing["outcome"] == "refused" for timing in markdown["inputs"].values())
    print(
        f"Markdown: {len(markdown['inputs'])} pathological inputs of {TEXT_LIMIT_LABEL}, {refused} refused as "
        f"too complex; worst render {markdown['worst_ms']:.0f} ms ({markdown['worst_input']})."
    )

    cpu = cpu_ratios(rows, f"sessionid={client.cookies['sessionid'].value}")

    idea_urls = [row["url"] for row in rows if row["url"].startswith("/ideas/") and row["url"] != "/ideas/"]
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    wrk_urls = [
        ("bare view (no database)", "/bench/bare/", None),  # anonymous: no session, no user to load
        ("library list", "/library/", cookie),
        ("idea (typical)", idea_urls[0], cookie),
        ("idea (most comments)", idea_urls[1], cookie),
    ]
    wrk_results = throughput(wrk_urls, args.wrk_seconds)

    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"pages-{connection.vendor}.json"
    path.write_text(
        json.dumps(
            {
                "database": connection.vendor,
                "database_version": connection.Database.__name__
                + " "
                + (
                    connection.Database.sqlite_version
                    if connection.vendor == "sqlite"
                    else str(connection.pg_version)
                ),
                "scale": args.scale,
                "code": code_version(),
                "counts": counts,
                "build_or_reuse_seconds": round(build_seconds, 1),
                "machine": {
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "load_average_before_after": load,
                    "platform": platform.platform(),
                },
                "timed_requests": args.requests,
                "pages": rows,
                "throughput": wrk_results,
                "cpu_per_request": cpu,
                "markdown": markdown,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nResults written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
