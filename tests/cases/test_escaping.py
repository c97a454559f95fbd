"""Rows and history entries are built in Python for speed: every user-typed value must still
come out escaped."""

from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory

EVIL = '<script>alert("x")</script>'


def test_inbox_and_case_list_escape_titles_and_customer_names(tenant, staff_client):
    customer = CustomerFactory(organization=tenant.org, name=f"Ola {EVIL}")
    make_case(
        tenant.org,
        tenant.caseworker,
        title=f"Leak {EVIL}",
        customer=customer,
        assignee=tenant.caseworker,
    )

    for url in (f"/{tenant.org.slug}/?tab=all", f"/{tenant.org.slug}/cases/"):
        body = staff_client.get(url).content.decode()
        assert EVIL not in body
        assert "Leak &lt;script&gt;" in body
        assert "Ola &lt;script&gt;" in body


def test_case_history_escapes_changed_values(tenant, staff_client):
    from cases.services.cases import case_change

    case = make_case(tenant.org, tenant.caseworker, title="Plain")
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, title=f"Now {EVIL}")

    body = staff_client.get(f"/{tenant.org.slug}/cases/{case.number}/").content.decode()
    assert EVIL not in body
    assert "&lt;script&gt;" in body
