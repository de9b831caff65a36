"""No query string a member types or a crawler sends makes a page answer 5xx.

The fuzz test walks the URL resolver: every page a GET reaches is first visited once with a
recorder that notes which query parameters it reads; then each of those (and page, sort, q)
gets each hostile value, alone, and the dates get reversed ranges. Bad values are ignored (a
filter shows its field's error) or answered 400; never a 500, on SQLite as on PostgreSQL.
"""

import time
from urllib.parse import quote, urlencode

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ideas.models import Comment
from notifications.models import Notification
from notifications.outbox import unsubscribe_token

pytestmark = pytest.mark.django_db

HOSTILE = [
    "-1",
    "0",
    "99999999999999999999",
    "-9223372036854775809",
    "1e309",
    "NaN",
    "1.5",
    "abc",
    "\x00",
    "\u202eevil\u202c\u2066",
    "0001-01-01",
    "10000-01-01",
    "http://[",
    "'\"<>%",
    "x" * 2000,
]
# Bytes that are not UTF-8 (a lone surrogate, an overlong NUL), sent as they are.
RAW = ["%ED%A0%80", "%C0%80"]
# The sharpest few, for page/sort/q on a page that does not read them.
FEW = ["99999999999999999999", "\x00", "\u202eevil\u202c"]
# Read by nearly every list: a page that reads parameters but not these gets a few of them too.
ALWAYS = ["page", "sort", "q"]
# Pages under the resolver that are not ours to fuzz, or that do not answer a GET.
SKIPPED_PREFIXES = ("admin", "accounts")


class RecordingQueryDict(QueryDict):
    """A QueryDict that remembers every key a view asked it about."""

    asked = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.asked.add(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        self.asked.add(key)
        return super().getlist(key, default)


class RecordQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        recorded = RecordingQueryDict(request.META.get("QUERY_STRING", ""))
        recorded.asked = RecordingQueryDict.asked
        request.GET = recorded
        return self.get_response(request)


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


@pytest.fixture
def wiki_data(member, make_reference, make_entry, make_idea, make_comment):
    reference = make_reference(title="Attention", published="2017-06-12")
    reference.tags.add("transformers")
    entry = make_entry(member, reference, notes="Read it twice.")
    idea = make_idea(title="Probe the heads", proposer=member)
    comment = make_comment(idea, member)
    return {"reference": reference, "entry": entry, "idea": idea, "comment": comment}


def url_kwargs(wiki_data, member):
    """The arguments that reach a real object, by URL name (a new one must be added here)."""
    reference, entry, idea = wiki_data["reference"], wiki_data["entry"], wiki_data["idea"]
    comment: Comment = wiki_data["comment"]
    notification = Notification.objects.create(
        recipient=member, kind="mention", text="Somebody mentioned you", url=idea.get_absolute_url()
    )
    return {
        "tag": {"slug": "transformers"},
        "member": {"username": member.username},
        "library:detail": {"pk": reference.pk},
        "library:edit": {"pk": reference.pk},
        "library:delete": {"pk": reference.pk},
        "library:log_edit": {"pk": entry.pk},
        "library:log_delete": {"pk": entry.pk},
        "wiki:history": {"slug": "reference", "object_id": reference.pk},
        "wiki:history_compare": {"slug": "reference", "object_id": reference.pk},
        "wiki:history_restore": None,  # POST only
        "ideas:detail": {"slug": idea.slug},
        "ideas:edit": {"slug": idea.slug},
        "ideas:delete": {"slug": idea.slug},
        "ideas:join": {"slug": idea.slug},
        "ideas:comment_add": {"slug": idea.slug},
        "ideas:comment": {"pk": comment.pk},
        "ideas:comment_edit": {"pk": comment.pk},
        "ideas:comment_delete": {"pk": comment.pk},
        "ideas:comment_hide": {"pk": comment.pk},
        "reference_comment_add": None,  # POST only
        "notifications:open": {"pk": notification.pk},
        "notifications:read": None,  # POST only
        "notifications:watch": None,  # POST only
        "notifications:unsubscribe": {"token": unsubscribe_token(member, "mention")},
        "ideas:vote": {"slug": idea.slug},
        "library:queue_add": {"pk": reference.pk},
        "library:queue_remove": {"pk": reference.pk},
        "library:queue_move": {"pk": reference.pk},
        "library:up_next_vote": {"pk": reference.pk},
        "library:pick": {"pk": reference.pk},
        "library:unpick": None,  # POST only, of a pick
    }


def our_pages(wiki_data, member):
    """Every URL of the site's own apps that takes a GET, with real objects for its arguments."""
    kwargs = url_kwargs(wiki_data, member)
    pages = []
    for route, name in walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if "<" not in route:
            pages.append(reverse(name))
            continue
        assert name in kwargs, f"{route} ({name}) takes arguments: add it to url_kwargs()"
        if kwargs[name] is not None:
            pages.append(reverse(name, kwargs=kwargs[name]))
    return pages


def test_every_page_survives_hostile_query_values(settings, wiki_data, curator):
    client = Client(raise_request_exception=False)  # collect every 500, not just the first
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:1],
        f"{__name__}.RecordQueryMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    client.force_login(curator)  # sees every page, the curators' too
    pages = our_pages(wiki_data, curator)

    # First pass: which parameters each page reads, from a plain GET.
    reads = {}
    for path in pages:
        RecordingQueryDict.asked = set()
        # A query string at all: a filterset given an empty one reads nothing.
        response = client.get(path, {"probe": "1"})
        assert response.status_code < 500, path
        if response.status_code == 405:
            continue  # POST only
        if asked := RecordingQueryDict.asked - {"probe"}:
            reads[path] = sorted(asked)
    # The list pages and downloads must be among them, each reading its filters.
    assert set(reads[reverse("library:list")]) >= {"kind", "tag", "year", "added_by", "q", "sort"}
    assert set(reads[reverse("library:log")]) >= {"reader", "kind", "tag", "reference", "after", "before"}
    assert set(reads[reverse("library:bibtex")]) >= {"year", "tag"}
    assert set(reads[reverse("library:papers_download")]) >= {"year"}
    assert set(reads[reverse("library:log_download")]) >= {"reference", "after"}
    assert set(reads[reverse("ideas:list")]) >= {"status", "tag", "mine", "q", "sort"}
    assert set(reads[reverse("library:lookup")]) >= {"url", "q"}

    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RecordQueryMiddleware")]
    failures, sent = [], 0
    started = time.monotonic()
    for path, params in reads.items():
        queries = [urlencode({param: value}) for param in params for value in HOSTILE]
        queries += [f"{quote(param)}={value}" for param in params for value in RAW]
        queries += [urlencode({param: value}) for param in ALWAYS if param not in params for value in FEW]
        if "after" in params:
            queries += ["after=2025-01-01&before=2024-01-01", "after=9999-12-31&before=0001-01-01"]
        for query in queries:
            response = client.get(f"{path}?{query}")
            sent += 1
            if response.status_code >= 500:
                failures.append(f"{path}?{query}"[:120])
    elapsed = time.monotonic() - started
    print(f"fuzz: {sent} requests on {len(reads)} pages in {elapsed:.1f}s, {len(failures)} 5xx")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "path",
    [
        "/library/?year=-1",
        "/library/?year=0",
        "/library/?year=99999999999999999999",
        "/library/export.bib?year=99999999999999999999",
        "/library/export.md?year=-1",
        "/log/?reference=99999999999999999999",
        "/log/export.md?reference=99999999999999999999",
    ],
)
def test_out_of_range_numbers_are_ignored_with_a_message(member_client, path):
    response = member_client.get(path)

    assert response.status_code == 200
    if path.startswith(("/library/?", "/log/?")):
        assert 'class="errors"' in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/library/lookup/?url=%00",
        "/library/lookup/?q=ab%00cd",
        "/search/?q=%00",
        "/tag-lookup/?q=%00",
        "/log/feed/?token=%00",
        "/tags/%00/",
    ],
)
def test_a_nul_character_is_answered_400(member_client, path):
    response = member_client.get(path)

    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_anonymous_visitors_get_400_too(settings):
    settings.IDL_PUBLIC_READ = True
    response = Client().get("/library/lookup/", {"url": "\x00"})
    assert response.status_code in (302, 400)  # the lookup needs a login
    assert Client().get("/search/", {"q": "\x00"}).status_code == 400
