"""The keys of the library's list rows for `{% rowcache %}` (wiki/templatetags/rowcache.py):
every value the row's template shows, so a changed row gets a new key. A field added to a row
template must be added to its key here (tests/test_row_cache.py compares cached rows with
fresh ones after every kind of change)."""

from django import template

from wiki.templatetags.permissions import may_edit

from .tagging import tags_of

register = template.Library()


def tag_key(obj):
    return tuple((tag.name, tag.slug) for tag in tags_of(obj))


def reference_key(reference):
    return (reference.pk, reference.kind, reference.title, reference.url, reference.needs_title)


@register.filter
def log_row_key(entry, user):
    """library/_log_entries.html: the reading, its reference and reader, and whether `user`
    may edit it."""
    return (
        entry.pk,
        entry.read_on,
        entry.logged_title,
        entry.notes_html,
        entry.was_edited,
        reference_key(entry.reference),
        entry.reader.get_username(),
        tag_key(entry),
        may_edit(entry, user),
    )


@register.filter
def reference_row_key(reference):
    """library/_reference_rows.html."""
    return (
        *reference_key(reference),
        reference.authors,
        reference.published,
        getattr(reference, "times_read", None),
        tag_key(reference),
    )
