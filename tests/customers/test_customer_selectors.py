"""Customer search and autocomplete: what they match, their order and their organization."""

from __future__ import annotations

from customers.selectors import customer_autocomplete, customer_page, customer_search
from tests.factories.customers import CustomerFactory
from tests.markers import postgresql_only


def _names(queryset) -> list[str]:
    return [c.name for c in queryset]


def test_search_matches_name_email_phone_address_and_org_number(tenant):
    ingrid = CustomerFactory(
        organization=tenant.org,
        name="Ingrid Solberg",
        email="ingrid@epost.example",
        phone="+47 912 34 501",
        address="Solsidevegen 4A",
    )
    company = CustomerFactory(
        organization=tenant.org,
        name="Sameiet Solsiden",
        customer_type="company",
        org_number="925 114 302",
        address="Kjøpmannsgata 1",
        email="styret@sameie.example",
        phone="",
    )
    CustomerFactory(organization=tenant.org, name="Nora Bakken", address="Elgeseter gate 1")

    assert _names(customer_search(tenant.org, "solberg")) == [ingrid.name]
    assert _names(customer_search(tenant.org, "INGRID@epost")) == [ingrid.name]
    assert _names(customer_search(tenant.org, "91234501")) == [ingrid.name]
    assert _names(customer_search(tenant.org, "912 34 501")) == [ingrid.name]
    assert _names(customer_search(tenant.org, "solsidevegen")) == [ingrid.name]
    assert _names(customer_search(tenant.org, "925114302")) == [company.name]


def test_every_word_must_match_some_field(tenant):
    CustomerFactory(organization=tenant.org, name="Ola Hansen", city="Oslo")
    CustomerFactory(organization=tenant.org, name="Ola Berg", city="Bergen")

    assert _names(customer_search(tenant.org, "ola bergen")) == ["Ola Berg"]


def test_search_never_returns_another_organizations_customers(tenant, other_tenant):
    CustomerFactory(organization=other_tenant.org, name="Beta Solberg")

    assert _names(customer_search(tenant.org, "solberg")) == []
    assert _names(customer_search(tenant.org, "")) == []


def test_empty_search_lists_everyone_by_name(tenant):
    for name in ("Cecilie", "Anders", "Bjørn"):
        CustomerFactory(organization=tenant.org, name=name)

    assert _names(customer_search(tenant.org, "  ")) == ["Anders", "Bjørn", "Cecilie"]


def test_customer_page_paginates_fifty_a_page(tenant):
    CustomerFactory.create_batch(51, organization=tenant.org)

    first = customer_page(tenant.org, "", 1)
    second = customer_page(tenant.org, "", "2")
    clamped = customer_page(tenant.org, "", "abc")

    assert (len(first.object_list), len(second.object_list)) == (50, 1)
    assert clamped.number == 1


def test_autocomplete_gives_at_most_twenty_rows_with_contact_fields(tenant):
    CustomerFactory.create_batch(25, organization=tenant.org, city="Trondheim")
    CustomerFactory(
        organization=tenant.org,
        name="Aase Aaberg",
        email="aase@example.net",
        phone="+47 1",
        address="Torget 1",
        postcode="7011",
        city="Trondheim",
    )

    rows = customer_autocomplete(tenant.org, "trondheim")

    assert len(rows) == 20
    assert rows[0] == {
        "id": rows[0]["id"],
        "name": "Aase Aaberg",
        "email": "aase@example.net",
        "phone": "+47 1",
        "address": "Torget 1, 7011 Trondheim",
    }


def test_autocomplete_needs_a_query(tenant):
    CustomerFactory(organization=tenant.org)

    assert customer_autocomplete(tenant.org, "") == []


@postgresql_only("trigram indexes are a PostgreSQL extension")
def test_the_search_can_use_the_trigram_index_of_every_column_it_reads(tenant):
    """The indexes must index exactly the expressions the search's SQL compares."""
    from django.db import connection

    from customers.models import Customer
    from customers.selectors import _customer_filter, _with_compact_numbers

    # The search's own conditions, without the organization (whose B-tree would win on a
    # table this small): with sequential scans off, each condition must find its index.
    query = _with_compact_numbers(Customer.objects.all()).filter(_customer_filter("Nordmann"))
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in (
        "customer_name_trgm",
        "customer_email_trgm",
        "customer_address_trgm",
        "customer_city_trgm",
        "customer_contact_trgm",
        "customer_postcode_trgm",
        "customer_phone_trgm",
        "customer_org_number_trgm",
    ):
        assert index in plan, index
