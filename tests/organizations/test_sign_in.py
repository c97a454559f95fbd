"""Signing in by e-mail, "remember me", the idle timeout, signing out and password reset."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.core import mail

from organizations.middleware import LAST_SEEN_KEY, REMEMBER_KEY, touch_every
from tests.factories.organizations import TEST_PASSWORD
from tests.organizations.conftest import LOGIN_URL, sign_in


def test_sign_in_page_has_labelled_email_password_and_remember_me_fields(client, db):
    html = client.get(LOGIN_URL).content.decode()

    for name, label in (
        ("username", "E-mail address"),
        ("password", "Password"),
        ("remember_me", "Remember me"),
    ):
        field_id = re.search(rf'name="{name}"[^>]*id="([^"]+)"', html).group(1)
        assert re.search(rf'<label for="{field_id}">{label}', html), name


def test_member_signs_in_with_email_and_lands_in_their_inbox(tenant, client):
    response = sign_in(client, tenant.caseworker.email, follow=True)

    assert response.redirect_chain[-1][0] == f"/{tenant.org.slug}/"
    assert response.context["user"] == tenant.caseworker


def test_sign_in_ignores_the_case_of_the_email_address(tenant, client):
    response = sign_in(client, "  CaseWorker@ALPHA.example ")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(tenant.caseworker.pk)


def test_wrong_password_shows_an_error_and_keeps_the_email(tenant, client):
    response = sign_in(client, tenant.caseworker.email, password="wrong")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Wrong e-mail address or password." in html
    assert f'value="{tenant.caseworker.email}"' in html
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_sign_in(tenant, client):
    tenant.caseworker.is_active = False
    tenant.caseworker.save(update_fields=["is_active"])

    response = sign_in(client, tenant.caseworker.email)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_in_follows_a_safe_next_url_only(tenant, client):
    response = sign_in(client, tenant.admin.email, next=f"/{tenant.org.slug}/settings/members/")
    assert response["Location"] == f"/{tenant.org.slug}/settings/members/"

    client.logout()
    response = sign_in(client, tenant.admin.email, next="https://evil.example/")
    assert response["Location"] == "/"


def test_remember_me_gives_a_persistent_session(tenant, client):
    sign_in(client, tenant.caseworker.email, remember_me="on")

    session = client.session
    assert session.get_expiry_age() == settings.SESSION_REMEMBER_AGE
    assert not session.get_expire_at_browser_close()
    assert session[REMEMBER_KEY] is True
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_REMEMBER_AGE


def test_without_remember_me_the_session_ends_with_the_browser(tenant, client):
    sign_in(client, tenant.caseworker.email)

    session = client.session
    assert session.get_expire_at_browser_close()
    assert session[REMEMBER_KEY] is False
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def _age_last_seen(client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_idle_timeout_signs_out_a_session_without_remember_me(tenant, client):
    sign_in(client, tenant.caseworker.email)
    assert client.get(f"/{tenant.org.slug}/").status_code == 200

    _age_last_seen(client, settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get(f"/{tenant.org.slug}/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/{tenant.org.slug}/"
    assert "_auth_user_id" not in client.session


def test_a_session_used_within_the_idle_timeout_stays_signed_in(tenant, client):
    sign_in(client, tenant.caseworker.email)
    client.get(f"/{tenant.org.slug}/")

    _age_last_seen(client, settings.SESSION_IDLE_TIMEOUT - 60)

    assert client.get(f"/{tenant.org.slug}/").status_code == 200
    # ...and the request counts as activity, restarting the idle clock.
    assert int(time.time()) - client.session[LAST_SEEN_KEY] < 5


@pytest.mark.parametrize(("timeout", "every"), [(7200, 300), (3600, 150), (60, 2)])
def test_last_seen_is_written_every_24th_of_the_timeout_at_most_every_five_minutes(
    settings, timeout, every
):
    settings.SESSION_IDLE_TIMEOUT = timeout

    assert touch_every() == every


def test_a_request_soon_after_the_last_write_does_not_write_the_session(tenant, client):
    sign_in(client, tenant.caseworker.email)
    client.get(f"/{tenant.org.slug}/")
    _age_last_seen(client, touch_every() - 30)
    before = client.session[LAST_SEEN_KEY]

    assert client.get(f"/{tenant.org.slug}/").status_code == 200
    assert client.session[LAST_SEEN_KEY] == before

    _age_last_seen(client, touch_every() + 1)
    client.get(f"/{tenant.org.slug}/")
    assert int(time.time()) - client.session[LAST_SEEN_KEY] < 5


def test_idle_timeout_does_not_apply_to_a_remembered_session(tenant, client):
    sign_in(client, tenant.caseworker.email, remember_me="on")

    _age_last_seen(client, settings.SESSION_IDLE_TIMEOUT + 5)

    assert client.get(f"/{tenant.org.slug}/").status_code == 200


def test_sign_out_ends_the_session_and_shows_the_sign_in_page(tenant, client):
    sign_in(client, tenant.caseworker.email)

    response = client.post("/accounts/logout/", follow=True)

    assert response.redirect_chain[-1][0] == LOGIN_URL
    assert "_auth_user_id" not in client.session
    assert client.get(f"/{tenant.org.slug}/").status_code == 302


def test_password_reset_sends_an_email_whose_link_sets_a_new_password(
    tenant, client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://saksflyt.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password-reset/", {"email": tenant.caseworker.email.upper()}, follow=True
        )
    assert response.redirect_chain[-1][0] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [f'"{tenant.caseworker.full_name}" <{tenant.caseworker.email}>']
    assert message.subject == "Choose a new password for Saksflyt"
    # The link starts at SITE_URL, not at the request's Host.
    path = re.search(r"https://saksflyt\.example(/accounts/reset/\S+/)", message.body).group(1)

    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    saved = client.post(
        set_password_url,
        {"new_password1": "brand-new-secret-42", "new_password2": "brand-new-secret-42"},
        follow=True,
    )
    assert saved.redirect_chain[-1][0] == "/accounts/reset/done/"

    assert sign_in(client, tenant.caseworker.email, password=TEST_PASSWORD).status_code == 200
    assert (
        sign_in(client, tenant.caseworker.email, password="brand-new-secret-42").status_code == 302
    )
    # The link works once.
    assert not client.get(path, follow=True).context["validlink"]


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(
        "/accounts/password-reset/", {"email": "nobody@example.com"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/accounts/password-reset/sent/"
    assert mail.outbox == []
