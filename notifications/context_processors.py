from django.utils.functional import SimpleLazyObject

from .inbox import unread_count


def inbox(request):
    """The header's unread count, computed only if a page shows it (at most one query, cached)."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
