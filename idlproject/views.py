"""Site-wide pages: the dashboard, everything under one tag, search, and the error pages."""

import functools
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_POST, require_safe

from ideas.models import Comment, Idea, Status
from library.filters import with_tag
from library.identity import is_web_link, link_from
from library.models import TAG_LIST, LogEntry, Reference
from library.queue import queued_among
from library.services import find_reference
from library.tags import tag_counts, tag_with_uses, with_tag_lists
from wiki import search
from wiki.access import public_read
from wiki.pagecache import remembered
from wiki.paging import first_rows
from wiki.rendering import MarkdownTooComplex, plain_html, render_markdown_or_refuse
from wiki.units import megabytes

PREVIEW_LIMIT = 100_000


def top_tags(limit=30, prefix=""):
    """Tags by how often they are used anywhere, optionally by prefix (counts a few minutes old)."""
    counted = tag_counts()
    if prefix:
        prefix = prefix.casefold()
        counted = [tag for tag in counted if tag.name.casefold().startswith(prefix)]
    return counted[:limit]


def idea_rows():
    """Ideas as their rows show them, counted for the page's ideas alone (wiki.paging.first_rows)."""
    return Idea.objects.with_counts().select_related("proposer").prefetch_related(TAG_LIST)


@public_read
def home(request):
    # Each list is built when the template first reads it: not at all when the body is cached
    # (wiki/pagecache.py), where building the querysets alone was two thirds of a visit's CPU.
    # The three tagged lists are built together, their tags read in one query.
    lists = functools.cache(
        lambda: with_tag_lists(
            list(LogEntry.objects.with_list_data().prefetch_related(None)[:12]),
            list(Reference.objects.with_list_data().prefetch_related(None)[:8]),
            first_rows(
                Idea.objects.filter(status__in=[Status.ACTIVE, Status.DISCUSSING]).order_by("-last_activity"),
                idea_rows().prefetch_related(None),
                6,
            ),
        )
    )
    return render(
        request,
        "home.html",
        {
            "recent_log": SimpleLazyObject(lambda: lists()[0]),
            "new_references": SimpleLazyObject(lambda: lists()[1]),
            "tags": SimpleLazyObject(top_tags),
            "active_ideas": SimpleLazyObject(lambda: lists()[2]),
            "latest_comments": SimpleLazyObject(
                lambda: (
                    Comment.objects.visible()
                    .select_related("author", "idea", "reference")
                    .order_by("-created")[:6]
                )
            ),
        },
    )


@login_required
@require_POST
def markdown_preview(request):
    """The sanitized HTML a markdown field will show, for the forms' Preview button."""
    text = request.POST.get("text", "")
    if len(text) > PREVIEW_LIMIT:
        return JsonResponse({"error": "Too long to preview."}, status=413)
    try:
        return JsonResponse({"html": render_markdown_or_refuse(text)})
    except MarkdownTooComplex as refused:  # saving it would be refused the same way
        return JsonResponse({"html": plain_html(text), "error": str(refused)})


@require_safe
@login_required
def tag_lookup(request):
    """Existing tags starting with what is typed (the most used when nothing is), most used
    first, with their number of uses, for tag-field suggestions."""
    query = request.GET.get("q", "").strip()[:100]
    tags = top_tags(limit=10 if query else 20, prefix=query)
    return JsonResponse({"results": [{"name": tag.name, "uses": tag.uses} for tag in tags]})


MEMBER_IDEAS = 20


@public_read
def member_detail(request, username):
    member = remembered(
        "member-page",
        username,
        lambda: get_user_model().objects.filter(username=username, is_active=True).first(),
    )
    if member is None:
        raise Http404("No such member.")
    return render(
        request,
        "member_detail.html",
        {
            "member": member,
            # Built when first read: not at all when the page's body is cached.
            "log_entries": SimpleLazyObject(
                lambda: LogEntry.objects.with_list_data().filter(reader=member)[:30]
            ),
            "ideas": SimpleLazyObject(
                lambda: first_rows(Idea.objects.involving(member), idea_rows(), MEMBER_IDEAS)
            ),
            "comments": SimpleLazyObject(
                lambda: (
                    Comment.objects.visible()
                    .filter(author=member)
                    .select_related("idea", "reference")
                    .order_by("-created")[:10]
                )
            ),
        },
    )


@public_read
def tag_index(request):
    """Every tag in use with its count: the most used first, or A to Z."""
    by_name = request.GET.get("sort") == "name"
    tags = tag_counts()
    if by_name:
        tags = sorted(tags, key=lambda tag: (tag.name.casefold(), tag.pk))
    return render(request, "tag_index.html", {"tags": tags, "by_name": by_name})


TAG_PAGE_ROWS = 25


@public_read
def tag_detail(request, slug):
    # Its uses, counted on taggit's index alone: they pick how its lists are read. Kept until the
    # next write, like the page's body (a common tag's count is most of a cached visit).
    tag = remembered("tag-page", slug, lambda: tag_with_uses(slug))
    if tag is None:
        raise Http404("No such tag.")
    return render(
        request,
        "tag_detail.html",
        {
            "tag": tag,
            # The newest of each kind; the library and log lists filtered by the tag have the rest.
            # with_tag walks a common tag's list in order, stopping at the page, instead of
            # sorting every tagged row.
            "references": SimpleLazyObject(
                lambda: list(with_tag(Reference.objects.with_list_data(), tag, tag.uses)[:TAG_PAGE_ROWS])
            ),
            "log_entries": SimpleLazyObject(
                lambda: list(with_tag(LogEntry.objects.with_list_data(), tag, tag.uses)[:TAG_PAGE_ROWS])
            ),
            "ideas": SimpleLazyObject(
                lambda: first_rows(with_tag(Idea.objects.all(), tag, tag.uses), idea_rows(), TAG_PAGE_ROWS)
            ),
            "shown": TAG_PAGE_ROWS,
        },
    )


SEARCH_PAGE_SIZE = 20
SEARCH_MAX_PAGE = 50


class SearchResults:
    """What the search page shows, found when the template first asks: not at all when the
    page's body comes from the cache (wiki/pagecache.py)."""

    def __init__(self, text, doc_type, number, user):
        self.text, self.doc_type, self.number, self.user = text, doc_type, number, user

    @functools.cached_property
    def _found(self):
        hits, has_more = search.search(
            self.text, self.doc_type, offset=(self.number - 1) * SEARCH_PAGE_SIZE, limit=SEARCH_PAGE_SIZE
        )
        mark_queued(self.user, hits)
        return hits, has_more

    @property
    def hits(self):
        return self._found[0]

    @property
    def has_next(self):
        return self._found[1] and self.number < SEARCH_MAX_PAGE

    @functools.cached_property
    def total(self):
        return search.count(self.text, self.doc_type) if self.text.strip() else 0

    @property
    def total_capped(self):
        return self.total > search.COUNT_LIMIT

    @functools.cached_property
    def named(self):
        return reference_named_by(self.text) if self.doc_type in (None, "reference") else None


@public_read
def search_page(request):
    """Search everything at once, ranked, with highlighted snippets; filter by type, paginate."""
    text = request.GET.get("q", "")[:200]  # a trailing space says the last word is finished
    doc_type = request.GET.get("type") if request.GET.get("type") in search.doc_types() else None
    try:
        number = min(max(int(request.GET.get("page", 1)), 1), SEARCH_MAX_PAGE)
    except ValueError:
        number = 1
    return render(
        request,
        "search.html",
        {
            "search_query": text.strip(),
            "doc_type": doc_type,
            "doc_types": search.doc_types(),
            "results": SearchResults(text, doc_type, number, request.user),
            "number": number,
            "has_previous": number > 1,
        },
    )


def mark_queued(user, hits):
    """Say which reference hits are in the member's reading queue already (one query, or none)."""
    ids = [hit.document.object_id for hit in hits if hit.document.doc_type == "reference"]
    queued = set(queued_among(user, ids)) if ids and user.is_authenticated else set()
    for hit in hits:
        hit.queued = hit.document.doc_type == "reference" and hit.document.object_id in queued


def reference_named_by(text):
    """The reference a pasted link, arXiv id or DOI stands for, when the library has it: the
    index holds words, and "1706.03762" or a link is not a phrase anyone wrote."""
    link = link_from(text.strip())
    if " " in link or not is_web_link(link):
        return None
    return find_reference(link, "")


@requires_csrf_token
def request_too_large(request, limit, length=None):
    """The 413 page: what was sent, and the limit it went over."""
    return render(
        request,
        "413.html",
        {"limit": megabytes(limit), "size": megabytes(length) if length else None},
        status=413,
    )


@requires_csrf_token
def bad_request_page(request, message):
    """The 400 page, saying what was wrong with the request."""
    return render(request, "400.html", {"message": message}, status=400)


def bad_request(request, exception):
    """Django's 400 page, except for a form whose fields went over the limit: that is a 413."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return defaults.bad_request(request, exception)


# Never shown back: secrets, and the stale token itself.
UNSHOWN_FIELDS = re.compile(r"password|token|csrf|secret|version", re.IGNORECASE)


def csrf_failure(request, reason=""):
    """The 403 of a form sent with an expired or missing CSRF token (settings.CSRF_FAILURE_VIEW).

    In the site's style (Django's own page has inline styles, which the CSP blocks), saying
    what happened, with what the member typed in read-only boxes to copy: outside any form
    and without field names, so nothing can send it again.
    """
    try:
        posted = list(request.POST.lists())
    except Exception:  # an unreadable or oversized body: nothing to show
        posted = []
    typed = [
        (name, value)
        for name, values in posted
        if not UNSHOWN_FIELDS.search(name)
        for value in values
        if value.strip()
    ]
    referer = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    context = {
        "typed": typed,
        "back_url": referer if referer and safe else request.path,
        "no_cookie": reason == REASON_NO_CSRF_COOKIE,
    }
    return render(request, "403_csrf.html", context, status=403)
