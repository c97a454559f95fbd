"""HTTP-level guards shared by every app: the request-size limit.

Multipart bodies are parsed (and files spooled to disk) the first time anything touches
`request.POST` or `request.FILES`, which CsrfViewMiddleware does for every POST, long before a
view's per-file checks run. So the total size is checked here, from the Content-Length header,
before the body is read at all: a larger request is answered 413 and its body left unread.
Django reads at most Content-Length bytes from the input stream, so the header bounds what can
be read; a body without one (chunked transfer encoding) would be read as empty and is refused
411 instead of silently losing the form.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _content_length(request) -> int | None:
    raw = request.META.get("CONTENT_LENGTH")
    if raw in (None, ""):
        return None
    try:
        return max(int(raw), 0)
    except (TypeError, ValueError):
        return None


def _refusal(status: int, title: str, message: str) -> HttpResponse:
    html = render_to_string("request_refused.html", {"title": title, "message": message})
    response = HttpResponse(html, status=status)
    response["Connection"] = "close"  # the unread body must not be taken for the next request
    return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose body is larger than REQUEST_MAX_BYTES with 413, before anything
    reads it. The API (`/api/`) answers its own 413 in JSON with API_UPLOAD_MAX_BYTES.

    Must come before CsrfViewMiddleware (which reads request.POST) in MIDDLEWARE.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in BODY_METHODS and not request.path_info.startswith("/api/"):
            length = _content_length(request)
            limit = settings.REQUEST_MAX_BYTES
            if length is not None and length > limit:
                return _refusal(
                    413,
                    _("Too much to send at once"),
                    _(
                        "What you sent is %(size)s; at most %(limit)s can be sent at once, files "
                        "included. Send fewer or smaller files."
                    )
                    % {"size": filesizeformat(length), "limit": filesizeformat(limit)},
                )
            if length is None and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", ""):
                return _refusal(
                    411,
                    _("The request could not be read"),
                    _("The request was sent without its length. Try again from the form."),
                )
        return self.get_response(request)
