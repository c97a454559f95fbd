"""In a real browser: closing a case with an open task goes through the confirmation page (the
htmx close form swaps the whole page), merging a case previews and lands on the survivor, and an
unlinked contact comes back with Undo."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Case, Task
from cases.services.tasks import task_add
from customers.models import ContactRole
from tests.browser.conftest import browser, login, page  # noqa: F401  (the shared harness)
from tests.factories.cases import make_case
from tests.factories.customers import ContactRoleFactory, CustomerFactory, SupplierFactory
from tests.factories.organizations import TEST_PASSWORD
from tests.factories.properties import PropertyFactory

pytestmark = pytest.mark.browser


def _case_page(live_server, tenant, case) -> str:
    return f"{live_server.url}/{tenant.org.slug}/cases/{case.number}/"


def test_closing_with_an_open_task_asks_and_closes_both(page, live_server, tenant):  # noqa: F811
    case = make_case(tenant.org, tenant.caseworker, title="Tett sluk")
    supplier = SupplierFactory(organization=tenant.org, name="Rør AS")
    task = task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title="Rens sluk", supplier=supplier
    )
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(_case_page(live_server, tenant, case))
    page.locator("summary", has_text="Close case").click()
    page.get_by_label("Resolution").fill("Sluket er renset.")
    page.get_by_role("button", name="Close case").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("with its open tasks?")
    expect(page.get_by_role("link", name="Rens sluk")).to_be_visible()
    expect(page.get_by_label("Resolution")).to_have_value("Sluket er renset.")
    page.get_by_role("button", name="Close the case and its open tasks").click()

    expect(page.get_by_text("The case and its open tasks are closed.")).to_be_visible()
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
    assert Task.objects.get(pk=task.pk).is_done


def test_merging_previews_and_lands_on_the_survivor(page, live_server, tenant):  # noqa: F811
    customer = CustomerFactory(organization=tenant.org, name="Kari Nordmann")
    merged = make_case(tenant.org, tenant.caseworker, title="Lekkasje bad", customer=customer)
    survivor = make_case(tenant.org, tenant.caseworker, title="Lekkasje kjøkken", customer=customer)
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(_case_page(live_server, tenant, merged))
    page.get_by_role("link", name="Merge…").click()
    page.get_by_label(f"#{survivor.number} Lekkasje kjøkken", exact=False).check()
    page.get_by_role("button", name="Show what moves").click()
    expect(page.get_by_text("What moves:")).to_be_visible()
    page.get_by_role("button", name=f"Merge into #{survivor.number}").click()

    expect(page).to_have_url(_case_page(live_server, tenant, survivor))
    expect(page.get_by_text(f"merged case #{merged.number} into this case")).to_be_visible()
    page.goto(_case_page(live_server, tenant, merged))
    expect(page).to_have_url(_case_page(live_server, tenant, survivor))


def test_unlinked_contact_comes_back_with_undo(page, live_server, tenant):  # noqa: F811
    ingrid = CustomerFactory(organization=tenant.org, name="Ingrid Solberg")
    home = PropertyFactory(organization=tenant.org, name="Leilighet A-H0101")
    ContactRoleFactory(customer=ingrid, property=home)
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{tenant.org.slug}/properties/{home.pk}/")
    section = page.locator("#contact-roles")
    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("button", name="Unlink").click()
    expect(page.locator("#contact-roles-status")).to_contain_text("Contact role ended today")
    section.get_by_role("button", name="Undo unlink").click()
    expect(page.locator("#contact-roles-status")).to_have_text("Unlink undone.")
    assert ContactRole.objects.get().end_date is None
