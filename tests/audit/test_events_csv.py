"""Settings → Events → Export as CSV: exactly the filtered rows, UTF-8 with a byte order mark,
times in the organization's time zone, cells a spreadsheet will not run."""

from __future__ import annotations

import csv
import io

import pytest

from customers.services import customer_create
from organizations import tenancy
from organizations.audit import audit_record
from organizations.models_audit import AuditEvent
from organizations.services import team_save
from tests.audit.test_org_events_page import NASTY_FILTERS

pytestmark = pytest.mark.django_db


def _url(org) -> str:
    return f"/{org.slug}/settings/events/export/"


def _csv_rows(response) -> list[list[str]]:
    # Read as the server sends it: after the view has returned, with no organization active.
    with tenancy.no_scope():
        body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # UTF-8 with a byte order mark
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_holds_exactly_the_filtered_rows(tenant, admin_client_org, history):
    response = admin_client_org.get(_url(tenant.org), {"user": tenant.caseworker.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = _csv_rows(response)
    assert header[0] == "Time" and len(header) == 8
    expected = AuditEvent.objects.filter(organization=tenant.org, actor=tenant.caseworker)
    assert sorted(int(row[4]) for row in rows) == sorted(e.object_id for e in expected)
    assert {row[1] for row in rows} == {str(tenant.caseworker)}
    assert any("Kari Nordmann" in row[5] for row in rows)


def test_the_csv_is_in_the_time_zone_and_safe_for_spreadsheets(tenant, admin_client_org):
    team = team_save(org=tenant.org, actor=tenant.admin, name="Drift", members=[])
    audit_record(
        org=tenant.org, actor="=cmd|' /C calc'!A0", module="settings", obj=team, action="x"
    )
    rows = _csv_rows(admin_client_org.get(_url(tenant.org)))[1:]
    assert all(row[0].endswith(("+01:00", "+02:00")) for row in rows)  # Europe/Oslo
    assert any(row[1] == "'=cmd|' /C calc'!A0" for row in rows)


def test_bad_filters_go_back_to_the_page_with_the_errors(tenant, admin_client_org, history):
    for params in NASTY_FILTERS:
        assert admin_client_org.get(_url(tenant.org), params).status_code in (200, 302), params
    response = admin_client_org.get(_url(tenant.org), {"date_from": "2026-13-45"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/{tenant.org.slug}/settings/events/?")


def test_only_admins_and_never_outsiders(tenant, staff_client, outsider_client, client):
    assert staff_client.get(_url(tenant.org)).status_code == 403
    assert outsider_client.get(_url(tenant.org)).status_code == 404
    assert client.get(_url(tenant.org)).status_code == 302  # to sign in


def test_other_organizations_events_are_not_exported(tenant, other_tenant, admin_client_org):
    customer_create(org=other_tenant.org, actor=other_tenant.admin, name="Beta Kunde")
    rows = _csv_rows(admin_client_org.get(_url(tenant.org)))
    assert not any("Beta Kunde" in cell for row in rows for cell in row)
