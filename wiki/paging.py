"""Long lists, paged without walking an OFFSET."""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import SimpleLazyObject

from .pagecache import data_version

BIG_COUNT = 5000
BIG_COUNT_SECONDS = 120
PAGE_SIZES = (25, 50, 100)  # what ?per_page= may ask for, besides a list's own default


def page_size(request, default):
    value = request.GET.get("per_page", "")
    size = int(value) if value.isdigit() and len(value) <= 3 else default
    return size if size in PAGE_SIZES else default


def lazy_page(request, filtered, rows, per_page, counted=None):
    """paginate_by_ids, done when the template first reads the page: not at all when the page's
    body comes from the cache (wiki/pagecache.py). The arguments are callables giving the
    querysets: building them (a filter form's validation, annotations) is work a cached page skips."""
    return SimpleLazyObject(
        lambda: paginate_by_ids(request, filtered(), rows(), per_page, counted() if counted else None)
    )


def paginate_by_ids(request, filtered, rows, per_page, counted=None):
    """A page of a long list: ids are sliced on the index, then only their rows are built.

    `filtered` decides which objects and in what order (`counted`, the same objects as a
    queryset cheaper to count, if the walk's plan is not); `rows` (unfiltered, with the joins and
    annotations the page shows) builds just the page's objects. An OFFSET deep in a list of
    100,000 would otherwise compute every skipped row in full; this way page 1,000 costs
    about what page 1 does. Counts in the thousands are kept until the next write (under the data
    version, wiki/pagecache.py) for at most two minutes: counting them is most of a big filter's cost.
    """
    ids = filtered.values_list("pk", flat=True)
    per_page = page_size(request, per_page)
    paginator = Paginator(ids, per_page)
    counted = (counted if counted is not None else filtered).values_list("pk", flat=True)
    try:
        key = f"count:{data_version()}:" + hashlib.sha1(str(counted.query).encode()).hexdigest()
    except EmptyResultSet:  # a filter that can match nothing (a search with no hits)
        key = None
    if key is None or (count := cache.get(key)) is None:
        count = counted.count()
        if key and count > BIG_COUNT:
            cache.set(key, count, BIG_COUNT_SECONDS)
    paginator.count = count  # a cached_property: setting it skips the COUNT query
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = in_order(rows, _page_ids(ids, page, count))
    page.sizes = [(size, size == per_page) for size in sorted({*PAGE_SIZES, per_page})]
    return page


def first_rows(filtered, rows, limit):
    """The first `limit` objects of `filtered`, built by `rows` for those alone: annotations
    (counts in subqueries) computed for every match before the sort would cost in proportion to
    the matches, not to the page."""
    return in_order(rows, list(filtered.values_list("pk", flat=True)[:limit]))


def in_order(rows, ids):
    """The objects of `rows` with these ids, in the ids' order (one query; a missing id is skipped)."""
    found = rows.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _page_ids(ids, page, count):
    """The page's ids. A page in the back half of the list is read from the far end, in the
    reverse order: the last page of 100,000 rows is as cheap as the first (PostgreSQL walks an
    OFFSET through the index, 14 ms at page 4,000), and no page walks past the middle. Only
    for an order ending in the id, whose reverse is exact."""
    bottom = page.start_index() - 1 if count else 0
    size = page.end_index() - bottom
    ordering = list(ids.query.order_by or ids.model._meta.ordering)
    exact = bool(ordering) and str(ordering[-1]).lstrip("-") in ("id", "pk")
    if bottom <= count // 2 or not exact:
        return list(page.object_list)
    from_end = count - (bottom + size)
    return list(reversed(ids.reverse()[from_end : from_end + size]))
