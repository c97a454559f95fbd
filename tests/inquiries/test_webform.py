"""The hosted web form /form/<org_slug>/: public, embeddable, spam-resistant, in the org's look."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inquiries.models import Channel, Inquiry
from inquiries.webform import TOKEN_SALT, form_token
from tests.inquiries.conftest import png_bytes


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def url(org, lang: str = "") -> str:
    return f"/form/{org.slug}/" + (f"?lang={lang}" if lang else "")


def fields(org, **overrides) -> dict:
    data = {
        "name": "Kari Nordmann",
        "email": "kari@example.com",
        "phone": "",
        "subject": "Dripping tap",
        "message": "The kitchen tap drips all night.",
        "address": "Storgata 1",
        "location": "Kitchen",
        "website": "",
        # Issued a minute ago, as if a person had filled in the form.
        "token": form_token(org, issued_at=time.time() - 60),
    }
    data.update(overrides)
    return data


def test_form_is_public_and_frameable_in_the_organizations_language_and_colour(tenant):
    tenant.org.default_language = "sv"
    tenant.org.brand_color = "#aa3300"
    tenant.org.save()
    response = Client().get(url(tenant.org))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "--brand: #aa3300" in html
    assert 'name="website"' in html  # the honeypot
    for name in ("name", "email", "phone", "subject", "message", "address", "location"):
        assert f'name="{name}"' in html
    assert 'type="file" name="attachments" multiple' in html


def test_lang_parameter_chooses_the_language(tenant):
    assert '<html lang="da">' in Client().get(url(tenant.org, "da")).content.decode()
    # Unknown languages fall back to the organization's.
    tenant.org.default_language = "nb"
    tenant.org.save()
    assert '<html lang="nb">' in Client().get(url(tenant.org, "xx")).content.decode()


def test_staff_pages_still_refuse_framing(tenant, staff_client):
    response = staff_client.get(f"/{tenant.org.slug}/settings/api-keys/")
    assert response["X-Frame-Options"] == "DENY"


def test_unknown_organization_gets_404(db):
    assert Client().get("/form/no-such-org/").status_code == 404
    assert Client().post("/form/no-such-org/", {}).status_code == 404


def test_submission_creates_a_web_form_inquiry_in_that_organization(tenant, other_tenant):
    # A browser inside another site's iframe has no CSRF cookie: the form must work without.
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(tenant.org, "en"), fields(tenant.org))
    assert response.status_code == 302
    assert response["Location"] == f"/form/{tenant.org.slug}/thanks/?lang=en"
    inquiry = Inquiry.objects.get()
    assert inquiry.organization == tenant.org
    assert inquiry.channel == Channel.WEB_FORM
    assert (inquiry.sender_name, inquiry.sender_email) == ("Kari Nordmann", "kari@example.com")
    assert (inquiry.subject, inquiry.location) == ("Dripping tap", "Kitchen")
    assert not Inquiry.objects.filter(organization=other_tenant.org).exists()

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "X-Frame-Options" not in thanks
    assert "received your inquiry" in thanks.content.decode()


def test_submission_with_attachments_stores_them(tenant):
    data = fields(tenant.org, attachments=[SimpleUploadedFile("crack.png", png_bytes())])
    assert Client().post(url(tenant.org), data).status_code == 302
    assert Inquiry.objects.get().attachments.get().original_name == "crack.png"


def test_filled_honeypot_looks_like_success_but_stores_nothing(tenant):
    response = Client().post(url(tenant.org), fields(tenant.org, website="http://spam.example"))
    assert response.status_code == 302
    assert "/thanks/" in response["Location"]
    assert not Inquiry.objects.exists()


def test_bad_attachment_shows_the_error_and_keeps_what_was_typed(tenant):
    data = fields(
        tenant.org,
        message="Water under the sink, second floor",
        attachments=[SimpleUploadedFile("photo.png", b"MZ\x90\x00" * 100)],
    )
    response = Client().post(url(tenant.org), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "photo.png" in response.context["form"].errors["attachments"][0]
    assert "Water under the sink, second floor" in html
    assert 'value="kari@example.com"' in html
    assert not Inquiry.objects.exists()


def test_missing_contact_and_message_are_field_errors_with_input_kept(tenant):
    response = Client().post(url(tenant.org), fields(tenant.org, email="", message=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"email", "message"}
    assert 'value="Kari Nordmann"' in response.content.decode()
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize(
    "token",
    ["", "forged", "just-issued", "other-organization", "expired"],
)
def test_form_needs_a_signed_token_of_this_organization_and_a_human_pace(
    tenant, other_tenant, token
):
    tokens = {
        "": "",
        "forged": "eyJvcmciOjF9:forged",
        "just-issued": form_token(tenant.org),
        "other-organization": form_token(other_tenant.org, issued_at=time.time() - 60),
        "expired": form_token(tenant.org, issued_at=time.time() - 2 * 24 * 3600),
    }
    response = Client().post(url(tenant.org), fields(tenant.org, token=tokens[token]))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "The kitchen tap drips all night." in response.content.decode()
    assert not Inquiry.objects.exists()
    # The page carries a fresh token of this organization, so sending again works.
    fresh = signing.loads(response.context["form"].data["token"], salt=TOKEN_SALT)
    assert fresh["org"] == tenant.org.pk
    assert abs(fresh["t"] - time.time()) < 5


def test_submissions_are_rate_limited_per_ip_address(tenant, settings):
    settings.WEBFORM_RATE_LIMIT_PER_HOUR = 2
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert client.post(url(tenant.org), fields(tenant.org)).status_code == 302
    assert client.post(url(tenant.org), fields(tenant.org)).status_code == 302
    response = client.post(url(tenant.org), fields(tenant.org, message="Third try"))
    assert response.status_code == 429
    assert "Third try" in response.content.decode()  # input kept
    assert Inquiry.objects.count() == 2
    # Someone else is not affected.
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post(url(tenant.org), fields(tenant.org)).status_code == 302
