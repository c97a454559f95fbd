"""Unlinking a contact asks first (a page without JavaScript, hx-confirm with it) and can be
undone for a few minutes by whoever unlinked: the role's end date as before, or a role that
had not started linked again. Audited; outsiders get 404; nothing comes from the form."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.contact_undo import SESSION_KEY, contact_role_unlink_undo
from customers.models import ContactRole
from organizations.models_audit import AuditEvent
from tests.factories.customers import ContactRoleFactory, CustomerFactory
from tests.factories.properties import PropertyFactory

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ingrid(tenant):
    return CustomerFactory(organization=tenant.org, name="Ingrid Solberg")


@pytest.fixture
def home(tenant):
    return PropertyFactory(organization=tenant.org, address="Storgata 1")


def _url(tenant, path: str) -> str:
    return f"/{tenant.org.slug}/customers/roles/{path}"


def test_unlink_without_javascript_asks_first(tenant, staff_client, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home)
    response = staff_client.post(_url(tenant, f"{role.pk}/end/"), {"anchor": "customer"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unlink contact?" in html and 'name="confirm" value="1"' in html
    role.refresh_from_db()
    assert role.end_date is None


def test_unlink_button_asks_with_htmx(tenant, staff_client, ingrid, home):
    ContactRoleFactory(customer=ingrid, property=home)
    page = staff_client.get(f"/{tenant.org.slug}/customers/{ingrid.pk}/").content.decode()
    assert "hx-confirm=" in page


def test_undo_restores_an_ended_role(tenant, staff_client, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home, start_date=datetime.date(2020, 1, 1))
    answer = staff_client.post(_url(tenant, f"{role.pk}/end/"), {"anchor": "customer"}, **HX)
    assert "Undo unlink" in answer.content.decode()
    role.refresh_from_db()
    assert role.end_date == timezone.localdate()

    response = staff_client.post(_url(tenant, "undo/"), {"anchor": "customer"}, **HX)

    assert response.status_code == 200
    assert "Unlink undone." in response.content.decode()
    assert "Undo unlink" not in response.content.decode()
    role.refresh_from_db()
    assert role.end_date is None
    assert AuditEvent.objects.filter(action="restored").exists()


def test_undo_relinks_a_role_that_had_not_started(tenant, staff_client, ingrid, home):
    later = timezone.localdate() + datetime.timedelta(days=30)
    role = ContactRoleFactory(customer=ingrid, property=home, start_date=later)
    staff_client.post(
        _url(tenant, f"{role.pk}/end/"), {"anchor": "property", "confirm": "1"}, follow=True
    )
    assert not ContactRole.objects.exists()

    response = staff_client.post(_url(tenant, "undo/"), {"anchor": "property"}, follow=True)

    assert "Unlink undone." in response.content.decode()
    again = ContactRole.objects.get()
    assert (again.customer, again.property, again.start_date) == (ingrid, home, later)


def test_undo_expires_and_then_is_404(tenant, staff_client, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home)
    staff_client.post(_url(tenant, f"{role.pk}/end/"), {"anchor": "customer"}, **HX)
    session = staff_client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "at": time.time() - 3600}
    session.save()
    assert staff_client.post(_url(tenant, "undo/"), {"anchor": "customer"}).status_code == 404
    role.refresh_from_db()
    assert role.end_date is not None


def test_undo_belongs_to_who_unlinked(tenant, staff_client, admin_client_org, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home)
    staff_client.post(_url(tenant, f"{role.pk}/end/"), {"anchor": "customer"}, **HX)
    assert admin_client_org.post(_url(tenant, "undo/"), {"anchor": "customer"}).status_code == 404


def test_outsider_gets_404_on_undo_and_unlink(tenant, outsider_client, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home)
    assert outsider_client.post(_url(tenant, f"{role.pk}/end/")).status_code == 404
    assert outsider_client.post(_url(tenant, "undo/")).status_code == 404
    role.refresh_from_db()
    assert role.end_date is None


def test_undo_service_refuses_another_organizations_entry(tenant, other_tenant, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home, end_date=timezone.localdate())
    entry = {"org": tenant.org.pk, "id": role.pk, "previous_end": None}
    with pytest.raises(ValidationError, match="another organization"):
        contact_role_unlink_undo(org=other_tenant.org, actor=None, entry=entry)
    role.refresh_from_db()
    assert role.end_date is not None
