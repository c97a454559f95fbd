"""The case list: filters, search, sorting, htmx updates and the embeddable fragment."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Category
from cases.services.cases import case_change
from tests.cases.lists_support import numbers_in, queries_for_get, rich_cases
from tests.factories.cases import TagFactory, make_case
from tests.factories.customers import CustomerFactory, SupplierFactory
from tests.factories.organizations import TeamFactory
from tests.factories.properties import PropertyFactory

pytestmark = pytest.mark.django_db


def list_url(org, **params) -> str:
    url = reverse("cases:case_list", kwargs={"org_slug": org.slug})
    return f"{url}?{urlencode(params)}" if params else url


def titles(response) -> set[str]:
    return {c.title for c in response.context["page"].rows}


@pytest.fixture
def org(tenant):
    return tenant.org


@pytest.fixture
def me(tenant):
    return tenant.caseworker


def test_filter_by_status_and_by_open(org, me, staff_client):
    make_case(org, me, title="New one")
    waiting = make_case(org, me, title="Waiting one")
    case_change(org=org, actor=me, case=waiting, status=Case.Status.WAITING)
    closed = make_case(org, me, title="Closed one")
    case_change(org=org, actor=me, case=closed, status=Case.Status.CLOSED)

    assert titles(staff_client.get(list_url(org, status="waiting"))) == {"Waiting one"}
    assert titles(staff_client.get(list_url(org, status="open"))) == {"New one", "Waiting one"}


def test_filter_by_priority_source_category_supplier(org, me, staff_client):
    category = Category.objects.filter(organization=org).last()
    supplier = SupplierFactory(organization=org, name="Rørlegger Hansen AS")
    make_case(org, me, title="Plain")
    make_case(org, me, title="Urgent", priority="critical")
    make_case(org, me, title="By phone", source="phone")
    make_case(org, me, title="Categorised", category=category)
    make_case(org, me, title="For plumber", supplier=supplier)

    assert titles(staff_client.get(list_url(org, priority="critical"))) == {"Urgent"}
    assert titles(staff_client.get(list_url(org, source="phone"))) == {"By phone"}
    assert titles(staff_client.get(list_url(org, category=category.pk))) == {"Categorised"}
    assert titles(staff_client.get(list_url(org, supplier=supplier.pk))) == {"For plumber"}


def test_filter_by_assignee_and_unassigned(tenant, org, me, staff_client):
    make_case(org, me, title="Mine", assignee=me)
    make_case(org, me, title="Admin's", assignee=tenant.admin)
    make_case(org, me, title="Nobody's")

    assert titles(staff_client.get(list_url(org, assignee=me.pk))) == {"Mine"}
    assert titles(staff_client.get(list_url(org, assignee="none"))) == {"Nobody's"}


def test_filter_by_team_and_tag(org, me, staff_client):
    team = TeamFactory(organization=org)
    tag = TagFactory(organization=org, name="fukt")
    make_case(org, me, title="Team case", teams=[team])
    tagged = make_case(org, me, title="Tagged case")
    tagged.tags.add(tag)
    make_case(org, me, title="Neither")

    assert titles(staff_client.get(list_url(org, team=team.pk))) == {"Team case"}
    assert titles(staff_client.get(list_url(org, tag=tag.pk))) == {"Tagged case"}


def test_filter_overdue_shows_open_cases_past_their_deadline(org, me, staff_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    make_case(org, me, title="Late", deadline=yesterday)
    make_case(org, me, title="In time", deadline=timezone.localdate())
    late_but_done = make_case(org, me, title="Late but resolved", deadline=yesterday)
    case_change(org=org, actor=me, case=late_but_done, status=Case.Status.RESOLVED)

    assert titles(staff_client.get(list_url(org, overdue="on"))) == {"Late"}


def test_filter_by_creation_dates_includes_both_days(org, me, staff_client):
    old = make_case(org, me, title="March")
    Case.objects.filter(pk=old.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 3, 10, 23, 30))
    )
    make_case(org, me, title="Today")

    response = staff_client.get(list_url(org, created_from="2026-03-10", created_to="2026-03-10"))

    assert titles(response) == {"March"}
    assert titles(staff_client.get(list_url(org, created_from="2026-03-11"))) == {"Today"}


def test_filter_by_customer_and_by_property_with_what_lies_under_it(org, me, staff_client):
    customer = CustomerFactory(organization=org)
    estate = PropertyFactory(organization=org, address="Solsiden borettslag")
    unit = PropertyFactory(organization=org, parent=estate, address="Solsiden 4B")
    make_case(org, me, title="Customer's", customer=customer)
    make_case(org, me, title="On the estate", property=estate)
    make_case(org, me, title="In the unit", property=unit)
    make_case(org, me, title="Elsewhere", property=PropertyFactory(organization=org))

    assert titles(staff_client.get(list_url(org, customer=customer.pk))) == {"Customer's"}
    assert titles(staff_client.get(list_url(org, property=estate.pk))) == {
        "On the estate",
        "In the unit",
    }
    assert titles(staff_client.get(list_url(org, property=unit.pk))) == {"In the unit"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sprekk", {"Sprekk i flis"}),
        ("SPREKK", {"Sprekk i flis"}),
        ("balkongdøra", {"Dør"}),
        ("Nordmann", {"Kari's case"}),
        ("Storgata 17", {"On Storgata"}),
    ],
)
def test_search_finds_title_description_customer_and_address(
    org, me, staff_client, query, expected
):
    make_case(org, me, title="Sprekk i flis")
    make_case(org, me, title="Dør", description="Balkongdøra lukker seg ikke")
    kari = CustomerFactory(organization=org, name="Kari Nordmann")
    make_case(org, me, title="Kari's case", customer=kari)
    make_case(
        org,
        me,
        title="On Storgata",
        property=PropertyFactory(organization=org, address="Storgata 17"),
    )

    assert titles(staff_client.get(list_url(org, q=query))) == expected


def test_search_by_case_number_with_or_without_hash(org, me, staff_client):
    cases = [make_case(org, me, title=title) for title in ("Alpha", "Beta", "Gamma")]

    assert numbers_in(staff_client.get(list_url(org, q=str(cases[1].number)))) == [cases[1].number]
    assert numbers_in(staff_client.get(list_url(org, q=f"#{cases[2].number}"))) == [cases[2].number]


def test_filters_combine(org, me, staff_client):
    make_case(org, me, title="Critical phone", priority="critical", source="phone")
    make_case(org, me, title="Critical e-mail", priority="critical", source="email")

    response = staff_client.get(list_url(org, priority="critical", source="phone"))

    assert titles(response) == {"Critical phone"}


def test_filter_form_keeps_its_values(org, me, staff_client):
    team = TeamFactory(organization=org, name="Kundeservice")
    customer = CustomerFactory(organization=org, name="Ola Nordmann")

    html = staff_client.get(
        list_url(
            org,
            q="lekkasje",
            status="open",
            team=team.pk,
            overdue="on",
            created_from="2026-01-02",
            customer=customer.pk,
            sort="-priority",
        )
    ).content.decode()

    assert 'value="lekkasje"' in html
    assert '<option value="open" selected>' in html
    assert f'<option value="{team.pk}" selected>Kundeservice</option>' in html
    assert 'name="overdue" id="id_overdue" checked' in html
    assert 'value="2026-01-02"' in html
    assert f'<option value="{customer.pk}" selected>Ola Nordmann</option>' in html
    assert 'name="sort" id="filter-sort" value="-priority"' in html


def test_bad_filter_is_reported_and_the_others_still_apply(org, me, staff_client):
    make_case(org, me, title="Urgent", priority="critical")
    make_case(org, me, title="Calm", priority="low")

    response = staff_client.get(list_url(org, priority="critical", created_from="31.02.2026"))

    assert titles(response) == {"Urgent"}
    assert "Enter a valid date." in response.content.decode()


def test_end_date_before_start_date_is_an_error(org, staff_client):
    response = staff_client.get(list_url(org, created_from="2026-03-10", created_to="2026-03-01"))

    assert "The end date is before the start date." in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "aria"), [("number", "ascending"), ("-number", "descending"), ("", "descending")]
)
def test_sorted_column_carries_aria_sort(org, me, staff_client, sort, aria):
    make_case(org, me)

    html = staff_client.get(list_url(org, sort=sort)).content.decode()

    assert html.count("aria-sort=") == 1
    assert f'aria-sort="{aria}"' in html


def test_sort_by_priority_puts_critical_first(org, me, staff_client):
    for priority in ("low", "critical", "normal", "high"):
        make_case(org, me, title=priority, priority=priority)

    response = staff_client.get(list_url(org, sort="-priority"))

    assert [c.title for c in response.context["page"].rows] == [
        "critical",
        "high",
        "normal",
        "low",
    ]


def test_sort_link_of_the_sorted_column_flips_direction(org, me, staff_client):
    make_case(org, me)

    response = staff_client.get(list_url(org, sort="number", status="open"))

    number = next(c for c in response.context["columns"] if c["key"] == "number")
    path, query = number["link"].href.split("?")
    assert path == list_url(org)
    assert parse_qs(query) == {"status": ["open"], "sort": ["-number"]}


def test_htmx_request_gets_only_the_table(org, me, staff_client):
    make_case(org, me, title="Shown")

    response = staff_client.get(list_url(org, status="open"), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html and 'role="search"' not in html
    assert 'id="case-results"' in html and "Shown" in html
    assert 'id="list-status" hx-swap-oob="innerHTML"' in html


def test_fragment_for_a_customer_page_is_the_bare_table(org, me, staff_client):
    customer = CustomerFactory(organization=org)
    make_case(org, me, title="Theirs", customer=customer)
    make_case(org, me, title="Not theirs")

    response = staff_client.get(list_url(org, customer=customer.pk, fragment=1))

    html = response.content.decode()
    assert titles(response) == {"Theirs"}
    assert "<html" not in html and 'role="search"' not in html
    assert 'name="ids"' not in html  # no bulk actions inside another page
    number = next(c for c in response.context["columns"] if c["key"] == "number")
    assert "fragment=1" in number["link"].hx and "fragment" not in number["link"].href
    assert "hx-push-url" not in html


def test_fragment_for_a_property(org, me, staff_client):
    prop = PropertyFactory(organization=org)
    make_case(org, me, title="Here", property=prop)

    response = staff_client.get(list_url(org, property=prop.pk, fragment=1))

    assert titles(response) == {"Here"}


def test_fragment_for_a_supplier_also_an_inactive_one(org, me, staff_client):
    supplier = SupplierFactory(organization=org, name="Rørlegger Hansen AS", is_active=False)
    make_case(org, me, title="Old job", supplier=supplier)
    make_case(org, me, title="Someone else's")

    response = staff_client.get(list_url(org, supplier=supplier.pk, fragment=1))

    assert titles(response) == {"Old job"}
    assert not response.context["form"].errors
    full = staff_client.get(list_url(org)).content.decode()
    assert "Rørlegger Hansen AS (inactive)</option>" in full


def test_customer_of_another_organization_in_the_url_gives_404(org, other_tenant, staff_client):
    foreign = CustomerFactory(organization=other_tenant.org)
    foreign_property = PropertyFactory(organization=other_tenant.org)

    assert staff_client.get(list_url(org, customer=foreign.pk, fragment=1)).status_code == 404
    assert staff_client.get(list_url(org, property=foreign_property.pk)).status_code == 404


def test_other_organizations_cases_never_appear(org, other_tenant, me, staff_client):
    make_case(other_tenant.org, other_tenant.caseworker, title="Beta's case")
    make_case(org, me, title="Ours")

    assert titles(staff_client.get(list_url(org))) == {"Ours"}
    assert titles(staff_client.get(list_url(org, q="Beta"))) == set()


def test_case_list_costs_the_same_number_of_queries_for_1_and_50_cases(org, me, staff_client):
    rich_cases(org, me, 1, assignee=me)
    url = list_url(org, status="open")
    one, _ = queries_for_get(staff_client, url)
    rich_cases(org, me, 49, assignee=me)

    fifty, response = queries_for_get(staff_client, url)

    assert len(response.context["page"].rows) == 50
    assert fifty == one


def test_fragment_costs_the_same_number_of_queries_for_1_and_50_cases(org, me, staff_client):
    customer = CustomerFactory(organization=org)
    rich_cases(org, me, 1, customer=customer)
    url = list_url(org, customer=customer.pk, fragment=1)
    one, _ = queries_for_get(staff_client, url)
    rich_cases(org, me, 49, customer=customer)

    fifty, _ = queries_for_get(staff_client, url)

    assert fifty == one


def test_outsider_gets_404_for_case_list(org, outsider_client):
    assert outsider_client.get(list_url(org)).status_code == 404
    assert outsider_client.get(list_url(org, fragment=1)).status_code == 404


def test_supplier_gets_403_for_case_list(tenant):
    client = tenant.client_for(tenant.supplier)

    assert client.get(list_url(tenant.org)).status_code == 403


@pytest.mark.parametrize("page", ["list", "inbox"])
def test_every_id_on_the_page_is_unique_so_labels_find_their_field(org, me, staff_client, page):
    import re
    from collections import Counter

    make_case(org, me, title="One")
    url = list_url(org) if page == "list" else reverse("cases:inbox", kwargs={"org_slug": org.slug})

    ids = re.findall(r'\sid="([^"]+)"', staff_client.get(url).content.decode())

    assert [i for i, n in Counter(ids).items() if n > 1] == []
