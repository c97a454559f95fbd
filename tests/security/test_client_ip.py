"""Issue 9, item 3: behind a proxy the client's address comes from X-Forwarded-For as far as
TRUSTED_PROXY_COUNT (and TRUSTED_PROXIES) say, for sign-in lock-outs and the web form's rate
limit alike; a forged X-Forwarded-For with no trusted proxy is ignored."""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client, RequestFactory

from inquiries.models import Inquiry
from inquiries.webform import form_token
from organizations.http import client_ip
from tests.organizations.conftest import sign_in

PROXY = "10.0.0.2"  # what REMOTE_ADDR says for every request behind the proxy


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = []
    cache.clear()


def _behind_proxy(forwarded_for: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def _webform(client: Client, org) -> int:
    data = {
        "name": "Kari",
        "email": "kari@example.com",
        "message": "The tap drips.",
        "website": "",
        "token": form_token(org, issued_at=time.time() - 60),
    }
    return client.post(f"/form/{org.slug}/", data).status_code


def test_web_form_visitors_behind_the_proxy_are_limited_separately(tenant, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.WEBFORM_RATE_LIMIT_PER_HOUR = 1
    first, second = _behind_proxy("203.0.113.5"), _behind_proxy("203.0.113.6")

    assert _webform(first, tenant.org) == 302
    assert _webform(first, tenant.org) == 429  # this visitor is over the limit...
    assert _webform(second, tenant.org) == 302  # ...the next one is not
    assert Inquiry.objects.count() == 2


def test_sign_in_lockout_behind_the_proxy_locks_the_attacker_not_everyone(tenant, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker, owner = _behind_proxy("203.0.113.66"), _behind_proxy("198.51.100.20")
    email = tenant.caseworker.email
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, email, password="not-the-password")

    assert sign_in(attacker, email).status_code == 429  # locked for the attacker's address
    response = sign_in(owner, email)
    assert response.status_code == 302  # the account's owner, elsewhere, still signs in
    assert "_auth_user_id" in owner.session


def test_forged_forwarded_for_without_a_trusted_proxy_is_ignored(tenant, settings):
    settings.WEBFORM_RATE_LIMIT_PER_HOUR = 1
    direct = "198.51.100.7"
    assert _webform(Client(REMOTE_ADDR=direct, HTTP_X_FORWARDED_FOR="1.1.1.1"), tenant.org) == 302
    forged = Client(REMOTE_ADDR=direct, HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert _webform(forged, tenant.org) == 429  # a new header is not a new visitor

    email = tenant.caseworker.email
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(Client(REMOTE_ADDR=direct, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"), email, "wrong")
    rotating = Client(REMOTE_ADDR=direct, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert sign_in(rotating, email).status_code == 429  # rotating the header escapes nothing


def test_forwarded_for_from_outside_the_trusted_proxies_is_ignored(tenant, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_ip(request) == "203.0.113.5"
    direct = RequestFactory().get(
        "/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert client_ip(direct) == "198.51.100.9"  # reached the app around the proxy


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client's own prefix is not believed
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "203.0.113.5", PROXY),  # fewer entries than proxies: not through them all
        (1, "not-an-address", PROXY),
        (1, " 2001:DB8::1 ", "2001:db8::1"),
        (0, "203.0.113.5", PROXY),
    ],
)
def test_the_client_is_the_count_th_address_from_the_right(
    settings, count, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


def test_axes_uses_the_same_helper():
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "organizations.http.client_ip"
