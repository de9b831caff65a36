"""Who may read the wiki.

Every view needs a login (Django's LoginRequiredMiddleware), except the auth views Django
marks itself and, when settings.IDL_PUBLIC_READ is on, the GET requests of the views
decorated with @public_read. Writing always needs a login; views check the finer rules.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

SAFE_METHODS = ("GET", "HEAD")


def public_read(view_func):
    """Mark a read-only page that anonymous visitors may see on a public wiki; a POST gets a 405."""
    view = require_safe(view_func)
    view.public_read = True
    return view


def staff_required(view_func):
    """Curator-only views: a logged-in member who is not staff gets a 403, not a login loop."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied("Only curators can do that.")
        return view_func(request, *args, **kwargs)

    return wrapper


class WikiAccessMiddleware(LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            settings.IDL_PUBLIC_READ
            and request.method in SAFE_METHODS
            and getattr(view_func, "public_read", False)
        ):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def back_to(request, default):
    """A redirect to the page a small form came from (its `next` field) when that is a page of
    this site, else to `default` (anything `redirect` takes): never to another site."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)
