"""Settings → Organization: name, language, time zone, colour and the logo, which is served to
anyone at /form/<slug>/logo (the hosted web form shows it) in every deployment."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from organizations import services
from organizations.models import Organization


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = False  # /media/ is not served: the logo must not depend on it


def _image(color="red", format="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), color).save(out, format)
    return out.getvalue()


def _png(color="red") -> bytes:
    return _image(color)


def _png_claiming_30000_by_30000_pixels() -> bytes:
    """A tiny file whose header announces 900 million pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 30000, 30000, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


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


def test_the_settings_page_stores_the_logo_through_organization_update(
    tenant, admin_client_org, monkeypatch
):
    calls = []
    real = services.organization_update

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "organization_update", spy)
    _post(admin_client_org, tenant, SimpleUploadedFile("a.png", _png(), "image/png"))

    assert [c["org"].pk for c in calls] == [tenant.org.pk]
    assert calls[0]["logo"].name == "a.png"
    assert Organization.objects.get(pk=tenant.org.pk).logo


def test_organization_update_stores_the_logo_under_a_generated_name(tenant):
    org = services.organization_update(
        org=tenant.org,
        actor=tenant.admin,
        name="Alpha Bolig AS",
        default_language="nb",
        time_zone="Europe/Oslo",
        brand_color="#123456",
        logo=SimpleUploadedFile("../../etc/passwd.png", _png(), "image/png"),
    )

    org.refresh_from_db()
    assert org.name == "Alpha Bolig AS" and org.brand_color == "#123456"
    assert org.logo.name.startswith(f"logos/{org.pk}/") and "passwd" not in org.logo.name
    with org.logo.open("rb") as stored:
        assert stored.read() == _png()


@pytest.mark.parametrize(
    ("format", "content_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_the_logo_is_served_with_the_content_type_of_its_content(
    tenant, admin_client_org, format, content_type
):
    # The browser's name and type are wrong on purpose: the content decides.
    upload = SimpleUploadedFile("logo.txt", _image(format=format), "text/plain")
    _post(admin_client_org, tenant, upload)

    org = Organization.objects.get(pk=tenant.org.pk)
    response = Client().get(org.logo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Client().head(org.logo_url).status_code == 200
    assert Client().post(org.logo_url).status_code == 405


def test_an_organization_without_a_logo_gives_404(tenant):
    assert Client().get(f"/form/{tenant.org.slug}/logo").status_code == 404


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


def test_a_decompression_bomb_is_refused_keeping_the_old_logo(tenant, admin_client_org):
    _post(admin_client_org, tenant, SimpleUploadedFile("a.png", _png(), "image/png"))
    kept = Organization.objects.get(pk=tenant.org.pk).logo.name

    bomb = SimpleUploadedFile("bomb.png", _png_claiming_30000_by_30000_pixels(), "image/png")
    response = _post(admin_client_org, tenant, bomb)

    assert response.status_code == 200
    assert "The logo has too many pixels" in response.content.decode()
    assert Organization.objects.get(pk=tenant.org.pk).logo.name == kept


@pytest.mark.parametrize("language", ["nb", "sv", "da"])
def test_a_non_image_is_refused_in_the_admins_language(tenant, admin_client_org, language):
    tenant.admin.language = language
    tenant.admin.save(update_fields=["language"])
    with translation.override(language):
        expected = gettext(NOT_AN_IMAGE)
    assert expected != NOT_AN_IMAGE

    response = _post(
        admin_client_org, tenant, SimpleUploadedFile("logo.png", b"plain text, not an image")
    )

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not Organization.objects.get(pk=tenant.org.pk).logo


def test_organization_update_refuses_a_non_image_and_keeps_the_old_logo(tenant):
    def update(logo):
        return services.organization_update(
            org=tenant.org,
            actor=tenant.admin,
            name=tenant.org.name,
            default_language=tenant.org.default_language,
            time_zone=tenant.org.time_zone,
            brand_color=tenant.org.brand_color,
            logo=logo,
        )

    update(SimpleUploadedFile("a.png", _png(), "image/png"))
    kept = Organization.objects.get(pk=tenant.org.pk).logo.name
    with pytest.raises(ValidationError) as refused:
        update(SimpleUploadedFile("a.png", b"%PDF-1.4 not a logo", "image/png"))

    assert refused.value.message_dict == {"logo": [NOT_AN_IMAGE]}
    assert Organization.objects.get(pk=tenant.org.pk).logo.name == kept


def test_a_bad_time_zone_is_reported_next_to_its_field(tenant, admin_client_org):
    response = _post(admin_client_org, tenant, time_zone="Mars/Olympus")

    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert Organization.objects.get(pk=tenant.org.pk).time_zone == tenant.org.time_zone


def test_each_organization_serves_only_its_own_logo(tenant, other_tenant, admin_client_org):
    _post(admin_client_org, tenant, SimpleUploadedFile("a.png", _png(), "image/png"))

    assert Client().get(f"/form/{other_tenant.org.slug}/logo").status_code == 404
    assert Client().get("/form/no-such-org/logo").status_code == 404

    _post(
        other_tenant.client_for(other_tenant.admin),
        other_tenant,
        SimpleUploadedFile("b.png", _png("blue"), "image/png"),
    )
    for each, color in ((tenant, "red"), (other_tenant, "blue")):
        served = Client().get(f"/form/{each.org.slug}/logo")
        assert b"".join(served.streaming_content) == _png(color)


def test_outsider_gets_404_for_the_settings_page(tenant, outsider_client):
    assert outsider_client.get(_url(tenant)).status_code == 404
