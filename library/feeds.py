"""Atom feeds, and the secret per-member links that let a feed reader (which cannot log in) read them.

A feed is open to a logged-in member, to anyone on a public wiki, and otherwise only with
`?token=<key>` naming an active member's FeedToken; everyone else gets a 404, as if there were
no feed. Renewing a member's token revokes the old links at once.
"""

import re
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from .models import FeedToken, LogEntry

FEED_LENGTH = 50

# What XML 1.0 forbids: C0 controls other than tab, newline and return (a title typed or
# imported with \x01 or \x0c), lone surrogates and the two non-characters U+FFFE, U+FFFF.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    """The text without the characters XML cannot hold; anything else as it is."""
    return XML_FORBIDDEN.sub("", value) if isinstance(value, str) else value


class SafeAtom1Feed(Atom1Feed):
    """Atom that drops the characters XML forbids from every text, instead of failing on one.

    Django's XML writer raises on a control character, so one such title answered 500 for
    as long as its item stayed among the latest: the feed shows the title without it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*[xml_safe(arg) for arg in args], **{k: xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        kwargs = {k: xml_safe(v) for k, v in kwargs.items()}
        if kwargs.get("categories"):
            kwargs["categories"] = [xml_safe(category) for category in kwargs["categories"]]
        super().add_item(*[xml_safe(arg) for arg in args], **kwargs)


def feed_access(view_func):
    """Let a feed view through the login wall, and let in only those allowed to read the wiki."""

    view_func = require_safe(view_func)

    @login_not_required
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        public = settings.IDL_PUBLIC_READ
        if not (request.user.is_authenticated or public or FeedToken.user_for(request.GET.get("token"))):
            raise Http404("No such feed.")
        response = view_func(request, *args, **kwargs)
        if not public:
            # A private wiki's feed must not be kept by shared caches.
            patch_cache_control(response, private=True)
        return response

    return wrapper


@dataclass(frozen=True)
class FeedRequest:
    """What a feed takes from its request: the host for tag: ids, and its own (token-bearing) URL."""

    host: str
    self_url: str


class WikiFeed(Feed):
    feed_type = SafeAtom1Feed
    url_name = ""

    def get_object(self, request, *args, **kwargs):
        self_url = reverse(self.url_name)
        if token := request.GET.get("token"):
            # Readers that follow rel="self" must keep the token, or they would lose the feed.
            self_url = f"{self_url}?{urlencode({'token': token})}"
        host, _port = split_domain_port(request.get_host())
        return FeedRequest(host=host or "localhost", self_url=self_url)

    def feed_url(self, obj):
        return obj.self_url

    @staticmethod
    def tag_uri(obj, created, specific):
        """A permanent Atom id (RFC 4151): unlike a link, it survives a merge or a renamed slug."""
        return f"tag:{obj.host},{created:%Y-%m-%d}:{specific}"

    def item_guid(self, item):
        return item.feed_guid

    def item_pubdate(self, item):
        return item.created

    def item_updateddate(self, item):
        return item.updated


class ReadingLogFeed(WikiFeed):
    title = "IDL Wiki · reading log"
    subtitle = "What the team has been reading, newest first."
    url_name = "library:log_feed"

    def link(self):
        return reverse("library:log")

    def items(self, obj):
        entries = list(
            LogEntry.objects.select_related("reference", "reader").order_by("-created", "-id")[:FEED_LENGTH]
        )
        for entry in entries:
            entry.feed_guid = self.tag_uri(obj, entry.created, f"log-entry/{entry.pk}")
        return entries

    def item_title(self, item):
        return f"{item.reader.get_username()}: {item.display_title}"

    def item_description(self, item):
        return item.notes_html or None

    def item_author_name(self, item):
        return item.reader.get_username()


log_feed = feed_access(ReadingLogFeed())


def feed_links(request, token):
    """The member's secret feed URLs, absolute, ready to paste into a feed reader."""
    return {
        name: request.build_absolute_uri(f"{reverse(url_name)}?token={token.key}")
        for name, url_name in (("log", "library:log_feed"), ("ideas", "ideas:feed"))
    }


@never_cache
@require_safe
@login_required
def feed_settings(request):
    token = FeedToken.for_user(request.user)
    return render(
        request,
        "library/feeds.html",
        {
            "links": feed_links(request, token),
            "feed_length": FEED_LENGTH,
            "public_read": settings.IDL_PUBLIC_READ,
        },
    )


@login_required
@require_POST
def feed_renew(request):
    FeedToken.renew(request.user)
    messages.success(request, "Your old feed links no longer work. Give your feed reader the new ones.")
    return redirect("library:feeds")
