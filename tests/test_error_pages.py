"""The error pages (issue 14): 400, 403, 404, 500 and a refused form are the product's own styled
pages in the request's language, with DEBUG off as in production; 500 needs neither an
organization nor the database; under DEBUG (make run) an unknown address still gets the styled
404; /favicon.ico is no longer a 404 on every first page load."""

from __future__ import annotations

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import translation
from django.views.defaults import server_error

import config.urls

LANGUAGES = ["nb", "sv", "da", "en"]
STYLESHEET = b"/static/css/saksflyt.css"


def _boom(request) -> HttpResponse:
    raise RuntimeError("the test's deliberate failure")


# This module is also the URLconf of the 500 tests: the real patterns plus one that fails.
urlpatterns = [path("test-boom/", _boom), *config.urls.urlpatterns]


def _heading(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def _assert_styled(response, language: str, heading: str) -> None:
    html = response.content.decode()
    assert STYLESHEET.decode() in html
    assert f'<html lang="{language}">' in html
    assert f"<h1>{_heading(language, heading)}</h1>" in html
    assert "Traceback" not in html and "URLconf" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_address_gets_the_styled_404_in_the_browsers_language(db, language):
    response = Client().get("/no/such/page/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    _assert_styled(response, language, "Page not found")


def test_outsider_gets_the_styled_404_for_another_organizations_inbox(tenant, outsider_client):
    response = outsider_client.get(f"/{tenant.org.slug}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert b"<h1>Page not found</h1>" in response.content


def test_outsider_gets_the_styled_404_for_a_case_of_another_organization(tenant, outsider_client):
    from tests.factories.cases import make_case

    case = make_case(tenant.org, tenant.caseworker, title="Not theirs")
    response = outsider_client.get(f"/{tenant.org.slug}/cases/{case.number}/")

    assert response.status_code == 404
    assert STYLESHEET in response.content and b"Not theirs" not in response.content


@pytest.mark.parametrize("language", LANGUAGES)
def test_supplier_on_a_staff_page_gets_the_styled_403(tenant, language):
    client = tenant.client_for(tenant.supplier)
    client.cookies["django_language"] = language
    tenant.supplier.language = language
    tenant.supplier.save(update_fields=["language"])

    response = client.get(f"/{tenant.org.slug}/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 403
    _assert_styled(response, language, "No access")


@pytest.mark.parametrize("language", LANGUAGES)
@override_settings(ROOT_URLCONF=__name__)
def test_server_error_gets_the_styled_500(db, language):
    client = Client(raise_request_exception=False)
    response = client.get("/test-boom/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 500
    _assert_styled(response, language, "Something went wrong")
    assert "deliberate" not in response.content.decode()


def test_the_500_page_renders_without_an_organization_or_the_database(db):
    request = RequestFactory().get("/anywhere/")
    with translation.override("sv"), CaptureQueriesContext(connections["default"]) as queries:
        response = server_error(request)

    assert response.status_code == 500
    _assert_styled(response, "sv", "Something went wrong")
    assert len(queries) == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_sent_without_its_csrf_token_gets_the_styled_refusal(db, language):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": "a@b.example"}, HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 403
    _assert_styled(response, language, "The form could not be sent")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_request_for_a_host_we_do_not_serve_gets_the_styled_400(db, language):
    response = Client().get("/", HTTP_HOST="not a host", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    _assert_styled(response, language, "The request could not be understood")


def test_error_page_links_to_the_start_page(db):
    response = Client().get("/no/such/page/")

    assert b'href="/"' in response.content


@override_settings(DEBUG=True)
def test_under_debug_an_unknown_address_still_gets_the_styled_404(db):
    response = Client().get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    _assert_styled(response, "en", "Page not found")


@override_settings(DEBUG=True)
def test_under_debug_a_views_404_gets_the_styled_page(tenant, outsider_client):
    response = Client().get("/no-such-organization/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (302, 404)  # anonymous: sign in first
    response = outsider_client.get(f"/{tenant.org.slug}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    _assert_styled(response, "en", "Page not found")


@override_settings(DEBUG=True)
def test_under_debug_a_missing_trailing_slash_still_redirects(db):
    response = Client().get("/accounts/login")

    assert response.status_code == 301
    assert response["Location"] == "/accounts/login/"


def test_favicon_ico_redirects_to_the_static_icon(db):
    response = Client().get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"


def test_pages_link_the_icon(staff_client, tenant):
    response = staff_client.get(f"/{tenant.org.slug}/")
    assert b'rel="icon" href="/static/favicon.svg"' in response.content
    response = Client().get("/accounts/login/")
    assert b'rel="icon" href="/static/favicon.svg"' in response.content
