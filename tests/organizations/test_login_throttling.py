"""Login throttling with django-axes: lock an account+address after repeated failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from tests.organizations.conftest import sign_in

LOCKED_STATUS = 429  # what axes answers for a locked-out sign-in (AXES_HTTP_RESPONSE_CODE)
LOCKED_EN = "Too many failed sign-in attempts"
LOCKED_NB = "For mange mislykkede innloggingsforsøk"


def _fail(client, email: str, times: int):
    return [sign_in(client, email, password="not-the-password") for _ in range(times)]


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_failures_below_the_limit_only_show_the_form_error(tenant, client):
    responses = _fail(client, tenant.caseworker.email, settings.AXES_FAILURE_LIMIT - 1)

    assert [r.status_code for r in responses] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, tenant.caseworker.email).status_code == 302
    assert _signed_in(client)


def test_the_failure_that_reaches_the_limit_shows_the_locked_out_page(tenant, client):
    *_, last = _fail(client, tenant.caseworker.email, settings.AXES_FAILURE_LIMIT)

    assert last.status_code == LOCKED_STATUS
    assert LOCKED_EN in last.content.decode()
    assert "registration/locked_out.html" in [t.name for t in last.templates]


def test_locked_account_stays_locked_even_with_the_right_password(tenant, client):
    _fail(client, tenant.caseworker.email, settings.AXES_FAILURE_LIMIT)

    response = sign_in(client, tenant.caseworker.email)

    assert response.status_code == LOCKED_STATUS
    assert LOCKED_EN in response.content.decode()
    assert not _signed_in(client)


def test_other_spellings_of_the_email_count_against_the_same_account(tenant, client):
    email = tenant.caseworker.email
    variants = [email, email.upper(), email.title(), f" {email} ", email.swapcase()]
    _fail(client, variants[0], 1)
    for variant in variants[1 : settings.AXES_FAILURE_LIMIT]:
        _fail(client, variant, 1)

    assert sign_in(client, email).status_code == LOCKED_STATUS
    assert not _signed_in(client)


def test_lockout_is_per_account_so_a_colleague_at_the_same_address_can_sign_in(tenant, client):
    _fail(client, tenant.caseworker.email, settings.AXES_FAILURE_LIMIT)

    assert sign_in(client, tenant.admin.email).status_code == 302
    assert client.session["_auth_user_id"] == str(tenant.admin.pk)


def test_lockout_is_per_address_so_the_account_works_from_elsewhere(tenant, client):
    _fail(client, tenant.caseworker.email, settings.AXES_FAILURE_LIMIT)

    response = client.post(
        "/accounts/login/",
        {"username": tenant.caseworker.email, "password": "correct horse battery staple"},
        REMOTE_ADDR="192.0.2.44",
    )

    assert response.status_code == 302


def test_locked_account_unlocks_after_the_cool_off(tenant, client):
    _fail(client, tenant.caseworker.email, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, tenant.caseworker.email).status_code == LOCKED_STATUS

    # Let the cool-off pass: axes only counts attempts newer than now - AXES_COOLOFF_TIME.
    AccessAttempt.objects.update(
        attempt_time=(
            AccessAttempt.objects.get().attempt_time
            - settings.AXES_COOLOFF_TIME
            - timedelta(seconds=1)
        )
    )

    assert sign_in(client, tenant.caseworker.email).status_code == 302
    assert _signed_in(client)
    # A successful sign-in clears the failures (AXES_RESET_ON_SUCCESS).
    assert not AccessAttempt.objects.exists()


def test_locked_account_is_still_locked_just_before_the_cool_off_ends(tenant, client):
    _fail(client, tenant.caseworker.email, settings.AXES_FAILURE_LIMIT)

    AccessAttempt.objects.update(
        attempt_time=(
            AccessAttempt.objects.get().attempt_time
            - settings.AXES_COOLOFF_TIME
            + timedelta(seconds=30)
        )
    )

    assert sign_in(client, tenant.caseworker.email).status_code == LOCKED_STATUS


@pytest.mark.usefixtures("compiled_catalogues")
def test_locked_out_page_is_translated(tenant, client):
    *_, last = [
        client.post(
            "/accounts/login/",
            {"username": tenant.caseworker.email, "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE="nb",
        )
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert last.status_code == LOCKED_STATUS
    assert LOCKED_NB in last.content.decode()
