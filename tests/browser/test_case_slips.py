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
