"""The rendered bodies of the main pages, cached until anything in the wiki changes.

A page's body (its list, its rows, its filter form) is cached under the data version, the
address with its query string and who is looking (`{% cache … data_version request.get_full_path
viewer %}` in the templates; the view hands the template lazy querysets, so a cached body costs
no query). Every write, whichever way it is made, retires every cached body at once by
dropping the version:

- the core's change path (wiki/upkeep.py's drop_caches, which every save, delete and bulk
  change of a tracked model calls), now and again after the commit;
- every other saved or deleted row and every many-to-many change (tags, members, status
  changes, tokens…), by the signals connected here: not only tracked models show on pages;
- writes that send no signal (`QuerySet.update`) call `changed()` themselves.

A body is built from what the database held after the version was read, so one rendered while a
write commits is stored under the version that the write's after-commit drop retires.
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject

VERSION_KEY = "wiki-data-version"
# Writes retire bodies at once; the minute bounds how long a body's relative times ("5 minutes
# ago", `{% when %}`) can lag behind the clock. The templates' `{% cache 60 … %}` say the same.
BODY_SECONDS = 60

# Rows whose writes no page shows: a session, the last login stamped at each login, the
# admin's own log; the search index and revisions follow the writes that already count.
IGNORED = {("sessions", "session"), ("admin", "logentry"), ("wiki", "searchdocument"), ("wiki", "revision")}


def ignore(*models):
    """Writes of these models retire no cached body: no cached part of a page shows them (an
    app's own bookkeeping, such as the notifications app's inbox and outbox)."""
    IGNORED.update((model._meta.app_label, model._meta.model_name) for model in models)


# Cached bodies hold forms (a vote, a queue button). Their CSRF token is written as this
# placeholder and every response gets its own session's token in its place
# (CsrfPlaceholderMiddleware): a body cached for one session then posts from any other, and a
# login (which renews the token) leaves no stale token in a cached body.
CSRF_PLACEHOLDER = "idl-csrf-token-placeholder"
_CSRF_BYTES = CSRF_PLACEHOLDER.encode()


class CsrfPlaceholderMiddleware:
    """After Django's CsrfViewMiddleware in MIDDLEWARE, so the cookie for the token is set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.streaming and _CSRF_BYTES in response.content:
            response.content = response.content.replace(_CSRF_BYTES, get_token(request).encode())
        return response


def data_version():
    return cache.get_or_set(VERSION_KEY, time.time_ns, None)


_MISSING = object()


def remembered(name, key, make, seconds=BODY_SECONDS):
    """make(), kept under the data version (so until the next write, for at most `seconds`):
    for what a view needs before its cached body, such as the object the page is about. A None
    (no such object) is kept too."""
    full_key = f"{name}:{data_version()}:{hashlib.sha1(repr(key).encode()).hexdigest()}"
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = make()
        cache.set(full_key, value, seconds)
    return value


def changed():
    """Retire every cached body: now, so this transaction's own next page is fresh, and after
    the commit, in case a page was cached from the old rows in between."""
    cache.delete(VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))


def _written(sender, raw=False, update_fields=None, **kwargs):
    if raw or (sender._meta.app_label, sender._meta.model_name) in IGNORED:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    changed()


def _m2m(sender, action, **kwargs):
    if action.startswith("post_"):
        changed()


def connect():
    post_save.connect(_written, dispatch_uid="wiki-pagecache-saved")
    post_delete.connect(_written, dispatch_uid="wiki-pagecache-deleted")
    m2m_changed.connect(_m2m, dispatch_uid="wiki-pagecache-m2m")


def context(request):
    """The template context the cached bodies are keyed on (a context processor): the data
    version, and who is looking: a member's own entries and comments carry their edit links,
    so bodies are per member; the lists without such links share theirs per role."""
    user = request.user if hasattr(request, "user") else None

    def role():
        if user is None or not user.is_authenticated:
            return "anonymous"
        return "staff" if user.is_staff else "member"

    def viewer():
        return f"user-{user.pk}" if user is not None and user.is_authenticated else "anonymous"

    return {
        "csrf_token": CSRF_PLACEHOLDER,
        "data_version": SimpleLazyObject(data_version),
        "viewer": SimpleLazyObject(viewer),
        "viewer_role": SimpleLazyObject(role),
    }
