"""Concurrent members writing to the real site under gunicorn: is any write lost or refused with a 5xx?

    make loadtest                               # SQLite, a fresh file in /tmp
    make loadtest DATABASE_URL=postgres://postgres@127.0.0.1:5432/idl_loadtest
    make loadtest LOADTEST_USERS=8 LOADTEST_SECONDS=10

Prepares a fresh database (migrate, `demo_data`, 32 members loader1..loader32, enough ideas to
edit) with the production settings: DEBUG off, a throwaway SECRET_KEY, hashed static files
(collectstatic into staticfiles/), a fresh file cache in /tmp. The client sends
`X-Forwarded-Proto: https` as the TLS proxy would, so HTTPS redirects, Secure cookies and the
strict CSRF origin checks stay on; it keeps its own cookies, since a client would not send
Secure cookies over plain http.

gunicorn serves it on 127.0.0.1 (LOADTEST_WORKERS x LOADTEST_THREADS, gthread). Every member
logs in through the real login form, then for LOADTEST_SECONDS loops at random over: logging a
reading (of a new link, or of a library reference), commenting on an idea, editing one of a
few ideas (every field of the form posted back, the body with one line added), and reading
pages. Each write carries a unique token. Answers are classified (the success redirect, 409
edit conflict, 5xx, anything else with its error text), then the database is read directly:
every acknowledged log entry and comment must exist, and every acknowledged idea edit's line
must still be in the idea's body.

With LOADTEST_KILL_EVERY=N (`make loadtest-kill`), a gunicorn worker is killed with SIGKILL every
N seconds, mid-request, as an out-of-memory killer or a crash would; gunicorn starts a new one.
The requests the dead worker held get no answer (counted, expected); still no acknowledged write
may be missing, no answer may be a 5xx, and the database must pass its integrity check.

Prints a summary, writes benchmarks/results/loadtest-<database>.json and exits non-zero on any
5xx, unanswered request (unless workers are being killed) or lost write. The SQLite file, cache and gunicorn log are in a temporary
directory, removed after a clean run and kept (and named) otherwise.
"""

import contextlib
import datetime
import html
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"

SECONDS = int(os.environ.get("LOADTEST_SECONDS") or 30)
USERS = int(os.environ.get("LOADTEST_USERS") or 32)
# Two cores: one worker process per core, since the GIL lets a process use one. Requests spend
# much of their time waiting (database round trips and commits, the file cache, SQLite's write
# lock), which a worker's threads fill: on 2 cores 8 threads served ~2.5x what 1 did and a
# quarter more than 4; 16 served less, with writers waiting up to 14 s for SQLite's lock.
WORKERS = int(os.environ.get("LOADTEST_WORKERS") or 2)
THREADS = int(os.environ.get("LOADTEST_THREADS") or 8)
# Everything (preparing, logging in, the run, the checks) must end within this; then it stops.
HARD_TIMEOUT = int(os.environ.get("LOADTEST_TIMEOUT") or 600 + 2 * SECONDS)
REQUEST_TIMEOUT = 60
KILL_EVERY = float(os.environ.get("LOADTEST_KILL_EVERY") or 0)
EDITED_IDEAS = 6  # few enough that members edit the same idea at the same time
PASSWORD = "loadtest-Walrus-7294"  # any password the validators accept

# What a member does next, with its weight.
ACTIONS = {
    "log_new": 12,  # log a reading of a link the library does not have yet
    "log_existing": 12,  # log a reading of a library reference (/log/add/?reference=<id>)
    "comment": 18,
    "idea_edit": 28,
    "read": 30,
}
WRITE_KINDS = {"log_new": "log entries (new link)", "log_existing": "log entries (library reference)"}
WRITE_KINDS |= {"comment": "comments", "idea_edit": "idea edits"}
TOKEN_RE = re.compile(r"loadtest-[0-9a-f]{8}-\d+-\d+")


class Stop(Exception):
    """The hard timeout or a signal: stop everything, clean up, exit non-zero."""


# Preparing a fresh database


def environment(workdir):
    """The production settings, on a fresh database and cache of this run's own."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DEBUG")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "idlproject.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "IDL_PUBLIC_READ": "0",
        "IDL_CACHE_DIR": str(workdir / "cache"),
        "LOG_LEVEL": "WARNING",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'loadtest.sqlite3'}")
    return env


def fresh_database(url):
    """Empty the database the URL names. Only one named for the load test: it is wiped."""
    import dj_database_url

    db = dj_database_url.parse(url)
    name = str(db["NAME"])
    if "loadtest" not in Path(name).name:
        raise SystemExit(
            f"DATABASE_URL names {name!r}; the load test wipes its database, so its name must contain "
            "'loadtest' (e.g. postgres://postgres@127.0.0.1:5432/idl_loadtest)."
        )
    if "sqlite" in db["ENGINE"]:
        path = Path(name).resolve()
        if path.is_relative_to(ROOT):
            raise SystemExit(f"{path} is inside the project; give the load test a file in /tmp.")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    params = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None}
    params["password"] = db["PASSWORD"] or None
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        # FORCE: a gunicorn left over from an interrupted run may still hold connections.
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env, *args):
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True, timeout=600
    )


def prepare(env):
    """migrate, static files, demo data, then the members and ideas the run needs (in process)."""
    fresh_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v0")
    # The manifest storage refuses to render a page whose static files were not collected.
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "demo_data")

    import django

    os.environ.update(env)
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.password_validation import validate_password
    from django.db import connection

    from ideas.models import Idea
    from library.models import Reference

    User = get_user_model()
    validate_password(PASSWORD)
    # One hash for all: hashing is slow on purpose, and the logins are what should pay for it.
    hashed = make_password(PASSWORD)
    User.objects.bulk_create(
        User(username=f"loader{n}", password=hashed, first_name="Loader", last_name=str(n))
        for n in range(1, USERS + 1)
    )
    proposer = User.objects.get(username="loader1")
    for n in range(Idea.objects.count(), EDITED_IDEAS):
        Idea.objects.create(title=f"Load test idea {n + 1}", proposer=proposer, body="Edited by many.")
    ideas = list(Idea.objects.order_by("pk").values_list("pk", "slug")[:EDITED_IDEAS])
    references = list(Reference.objects.order_by("pk").values_list("pk", flat=True))
    connection.close()  # SQLite: hold no lock and no connection while gunicorn writes
    return ideas, references


# gunicorn


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, port, log_path):
    """gunicorn on 127.0.0.1:port until the block ends, however it ends."""
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "idlproject.wsgi:application",
             "--worker-class", "gthread", "--workers", str(WORKERS), "--threads", str(THREADS),
             "--bind", f"127.0.0.1:{port}", "--timeout", str(REQUEST_TIMEOUT), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if Browser(port).request("GET", "/accounts/login/").status == 200:
                        break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log_path}")
                time.sleep(0.2)
            yield server
        finally:
            server.terminate()
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# The client: a browser's cookies and forms over http.client


@dataclass
class Response:
    status: int  # 0: no answer (refused, reset, timed out)
    location: str
    text: str
    ms: float


class Browser:
    """One member's browser: its own cookies, one connection per request, behind the TLS proxy."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, fields=None):
        origin = f"https://127.0.0.1:{self.port}"
        headers = {"X-Forwarded-Proto": "https", "User-Agent": "idl-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode([tuple(pair) for pair in fields or []])
            # Over "https" Django checks where a POST comes from, as a browser's would say.
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin}
            headers["Referer"] = origin + path
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            text = answer.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            return Response(0, "", f"{type(error).__name__}: {error}", (time.perf_counter() - started) * 1000)
        finally:
            conn.close()
        ms = (time.perf_counter() - started) * 1000
        for header in answer.headers.get_all("Set-Cookie") or []:
            self.keep_cookie(header)
        return Response(answer.status, answer.headers.get("Location", ""), text, ms)

    def keep_cookie(self, header):
        try:
            cookie = SimpleCookie(header)
        except CookieError:
            return
        for name, morsel in cookie.items():
            if morsel.value in ("", '""') or morsel["max-age"] == "0":
                self.cookies.pop(name, None)  # Django deletes a cookie by emptying and expiring it
            else:
                self.cookies[name] = morsel.coded_value


@dataclass
class Form:
    action: str
    method: str
    fields: list = field(default_factory=list)  # [name, value] pairs in page order, as submitted

    def names(self):
        return {name for name, _ in self.fields}

    def get(self, name):
        return next((value for n, value in self.fields if n == name), None)

    def set(self, name, value):
        for pair in self.fields:
            if pair[0] == name:
                pair[1] = value
                return
        self.fields.append([name, value])


class FormParser(HTMLParser):
    """Every form of a page with what a browser would submit: each named input (hidden ones
    too), textarea and select, checked boxes only, the selected options or the first."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = self.textarea = self.select = self.option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = Form(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self.form)
        if self.form is None or ("disabled" in a and tag != "option"):
            return
        name = a.get("name")
        kind = (a.get("type") or "text").lower()
        if tag == "input" and name and kind not in ("submit", "button", "image", "reset", "file"):
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append([name, a.get("value") or "on"])
            else:
                self.form.fields.append([name, a.get("value") or ""])
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
            self.form.fields.append(self.textarea)
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "selected" in a, ""]
            self.select["options"].append(self.option)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            # The newline right after <textarea> is markup, not content (browsers drop it too).
            self.textarea[1] = self.textarea[1].removeprefix("\r").removeprefix("\n")
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            options = [
                (text.strip() if value is None else value, chosen)
                for value, chosen, text in self.select["options"]
            ]
            chosen = [value for value, is_chosen in options if is_chosen]
            if not self.select["multiple"]:
                chosen = chosen[-1:] or [value for value, _ in options[:1]]
            self.form.fields.extend([self.select["name"], value] for value in chosen)
            self.select = self.option = None
        elif tag == "form":
            self.form = None


def find_form(page, has_field=None, action_end=None):
    parser = FormParser()
    parser.feed(page)
    parser.close()
    for form in parser.forms:
        if form.method != "post":
            continue
        if has_field and has_field not in form.names():
            continue
        if action_end and not form.action.endswith(action_end):
            continue
        return form
    return None


ERROR_BLOCK = re.compile(r'<(\w+)[^>]*class="(?:form-errors|errors)[^"]*"[^>]*>(.*?)</\1>', re.S)


def error_text(page):
    """What a re-rendered form or an error page says went wrong, in one line."""
    found = [m.group(2) for m in ERROR_BLOCK.finditer(page)]
    if not found:
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        found = [title.group(1)] if title else [page[:200]]
    text = html.unescape(re.sub(r"<[^>]+>", " ", " | ".join(found)))
    return " ".join(text.split())[:300]


# The members


@dataclass
class Record:
    kind: str  # what was asked: "login", "log_new form", "idea_edit", "read /log/" ...
    status: int
    ms: float
    outcome: str  # ok, conflict, error (5xx), no_answer, failure
    detail: str = ""
    sent: bool = True  # False: a page that answered but lacked what a member needed (no request)


class Member(threading.Thread):
    def __init__(self, number, port, run_id, ideas, references, deadline):
        super().__init__(daemon=True, name=f"loader{number}")
        self.number = number
        self.browser = Browser(port)
        self.run_id = run_id
        self.ideas = ideas  # [(pk, slug)]
        self.references = references
        self.deadline = deadline  # [give up logging in, stop working] in monotonic s, set by drive()
        self.random = random.Random(f"{run_id}-{number}")
        self.records = []
        self.written = defaultdict(list)  # kind -> tokens answered with the success redirect
        self.refused = []  # (idea pk, token) answered 409
        self.edited = []  # (idea pk, token) answered with the success redirect
        self.unanswered = []  # tokens of writes with no clear answer (5xx, no answer)
        self.saw_version = False
        self.count = 0
        self.logged_in = False
        self.ready = threading.Event()  # logged in, or given up
        self.go = threading.Event()

    def token(self):
        self.count += 1
        return f"loadtest-{self.run_id}-{self.number}-{self.count}"

    def send(self, kind, method, path, fields=None, expect=200, location=None, may_conflict=False):
        """One request, recorded; returns the response when it was the expected one (or a 409
        where an edit may be refused as stale), else None."""
        response = self.browser.request(method, path, fields)
        if response.status == 0:
            outcome, detail = "no_answer", response.text
        elif response.status >= 500:
            outcome, detail = "error", error_text(response.text)
        elif response.status == 409 and may_conflict:
            outcome, detail = "conflict", ""
        elif response.status != expect:
            detail = f"-> {response.location}" if response.location else error_text(response.text)
            outcome = "failure"
        elif location and not re.fullmatch(location, urlsplit(response.location).path):
            outcome, detail = "failure", f"redirected to {response.location!r}"
        else:
            outcome, detail = "ok", ""
        self.records.append(Record(kind, response.status, response.ms, outcome, detail))
        return response if outcome in ("ok", "conflict") else None

    def fail(self, kind, detail):
        """A page answered, but not with what a member needs to go on (e.g. no form on it)."""
        self.records.append(Record(kind, 200, 0.0, "failure", detail, sent=False))

    def run(self):
        try:
            while not self.login():
                if time.monotonic() > self.deadline[0]:
                    return
                time.sleep(1)
            self.logged_in = True
            self.ready.set()
            self.go.wait()
            actions, weights = zip(*ACTIONS.items(), strict=True)
            while time.monotonic() < self.deadline[1]:
                getattr(self, self.random.choices(actions, weights)[0])()
        except Exception as error:  # a bug of this script: counted, so a run cannot pass with it
            self.records.append(Record("client", 0, 0.0, "crash", f"{type(error).__name__}: {error}", False))
            raise
        finally:
            self.ready.set()

    def login(self):
        page = self.send("login form", "GET", "/accounts/login/")
        if page is None:
            return False
        form = find_form(page.text, has_field="password")
        if form is None:
            self.fail("login form", "no login form on /accounts/login/")
            return False
        form.set("username", f"loader{self.number}")
        form.set("password", PASSWORD)
        done = self.send("login", "POST", "/accounts/login/", form.fields, expect=302, location="/")
        return done is not None and "sessionid" in self.browser.cookies

    def log_entry(self, kind, path):
        page = self.send(f"{kind} form", "GET", path)
        form = page and find_form(page.text, has_field="notes")
        if page and form is None:
            self.fail(f"{kind} form", f"no log form on {path}")
        if form is None:
            return
        token = self.token()
        form.set("notes", f"Read while the load test ran.\n\n- {token}")
        # One day per entry: a member logging the same reference twice on one day is refused.
        form.set("read_on", (datetime.date.today() - datetime.timedelta(days=self.count)).isoformat())
        if kind == "log_new":
            form.set("title", f"Load test reading {token}")
            form.set("url", f"https://example.org/loadtest/{token}")
        self.post_write(kind, path, form.fields, token, location="/log/")

    def log_new(self):
        self.log_entry("log_new", "/log/add/")

    def log_existing(self):
        self.log_entry("log_existing", f"/log/add/?reference={self.random.choice(self.references)}")

    def comment(self):
        _, slug = self.random.choice(self.ideas)
        page = self.send("comment form (idea page)", "GET", f"/ideas/{slug}/")
        form = page and find_form(page.text, action_end="/comments/")
        if page and form is None:
            self.fail("comment form (idea page)", f"no comment form on /ideas/{slug}/")
        if form is None:
            return
        token = self.token()
        form.set("body", f"A comment under load: {token}")
        self.post_write("comment", form.action, form.fields, token, location=r"/ideas/comments/\d+/")

    def idea_edit(self):
        pk, slug = self.random.choice(self.ideas)
        path = f"/ideas/{slug}/edit/"
        page = self.send("idea_edit form", "GET", path)
        form = page and find_form(page.text, has_field="body")
        if page and form is None:
            self.fail("idea_edit form", f"no edit form on {path}")
        if form is None:
            return
        if not {"csrfmiddlewaretoken", "reference_links-TOTAL_FORMS"} <= form.names():
            self.fail("idea_edit form", f"the form on {path} lacks its token or link formset")
            return
        self.saw_version |= "version" in form.names()
        token = self.token()
        form.set("body", f"{form.get('body').rstrip()}\n\n- edited under load: {token}")
        response = self.post_write(
            "idea_edit", path, form.fields, token, location=re.escape(f"/ideas/{slug}/")
        )
        if response is not None:
            (self.edited if response.status == 302 else self.refused).append((pk, token))

    def post_write(self, kind, path, fields, token, location):
        response = self.send(
            kind, "POST", path, fields, expect=302, location=location, may_conflict=kind == "idea_edit"
        )
        if response is not None and response.status == 302:
            self.written[kind].append(token)
        elif self.records[-1].outcome in ("error", "no_answer"):
            self.unanswered.append(token)
        return response

    def read(self):
        _, slug = self.random.choice(self.ideas)
        path = self.random.choice([f"/ideas/{slug}/", "/log/", "/library/"])
        self.send("read " + re.sub(r"/ideas/[^/]+/", "/ideas/<slug>/", path), "GET", path)


# After the run: what the database holds


def check_database(members, ideas):
    """Acknowledged writes missing from the database, and refused edits that were saved anyway."""
    from django.db import connection

    from ideas.models import Comment, Idea
    from library.models import LogEntry
    from wiki.models import Revision

    connection.close()  # a fresh connection sees everything gunicorn committed
    saved = {
        "log": set(TOKEN_RE.findall("\n".join(LogEntry.objects.filter(notes__contains="loadtest-").values_list("notes", flat=True)))),
        "comment": set(TOKEN_RE.findall("\n".join(Comment.objects.filter(body__contains="loadtest-").values_list("body", flat=True)))),
    }  # fmt: skip
    bodies = dict(Idea.objects.filter(pk__in=[pk for pk, _ in ideas]).values_list("pk", "body"))
    in_body = {pk: set(TOKEN_RE.findall(body)) for pk, body in bodies.items()}
    # Every acknowledged write is also a revision in the history (created, or edited).
    recorded = set(
        TOKEN_RE.findall(
            "\n".join(
                json.dumps(data)
                for data in Revision.objects.filter(action__in=["created", "edited"]).values_list(
                    "data", flat=True
                )
            )
        )
    )
    lost, kept = Counter(), Counter()
    for member in members:
        acknowledged = [token for tokens in member.written.values() for token in tokens]
        acknowledged += [token for _, token in member.edited]
        kept["without_revision"] += sum(token not in recorded for token in set(acknowledged))
        for kind, tokens in member.written.items():
            if kind == "idea_edit":
                continue
            present = saved["comment" if kind == "comment" else "log"]
            lost[kind] += sum(token not in present for token in tokens)
        for pk, token in member.edited:
            lost["idea_edit"] += token not in in_body.get(pk, ())
        kept["refused_but_saved"] += sum(token in in_body.get(pk, ()) for pk, token in member.refused)
        everywhere = saved["log"] | saved["comment"] | set().union(*in_body.values())
        kept["saved_without_success_answer"] += sum(token in everywhere for token in member.unanswered)
    return lost, kept


# The summary


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0.0


def latency(records):
    times = [r.ms for r in records if r.status and r.sent]
    if not times:
        return {"p50_ms": 0, "p95_ms": 0, "max_ms": 0}
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
    }


def summarize(members, run_seconds, login_seconds, lost, kept, database, gunicorn_log):
    logins = [r for m in members for r in m.records if r.kind.startswith("login")]
    records = [r for m in members for r in m.records if not r.kind.startswith("login") and r.sent]
    outcomes = Counter(r.outcome for m in members for r in m.records)
    written = Counter({kind: sum(len(m.written[kind]) for m in members) for kind in WRITE_KINDS})
    edits_tried = written["idea_edit"] + sum(len(m.refused) for m in members)
    by_kind = defaultdict(list)
    for r in records:
        by_kind[r.kind].append(r)
    failures = Counter(
        (r.kind, r.status, r.outcome, r.detail) for m in members for r in m.records if r.detail
    )
    locked = (
        gunicorn_log.read_text(errors="replace").count("database is locked") if gunicorn_log.exists() else 0
    )
    summary = {
        "database": database,
        "users": len(members),
        "seconds": round(run_seconds, 1),
        "gunicorn": {"worker_class": "gthread", "workers": WORKERS, "threads": THREADS},
        "logins": {"members_logged_in": sum(m.logged_in for m in members),
                   "seconds": round(login_seconds, 1), **latency(logins)},
        "requests": len(records),
        "requests_per_s": round(len(records) / run_seconds, 1) if run_seconds else 0,
        "writes": dict(written),
        "idea_edits_tried": edits_tried,
        "conflicts_409": outcomes["conflict"],
        "edit_form_has_version": any(m.saw_version for m in members),
        "errors_5xx": outcomes["error"],
        "no_answer": outcomes["no_answer"],
        "other_failures": outcomes["failure"],
        "client_crashes": outcomes["crash"],
        "database_is_locked_in_log": locked,
        "lost_writes": dict(lost),
        "refused_edits_saved_anyway": kept["refused_but_saved"],
        "writes_without_revision": kept["without_revision"],
        "saved_without_success_answer": kept["saved_without_success_answer"],
        "latency": latency(records),
        "by_kind": {kind: {"requests": len(rs), **latency(rs)} for kind, rs in sorted(by_kind.items())},
        "problems": [{"kind": k, "status": s, "outcome": o, "detail": d, "count": n}
                     for (k, s, o, d), n in failures.most_common(20)],
    }  # fmt: skip
    return summary


def print_summary(s):
    lat = s["latency"]
    w = s["writes"]
    lost = s["lost_writes"]
    gun = s["gunicorn"]
    print(
        f"\nLoad test on {s['database']}: {s['users']} members for {s['seconds']} s through gunicorn "
        f"({gun['workers']} workers x {gun['threads']} threads)"
    )
    print(
        f"  logins            {s['logins']['members_logged_in']} of {s['users']} in {s['logins']['seconds']} s "
        f"(p50 {s['logins']['p50_ms']:.0f} ms, max {s['logins']['max_ms']:.0f} ms; not counted below)"
    )
    print(f"  requests          {s['requests']} ({s['requests_per_s']}/s)")
    print("  writes (success)  " + ", ".join(f"{WRITE_KINDS[k]} {w[k]}" for k in WRITE_KINDS))
    print(
        f"  conflicts (409)   {s['conflicts_409']} of {s['idea_edits_tried']} idea edits "
        f"(edit form {'has' if s['edit_form_has_version'] else 'has NO'} `version` field)"
    )
    print(f"  errors (5xx)      {s['errors_5xx']}  (no answer at all: {s['no_answer']})")
    print(f"  other failures    {s['other_failures']}")
    if s["client_crashes"]:
        print(f"  LOAD TEST CLIENT CRASHED in {s['client_crashes']} members (a bug of this script)")
    print(
        "  lost writes       "
        + ", ".join(f"{WRITE_KINDS[k]} {lost.get(k, 0)} of {w[k]}" for k in WRITE_KINDS)
    )
    print(
        f"  without revision  {s['writes_without_revision']} (acknowledged writes missing from the history)"
    )
    if s["refused_edits_saved_anyway"]:
        print(f"  REFUSED (409) EDITS SAVED ANYWAY: {s['refused_edits_saved_anyway']}")
    if s["saved_without_success_answer"]:
        print(f"  writes saved although answered 5xx/nothing: {s['saved_without_success_answer']}")
    if s["database_is_locked_in_log"]:
        print(f"  'database is locked' in the gunicorn log: {s['database_is_locked_in_log']} times")
    print(f"  latency           p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, max {lat['max_ms']} ms")
    width = max(map(len, s["by_kind"]), default=10)
    print(f"\n  {'request':<{width}} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, row in s["by_kind"].items():
        print(
            f"  {kind:<{width}} {row['requests']:>6} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8}"
        )
    if s["problems"]:
        print("\n  What went wrong (count, request, status, what the page said):")
        for p in s["problems"]:
            print(f"  {p['count']:>5} x {p['kind']} {p['status']} {p['outcome']}: {p['detail']}")


# The run


def drive(port, ideas, references, run_id):
    """Log every member in, then let them loop for SECONDS; returns (members, run s, login s)."""
    login_deadline = time.monotonic() + 120
    deadline = [login_deadline, float("inf")]  # [stop retrying logins, stop working]
    members = [Member(n, port, run_id, ideas, references, deadline) for n in range(1, USERS + 1)]
    started = time.monotonic()
    for member in members:
        member.start()
    for member in members:
        member.ready.wait(timeout=max(0.0, login_deadline - time.monotonic()))
    login_seconds = time.monotonic() - started
    # Everybody starts working together, so the first seconds are as busy as the last.
    started = time.monotonic()
    cpu = time.process_time()
    deadline[1] = started + SECONDS
    for member in members:
        member.go.set()
    # A member finishes the action under way: at most a form and its POST, each with a timeout.
    for member in members:
        member.join(timeout=max(0.0, deadline[1] + 2 * REQUEST_TIMEOUT + 5 - time.monotonic()))
    busy = [m.name for m in members if m.is_alive()]
    if busy:
        print(f"Still waiting for an answer after the run: {', '.join(busy)}")
    # The client shares the two cores with the server: say how much of them it took.
    return members, time.monotonic() - started, login_seconds, time.process_time() - cpu


class WorkerKiller(threading.Thread):
    """Every KILL_EVERY seconds, SIGKILL one of gunicorn's workers, whatever it is doing."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.stopped = threading.Event()
        self.kills = 0

    def workers(self):
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def run(self):
        chooser = random.Random(7)
        while not self.stopped.wait(KILL_EVERY):
            if workers := self.workers():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(chooser.choice(workers), signal.SIGKILL)
                    self.kills += 1


def integrity_problems():
    """What the database's own check reports (SQLite; PostgreSQL has no such check to run)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        return [row[0] for row in cursor.fetchall() if row[0] != "ok"]


def stop_on_signal(signum, frame):
    raise Stop(signal.Signals(signum).name)


def main():
    signal.signal(signal.SIGALRM, stop_on_signal)
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.alarm(HARD_TIMEOUT)
    workdir = Path(tempfile.mkdtemp(prefix="idl-loadtest-"))
    env = environment(workdir)
    shown_url = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", env["DATABASE_URL"])  # no password printed
    database = shown_url.split("://")[0]
    clean = False
    try:
        print(f"Preparing {shown_url} (migrate, collectstatic, demo_data, {USERS} members)")
        ideas, references = prepare(env)
        from django.db import connection

        database = f"{connection.vendor} ({shown_url})"
        port = free_port()
        log_path = workdir / "gunicorn.log"
        run_id = secrets.token_hex(4)
        with gunicorn(env, port, log_path) as server:
            print(
                f"gunicorn on 127.0.0.1:{port}, {WORKERS} workers x {THREADS} threads; "
                f"{USERS} members log in, then work for {SECONDS} s on {len(ideas)} ideas"
            )
            killer = WorkerKiller(server)
            if KILL_EVERY:
                print(f"A worker is killed with SIGKILL every {KILL_EVERY:g} s")
                killer.start()
            try:
                members, run_seconds, login_seconds, client_cpu = drive(port, ideas, references, run_id)
            finally:
                killer.stopped.set()
        lost, kept = check_database(members, ideas)
        summary = summarize(members, run_seconds, login_seconds, lost, kept, database, log_path)
        summary["workers_killed"] = killer.kills
        summary["integrity_problems"] = integrity_problems()
        print_summary(summary)
        if KILL_EVERY:
            print(f"  workers killed (SIGKILL) {killer.kills}; their requests went unanswered")
        print(f"  database integrity  {'; '.join(summary['integrity_problems']) or 'ok'}")
        summary["machine"] = {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "client_cpu_seconds": round(client_cpu, 1),
            "load_average_after": round(os.getloadavg()[0], 2),
        }
        print(
            f"  this client used {client_cpu:.1f} CPU-seconds of the run's "
            f"{run_seconds * os.cpu_count():.0f}; load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)"
        )
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"loadtest-{connection.vendor}.json"
        out.write_text(json.dumps(summary, indent=2) + "\n")
        print(f"\nResults written to {out.relative_to(ROOT)}")
        bad = summary["errors_5xx"] + sum(lost.values()) + len(summary["integrity_problems"])
        bad += 0 if KILL_EVERY else summary["no_answer"]
        bad += (
            summary["refused_edits_saved_anyway"]
            + summary["writes_without_revision"]
            + summary["client_crashes"]
            + (USERS - summary["logins"]["members_logged_in"])
        )
        clean = not bad
        if not clean:
            print(
                f"FAILED: 5xx, unanswered requests, lost writes or members who could not log in. See {workdir}"
            )
        return 0 if clean else 1
    except (Stop, KeyboardInterrupt) as why:
        print(f"\nStopped ({why or 'interrupted'}); gunicorn was shut down. Files in {workdir}")
        return 2
    finally:
        signal.alarm(0)
        if clean:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
