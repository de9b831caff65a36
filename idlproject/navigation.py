"""The addresses the header links to on every page, reversed once per process.

The header is rendered on every request, cached body or not; reversing its dozen names each
time was a sixth of a cached page's CPU. They change only with the URLconf or the prefix the
site is served under, so those are the cache's key.
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

HEADER = {
    "home": "home",
    "library": "library:list",
    "log": "library:log",
    "log_add": "library:log_add",
    "queue": "library:queue",
    "up_next": "library:up_next",
    "ideas": "ideas:list",
    "tags": "tags",
    "search": "search",
    "inbox": "notifications:inbox",
    "admin": "admin:index",
    "login": "login",
    "logout": "logout",
}


@functools.cache
def _reversed(urlconf, prefix):
    return {key: reverse(name, urlconf=urlconf) for key, name in HEADER.items()}


def header_links(request):
    """A context processor: `nav.library`, `nav.inbox`, … for the header."""
    return {"nav": _reversed(get_urlconf(), get_script_prefix())}
