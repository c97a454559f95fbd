from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import translation

REMEMBER_KEY = "remember_me"
LAST_SEEN_KEY = "last_seen"


def touch_every() -> int:
    """Seconds between two writes of a session's last-seen time, so most requests write
    nothing (a write is an UPDATE of the session's row and a cache write, about 2 ms): a 24th
    of the idle timeout, at most five minutes. An idle session is signed out at most that much
    early (5 minutes of the default 2 hours)."""
    return max(1, min(300, settings.SESSION_IDLE_TIMEOUT // 24))


class IdleTimeoutMiddleware:
    """Sign out sessions that were idle for longer than SESSION_IDLE_TIMEOUT.

    Sessions started with "remember me" are exempt: they live for SESSION_REMEMBER_AGE.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.session.get(REMEMBER_KEY):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= touch_every() or LAST_SEEN_KEY not in request.session:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class UserLanguageMiddleware:
    """Use the signed-in user's chosen language over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user: their pages (an API key
    shown once, customers' data) must stay in no browser or proxy cache, nor come back with the
    Back button after signing out. Anonymous responses (the web form, the public logo) keep
    theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        return response


class TenantMiddleware:
    """Every request starts with no organization: the entry point that knows whose request it
    is (org_view, the API key, the portal, the web form, a webhook) activates it
    (organizations/tenancy.py), and nothing carries over from an earlier request on the same
    thread. A streamed body is produced after the view returned, so it runs in the request's
    scope too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django_scopes.state import state

        token = state.set(None)
        try:
            response = self.get_response(request)
            if response.streaming:
                response.streaming_content = _in_scope(state.get(), response.streaming_content)
            return response
        finally:
            state.reset(token)


def _in_scope(scope, content):
    from django_scopes.state import state

    token = state.set(scope)
    try:
        yield from content
    finally:
        state.reset(token)
