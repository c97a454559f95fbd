"""Work a request leaves for after its response has gone.

The WSGI server closes a response once it has written the whole body (gunicorn, uWSGI and
wsgiref all call `close()` after the last write; Django's ASGI handler likewise after the last
send). Every response here carries its Content-Length (CommonMiddleware), so the client has
the page by then and is not waiting on that call. `after_response` hooks work into it: the
same worker does it before taking its next request, so it costs the server the same as doing
it in the view, but nobody waits for it.

Only for work whose result a later request uses (a figure counted again before its cached copy
expires, say): it runs outside the request's transaction, with no organization in scope (the
work enters its own), and an error in it is logged, never shown to anyone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpResponseBase

logger = logging.getLogger(__name__)


def after_response(response: HttpResponseBase, work: Callable[[], None]) -> None:
    """Run `work` when the server closes `response`, after its body has been sent."""

    def run() -> None:
        try:
            work()
        except Exception:  # the response is gone: nobody to tell but the log
            logger.exception("work after the response failed: %r", work)

    # Django calls a response's resource closers from close(), before request_finished; it
    # swallows their errors silently, hence the logging above.
    response._resource_closers.append(run)
