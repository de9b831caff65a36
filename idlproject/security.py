"""Response headers Django does not set itself, and the request-size limit.

Content-Security-Policy: pages load scripts, styles, fonts and fetches from this site only,
and nothing inline (every template links its script and stylesheet files; markdown is
sanitized with no style attributes). Images may also come from any https address, because
markdown notes may show images from the web. Django 5.2 has no CSP support of its own and the
policy is one fixed string, so a few lines here beat a dependency.
"""

from django.conf import settings

from .views import bad_request_page, request_too_large

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "accelerometer", "gyroscope"]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in (400, 404, 500):
            # Django's debug error pages are built with inline styles and scripts; they only
            # exist in development, and are unreadable under the policy.
            return response
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class RequestSizeLimitMiddleware:
    """Refuse an oversized body from its Content-Length, before a byte of it is read.

    A form (urlencoded) body may be up to DATA_UPLOAD_MAX_MEMORY_SIZE, the limit Django
    applies when it reads one; a file upload (multipart) up to IDL_MAX_UPLOAD_BYTES, above
    the import pages' own per-file limit so that a file just over it gets a field error on
    the form instead. Anything larger gets the 413 page naming the limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body without a valid length either
        limit = request_limit(request)
        if limit is not None and length > limit:
            return request_too_large(request, limit, length)
        return self.get_response(request)


def request_limit(request):
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        return settings.IDL_MAX_UPLOAD_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # None: no limit, as for Django


class NulCharacterMiddleware:
    """Answer 400 to an address or query holding a NUL character, before any view reads it.

    No page has a use for one, SQLite would search for it and PostgreSQL refuses it in text
    (an error, so a 500, wherever a view passes a parameter to a query). Forms refuse it in
    their own fields already (Django's CharField), so only the address and the query string
    are checked here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return bad_request_page(
                request,
                "The address holds a NUL character (%00), which no page accepts. Remove it and try again.",
            )
        return self.get_response(request)
