"""Settings → Events (admins): every module's events, filtered by module, user and dates;
Settings → Modules switches the Events tabs."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from customers.services import customer_create
from tests.audit.support import last_event
from tests.deviations.support import make_deviation

pytestmark = pytest.mark.django_db

NASTY_FILTERS = [
    {"date_from": "2026-13-45"},
    {"date_from": "2026-05-02", "date_to": "2026-05-01"},
    {"user": "99999999999999999999999"},
    {"user": "\x00"},
    {"module": "<script>"},
    {"after": "12_x"},
]


def _url(org, suffix: str = "") -> str:
    return f"/{org.slug}/settings/events/{suffix}"


def test_admins_see_every_module_with_links_to_the_objects(tenant, admin_client_org, history):
    response = admin_client_org.get(_url(tenant.org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kari Nordmann" in html and "Drift" in html and "Lekkasje" in html
    assert f'href="/{tenant.org.slug}/customers/{history["customer"].pk}/"' in html
    assert f'href="/{tenant.org.slug}/cases/{history["case"].number}/"' in html


def test_filters_by_module_user_and_dates(tenant, admin_client_org, history):
    by_module = admin_client_org.get(_url(tenant.org), {"module": "settings"}).content.decode()
    assert "Drift" in by_module and "Kari Nordmann" not in by_module

    by_user = admin_client_org.get(_url(tenant.org), {"user": tenant.admin.pk}).content.decode()
    table = by_user.split("<tbody>", 1)[1]
    assert "Drift" in table and "Lekkasje" not in table

    today = timezone.localdate().isoformat()
    recent = admin_client_org.get(_url(tenant.org), {"date_from": today}).content.decode()
    assert "Kari Nordmann" not in recent.split("<tbody>", 1)[1] and "Drift" in recent


def test_bad_filters_are_form_errors_never_500(tenant, admin_client_org, history):
    for params in NASTY_FILTERS:
        assert admin_client_org.get(_url(tenant.org), params).status_code == 200, params
    html = admin_client_org.get(
        _url(tenant.org), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    ).content.decode()
    assert "The end date cannot be before the start date." in html
    assert 'value="2026-05-02"' in html  # what was typed stays


def test_only_admins_and_never_outsiders(tenant, staff_client, outsider_client, client):
    url = _url(tenant.org)
    assert staff_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert client.get(url).status_code == 302  # to sign in


def test_other_organizations_events_are_not_listed(tenant, other_tenant, admin_client_org):
    customer_create(org=other_tenant.org, actor=other_tenant.admin, name="Beta Kunde")
    assert "Beta Kunde" not in admin_client_org.get(_url(tenant.org)).content.decode()


def test_modules_settings_switch_the_tabs(tenant, admin_client_org, staff_client, outsider_client):
    url = f"/{tenant.org.slug}/settings/modules/"
    page = admin_client_org.get(url)
    assert page.status_code == 200
    boxes = dict(
        re.findall(r'<input type="checkbox" name="(\w+)"[^>]*?( checked)?>', page.content.decode())
    )
    assert boxes == {
        "customers": "",
        "properties": "",
        "inquiries": " checked",
        "cases": " checked",
        "deviations": " checked",
    }
    response = admin_client_org.post(url, {"customers": "on", "inquiries": "on"})
    assert response.status_code == 302
    tenant.org.refresh_from_db()
    assert tenant.org.events_enabled("customers")
    assert not tenant.org.events_enabled("cases")  # unticked
    assert last_event(tenant.org, "changed").actor == tenant.admin
    assert staff_client.get(url).status_code == 403
    assert outsider_client.post(url, {"cases": "on"}).status_code == 404


def test_deviation_events_link_to_the_deviation(tenant, admin_client_org):
    deviation = make_deviation(tenant, title="Løst rekkverk")
    html = admin_client_org.get(_url(tenant.org), {"module": "deviations"}).content.decode()
    assert f'href="/{tenant.org.slug}/deviations/{deviation.number}/"' in html
