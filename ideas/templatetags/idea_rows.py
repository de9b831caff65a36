"""The key of an idea's list row for `{% rowcache %}` (see library/templatetags/library_rows.py)."""

from django import template

from library.templatetags.dates import when
from library.templatetags.library_rows import tag_key

register = template.Library()


@register.filter
def idea_row_key(idea):
    """ideas/_idea_rows.html, without its vote buttons (those rows are not cached). The last
    activity as shown ("3 hours ago"), so the row follows the clock."""
    return (
        idea.pk,
        idea.slug,
        idea.title,
        idea.status,
        tag_key(idea),
        idea.proposer.get_username() if idea.proposer else None,
        idea.n_references,
        idea.n_comments,
        idea.n_members,
        idea.n_votes,
        str(when(idea.last_activity)),
    )
