"""Contact roles on the customer and property pages: add, edit and unlink, in place with htmx
and as plain pages without it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from customers.models import ContactRole
from tests.factories.customers import ContactRoleFactory, CustomerFactory
from tests.factories.properties import PropertyFactory

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ingrid(tenant):
    return CustomerFactory(organization=tenant.org, name="Ingrid Solberg")


@pytest.fixture
def home(tenant):
    return PropertyFactory(organization=tenant.org, address="Solsidevegen 4A, H0101")


def _assert_is_the_section(html: str) -> None:
    """An htmx answer: the section and its status line, without the page around them."""
    assert '<section id="contact-roles"' in html
    assert "<html" not in html
    assert 'hx-swap-oob="innerHTML"' in html


def _roles(tenant, path: str = "") -> str:
    return f"/{tenant.org.slug}/customers/roles/{path}"


def test_customer_page_offers_a_property_picker_to_link(tenant, staff_client, ingrid, home):
    html = staff_client.get(f"/{tenant.org.slug}/customers/{ingrid.pk}/").content.decode()

    assert "Link to a property" in html
    assert f'<option value="{home.pk}">' in html
    assert f'name="role-customer" value="{ingrid.pk}"' in html


def test_linking_from_the_customer_page_with_htmx_returns_the_section(
    tenant, staff_client, ingrid, home
):
    response = staff_client.post(
        _roles(tenant, "new/"),
        {
            "anchor": "customer",
            "role-customer": ingrid.pk,
            "role-property": home.pk,
            "role-role": "owner",
            "role-start_date": "2025-06-15",
        },
        **HX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    _assert_is_the_section(html)
    assert '<p id="contact-roles-status" hx-swap-oob="innerHTML">Contact added.</p>' in html
    assert "Solsidevegen 4A, H0101" in html
    role = ContactRole.objects.get()
    assert (role.customer, role.property, role.organization) == (ingrid, home, tenant.org)
    assert role.start_date == datetime.date(2025, 6, 15)


def test_linking_without_htmx_redirects_back_to_the_property_page(
    tenant, staff_client, ingrid, home
):
    response = staff_client.post(
        _roles(tenant, "new/"),
        {
            "anchor": "property",
            "role-property": home.pk,
            "role-customer": ingrid.pk,
            "role-role": "resident",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/{tenant.org.slug}/properties/{home.pk}/"
    assert ContactRole.objects.get().role == "resident"


def test_a_bad_link_answers_400_with_errors_and_the_typed_input(tenant, staff_client, ingrid, home):
    response = staff_client.post(
        _roles(tenant, "new/"),
        {
            "anchor": "customer",
            "role-customer": ingrid.pk,
            "role-property": home.pk,
            "role-role": "owner",
            "role-start_date": "2025-06-15",
            "role-end_date": "2025-01-01",
        },
        **HX,
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "The end date cannot be before the start date." in html
    assert 'value="2025-06-15"' in html
    assert f'<option value="{home.pk}" selected>' in html
    assert '<details class="add-role" open>' in html
    assert not ContactRole.objects.exists()


def test_a_property_of_another_organization_cannot_be_linked(
    tenant, other_tenant, staff_client, ingrid
):
    foreign = PropertyFactory(organization=other_tenant.org)

    response = staff_client.post(
        _roles(tenant, "new/"),
        {
            "anchor": "customer",
            "role-customer": ingrid.pk,
            "role-property": foreign.pk,
            "role-role": "owner",
        },
        **HX,
    )

    assert response.status_code == 400
    assert not ContactRole.objects.exists()


def test_add_form_page_works_without_htmx(tenant, staff_client, ingrid, home):
    response = staff_client.get(_roles(tenant, "new/"), {"property": home.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="role-property"' in html
    assert f'<option value="{ingrid.pk}">' in html


def test_edit_with_htmx_opens_the_form_inside_the_section(tenant, staff_client, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home)

    response = staff_client.get(_roles(tenant, f"{role.pk}/edit/"), {"anchor": "customer"}, **HX)

    html = response.content.decode()
    assert response.status_code == 200
    _assert_is_the_section(html)
    assert f'name="role{role.pk}-role"' in html


def test_edit_saves_the_role_and_period(tenant, staff_client, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home)

    response = staff_client.post(
        _roles(tenant, f"{role.pk}/edit/"),
        {
            "anchor": "property",
            f"role{role.pk}-role": "co_owner",
            f"role{role.pk}-start_date": "2024-01-01",
            f"role{role.pk}-end_date": "",
        },
        **HX,
    )

    assert response.status_code == 200
    assert "Contact role saved." in response.content.decode()
    role.refresh_from_db()
    assert (role.role, role.start_date) == ("co_owner", datetime.date(2024, 1, 1))


def test_edit_errors_answer_400_and_keep_the_typed_dates(tenant, staff_client, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home)

    response = staff_client.post(
        _roles(tenant, f"{role.pk}/edit/"),
        {
            "anchor": "customer",
            f"role{role.pk}-role": "owner",
            f"role{role.pk}-start_date": "2024-05-01",
            f"role{role.pk}-end_date": "2024-04-01",
        },
        **HX,
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "The end date cannot be before the start date." in html
    assert 'value="2024-04-01"' in html


def test_edit_page_without_htmx_shows_a_full_form(tenant, staff_client, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home)

    response = staff_client.get(_roles(tenant, f"{role.pk}/edit/"))

    assert response.status_code == 200
    assert "Edit contact role" in response.content.decode()


def test_unlink_ends_the_role_and_it_stays_listed_as_ended(tenant, staff_client, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home, start_date=datetime.date(2020, 1, 1))

    response = staff_client.post(_roles(tenant, f"{role.pk}/end/"), {"anchor": "customer"}, **HX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Contact role ended today" in html
    assert "ended" in html
    role.refresh_from_db()
    assert role.end_date == timezone.localdate()


def test_unlink_needs_post(tenant, staff_client, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home)

    assert staff_client.get(_roles(tenant, f"{role.pk}/end/")).status_code == 405


def test_unlinking_twice_says_why_it_cannot(tenant, staff_client, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home, end_date=datetime.date(2024, 1, 1))

    response = staff_client.post(_roles(tenant, f"{role.pk}/end/"), {"anchor": "customer"}, **HX)

    assert response.status_code == 400
    assert "This role has already ended." in response.content.decode()


def test_unlink_without_htmx_redirects_with_a_message(tenant, staff_client, ingrid, home):
    role = ContactRoleFactory(customer=ingrid, property=home)

    response = staff_client.post(
        _roles(tenant, f"{role.pk}/end/"), {"anchor": "property", "confirm": "1"}, follow=True
    )

    assert response.redirect_chain[-1][0] == f"/{tenant.org.slug}/properties/{home.pk}/"
    assert "Contact role ended today" in response.content.decode()


def test_staff_cannot_touch_another_organizations_role_through_their_own_prefix(
    tenant, other_tenant, staff_client
):
    foreign = ContactRoleFactory(customer=CustomerFactory(organization=other_tenant.org))

    assert staff_client.get(_roles(tenant, f"{foreign.pk}/edit/")).status_code == 404
    assert staff_client.post(_roles(tenant, f"{foreign.pk}/end/")).status_code == 404
    foreign.refresh_from_db()
    assert foreign.end_date is None
