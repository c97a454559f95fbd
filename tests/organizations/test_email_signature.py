"""Settings → Organization: the e-mail signature, added below every e-mail to customers and
suppliers (not below staff notifications)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from notifications.messages import render
from organizations import services
from organizations.models import Organization


def _post(client, tenant, **changes):
    org = tenant.org
    data = {
        "name": org.name,
        "default_language": org.default_language,
        "time_zone": org.time_zone,
        "brand_color": org.brand_color,
        **changes,
    }
    return client.post(f"/{org.slug}/settings/organization/", data)


def test_admin_sets_the_signature_on_the_settings_page(tenant, admin_client_org):
    page = admin_client_org.get(f"/{tenant.org.slug}/settings/organization/")
    assert 'name="email_signature"' in page.content.decode()

    response = _post(
        admin_client_org, tenant, email_signature="Alpha Bolig AS\r\nTlf 22 22 22 22\r\n"
    )

    assert response.status_code == 302
    org = Organization.objects.get(pk=tenant.org.pk)
    assert org.email_signature == "Alpha Bolig AS\nTlf 22 22 22 22"
    page = admin_client_org.get(f"/{tenant.org.slug}/settings/organization/")
    assert "Alpha Bolig AS\nTlf 22 22 22 22</textarea>" in page.content.decode()


def test_signature_is_added_to_customer_emails_and_escaped_in_html(tenant):
    tenant.org.email_signature = "Alpha <b>Bolig</b>\nkundeservice"
    tenant.org.save()

    rendered = render(
        org=tenant.org, kind="case_created", language="en", values={"case_title": "T"}
    )

    assert rendered.text.endswith("-- \nAlpha <b>Bolig</b>\nkundeservice")
    assert "Alpha &lt;b&gt;Bolig&lt;/b&gt;<br>kundeservice" in rendered.html


def test_signature_is_not_added_to_staff_notifications(tenant):
    tenant.org.email_signature = "Alpha Bolig AS"
    tenant.org.save()

    rendered = render(org=tenant.org, kind="mention", language="en", values={})

    assert "Alpha Bolig AS" not in rendered.text


def test_too_long_signature_is_refused_and_keeps_what_was_typed(tenant, admin_client_org):
    typed = "x" * 2001

    response = _post(admin_client_org, tenant, email_signature=typed)

    assert response.status_code == 200
    assert response.context["form"].errors["email_signature"]
    assert response.context["form"]["email_signature"].value() == typed
    assert Organization.objects.get(pk=tenant.org.pk).email_signature == ""


def test_service_keeps_the_signature_when_not_given(tenant):
    tenant.org.email_signature = "Keep me"
    tenant.org.save()

    services.organization_update(
        org=tenant.org,
        actor=tenant.admin,
        name="Renamed",
        default_language="en",
        time_zone="Europe/Oslo",
        brand_color="#123456",
    )

    assert Organization.objects.get(pk=tenant.org.pk).email_signature == "Keep me"


def test_service_refuses_a_too_long_signature(tenant):
    with pytest.raises(ValidationError) as exc:
        services.organization_update(
            org=tenant.org,
            actor=tenant.admin,
            name=tenant.org.name,
            default_language="en",
            time_zone="Europe/Oslo",
            brand_color="#123456",
            email_signature="x" * 2001,
        )
    assert "email_signature" in exc.value.message_dict
