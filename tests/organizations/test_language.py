"""The page language: the user's choice, else the organization's default; saved per user."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.usefixtures("compiled_catalogues")

INBOX_HEADING = {
    "nb": "Min innboks",
    "sv": "Min inkorg",
    "da": "Min indbakke",
    "en": "My inbox",
}


def _h1(response) -> str:
    html = response.content.decode()
    return html[html.index("<h1>") + 4 : html.index("</h1>")]


@pytest.mark.parametrize("language", ["nb", "sv", "da", "en"])
def test_choosing_a_language_saves_it_and_the_next_page_uses_it(tenant, staff_client, language):
    response = staff_client.post(
        "/accounts/language/",
        {"language": language, "next": f"/{tenant.org.slug}/"},
        follow=True,
    )

    tenant.caseworker.refresh_from_db()
    assert tenant.caseworker.language == language
    assert response.redirect_chain[-1][0] == f"/{tenant.org.slug}/"
    assert _h1(response) == INBOX_HEADING[language]
    assert f'<html lang="{language}">' in response.content.decode()


def test_the_chosen_language_follows_the_user_to_a_new_session(tenant, staff_client):
    staff_client.post("/accounts/language/", {"language": "da", "next": "/"})

    fresh = tenant.client_for(tenant.caseworker)

    assert _h1(fresh.get(f"/{tenant.org.slug}/")) == INBOX_HEADING["da"]


def test_without_a_choice_pages_use_the_organizations_language(tenant, staff_client):
    tenant.org.default_language = "nb"
    tenant.org.save(update_fields=["default_language"])

    response = staff_client.get(f"/{tenant.org.slug}/", HTTP_ACCEPT_LANGUAGE="sv")

    assert _h1(response) == INBOX_HEADING["nb"]


def test_the_users_choice_wins_over_the_organizations_language(tenant, staff_client):
    tenant.org.default_language = "nb"
    tenant.org.save(update_fields=["default_language"])
    tenant.caseworker.language = "sv"
    tenant.caseworker.save(update_fields=["language"])

    assert _h1(staff_client.get(f"/{tenant.org.slug}/")) == INBOX_HEADING["sv"]


def test_an_unknown_language_is_refused(tenant, staff_client):
    response = staff_client.post(
        "/accounts/language/", {"language": "xx", "next": f"/{tenant.org.slug}/"}, follow=True
    )

    tenant.caseworker.refresh_from_db()
    assert tenant.caseworker.language == ""
    assert "That language is not available." in response.content.decode()


def test_language_change_does_not_redirect_off_site(tenant, staff_client):
    response = staff_client.post(
        "/accounts/language/", {"language": "sv", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_an_anonymous_visitor_can_choose_the_sign_in_pages_language(client, db):
    response = client.post(
        "/accounts/language/", {"language": "sv", "next": "/accounts/login/"}, follow=True
    )

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    assert "Logga in på Saksflyt" in response.content.decode()


def test_the_sign_in_page_follows_the_browsers_language(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="da")

    assert "Log ind på Saksflyt" in response.content.decode()
