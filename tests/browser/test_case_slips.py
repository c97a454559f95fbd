"""Issue 14 on the case page: the note box reads "@Name" after choosing a mention (the request
still carries the mention), and a file added with a note shows in the Files panel at once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Note
from tests.browser.conftest import login
from tests.cases.detail_support import png_bytes
from tests.factories.cases import make_case
from tests.factories.organizations import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_mention_reads_as_a_name_and_a_notes_file_reaches_the_files_panel(
    page, live_server, tenant, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    org, caseworker, colleague = tenant.org, tenant.caseworker, tenant.admin
    case = make_case(org, caseworker, title="Lekkasje i kjelleren")
    login(page, live_server, caseworker.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{org.slug}/cases/{case.number}/")
    files = page.locator("#case-attachments")
    expect(files.locator(".count")).to_have_text("0")

    note = page.get_by_role("textbox", name="Internal note", exact=True)
    note.click()
    page.keyboard.type("Hei @Adm")
    option = page.get_by_role("listbox", name="People to mention").get_by_role(
        "option", name=re.compile(colleague.full_name)
    )
    expect(option).to_be_visible()
    page.keyboard.press("Enter")
    expect(note).to_have_value(f"Hei @{colleague.full_name} ")
    page.keyboard.type("se bildet")
    page.locator("#composer-note input[type=file]").set_input_files(
        {"name": "lekkasje.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="Add internal note").click()

    expect(page.locator("mark.mention").first).to_have_text(f"@{colleague.full_name}")
    expect(files.locator(".count")).to_have_text("1")
    expect(files).to_contain_text("lekkasje.png")
    saved = Note.objects.get(case=case)
    assert list(saved.mentions.all()) == [colleague]
    assert saved.body == f"Hei @[{colleague.full_name}](user:{colleague.pk}) se bildet"


def test_picking_a_customer_on_new_case_suggests_their_property(page, live_server, tenant):
    from customers.models import ContactRole
    from tests.factories.customers import CustomerFactory
    from tests.factories.properties import PropertyFactory

    org = tenant.org
    customer = CustomerFactory(organization=org, name="Kari Eier", email="kari@example.net")
    prop = PropertyFactory(organization=org, address="Fjordveien 7")
    ContactRole.objects.create(organization=org, customer=customer, property=prop, role="owner")
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{org.slug}/cases/new/")
    page.get_by_placeholder("Name, e-mail or phone").fill("Kari Eier")
    customer_select = page.get_by_label("Existing customer", exact=True)
    expect(customer_select.locator(f'option[value="{customer.pk}"]')).to_have_count(1)
    customer_select.select_option(str(customer.pk))
    property_select = page.locator('[data-picker-kind="property"] select')
    expect(property_select).to_have_value(str(prop.pk))
    expect(page.get_by_text("The customer’s property was filled in")).to_be_visible()
