"""A file added with an internal note shows in the Files panel at once (issue 14): the note's
htmx answer carries the panel out of band."""

from __future__ import annotations

import re

import pytest

from cases.services.notes import note_add
from tests.cases.detail_support import HX, case_url, png_upload
from tests.factories.cases import make_case


@pytest.fixture
def case(tenant):
    return make_case(tenant.org, tenant.caseworker, title="Vannlekkasje")


def _panel(html: str) -> str:
    match = re.search(r'<section id="case-attachments"[^>]*>.*?</section>', html, re.S)
    assert match, "the Files panel is in the answer"
    return match.group(0)


def test_a_note_with_a_file_updates_the_files_panel(staff_client, case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = staff_client.post(
        case_url(case, "notes/"),
        {"note-body": "Se bildet", "note-files": [png_upload("lekkasje.png")]},
        headers=HX,
    )
    assert response.status_code == 200
    panel = _panel(response.content.decode())
    assert 'hx-swap-oob="true"' in panel
    assert '<span class="count">1</span>' in panel
    assert "lekkasje.png" in panel


def test_a_note_without_files_leaves_the_panel_alone(staff_client, case):
    response = staff_client.post(case_url(case, "notes/"), {"note-body": "Ringte"}, headers=HX)
    assert response.status_code == 200
    assert 'id="case-attachments"' not in response.content.decode()


def test_outsiders_get_404(outsider_client, case):
    response = outsider_client.post(case_url(case, "notes/"), {"note-body": "Hei"}, headers=HX)
    assert response.status_code == 404


def test_the_service_refuses_another_organizations_case(tenant, other_tenant):
    from django.core.exceptions import ValidationError

    foreign = make_case(other_tenant.org, other_tenant.caseworker)
    with pytest.raises(ValidationError):
        note_add(org=tenant.org, actor=tenant.caseworker, case=foreign, body="Hei")
