"""Internal notes and @mentions: only real staff members named by the picker's token count, and
each gets one in-app notification linking to the note."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cases.mentions import mention_token, mentions_to_text
from cases.models import CaseEvent, Note
from cases.services.notes import note_add
from notifications.models import Notification
from organizations.models import Membership
from tests.cases.detail_support import HX, case_url, png_upload
from tests.factories.cases import make_case
from tests.factories.organizations import MembershipFactory, UserFactory


@pytest.fixture
def case(tenant):
    return make_case(tenant.org, tenant.caseworker, title="Vannlekkasje")


def test_note_writes_a_note_event(tenant, case):
    note = note_add(org=tenant.org, actor=tenant.caseworker, case=case, body="Ringte kunden")

    event = CaseEvent.objects.get(case=case, kind="note")
    assert event.note == note
    assert event.actor == tenant.caseworker
    assert note.author == tenant.caseworker


def test_mention_notifies_the_mentioned_member_only(tenant, case):
    body = f"{mention_token(tenant.admin.pk, tenant.admin.full_name)} kan du se på denne?"

    note = note_add(org=tenant.org, actor=tenant.caseworker, case=case, body=body)

    assert list(note.mentions.all()) == [tenant.admin]
    notification = Notification.objects.get()
    assert notification.recipient == tenant.admin
    assert notification.kind == "mention"
    assert notification.organization == tenant.org
    assert notification.url == f"{case_url(case)}#note-{note.pk}"
    assert f"#{case.number}" in notification.text
    assert tenant.caseworker.full_name in notification.text


def test_mention_of_someone_outside_the_organization_is_ignored(tenant, other_tenant, case):
    outsider = other_tenant.caseworker
    body = f"Hei {mention_token(outsider.pk, outsider.full_name)}"

    note = note_add(org=tenant.org, actor=tenant.caseworker, case=case, body=body)

    assert not note.mentions.exists()
    assert not Notification.objects.exists()


def test_typing_a_members_name_without_the_picker_mentions_nobody(tenant, case):
    note = note_add(
        org=tenant.org, actor=tenant.caseworker, case=case, body=f"@{tenant.admin.full_name} hei"
    )

    assert not note.mentions.exists()
    assert not Notification.objects.exists()


def test_mention_of_inactive_member_or_supplier_user_is_ignored(tenant, case):
    gone = UserFactory(full_name="Former Colleague")
    MembershipFactory(organization=tenant.org, user=gone, is_active=False)
    body = f"{mention_token(gone.pk, 'Former Colleague')} {mention_token(tenant.supplier.pk, 'S')}"

    note = note_add(org=tenant.org, actor=tenant.caseworker, case=case, body=body)

    assert not note.mentions.exists()
    assert not Notification.objects.exists()


def test_mentioning_yourself_sends_no_notification(tenant, case):
    body = mention_token(tenant.caseworker.pk, tenant.caseworker.full_name)

    note = note_add(org=tenant.org, actor=tenant.caseworker, case=case, body=body)

    assert list(note.mentions.all()) == [tenant.caseworker]
    assert not Notification.objects.exists()


def test_mention_notification_is_written_in_the_recipients_language(tenant, case, monkeypatch):
    tenant.admin.language = "sv"
    tenant.admin.save(update_fields=["language"])
    languages = []
    real_override = translation.override

    def recording_override(language, *args, **kwargs):
        languages.append(language)
        return real_override(language, *args, **kwargs)

    monkeypatch.setattr(translation, "override", recording_override)
    body = mention_token(tenant.admin.pk, tenant.admin.full_name)

    note_add(org=tenant.org, actor=tenant.caseworker, case=case, body=body)

    assert languages == ["sv"]
    assert Notification.objects.get().recipient == tenant.admin


def test_empty_note_is_refused(tenant, case):
    with pytest.raises(ValidationError):
        note_add(org=tenant.org, actor=tenant.caseworker, case=case, body="   ")
    assert not Note.objects.exists()


def test_note_on_another_organizations_case_is_refused(tenant, other_tenant):
    foreign = make_case(other_tenant.org, other_tenant.caseworker)

    with pytest.raises(ValidationError):
        note_add(org=tenant.org, actor=tenant.caseworker, case=foreign, body="Hei")


def test_mention_token_renders_as_a_plain_name():
    assert mentions_to_text("Hei @[Kari Nordmann](user:12)!") == "Hei @Kari Nordmann!"


# --- Through the page -----------------------------------------------------------------------


def test_composer_posts_a_note_and_the_timeline_shows_it_with_the_mention_highlighted(
    tenant, staff_client, case
):
    body = f"{mention_token(tenant.admin.pk, tenant.admin.full_name)} se <b>dette</b>"

    response = staff_client.post(case_url(case, "notes/"), {"note-body": body}, headers=HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="composer"' in html
    assert f'<mark class="mention">@{tenant.admin.full_name}</mark>' in html
    assert "&lt;b&gt;dette&lt;/b&gt;" in html  # escaped, never raw HTML
    assert "(user:" not in html.split('hx-swap-oob="beforeend:#timeline-list"')[1]
    assert Notification.objects.filter(recipient=tenant.admin, kind="mention").count() == 1


def test_forged_token_for_an_outsider_is_shown_as_plain_text(
    tenant, other_tenant, staff_client, case
):
    outsider = other_tenant.caseworker
    body = f"{mention_token(outsider.pk, 'Sneaky')} hallo"

    staff_client.post(case_url(case, "notes/"), {"note-body": body}, headers=HX)
    html = staff_client.get(case_url(case)).content.decode()

    assert "@Sneaky hallo" in html
    assert '<mark class="mention">@Sneaky' not in html
    assert not Notification.objects.exists()


def test_empty_composer_answers_400_with_the_error(staff_client, case):
    response = staff_client.post(case_url(case, "notes/"), {"note-body": ""}, headers=HX)

    assert response.status_code == 400
    assert "Write a note or attach a file." in response.content.decode()


def test_note_with_a_bad_file_keeps_the_typed_text_and_saves_nothing(staff_client, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00" + b"\x00" * 64)

    response = staff_client.post(
        case_url(case, "notes/"), {"note-body": "Se vedlegg", "note-files": [bad]}, headers=HX
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Se vedlegg</textarea>" in html
    assert "is a program" in html
    assert not Note.objects.exists()


def test_note_with_an_image_shows_its_thumbnail_in_the_timeline(
    tenant, staff_client, case, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path

    with django_capture_on_commit_callbacks(execute=True):  # the worker makes the thumbnail
        response = staff_client.post(
            case_url(case, "notes/"),
            {"note-body": "Bilde av skaden", "note-files": [png_upload("skade.png")]},
            headers=HX,
        )

    assert response.status_code == 200
    note = Note.objects.get()
    attachment = note.attachments.get()
    assert attachment.thumbnail  # made after the commit, not in the request
    page = staff_client.get(case_url(case)).content.decode()
    assert f"attachments/{attachment.pk}/thumbnail/" in page


def test_note_without_htmx_redirects_to_the_note(staff_client, case):
    response = staff_client.post(case_url(case, "notes/"), {"note-body": "Hei"})

    note = Note.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{case_url(case)}#note-{note.pk}"


# --- The @ picker's candidates --------------------------------------------------------------


def test_mention_candidates_are_active_staff_matching_the_query(
    tenant, other_tenant, staff_client, case
):
    MembershipFactory(
        organization=tenant.org,
        user=UserFactory(full_name="Inactive Adminsen"),
        is_active=False,
        role=Membership.Role.ADMIN,
    )

    data = staff_client.get(case_url(case, "mention-candidates/"), {"q": "admin"}).json()

    names = [r["name"] for r in data["results"]]
    assert names == [tenant.admin.full_name]
    assert data["results"][0]["token"] == mention_token(tenant.admin.pk, tenant.admin.full_name)


def test_mention_candidates_leave_out_suppliers_and_other_organizations(
    tenant, other_tenant, staff_client, case
):
    data = staff_client.get(case_url(case, "mention-candidates/"), {"q": ""}).json()

    ids = {r["id"] for r in data["results"]}
    assert ids == {tenant.admin.pk, tenant.caseworker.pk}
