"""Who may do what, URL by URL: one table, every role, GET and POST, private and public wiki.

Each row names a URL pattern and, for the private wiki, what each role gets for a GET and for an
(empty) POST; `public` overrides the cells that differ when settings.IDL_PUBLIC_READ is on. An
inactive member who still holds a session must be treated exactly as an anonymous visitor
(Django's ModelBackend refuses inactive users on every request), so that role always takes the
anonymous column: the table cannot give them anything else.

Outcomes: "200", "403", "404", "405" are exact statuses; "login" is a 302 to the site's login
page with next= the requested path; "admin-login" the same to the admin's login page; "302" a
redirect anywhere else (to the row's `to` when it gives one).

A write page's row POSTs what a permitted member would send (`data`), so "302" there means the
write went through, and a refused POST (403, 404, 405 or a login) must leave every row of the
database as it was. Every request runs in a savepoint that is rolled back, so a POST that
deletes, hides or joins leaves the world as it was for the next role. The completeness tests walk
the URL resolver and the admin's registry and name whatever the table does not cover.

One rule decides who may change what (wiki/tracking.py, `Tracked.can_edit`/`can_delete`):
members edit any reference and idea; a log entry or comment is edited and deleted by the member
who wrote it or by a curator; curators delete references and ideas.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from taggit.models import Tag

from ideas.models import Area, Idea, IdeaReference, IdeaVote
from library.models import FeedToken, Pick, QueueItem, Reference, UpNextVote
from notifications.models import DigestMark, Kind, Notification, OutgoingMail, Preferences, Watch
from notifications.outbox import unsubscribe_token
from wiki import changes, history
from wiki.models import Revision

pytestmark = pytest.mark.django_db

ROLES = ("anon", "inactive", "member", "author", "curator")
OUTCOMES = {"200", "302", "403", "404", "405", "login", "admin-login"}
REFUSED = {"403", "404", "405", "login", "admin-login"}
METHODS = ("GET", "POST")
MODES = ("private", "public")


@dataclass(frozen=True)
class Row:
    name: str
    expect: dict  # role -> "GET POST" outcomes on a private wiki
    public: dict = field(default_factory=dict)  # the cells that differ on a public wiki
    args: Callable = lambda w: []
    query: Callable = lambda w: {}
    to: Callable | None = None  # where a "302" must lead: a path, or a pattern for a new object's
    data: Callable = lambda w: {}  # what a POST sends: a valid form for the pages that write
    note: str = ""  # tells apart two rows of one URL name

    def outcome(self, role, method, mode):
        role = "anon" if role == "inactive" else role
        cells = {**self.expect, **self.public} if mode == "public" else self.expect
        return dict(zip(METHODS, cells[role].split(), strict=True))[method]

    @property
    def id(self):
        return f"{self.name}[{self.note}]" if self.note else self.name


def row(name, *, anon, member, author=None, curator=None, public_anon=None, **extra):
    """A row where the author is an ordinary member and the curator one too, unless told."""
    expect = {"anon": anon, "member": member, "author": author or member, "curator": curator or member}
    return Row(name, expect, {"anon": public_anon} if public_anon else {}, **extra)


def reading(name, post="405", **extra):
    """A @public_read page: members read it, anonymous visitors only on a public wiki, never POST."""
    return row(name, anon="login login", member=f"200 {post}", public_anon="200 login", **extra)


def members(name, outcome, **extra):
    """A page for logged-in members only, whatever the mode."""
    return row(name, anon="login login", member=outcome, **extra)


def curators(name, outcome, **extra):
    """A curator's page: members get a 403 (not a login loop), visitors the login page."""
    return row(name, anon="login login", member="403 403", curator=outcome, **extra)


def everyone(name, outcome, **extra):
    """The auth views anyone may use, logged in or not."""
    return row(name, anon=outcome, member=outcome, **extra)


def feed(name, token, anon, **extra):
    """An Atom feed: open to members, to anyone on a public wiki, else only with a live token."""
    return row(name, anon=anon, member="200 405", public_anon="200 405", query=token, **extra)


def at(name):
    return lambda w: reverse(name)


def url_of(attr):
    return lambda w: getattr(w, attr).get_absolute_url()


SITE_ROWS = [
    reading("home"),
    reading("tags"),
    reading("tag", args=lambda w: [w.tag.slug]),
    reading("member", args=lambda w: [w.author.username]),
    row(
        "member",
        args=lambda w: [w.inactive.username],
        anon="login login",
        member="404 405",
        public_anon="404 login",
        note="inactive member",
    ),
    reading("search", query=lambda w: {"q": "attention"}),
    members("preview", "405 200"),
    members("tag_lookup", "200 405", query=lambda w: {"q": "inter"}),
]

LIBRARY_ROWS = [
    reading("library:list"),
    members(
        "library:add",
        "200 302",
        data=lambda w: {"kind": "paper", "title": "A new paper"},
        to=lambda w: re.compile(r"/library/\d+/"),
    ),
    members("library:lookup", "200 405", query=lambda w: {"q": "attention"}),
    # Asks arXiv (through the settings' address; nothing listens there in the tests): an answer, never a 5xx.
    members("library:metadata", "200 405", query=lambda w: {"url": "arXiv:1706.03762"}),
    members("library:bookmarklet", "200 405"),
    reading("library:bibtex"),
    reading("library:papers_download"),
    curators("library:import", "200 200"),
    reading("library:detail", args=lambda w: [w.reference.pk]),
    members(
        "library:edit",
        "200 302",
        args=lambda w: [w.reference.pk],
        data=lambda w: {
            "kind": "paper",
            "title": "Attention, edited",
            "url": w.reference.url,
            "version": history.version_of(w.reference),
        },
        to=url_of("reference"),
    ),
    curators("library:delete", "200 302", args=lambda w: [w.unread.pk], to=at("library:list"), note="unread"),
    # A reference somebody has read is protected: the curator is sent back to it, nothing deleted.
    curators("library:delete", "200 302", args=lambda w: [w.reference.pk], to=url_of("reference")),
    reading("library:log"),
    members(
        "library:log_add",
        "200 302",
        data=lambda w: {"reference": w.unread.pk, "read_on": "2024-09-24"},
        to=at("library:log"),
    ),
    reading("library:log_download"),
    row(
        "library:log_edit",
        args=lambda w: [w.entry.pk],
        anon="login login",
        member="403 403",
        author="200 302",
        curator="200 302",
        data=lambda w: {
            "title": "",
            "read_on": "2024-09-24",
            "notes": "changed",
            "version": history.version_of(w.entry),
        },
        to=url_of("entry"),
    ),
    row(
        "library:log_delete",
        args=lambda w: [w.entry.pk],
        anon="login login",
        member="405 403",
        author="405 302",
        curator="405 302",
        to=at("library:log"),
    ),
    members("library:feeds", "200 405"),
    members("library:feeds_renew", "405 302", to=at("library:feeds")),
]

IDEAS_ROWS = [
    reading("ideas:list"),
    members(
        "ideas:new",
        "200 302",
        data=lambda w: {"title": "A new idea", "status": "proposed"},
        to=lambda w: "/ideas/a-new-idea/",
    ),
    curators("ideas:import", "200 200"),
    reading("ideas:download"),
    row(
        "ideas:comment",
        args=lambda w: [w.comment.pk],
        anon="login login",
        member="302 405",
        public_anon="302 login",
        to=lambda w: f"{w.idea.get_absolute_url()}?page=1#comment-{w.comment.pk}",
    ),
    # A hidden comment is gone for everyone but curators, its own author included.
    row(
        "ideas:comment",
        args=lambda w: [w.hidden.pk],
        anon="login login",
        member="404 405",
        curator="302 405",
        public_anon="404 login",
        to=lambda w: f"{w.idea.get_absolute_url()}?page=1#comment-{w.hidden.pk}",
        note="hidden",
    ),
    row(
        "ideas:comment_edit",
        args=lambda w: [w.comment.pk],
        anon="login login",
        member="403 403",
        author="200 302",
        curator="200 302",
        data=lambda w: {"body": "changed", "version": history.version_of(w.comment)},
        to=url_of("comment"),
    ),
    row(
        "ideas:comment_delete",
        args=lambda w: [w.comment.pk],
        anon="login login",
        member="403 403",
        author="200 302",
        curator="200 302",
        to=url_of("idea"),
    ),
    curators("ideas:comment_hide", "405 302", args=lambda w: [w.comment.pk], to=url_of("comment")),
    reading("ideas:detail", args=lambda w: [w.idea.slug]),
    members(
        "ideas:edit",
        "200 302",
        args=lambda w: [w.idea.slug],
        data=lambda w: {
            "title": w.idea.title,
            "slug": w.idea.slug,
            "status": "discussing",
            "body": "changed",
            "version": history.version_of(w.idea),
            "reference_links-TOTAL_FORMS": 0,
            "reference_links-INITIAL_FORMS": 0,
        },
        to=url_of("idea"),
    ),
    curators("ideas:delete", "200 302", args=lambda w: [w.idea.slug], to=at("ideas:list")),
    members("ideas:join", "405 302", args=lambda w: [w.idea.slug], to=url_of("idea")),
    members(
        "ideas:comment_add",
        "405 302",
        args=lambda w: [w.idea.slug],
        data=lambda w: {"body": "A new comment"},
        to=lambda w: re.compile(r"/ideas/comments/\d+/"),
    ),
    members(
        "reference_comment_add",
        "405 302",
        args=lambda w: [w.reference.pk],
        data=lambda w: {"body": "A comment on the paper"},
        to=lambda w: re.compile(r"/ideas/comments/\d+/"),
    ),
]


# Plans: a member's queue is theirs alone (its URLs name a reference, and only the member's own
# item for it is found: others get a 404, curators too); votes are each member's own; picks are
# the curators'.
PLANS_ROWS = [
    members("library:queue", "200 405"),
    members(
        "library:queue_add",
        "405 302",
        args=lambda w: [w.unread.pk],
        to=lambda w: reverse("library:detail", args=[w.unread.pk]),
    ),
    row(
        "library:queue_remove",
        args=lambda w: [w.reference.pk],
        anon="login login",
        member="405 404",
        author="405 302",
        curator="405 404",
        to=at("library:queue"),
    ),
    row(
        "library:queue_move",
        args=lambda w: [w.reference.pk],
        anon="login login",
        member="405 404",
        author="405 302",
        curator="405 404",
        data=lambda w: {"direction": "down"},
        to=lambda w: f"{reverse('library:queue')}#queue-{w.reference.pk}",
    ),
    reading("library:up_next"),
    members("library:up_next_vote", "405 302", args=lambda w: [w.reference.pk], to=at("library:up_next")),
    curators(
        "library:pick",
        "405 302",
        args=lambda w: [w.unread.pk],
        data=lambda w: {"session": "2031-01-15"},
        to=at("library:up_next"),
    ),
    curators("library:unpick", "405 302", args=lambda w: [w.pick.pk], to=at("library:up_next")),
    members("ideas:vote", "405 302", args=lambda w: [w.idea.slug], to=url_of("idea")),
]


def tracked(kind, attr):
    """/history/<kind>/<id>/ arguments for one of the world's objects."""
    return lambda w: [kind, getattr(w, attr).pk]


# Who reads a history reads the object: everyone who may read the wiki, except that a hidden
# comment's and a deleted object's history are for curators only.
HISTORY_OBJECTS = [
    ("reference", "reference", "reading"),
    ("log", "entry", "reading"),
    ("idea", "idea", "reading"),
    ("comment", "comment", "reading"),
    ("comment", "hidden", "curators"),
    ("reference", "retracted", "curators"),
]
HISTORY_ROWS = [
    *(
        reading(name, args=tracked(kind, attr), note=attr)
        if who == "reading"
        else row(
            name,
            args=tracked(kind, attr),
            anon="login login",
            member="404 405",
            curator="200 405",
            public_anon="404 login",
            note=attr,
        )
        for name in ("wiki:history", "wiki:history_compare")
        for kind, attr, who in HISTORY_OBJECTS
    ),
    # Objects written before history was kept, or by bulk writes, may have no revision yet.
    reading("wiki:history", args=tracked("reference", "unread"), note="no revisions yet"),
    reading("wiki:history_compare", args=tracked("reference", "unread"), note="no revisions yet"),
    row(
        "wiki:history",
        args=lambda w: ["nonsense", w.reference.pk],
        anon="login login",
        member="404 405",
        public_anon="404 login",
        note="unknown kind",
    ),
    # Restoring is a write: members restore what they may edit, curators also what was deleted.
    members(
        "wiki:history_restore",
        "405 302",
        args=lambda w: [w.revisions["reference"].pk],
        to=url_of("reference"),
        note="reference",
    ),
    members(
        "wiki:history_restore",
        "405 302",
        args=lambda w: [w.revisions["idea"].pk],
        to=url_of("idea"),
        note="idea",
    ),
    row(
        "wiki:history_restore",
        args=lambda w: [w.revisions["entry"].pk],
        anon="login login",
        member="405 403",
        author="405 302",
        curator="405 302",
        to=url_of("entry"),
        note="log entry",
    ),
    row(
        "wiki:history_restore",
        args=lambda w: [w.revisions["comment"].pk],
        anon="login login",
        member="405 403",
        author="405 302",
        curator="405 302",
        to=url_of("comment"),
        note="comment",
    ),
    row(
        "wiki:history_restore",
        args=lambda w: [w.revisions["hidden"].pk],
        anon="login login",
        member="405 404",
        curator="405 302",
        to=url_of("hidden"),
        note="hidden comment",
    ),
    row(
        "wiki:history_restore",
        args=lambda w: [w.revisions["retracted"].pk],
        anon="login login",
        member="405 404",
        curator="405 302",
        to=lambda w: reverse("library:detail", args=[w.retracted.pk]),
        note="deleted reference",
    ),
    curators("wiki:deleted", "200 405"),
]

# Feeds: without a token, with a live one, with an inactive member's, with a made-up one.
FEED_TOKENS = [
    ("no token", lambda w: {}, "404 404"),
    ("live token", lambda w: {"token": w.author_token.key}, "200 405"),
    ("inactive member's token", lambda w: {"token": w.inactive_token.key}, "404 404"),
    ("made-up token", lambda w: {"token": "not-a-real-key"}, "404 404"),
]
FEED_ROWS = [
    feed(name, token, anon, note=note)
    for name in ("library:log_feed", "ideas:feed")
    for note, token, anon in FEED_TOKENS
]


def reset_link(w):
    # Someone who never logs in here: a login changes last_login, which voids the reset token.
    user = w.forgetful
    return [urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)]


ACCOUNT_ROWS = [
    everyone("login", "200 200"),
    # Django 5 logs out on POST only; LoginRequiredMiddleware sends a visitor to log in first.
    members("logout", "405 200"),
    members("password_change", "200 200"),
    members("password_change_done", "200 405"),
    everyone("password_reset", "200 200"),
    everyone("password_reset_done", "200 405"),
    everyone(
        "password_reset_confirm",
        "302 302",
        args=reset_link,
        to=lambda w: reverse("password_reset_confirm", args=[reset_link(w)[0], "set-password"]),
        note="valid link",
    ),
    everyone("password_reset_confirm", "200 200", args=lambda w: [reset_link(w)[0], "wrong-token"]),
    everyone("password_reset_complete", "200 405"),
]


def curation(name, curator, **extra):
    """An admin page: visitors go to the site's login, members to the admin's (a 'not allowed' page)."""
    return row(name, anon="login login", member="admin-login admin-login", curator=curator, **extra)


# (model, the world's object of that model, what an empty POST to its change page gives a curator)
ADMIN_MODELS = [
    ("auth.group", "group", "200"),
    ("auth.user", "author", "200"),
    ("taggit.tag", "tag", "200"),
    ("library.reference", "reference", "200"),
    ("library.logentry", "entry", "200"),
    ("library.feedtoken", "author_token", "302"),  # every field is read-only: the save goes through
    ("ideas.area", "area", "200"),
    ("ideas.idea", "idea", "200"),
    ("ideas.comment", "comment", "200"),
    ("notifications.watch", "watch", "200"),
    ("notifications.notification", "notification", "200"),
    ("notifications.outgoingmail", "mail", "200"),
    ("notifications.preferences", "preferences", "200"),
    ("notifications.digestmark", "digest_mark", "200"),
    ("ideas.ideavote", "idea_vote", "200"),
    ("library.queueitem", "queued", "200"),
    ("library.upnextvote", "up_next_vote", "200"),
    ("library.pick", "pick", "200"),
]


def admin_name(label, page):
    return f"admin:{label.replace('.', '_')}_{page}"


ADMIN_ROWS = [
    # The admin's site-wide pages name their own login page to LoginRequiredMiddleware.
    row("admin:index", anon="admin-login admin-login", member="admin-login admin-login", curator="200 200"),
    row("admin:login", anon="200 200", member="200 200", curator="302 200", to=at("admin:index")),
    *(curation(admin_name(label, "changelist"), "200 200") for label, _, _ in ADMIN_MODELS),
    *(
        curation(
            admin_name(label, "change"),
            f"200 {post}",
            args=lambda w, attr=attr: [getattr(w, attr).pk],
            to=at(admin_name(label, "changelist")),
        )
        for label, attr, post in ADMIN_MODELS
    ),
]


def mine(name, author, other, **extra):
    """A page about one member's own notification: theirs to use, nobody else's (curators neither)."""
    return row(name, anon="login login", member=other, author=author, curator=other, **extra)


NOTIFICATION_ROWS = [
    members("notifications:inbox", "200 405"),
    members("notifications:read_all", "405 302", to=at("notifications:inbox")),
    mine("notifications:open", "302 405", "404 405", args=lambda w: [w.notification.pk], to=url_of("idea")),
    mine(
        "notifications:read",
        "405 302",
        "405 404",
        args=lambda w: [w.notification.pk],
        to=at("notifications:inbox"),
    ),
    members(
        "notifications:settings",
        "200 302",
        data=lambda w: {
            "mention": "now",
            "comment": "day",
            "reading": "never",
            "status": "week",
            "team": "week",
        },
        to=at("notifications:settings"),
    ),
    members("notifications:digest", "200 405"),
    members("notifications:watch", "405 302", args=lambda w: ["idea", w.idea.pk], to=url_of("idea")),
    members(
        "notifications:watch",
        "405 302",
        args=lambda w: ["reference", w.reference.pk],
        to=url_of("reference"),
        note="reference",
    ),
    members("notifications:member_lookup", "200 405", query=lambda w: {"q": "au"}),
    # The link in a mail works without a login, for the member it was made for.
    everyone("notifications:unsubscribe", "200 200", args=lambda w: [unsubscribe_token(w.author, "comment")]),
    everyone(
        "notifications:unsubscribe",
        "404 404",
        args=lambda w: [unsubscribe_token(w.author, "comment") + "x"],
        note="forged",
    ),
]

ROWS = (
    SITE_ROWS
    + LIBRARY_ROWS
    + IDEAS_ROWS
    + PLANS_ROWS
    + HISTORY_ROWS
    + FEED_ROWS
    + ACCOUNT_ROWS
    + ADMIN_ROWS
    + NOTIFICATION_ROWS
)


@pytest.fixture
def world(make_user, make_reference, make_entry, make_idea, make_comment):
    """Everything a URL of the site can name, written by `author`, an ordinary member."""
    author = make_user("author")
    inactive = make_user("inactive", is_active=False)
    reference = make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762")
    reference.tags.add("interpretability")
    idea = make_idea("Sparse probes", proposer=author, area=Area.objects.create(name="Safety"))
    IdeaReference.objects.create(idea=idea, reference=reference)
    idea.members.add(author)
    w = SimpleNamespace(
        member=make_user("member"),
        author=author,
        curator=make_user("curator", is_staff=True, is_superuser=True),
        inactive=inactive,
        forgetful=make_user("forgetful"),
        reference=reference,
        unread=make_reference(title="Nobody read this yet"),
        entry=make_entry(author, reference, notes="multi-head"),
        idea=idea,
        area=idea.area,
        comment=make_comment(idea, author, body="Count me in"),
        hidden=make_comment(idea, author, body="Off topic", is_hidden=True),
        tag=Tag.objects.get(slug="interpretability"),
        group=Group.objects.create(name="Reading group"),
        author_token=FeedToken.for_user(author),
        inactive_token=FeedToken.for_user(inactive),
        notification=Notification.objects.create(
            recipient=author, kind=Kind.MENTION, text="member mentioned you", url=idea.get_absolute_url()
        ),
    )
    w.watch = Watch.objects.get(user=author, idea=idea)  # joining the idea watches it
    w.mail = OutgoingMail.objects.create(
        recipient=author, key="test:1", subject="Hello", text="Hi", html="<p>Hi</p>", unsubscribe_url="/"
    )
    w.preferences = Preferences.objects.create(user=author)
    w.digest_mark = DigestMark.objects.create(user=author, period="week", sent_until=timezone.now())
    w.queued = QueueItem.objects.create(member=author, reference=reference)
    w.up_next_vote = UpNextVote.objects.create(member=author, reference=reference)
    w.pick = Pick.objects.create(reference=reference, session=date(2030, 5, 1), picked_by=w.curator)
    w.idea_vote = IdeaVote.objects.create(idea=idea, member=author)
    keep_history(w)
    return w


def keep_history(w):
    """Revisions as the edit views leave them: created, then edited; one reference deleted since."""
    w.revisions = {}
    for attr in ("reference", "entry", "idea", "comment", "hidden"):
        obj = getattr(w, attr)
        w.revisions[attr] = _recorded(obj, w.author, Revision.Action.CREATED)
        _recorded(obj, w.member, Revision.Action.EDITED)
    retracted = Reference.objects.create(title="A retracted paper", url="https://example.org/retracted")
    w.revisions["retracted"] = _recorded(retracted, w.author, Revision.Action.CREATED)
    changes.delete(retracted, user=w.curator)
    w.retracted = SimpleNamespace(pk=w.revisions["retracted"].object_id)


def request_as(world, role, method, path, data):
    """One request by one role, rolled back afterwards; a crash comes back as a 500, not a raise.

    Also returns whether the request changed any row of the site's tables.
    """
    client = Client(raise_request_exception=False)
    if role != "anon":
        client.force_login(getattr(world, role))
    with transaction.atomic():
        before = database_state()
        response = client.get(path) if method == "GET" else client.post(path, data)
        changed = database_state() != before
        transaction.set_rollback(True)
    return response, changed


def database_state():
    """Every row of the site's own tables and the history (sessions and logins left out)."""
    models = [
        m
        for app in ("library", "ideas", "notifications", "wiki", "taggit")
        for m in apps.get_app_config(app).get_models()
    ]
    models += [User, Group, Idea.members.through]
    return [list(model.objects.order_by("pk").values()) for model in models]


def leads_to(location, target):
    return target.fullmatch(location) if isinstance(target, re.Pattern) else location == target


def describe(response, path):
    """The outcome in the table's words, and where a redirect leads."""
    if response.status_code != 302:
        return str(response.status_code), None
    location = response["Location"]
    target = urlsplit(location)
    next_url = parse_qs(target.query).get("next")
    for outcome, login in (("login", reverse("login")), ("admin-login", reverse("admin:login"))):
        if target.path == login:
            return (outcome if next_url == [path] else f"{outcome} with next={next_url}"), location
    return "302", location


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", ROWS, ids=lambda case: case.id)
def test_access(case, mode, world, settings):
    settings.IDL_PUBLIC_READ = mode == "public"
    path = reverse(case.name, args=case.args(world))
    # The row must reach its own view, not one whose pattern shadows it.
    assert resolve(path).view_name == case.name
    if query := case.query(world):
        path = f"{path}?{urlencode(query)}"
    wrong = []
    for role in ROLES:
        for method in METHODS:
            expected = case.outcome(role, method, mode)
            response, changed = request_as(world, role, method, path, case.data(world))
            actual, location = describe(response, path)
            if changed and expected in REFUSED:
                wrong.append(f"{role} {method} {path}: must be refused ({expected}) yet changed the database")
            if actual == expected == "302" and case.to and not leads_to(location, case.to(world)):
                actual = f"302 to {location}, not {case.to(world)}"
            if actual != expected:
                wrong.append(f"{role} {method} {path}: expected {expected}, got {actual}")
    assert not wrong, "\n".join(wrong)


def project_patterns(resolver=None, namespace=(), prefix=""):
    """(name, route) of every URL pattern outside the admin, which is checked model by model."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
                yield from project_patterns(pattern, inner, route)
        else:
            yield ":".join((*namespace, pattern.name or f"<unnamed {route}>")), route


def test_every_url_of_the_project_has_a_row():
    covered = {case.name for case in ROWS}
    missing = [f"{name} (/{route})" for name, route in project_patterns() if name not in covered]
    assert not missing, "URL patterns with no row in the permission table:\n" + "\n".join(missing)


def test_every_admin_model_has_its_changelist_and_change_page_covered():
    covered = {case.name for case in ROWS}
    missing = [
        name
        for model in admin.site._registry
        for name in (
            admin_name(model._meta.label_lower, "changelist"),
            admin_name(model._meta.label_lower, "change"),
        )
        if name not in covered
    ]
    assert not missing, "Admin pages with no row in the permission table:\n" + "\n".join(missing)


def test_every_cell_of_the_table_is_an_outcome():
    """Guards the table: every role, method and mode has a known outcome; every "302" a target."""
    for case in ROWS:
        cells = {case.outcome(role, method, mode) for role in ROLES for method in METHODS for mode in MODES}
        assert cells <= OUTCOMES, case.id
        assert "302" not in cells or case.to, f"{case.id} redirects without saying where"


def _recorded(obj, user, action):
    """A revision as a change by `user` would have left it (the fixture's history)."""
    revision = history.revision_of(obj, user=user, action=action)
    revision.save()
    return revision
