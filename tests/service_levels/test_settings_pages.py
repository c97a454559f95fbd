"""Settings → Business hours and Settings → Service levels: admins only (caseworkers 403,
outsiders 404, anonymous to sign in), clear errors that keep what was typed (400 for htmx),
and what is saved."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cases.models import Category, ServiceLevelPolicy
from cases.services.categories import category_ensure_defaults
from organizations.calendar import closed_day_add
from organizations.models_audit import AuditEvent
from organizations.models_calendar import BusinessCalendar, ClosedDay
from tests.factories.customers import CustomerFactory
from tests.factories.service_levels import ServiceLevelPolicyFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def url(org, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})


def office_hours(**changes) -> dict[str, str]:
    data = {"country": "NO", "risk_percent": "80"}
    for day in range(5):
        data[f"opens_{day}"], data[f"closes_{day}"] = "08:00", "16:00"
    for day in (5, 6):
        data[f"opens_{day}"], data[f"closes_{day}"] = "", ""
    data.update(changes)
    return data


# --- who may see them ------------------------------------------------------------------------


@pytest.fixture
def pages(tenant):
    policy = ServiceLevelPolicyFactory(organization=tenant.org)
    day = closed_day_add(
        org=tenant.org, actor=tenant.admin, date=datetime.date(2030, 1, 2), label="Inventory"
    )
    org = tenant.org
    return {
        "get": [
            url(org, "organizations:business_hours"),
            url(org, "cases:service_levels"),
            url(org, "cases:service_level_new"),
            url(org, "cases:service_level_edit", policy_id=policy.pk),
        ],
        "post": [
            url(org, "organizations:business_hours"),
            url(org, "organizations:closed_day_new"),
            url(org, "organizations:closed_day_delete", closed_day_id=day.pk),
            url(org, "cases:service_level_new"),
            url(org, "cases:service_level_edit", policy_id=policy.pk),
            url(org, "cases:service_level_delete", policy_id=policy.pk),
        ],
    }


def test_caseworkers_get_403_outsiders_404_and_anonymous_users_sign_in(
    tenant, pages, staff_client, outsider_client, client
):
    for page in pages["get"]:
        assert staff_client.get(page).status_code == 403
        assert outsider_client.get(page).status_code == 404
        assert client.get(page).status_code == 302
    for page in pages["post"]:
        assert staff_client.post(page, {}).status_code == 403
        assert outsider_client.post(page, {}).status_code == 404
    assert ServiceLevelPolicy.objects.filter(organization=tenant.org).count() == 1
    assert ClosedDay.objects.filter(organization=tenant.org).count() == 1


def test_another_organizations_policy_or_closed_day_is_404(tenant, other_tenant, admin_client_org):
    theirs = ServiceLevelPolicyFactory(organization=other_tenant.org)
    their_day = closed_day_add(
        org=other_tenant.org, actor=None, date=datetime.date(2030, 1, 2), label="Theirs"
    )
    org = tenant.org

    assert (
        admin_client_org.get(url(org, "cases:service_level_edit", policy_id=theirs.pk)).status_code
        == 404
    )
    for page in (
        url(org, "cases:service_level_delete", policy_id=theirs.pk),
        url(org, "organizations:closed_day_delete", closed_day_id=their_day.pk),
    ):
        assert admin_client_org.post(page).status_code == 404
    assert ServiceLevelPolicy.objects.filter(pk=theirs.pk).exists()
    assert ClosedDay.objects.filter(pk=their_day.pk).exists()


def test_settings_navigation_links_both_pages(tenant, admin_client_org):
    html = admin_client_org.get(url(tenant.org, "organizations:members")).content.decode()

    assert url(tenant.org, "organizations:business_hours") in html
    assert url(tenant.org, "cases:service_levels") in html


# --- business hours ---------------------------------------------------------------------------


def test_business_hours_start_from_the_defaults(tenant, admin_client_org):
    response = admin_client_org.get(url(tenant.org, "organizations:business_hours"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["country"] == "NO"  # English organization in Oslo
    assert form.initial["opens_0"] == datetime.time(8)
    assert "opens_5" not in form.initial  # closed on Saturdays
    html = response.content.decode()
    assert "Public holidays in the coming year" in html


def test_saving_business_hours(tenant, admin_client_org):
    data = office_hours(country="SE", risk_percent="75", opens_4="08:00", closes_4="14:00")
    data.update(opens_5="10:00", closes_5="00:00")  # Saturdays until midnight

    response = admin_client_org.post(url(tenant.org, "organizations:business_hours"), data)

    assert response.status_code == 302
    saved = BusinessCalendar.objects.get(organization=tenant.org)
    assert (saved.country, saved.risk_percent) == ("SE", 75)
    assert saved.opening_hours[4] == ["08:00", "14:00"]
    assert saved.opening_hours[5] == ["10:00", "00:00"]
    assert saved.opening_hours[6] is None
    event = AuditEvent.objects.get(organization=tenant.org, module="settings")
    assert event.changes["country"] == ["", "SE"]
    assert event.changes["friday"] == ["", "08:00–14:00"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"opens_2": "16:00", "closes_2": "08:00"}, "closes_2", "must be after the opening time"),
        ({"closes_1": ""}, "closes_1", "Give both the opening and the closing time"),
        ({"opens_3": "25:00"}, "opens_3", "Enter a valid time"),
        ({"risk_percent": "0"}, "risk_percent", "greater than or equal to 1"),
        ({"country": "FI"}, "country", "Select a valid choice"),
    ],
)
def test_bad_business_hours_are_refused_keeping_what_was_typed(
    tenant, admin_client_org, changes, field, message
):
    data = office_hours(**{"risk_percent": "70", **changes})

    response = admin_client_org.post(url(tenant.org, "organizations:business_hours"), data)
    htmx = admin_client_org.post(url(tenant.org, "organizations:business_hours"), data, headers=HX)

    assert response.status_code == 200 and htmx.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert form["risk_percent"].value() == data["risk_percent"]
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not BusinessCalendar.objects.filter(organization=tenant.org).exists()


def test_a_calendar_closed_every_day_is_refused(tenant, admin_client_org):
    closed = {f"{edge}_{day}": "" for day in range(7) for edge in ("opens", "closes")}

    response = admin_client_org.post(
        url(tenant.org, "organizations:business_hours"), office_hours(**closed)
    )

    assert "Open on at least one day of the week." in response.content.decode()
    assert not BusinessCalendar.objects.filter(organization=tenant.org).exists()


def test_closed_days_are_added_listed_and_removed(tenant, admin_client_org):
    add = url(tenant.org, "organizations:closed_day_new")
    day = datetime.date.today() + datetime.timedelta(days=30)

    response = admin_client_org.post(
        add, {"closed-date": day.isoformat(), "closed-label": "Staff <b>day</b>"}
    )

    assert response.status_code == 302
    page = admin_client_org.get(url(tenant.org, "organizations:business_hours"))
    html = page.content.decode()
    assert "Staff &lt;b&gt;day&lt;/b&gt;" in html and "Staff <b>day</b>" not in html
    saved = ClosedDay.objects.get(organization=tenant.org)
    assert (saved.date, saved.label) == (day, "Staff <b>day</b>")

    again = admin_client_org.post(
        add, {"closed-date": day.isoformat(), "closed-label": "Twice"}, headers=HX
    )
    assert again.status_code == 400
    assert "That day is already a closed day." in again.content.decode()

    removed = admin_client_org.post(
        url(tenant.org, "organizations:closed_day_delete", closed_day_id=saved.pk)
    )
    assert removed.status_code == 302
    assert not ClosedDay.objects.filter(organization=tenant.org).exists()
    assert [e.action for e in AuditEvent.objects.filter(module="settings").order_by("id")] == [
        "created",
        "deleted",
    ]


def test_a_closed_day_needs_a_date_and_a_label(tenant, admin_client_org):
    response = admin_client_org.post(
        url(tenant.org, "organizations:closed_day_new"), {"closed-date": "31.02.2030"}
    )

    form = response.context["day_form"]
    assert form.errors["date"] and form.errors["label"]
    assert 'value="31.02.2030"' in response.content.decode()


# --- service levels ---------------------------------------------------------------------------


def policy_data(**changes) -> dict[str, str]:
    data = {
        "name": "Gold customers",
        "priority": "",
        "category": "",
        "customer": "",
        "customer_search": "",
        "first_response_hours": "1",
        "first_response_mins": "30",
        "resolution_hours": "16",
        "resolution_mins": "",
        "risk_percent": "",
    }
    data.update(changes)
    return data


def test_creating_a_service_level(tenant, admin_client_org):
    category_ensure_defaults(tenant.org)
    category = Category.objects.filter(organization=tenant.org).first()
    kari = CustomerFactory(organization=tenant.org, name="Kari Kunde")

    response = admin_client_org.post(
        url(tenant.org, "cases:service_level_new"),
        policy_data(priority="high", category=str(category.pk), customer=str(kari.pk)),
    )

    assert response.status_code == 302
    policy = ServiceLevelPolicy.objects.get(organization=tenant.org)
    assert (policy.priority, policy.category, policy.customer) == ("high", category, kari)
    assert (policy.first_response_minutes, policy.resolution_minutes) == (90, 960)
    assert policy.risk_percent is None
    listing = admin_client_org.get(url(tenant.org, "cases:service_levels")).content.decode()
    assert "Gold customers" in listing and "1 h 30 min" in listing and "16 h" in listing


def test_editing_a_service_level_shows_and_keeps_its_times(tenant, admin_client_org):
    policy = ServiceLevelPolicyFactory(organization=tenant.org, first_response_minutes=75)
    page = url(tenant.org, "cases:service_level_edit", policy_id=policy.pk)

    form = admin_client_org.get(page).context["form"]
    assert (form["first_response_hours"].value(), form["first_response_mins"].value()) == (1, 15)

    admin_client_org.post(page, policy_data(name="Renamed", priority="normal", risk_percent="60"))

    policy.refresh_from_db()
    assert (policy.name, policy.first_response_minutes, policy.risk_percent) == (
        "Renamed",
        90,
        60,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"first_response_hours": "", "first_response_mins": "", "resolution_hours": ""},
            "first_response_hours",
            "Give a first-response time, a resolution time or both.",
        ),
        ({"first_response_mins": "75"}, "first_response_mins", "less than or equal to 59"),
        ({"resolution_hours": "1"}, "resolution_hours", "cannot be shorter"),
        ({"risk_percent": "100"}, "risk_percent", "less than or equal to 99"),
        ({"name": ""}, "name", "This field is required."),
        ({"customer": "999999"}, "customer", "Choose a customer from the list."),
        ({"category": "999999"}, "category", "Select a valid choice."),
    ],
)
def test_bad_service_levels_are_refused_keeping_what_was_typed(
    tenant, admin_client_org, changes, field, message
):
    data = policy_data(**{"name": "Kept name", **changes})
    page = url(tenant.org, "cases:service_level_new")

    response = admin_client_org.post(page, data)
    htmx = admin_client_org.post(page, data, headers=HX)

    assert response.status_code == 200 and htmx.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["form"]["name"].value() == data["name"]
    assert not ServiceLevelPolicy.objects.filter(organization=tenant.org).exists()


def test_another_organizations_customer_cannot_be_chosen(tenant, other_tenant, admin_client_org):
    theirs = CustomerFactory(organization=other_tenant.org, name="Secret Customer")

    response = admin_client_org.post(
        url(tenant.org, "cases:service_level_new"), policy_data(customer=str(theirs.pk))
    )

    assert response.status_code == 200
    assert "Secret Customer" not in response.content.decode()
    assert not ServiceLevelPolicy.objects.exists()


def test_a_second_policy_for_the_same_cases_is_refused(tenant, admin_client_org):
    ServiceLevelPolicyFactory(organization=tenant.org, priority="high")

    response = admin_client_org.post(
        url(tenant.org, "cases:service_level_new"), policy_data(priority="high")
    )

    assert "already covers this priority, category and customer" in response.content.decode()
    assert ServiceLevelPolicy.objects.filter(organization=tenant.org).count() == 1


def test_the_customer_search_works_without_javascript_and_saves_nothing(tenant, admin_client_org):
    CustomerFactory(organization=tenant.org, name="Kari Kunde")

    response = admin_client_org.post(
        url(tenant.org, "cases:service_level_new"),
        policy_data(customer_search="Kari", _refresh="customer"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Kari Kunde" in html and 'value="Gold customers"' in html
    assert not ServiceLevelPolicy.objects.exists()


def test_deleting_a_service_level(tenant, admin_client_org):
    policy = ServiceLevelPolicyFactory(organization=tenant.org)

    response = admin_client_org.post(
        url(tenant.org, "cases:service_level_delete", policy_id=policy.pk)
    )

    assert response.status_code == 302
    assert not ServiceLevelPolicy.objects.filter(pk=policy.pk).exists()
