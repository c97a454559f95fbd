"""Settings → Organization: name, language, time zone, colour and the logo, which is served to
anyone at /form/<slug>/logo (the hosted web form shows it) in every deployment."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from organizations.models import Organization


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = False  # /media/ is not served: the logo must not depend on it


def _png(color="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), color).save(out, "PNG")
    return out.getvalue()


def _url(tenant) -> str:
    return f"/{tenant.org.slug}/settings/organization/"


def _post(client, tenant, logo=None, **changes):
    org = tenant.org
    data = {
        "name": org.name,
        "default_language": org.default_language,
        "time_zone": org.time_zone,
        "brand_color": org.brand_color,
        **changes,
    }
    if logo is not None:
        data["logo"] = logo
    return client.post(_url(tenant), data)


def test_admin_uploads_a_logo_that_anyone_can_fetch(tenant, admin_client_org):
    response = _post(
        admin_client_org, tenant, SimpleUploadedFile("our logo.png", _png(), "image/png")
    )

    assert response.status_code == 302
    org = Organization.objects.get(pk=tenant.org.pk)
    assert org.logo.name.startswith(f"logos/{org.pk}/") and org.logo.name.endswith(".png")
    assert "our logo" not in org.logo.name  # stored under a generated name
    logo = Client().get(org.logo_url)
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert logo["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in logo["Cache-Control"]
    assert b"".join(logo.streaming_content) == _png()
    form_page = Client().get(f"/form/{org.slug}/").content.decode()
    assert f'src="{org.logo_url}"' in form_page.replace("&amp;", "&")


def test_a_new_logo_replaces_the_old_file(
    tenant, admin_client_org, django_capture_on_commit_callbacks
):
    _post(admin_client_org, tenant, SimpleUploadedFile("a.png", _png("red"), "image/png"))
    first = Organization.objects.get(pk=tenant.org.pk).logo
    with django_capture_on_commit_callbacks(execute=True):
        _post(admin_client_org, tenant, SimpleUploadedFile("b.png", _png("blue"), "image/png"))

    second = Organization.objects.get(pk=tenant.org.pk).logo
    assert second.name != first.name
    assert not first.storage.exists(first.name)
    assert second.storage.exists(second.name)


def test_admin_removes_the_logo(tenant, admin_client_org, django_capture_on_commit_callbacks):
    _post(admin_client_org, tenant, SimpleUploadedFile("a.png", _png(), "image/png"))
    old = Organization.objects.get(pk=tenant.org.pk).logo
    with django_capture_on_commit_callbacks(execute=True):
        _post(admin_client_org, tenant, remove_logo="on")

    org = Organization.objects.get(pk=tenant.org.pk)
    assert not org.logo and org.logo_url == ""
    assert not old.storage.exists(old.name)
    assert Client().get(f"/form/{org.slug}/logo").status_code == 404


NOT_AN_IMAGE = "Use a PNG, JPEG, GIF or WebP image for the logo."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "logo.png",
            b"MZ\x90\x00 not an image",
            "Use a PNG, JPEG, GIF or WebP image for the logo.",
        ),
        (
            "logo.svg",
            b"<svg onload='alert(1)'/>",
            "Use a PNG, JPEG, GIF or WebP image for the logo.",
        ),
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024), "The logo is larger than"),
    ],
)
def test_a_bad_logo_is_refused_keeping_the_old_one_and_what_was_typed(
    tenant, admin_client_org, name, content, message
):
    _post(admin_client_org, tenant, SimpleUploadedFile("a.png", _png(), "image/png"))
    kept = Organization.objects.get(pk=tenant.org.pk).logo.name

    response = _post(
        admin_client_org, tenant, SimpleUploadedFile(name, content), name="Typed new name"
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="Typed new name"' in response.content.decode()
    org = Organization.objects.get(pk=tenant.org.pk)
    assert org.logo.name == kept and org.name == tenant.org.name


def test_a_bad_time_zone_is_reported_next_to_its_field(tenant, admin_client_org):
    response = _post(admin_client_org, tenant, time_zone="Mars/Olympus")

    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert Organization.objects.get(pk=tenant.org.pk).time_zone == tenant.org.time_zone


def test_each_organization_serves_only_its_own_logo(tenant, other_tenant, admin_client_org):
    _post(admin_client_org, tenant, SimpleUploadedFile("a.png", _png(), "image/png"))

    assert Client().get(f"/form/{other_tenant.org.slug}/logo").status_code == 404
    assert Client().get("/form/no-such-org/logo").status_code == 404


def test_outsider_gets_404_for_the_settings_page(tenant, outsider_client):
    assert outsider_client.get(_url(tenant)).status_code == 404
