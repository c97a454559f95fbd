"""Pages of the site itself, outside any organization: the favicon and the styled 404 under
DEBUG.

The error pages are the templates 400.html, 403.html, 404.html, 500.html and 403_csrf.html,
which Django's own handlers render with DEBUG off (500.html with no context at all, so it needs
neither an organization nor the database). With DEBUG on — `make run`, the demo — Django
answers a 404 with its technical page instead; `StyledNotFoundMiddleware` puts the styled page
in its place, so the demo looks like the product. Tracebacks of errors (500) stay the debug
page's, which is what DEBUG is for.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import Resolver404, get_urlconf, is_valid_path, resolve
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and feed readers ask for whatever the page links: the
    static icon, so the request is not a 404 on every first page load."""
    return HttpResponseRedirect(static("favicon.ico"))


class StyledNotFoundMiddleware:
    """Under DEBUG only: answer an unknown address, and a view's Http404, with 404.html.

    An address no URL pattern matches never reaches a view (nor `process_exception`), so it is
    resolved here first; a path that only lacks its trailing slash is left to CommonMiddleware's
    redirect. Place it last in MIDDLEWARE: the page needs the session, user and language.
    """

    def __init__(self, get_response):
        if not settings.DEBUG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        urlconf = getattr(request, "urlconf", None) or get_urlconf()
        path = request.path_info
        try:
            resolve(path, urlconf)
        except Resolver404:
            slash_redirect = (
                settings.APPEND_SLASH
                and not path.endswith("/")
                and is_valid_path(f"{path}/", urlconf)
            )
            if not slash_redirect:
                return page_not_found(request, Http404())
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
