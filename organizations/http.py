"""HTTP-level helpers shared by every app: the client's address behind proxies, and the
request-size limit.

**Client address.** Behind a reverse proxy REMOTE_ADDR is the proxy's. With
TRUSTED_PROXY_COUNT = N proxies in front, each appending the address it received the request
from to X-Forwarded-For, the client is the N-th entry from the right: everything further left
was sent by the client and may be forged. With TRUSTED_PROXIES set, the header is believed only
when the request came from one of those addresses (so a client reaching the app directly
cannot forge it). Nothing configured: REMOTE_ADDR, and X-Forwarded-For is ignored. Lock-outs
(axes, AXES_CLIENT_IP_CALLABLE) and the web form's rate limit both use `client_ip`.

**Request size.**

Multipart bodies are parsed (and files spooled to disk) the first time anything touches
`request.POST` or `request.FILES`, which CsrfViewMiddleware does for every POST, long before a
view's per-file checks run. So the total size is checked here, from the Content-Length header,
before the body is read at all: a larger request is answered 413 and its body left unread.
Django reads at most Content-Length bytes from the input stream, so the header bounds what can
be read; a body without one (chunked transfer encoding) would be read as empty and is refused
411 instead of silently losing the form.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(raw: str) -> str | None:
    """`raw` as a normalised IP address, or None (ports and brackets are not addresses)."""
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the client that sent `request`, as far as the configured proxies tell;
    None when the request carries none."""
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    proxies = tuple(settings.TRUSTED_PROXIES)
    if proxies and (
        remote is None or not any(ipaddress.ip_address(remote) in net for net in _networks(proxies))
    ):
        return remote  # not through our proxy: its X-Forwarded-For is the client's own words
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return _address(forwarded[-count]) or remote


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
    # No "Connection: close" from here: it is the server's header (wsgiref, behind runserver,
    # refuses it from the application); gunicorn's sync workers close after every response.
    return HttpResponse(html, status=status)


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
