"""Issue 9, item 2: a request outside the API larger than REQUEST_MAX_BYTES is refused with 413
from its Content-Length, before anything reads its body, on every form that takes files (and
every other URL: CSRF protection parses any POST's body).

The bodies are streams that count what the application reads from them; the gigabyte is made
up as it is read, so the test costs nothing when the limit holds.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from cases.models import Attachment
from inquiries.models import Inquiry
from tests.factories.cases import make_case
from tests.security.memory import CountingInput, multipart_upload

GIB = 1024**3


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REQUEST_MAX_BYTES = 50 * 1024 * 1024
    cache.clear()


def _post(client: Client, url: str, body: CountingInput, content_type: str, **extra):
    # The test client's own wsgi.input and length are replaced by the counting stream's.
    return client.post(
        url,
        data=b"",
        content_type=content_type,
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(body.length),
            "CONTENT_TYPE": content_type,
            **extra,
        },
    )


def test_a_gigabyte_to_the_anonymous_web_form_is_refused_unread(tenant):
    body, content_type = multipart_upload("attachments", "huge.bin", GIB)

    response = _post(
        Client(), f"/form/{tenant.org.slug}/", body, content_type, HTTP_ACCEPT_LANGUAGE="sv"
    )

    assert response.status_code == 413
    assert body.bytes_read == 0
    page = response.content.decode()
    assert "För mycket att skicka på en gång" in page  # translated (the visitor's language)
    assert "1,0\xa0GB" in page  # how much was sent, and the limit
    assert "50,0\xa0MB" in page
    assert not Inquiry.objects.exists()


def test_a_gigabyte_to_a_cases_attachment_form_is_refused_unread(tenant, staff_client):
    case = make_case(tenant.org, tenant.caseworker)
    body, content_type = multipart_upload("attach-files", "huge.bin", GIB)

    response = _post(
        staff_client, f"/{tenant.org.slug}/cases/{case.number}/attachments/", body, content_type
    )

    assert response.status_code == 413
    assert body.bytes_read == 0
    assert "Too much to send at once" in response.content.decode()
    assert not Attachment.objects.exists()


def test_any_post_is_bounded_even_where_only_csrf_reads_the_body(db):
    """CsrfViewMiddleware reads request.POST of every POST: the sign-in page too."""
    client = Client(enforce_csrf_checks=True)
    body, content_type = multipart_upload("file", "huge.bin", 100 * 1024 * 1024)

    response = _post(client, "/accounts/login/", body, content_type)

    assert response.status_code == 413
    assert body.bytes_read == 0


def test_a_request_under_the_limit_is_read_as_before(tenant, staff_client, settings):
    settings.REQUEST_MAX_BYTES = 2 * 1024 * 1024
    case = make_case(tenant.org, tenant.caseworker)
    body, content_type = multipart_upload("attach-files", "notes.txt", 1024 * 1024)

    response = _post(
        staff_client, f"/{tenant.org.slug}/cases/{case.number}/attachments/", body, content_type
    )

    assert response.status_code != 413
    assert body.bytes_read == body.length  # read in full: the limit stops only larger requests


def test_just_over_the_limit_is_refused_with_nothing_read(tenant, settings):
    settings.REQUEST_MAX_BYTES = 1024 * 1024
    body, content_type = multipart_upload("attachments", "a.txt", 1024 * 1024)  # + headers

    response = _post(Client(), f"/form/{tenant.org.slug}/", body, content_type)

    assert response.status_code == 413
    assert body.bytes_read == 0


def test_a_chunked_body_without_length_is_refused_not_taken_for_an_empty_form(tenant):
    body, content_type = multipart_upload("attachments", "huge.bin", GIB)

    response = Client().post(
        f"/form/{tenant.org.slug}/",
        data=b"",
        content_type=content_type,
        **{"wsgi.input": body, "CONTENT_TYPE": content_type, "HTTP_TRANSFER_ENCODING": "chunked"},
    )

    assert response.status_code == 411
    assert body.bytes_read == 0
    assert not Inquiry.objects.exists()


def test_the_api_keeps_its_own_json_413(tenant):
    body, content_type = multipart_upload("attachments", "huge.bin", GIB)

    response = _post(Client(), "/api/v1/inquiries/", body, content_type)

    assert response.status_code in (401, 413)  # no key: refused before the body either way
    assert response["Content-Type"].startswith("application/json")
    assert body.bytes_read == 0
