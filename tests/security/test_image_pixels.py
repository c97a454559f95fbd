"""Issue 9, item 1: an image is measured by its header and refused above IMAGE_MAX_PIXELS
before anything decodes it, and thumbnails are made by the worker, never in the request.

A 160 KB PNG of 13000 × 13000 pixels decodes to 161 MiB (greyscale; 484 MiB in RGB): each test
posts it the way an attacker would and measures the peak memory of the request.
"""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import Attachment
from cases.services.attachments import attachments_add
from inquiries.models import Inquiry
from inquiries.webform import form_token
from organizations.models import Organization
from organizations.services_api_keys import api_key_create
from tests.cases.detail_support import png_upload
from tests.factories.cases import make_case
from tests.security.memory import huge_png, peak_memory

# Decoding the bomb costs 161 MiB or more; the refusal costs a few MiB of templates and parsing.
MAX_GROWTH_MIB = 60


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return huge_png(13000, 13000)


@pytest.fixture(autouse=True)
def _media_and_limits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMAGE_MAX_PIXELS = 40_000_000
    cache.clear()


def _webform_fields(org, **files) -> dict:
    return {
        "name": "Kari Nordmann",
        "email": "kari@example.com",
        "message": "See the picture",
        "website": "",
        "token": form_token(org, issued_at=time.time() - 60),
        **files,
    }


def test_huge_image_to_the_anonymous_web_form_is_refused_without_being_decoded(tenant, bomb):
    client = Client()
    url = f"/form/{tenant.org.slug}/?lang=en"
    client.get(url)  # warm up: templates and translations loaded before measuring

    with peak_memory() as peak:
        response = client.post(
            url,
            _webform_fields(
                tenant.org, attachments=SimpleUploadedFile("bomb.png", bomb, "image/png")
            ),
        )

    assert response.status_code == 200
    assert "“bomb.png” has more than 40 megapixels; use a smaller image." in (
        response.content.decode()
    )
    assert not Inquiry.objects.exists()
    assert peak.rss_mib < MAX_GROWTH_MIB, f"the request grew the process by {peak.rss_mib:.0f} MiB"
    assert peak.python_mib < MAX_GROWTH_MIB


def test_huge_image_through_the_api_is_refused_without_being_decoded(tenant, bomb):
    secret = api_key_create(org=tenant.org, actor=tenant.admin, name="Website")[1]
    with peak_memory() as peak:
        response = Client().post(
            "/api/v1/inquiries/",
            {
                "name": "Kari",
                "email": "kari@example.com",
                "message": "See the picture",
                "attachments": [SimpleUploadedFile("bomb.png", bomb, "image/png")],
            },
            headers={"Authorization": f"Api-Key {secret}", "Accept-Language": "en"},
        )

    assert response.status_code == 422, response.content  # a refused file: the API's 422
    assert "has more than 40 megapixels" in response.content.decode()
    assert not Inquiry.objects.exists()
    assert peak.rss_mib < MAX_GROWTH_MIB, f"the request grew the process by {peak.rss_mib:.0f} MiB"


def test_huge_image_on_a_case_is_refused_without_being_decoded(tenant, staff_client, bomb):
    case = make_case(tenant.org, tenant.caseworker)
    url = f"/{tenant.org.slug}/cases/{case.number}/attachments/"
    staff_client.get(f"/{tenant.org.slug}/cases/{case.number}/")  # warm up

    with peak_memory() as peak:
        response = staff_client.post(
            url,
            {"attach-files": [SimpleUploadedFile("bomb.png", bomb, "image/png")]},
            headers={"HX-Request": "true"},
        )

    assert response.status_code == 400
    assert "“bomb.png” has more than 40 megapixels; use a smaller image." in (
        response.content.decode()
    )
    assert not Attachment.objects.exists()
    assert peak.rss_mib < MAX_GROWTH_MIB, f"the request grew the process by {peak.rss_mib:.0f} MiB"


def test_a_144_megapixel_logo_is_refused(tenant, admin_client_org):
    org = tenant.org
    with peak_memory() as peak:
        response = admin_client_org.post(
            f"/{org.slug}/settings/organization/",
            {
                "name": org.name,
                "default_language": org.default_language,
                "time_zone": org.time_zone,
                "brand_color": org.brand_color,
                "logo": SimpleUploadedFile("logo.png", huge_png(12000, 12000), "image/png"),
            },
        )

    assert "The logo has too many pixels; use a smaller image." in response.content.decode()
    assert not Organization.objects.get(pk=org.pk).logo
    assert peak.rss_mib < MAX_GROWTH_MIB


def test_an_image_under_the_limit_is_accepted_and_its_thumbnail_made_after_commit(
    tenant, django_capture_on_commit_callbacks
):
    case = make_case(tenant.org, tenant.caseworker)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [attachment] = attachments_add(
            org=tenant.org,
            actor=tenant.caseworker,
            case=case,
            uploads=[png_upload("photo.png", size=(1600, 900))],
        )
    attachment.refresh_from_db()
    assert not attachment.thumbnail  # the request decoded nothing

    for callback in callbacks:  # the worker's job (eager in tests)
        callback()

    attachment.refresh_from_db()
    assert attachment.thumbnail.name.startswith(f"thumbnails/{tenant.org.pk}/")


def test_the_worker_does_not_decode_an_image_over_the_limit_either(tenant, settings, bomb):
    """An image stored before the limit existed (or copied from an inquiry) gets no thumbnail
    rather than a worker that decodes half a gigabyte."""
    from cases.services.attachments import attachment_thumbnails_make

    case = make_case(tenant.org, tenant.caseworker)
    settings.IMAGE_MAX_PIXELS = 200_000_000
    [attachment] = attachments_add(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        uploads=[SimpleUploadedFile("bomb.png", bomb, "image/png")],
    )
    settings.IMAGE_MAX_PIXELS = 40_000_000

    with peak_memory() as peak:
        assert attachment_thumbnails_make([attachment.pk]) == 0

    attachment.refresh_from_db()
    assert not attachment.thumbnail
    assert peak.rss_mib < MAX_GROWTH_MIB
