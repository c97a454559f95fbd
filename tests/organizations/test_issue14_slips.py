"""Issue 14's small slips in the organization settings: links from the server actually
answering, the API example in the page's language, the time zone as a list, the demo table's
role names in each organization's language."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from notifications.models import OutboundMessage
from organizations.demo import logins
from organizations.forms import OrganizationSettingsForm, time_zone_choices
from organizations.models import Organization
from organizations.services_api_keys import api_key_create
from organizations.site import DEFAULT_SITE_URL

HOST = {"HTTP_HOST": "testserver:8123"}


def api_keys_url(org):
    return reverse("organizations:api_keys", kwargs={"org_slug": org.slug})


def test_api_key_snippets_use_the_servers_own_address(tenant, admin_client_org, settings):
    settings.SITE_URL = DEFAULT_SITE_URL  # nothing configured: a development server
    html = admin_client_org.get(api_keys_url(tenant.org), **HOST).content.decode()
    assert "curl -X POST http://testserver:8123/api/v1/inquiries/" in html
    assert f"http://testserver:8123/form/{tenant.org.slug}/" in html
    assert ":8000" not in html


def test_a_configured_site_url_wins(tenant, admin_client_org, settings):
    settings.SITE_URL = "https://saksflyt.example"
    html = admin_client_org.get(api_keys_url(tenant.org), **HOST).content.decode()
    assert "curl -X POST https://saksflyt.example/api/v1/inquiries/" in html


def test_the_invitation_link_uses_the_servers_own_address(
    tenant, admin_client_org, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = DEFAULT_SITE_URL
    url = reverse("organizations:members", kwargs={"org_slug": tenant.org.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_org.post(
            url, {"email": "ny@example.com", "full_name": "Nina Ny", "role": "caseworker"}, **HOST
        )
    assert response.status_code == 302
    body = OutboundMessage.objects.get(to="ny@example.com").body_text
    assert re.search(r"http://testserver:8123/accounts/reset/\S+/", body)
    assert ":8000" not in body


def test_the_api_example_body_speaks_the_pages_language(tenant, admin_client_org):
    tenant.org.default_language = "sv"
    tenant.org.save()
    html = admin_client_org.get(api_keys_url(tenant.org)).content.decode()
    assert "Anna Svensson" in html and "Kari Nordmann" not in html


def test_the_time_zone_is_chosen_from_a_list(tenant):
    form = OrganizationSettingsForm(org=tenant.org)
    choices = dict(form.fields["time_zone"].choices)
    assert "Europe/Oslo" in choices and "Europe/Stockholm" in choices and "UTC" in choices
    assert "US/Pacific" not in choices  # legacy aliases are left out
    html = str(form["time_zone"])
    assert html.startswith("<select") and '<option value="Europe/Oslo" selected>' in html
    data = {"name": "Alpha", "default_language": "nb", "brand_color": "#1f4e79"}
    bad = OrganizationSettingsForm({**data, "time_zone": "Europe/Olso"}, org=tenant.org)
    assert not bad.is_valid() and "time_zone" in bad.errors
    good = OrganizationSettingsForm({**data, "time_zone": "Europe/Copenhagen"}, org=tenant.org)
    assert good.is_valid(), good.errors


def test_a_zone_saved_before_the_list_stays_choosable(tenant):
    Organization.objects.filter(pk=tenant.org.pk).update(time_zone="CET")
    tenant.org.refresh_from_db()
    form = OrganizationSettingsForm(org=tenant.org)
    assert dict(form.fields["time_zone"].choices)["CET"] == "CET"
    assert len(time_zone_choices()) > 300


@pytest.mark.parametrize(
    ("org_name", "caseworker"),
    [
        ("Nordbygg Boligutvikling AS", "Saksbehandler"),
        ("Renova Affald A/S", "Sagsbehandler"),
        ("Hyresbostäder i Norden AB", "Handläggare"),
    ],
)
def test_demo_logins_name_roles_in_each_organizations_language(org_name, caseworker):
    roles = {role for org, role, _email in logins() if org == org_name}
    assert caseworker in roles
    assert not roles - {caseworker, "Administrator", "Administratör", "Leverandør", "Leverantör"}


def test_outsiders_get_404_on_the_settings_pages(tenant, outsider_client):
    for name in ("api_keys", "members", "organization_edit"):
        url = reverse(f"organizations:{name}", kwargs={"org_slug": tenant.org.slug})
        assert outsider_client.get(url).status_code == 404


def test_the_service_refuses_another_organizations_key(tenant, other_tenant):
    # The keys a page lists are the organization's own; a key made for B is not A's.
    key, _secret = api_key_create(org=other_tenant.org, actor=other_tenant.admin, name="B")
    assert key.organization == other_tenant.org
    from organizations.services_api_keys import api_key_list

    assert key not in list(api_key_list(tenant.org))
