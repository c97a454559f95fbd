"""Who is calling the API: `Authorization: Api-Key <key>`, a per-key rate limit, and the rule
that every API view needs a key. Wired in as DRF's defaults in settings.REST_FRAMEWORK.

The API's organization is always the key's organization (`request.auth.organization`), never a
parameter of the request.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from config.cache import get_many_and_incr_with_expiry, incr_with_expiry
from organizations import tenancy
from organizations.models import ApiKey
from organizations.services_api_keys import (
    MAX_KEY_LENGTH,
    api_key_cache_keys,
    api_key_from_cached,
    api_key_touch,
    hash_key,
)

KEYWORD = "Api-Key"


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`. Succeeds with (AnonymousUser, ApiKey): a system calls,
    not a person, so nothing may mistake the caller for a signed-in user."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() != KEYWORD.lower():
            return None  # no key: the permission check answers 401
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Malformed Authorization header. Send “Api-Key <your key>”.")
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key.")) from None
        api_key = None
        if len(raw) <= MAX_KEY_LENGTH:
            # The cached key, its revocation mark and this request's rate-limit count in one
            # round trip; the throttle (below) then only compares.
            hashed = hash_key(raw)
            throttle = ApiKeyRateThrottle()
            counter, timeout, window_end = throttle.counter(hashed)
            cached, count = get_many_and_incr_with_expiry(
                throttle.cache, api_key_cache_keys(hashed), counter, timeout
            )
            request._request.api_key_count = (count, window_end)
            api_key = api_key_from_cached(hashed, cached)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        tenancy.activate(api_key.organization_id)  # for the rest of the request
        api_key_touch(api_key)
        # Answer in the organization's language unless the caller asked for one.
        if not request.META.get("HTTP_ACCEPT_LANGUAGE"):
            translation.activate(api_key.organization.default_language)
            request._request.LANGUAGE_CODE = api_key.organization.default_language
        return (AnonymousUser(), api_key)

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class HasApiKey(BasePermission):
    message = _("Send your API key in the header “Authorization: Api-Key <your key>”.")

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiKey)


class ApiKeyRateThrottle(SimpleRateThrottle):
    """settings.API_RATE_LIMIT requests per API key, counted in the shared cache (Redis).

    A fixed window counted with one INCR, instead of DRF's sliding window, which reads and
    rewrites a pickled list of every request's time on each call (two round trips and the
    list's size in bytes). The price: a burst straddling two windows may reach twice the rate
    for a moment. ApiKeyAuthentication sends the INCR along with its read of the cached key,
    so the limit costs no round trip of its own; a key that turns out unknown or revoked is
    counted too, under its hash, and refused with 401 before the count is looked at.
    """

    scope = "api_key"

    def __init__(self):
        # Read at request time, not import time, so settings overrides (and tests) apply.
        self.rate = settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def counter(self, hashed_key: str) -> tuple[str, int, float]:
        """(counter key, its lifetime in seconds, when its window ends) for the key with hash
        `hashed_key`, counted in the current window."""
        now = self.timer()
        window = int(now // self.duration)
        key = f"throttle:api_key:{hashed_key[:32]}:{window}"
        return key, int(self.duration) + 1, (window + 1) * self.duration

    def allow_request(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return True  # views that need no key (the schema) are not counted
        counted = getattr(request._request, "api_key_count", None)
        if counted is None:  # authenticated some other way than ApiKeyAuthentication
            counter, timeout, window_end = self.counter(request.auth.hashed_key)
            counted = (incr_with_expiry(self.cache, counter, timeout), window_end)
        count, window_end = counted
        if count <= self.num_requests:
            return True
        self.wait_seconds = window_end - self.timer()
        return False

    def wait(self):
        return max(getattr(self, "wait_seconds", self.duration), 1)
