"""Every fixture e-mail goes through `manage.py ingest_email` with an outcome; twice is once."""

from __future__ import annotations

import io
import mailbox
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from inquiries.models import Channel, InboundEmail, Inquiry, InquiryAttachment, IntakeRule
from notifications.models import OutboundMessage
from tests.inquiries.email_helpers import _fresh_email_settings  # noqa: F401

FIXTURES = Path("/work/shared/fixtures/email")
ALL_FILES = sorted(p for p in FIXTURES.rglob("*") if p.is_file())
NORDIC = FIXTURES / "nordic"

pytestmark = pytest.mark.django_db


def ingest(org, *paths) -> list[list[str]]:
    out = io.StringIO()
    call_command("ingest_email", "--org", org.slug, *[str(p) for p in paths], stdout=out)
    lines = out.getvalue().strip().splitlines()
    return [line.split("\t") for line in lines[:-1]] + [[lines[-1]]]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_corpus_has_the_files_the_readme_names():
    assert len(ALL_FILES) == 114


def test_every_fixture_gets_an_outcome_and_a_second_run_creates_nothing(tenant):
    rows = ingest(tenant.org, FIXTURES)
    lines, summary = rows[:-1], rows[-1][0]
    assert len(lines) == 114, summary
    known = set(InboundEmail.Outcome.values) | {"duplicate"}
    for label, outcome, _detail in lines:
        assert outcome in known and outcome, (label, outcome)
    emails = InboundEmail.objects.filter(organization=tenant.org)
    # Several fixtures share a Message-ID with another (copies with small changes): the first
    # is stored, the others are reported as duplicates.
    assert emails.count() + sum(1 for line in lines if line[1] == "duplicate") == 114
    assert not emails.filter(status=InboundEmail.Status.RECEIVED).exists()
    # Nothing failed for a reason other than being unreadable.
    for email in emails.filter(status=InboundEmail.Status.FAILED):
        assert email.outcome == InboundEmail.Outcome.UNPARSEABLE and email.error, email.pk
    inquiries = Inquiry.objects.filter(organization=tenant.org).count()
    files = InquiryAttachment.objects.filter(organization=tenant.org).count()
    assert inquiries > 60

    again = ingest(tenant.org, FIXTURES)[:-1]
    assert {outcome for _label, outcome, _d in again} == {"duplicate"}
    assert InboundEmail.objects.filter(organization=tenant.org).count() == emails.count()
    assert Inquiry.objects.filter(organization=tenant.org).count() == inquiries
    assert InquiryAttachment.objects.filter(organization=tenant.org).count() == files


def test_iso_8859_1_inquiry_has_sender_subject_text_and_photo(tenant):
    [[_label, outcome, _detail], _summary] = ingest(
        tenant.org, NORDIC / "no-iso8859-1-new-inquiry.eml"
    )
    assert outcome == "inquiry"
    inquiry = Inquiry.objects.get(organization=tenant.org)
    assert inquiry.channel == Channel.EMAIL
    assert inquiry.sender_email == "kare.odegard@example.no"
    assert inquiry.sender_name == "Kåre Ødegård"
    assert inquiry.subject == "Lekkasje på badet - leilighet H0203"
    assert "Det drypper fra taket på badet i leilighet H0203" in inquiry.message
    assert [a.original_name for a in inquiry.attachments.all()] == ["tak_bad.png"]
    assert inquiry.attachments.get().content_type == "image/png"


def test_windows_1252_alternative_keeps_text_and_drops_script(tenant):
    ingest(tenant.org, NORDIC / "da-windows1252-alternative.eml")
    inquiry = Inquiry.objects.get(organization=tenant.org)
    assert inquiry.sender_name == "Søren Kjær"
    assert inquiry.subject == "Beholderen er ikke blevet tømt"
    assert "på Åboulevarden 7 er ikke blevet tømt i to uger" in inquiry.message
    assert "Søren Kjær" in inquiry.message and "<" not in inquiry.message


def test_rfc2231_file_name_is_decoded(tenant):
    ingest(tenant.org, NORDIC / "sv-rfc2231-filename.eml")
    inquiry = Inquiry.objects.get(organization=tenant.org)
    assert inquiry.sender_name == "Björn Öberg"
    assert inquiry.subject == "Beställning: extra nyckelbricka"
    assert "extra nyckelbricka till lägenhet 1102" in inquiry.message
    assert [a.original_name for a in inquiry.attachments.all()] == [
        "Blankett_nyckelbricka_Öberg.pdf"
    ]


def test_inline_image_is_kept_as_a_file(tenant):
    ingest(tenant.org, NORDIC / "no-html-inline-image.eml")
    inquiry = Inquiry.objects.get(organization=tenant.org)
    assert inquiry.subject == "Sprekk i flisene på kjøkkenet"
    assert inquiry.message.startswith("Hei, det er en sprekk i flisene.")
    assert [a.original_name for a in inquiry.attachments.all()] == ["flis.png"]


def test_message_without_message_id_is_stored_once_by_its_hash(tenant):
    path = NORDIC / "no-missing-message-id.eml"
    ingest(tenant.org, path)
    ingest(tenant.org, path)
    email = InboundEmail.objects.get(organization=tenant.org)
    assert email.message_id.startswith("sha256:")
    inquiry = Inquiry.objects.get(organization=tenant.org)
    assert inquiry.sender_email == "leietaker@example.no"
    assert inquiry.subject == "Glatt på parkeringsplassen"


def test_auto_reply_creates_nothing_and_sends_nothing(tenant):
    IntakeRule.objects.update_or_create(
        organization=tenant.org, channel_group="email", defaults={"send_confirmation": True}
    )
    [[_label, outcome, _detail], _s] = ingest(tenant.org, NORDIC / "no-auto-reply.eml")
    assert outcome == "auto_reply"
    assert not Inquiry.objects.filter(organization=tenant.org).exists()
    assert not OutboundMessage.objects.filter(organization=tenant.org).exists()
    assert InboundEmail.objects.get().status == InboundEmail.Status.IGNORED


def test_unanswered_reply_with_unknown_thread_becomes_an_inquiry(tenant):
    [[_label, outcome, _detail], _s] = ingest(tenant.org, NORDIC / "sv-utf8-reply.eml")
    assert outcome == "inquiry"
    inquiry = Inquiry.objects.get(organization=tenant.org)
    assert inquiry.sender_name == "Åsa Lindström"
    # Only the new text: the quoted part is kept apart.
    assert "fungerar fortfarande inte" in inquiry.message
    assert "Vi har skickat en tekniker" not in inquiry.message


def test_bounce_without_our_message_is_recorded(tenant):
    [[_label, outcome, detail], _s] = ingest(tenant.org, NORDIC / "bounce-dsn.eml")
    assert outcome == "bounce"
    assert not Inquiry.objects.filter(organization=tenant.org).exists()
    assert "5.1.1" in InboundEmail.objects.get().error


def test_confirmation_is_sent_in_the_thread_when_the_rule_asks(tenant):
    IntakeRule.objects.update_or_create(
        organization=tenant.org, channel_group="email", defaults={"send_confirmation": True}
    )
    ingest(tenant.org, NORDIC / "no-iso8859-1-new-inquiry.eml")
    message = OutboundMessage.objects.get(organization=tenant.org)
    assert message.kind == OutboundMessage.Kind.CONFIRMATION
    assert message.to == "kare.odegard@example.no"
    assert message.in_reply_to == "<20261116081402.4711@mail.example.no>"
    assert message.headers.get("Auto-Submitted") == "auto-generated"


def test_no_confirmation_without_the_rule(tenant):
    ingest(tenant.org, NORDIC / "no-iso8859-1-new-inquiry.eml")
    assert not OutboundMessage.objects.filter(organization=tenant.org).exists()


def test_mbox_file_gives_one_line_per_message(tenant, tmp_path):
    path = tmp_path / "mail.box"
    box = mailbox.mbox(str(path))
    for name in ("no-iso8859-1-new-inquiry.eml", "sv-rfc2231-filename.eml", "no-auto-reply.eml"):
        box.add((NORDIC / name).read_bytes())
    box.close()
    rows = ingest(tenant.org, path)
    assert [outcome for _l, outcome, _d in rows[:-1]] == ["inquiry", "inquiry", "auto_reply"]
    assert rows[0][0].endswith("mail.box#1")
    assert Inquiry.objects.filter(organization=tenant.org).count() == 2


def test_unknown_organization_is_a_clear_error(tenant):
    with pytest.raises(CommandError, match="No organization"):
        ingest(tenant.org.__class__(slug="nope"), NORDIC / "no-auto-reply.eml")


def test_missing_file_is_a_clear_error(tenant, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        ingest(tenant.org, tmp_path / "missing.eml")


def test_garbage_file_is_stored_as_failed_with_the_reason(tenant, tmp_path):
    path = tmp_path / "garbage.eml"
    path.write_bytes(b"\x00\x01\x02 not an e-mail at all")
    [[_label, outcome, detail], _s] = ingest(tenant.org, path)
    email = InboundEmail.objects.get(organization=tenant.org)
    assert outcome in ("unparseable", "empty")
    assert email.status in (InboundEmail.Status.FAILED, InboundEmail.Status.IGNORED)


def test_same_message_in_two_organizations_is_stored_for_each(tenant, other_tenant):
    path = NORDIC / "no-iso8859-1-new-inquiry.eml"
    ingest(tenant.org, path)
    ingest(other_tenant.org, path)
    assert InboundEmail.objects.count() == 2
    assert Inquiry.objects.filter(organization=other_tenant.org).count() == 1


def test_rule_that_creates_cases_at_once_makes_a_case_from_the_email(tenant):
    IntakeRule.objects.update_or_create(
        organization=tenant.org,
        channel_group="email",
        defaults={"create_case_immediately": True},
    )
    [[_label, outcome, _detail], _s] = ingest(tenant.org, NORDIC / "sv-rfc2231-filename.eml")
    assert outcome == "inquiry"
    inquiry = Inquiry.objects.get(organization=tenant.org)
    assert inquiry.status == Inquiry.Status.CONVERTED and inquiry.case is not None
    assert inquiry.case.title == "Beställning: extra nyckelbricka"
    email = InboundEmail.objects.get(organization=tenant.org)
    assert email.case_id == inquiry.case_id
    assert [a.original_name for a in inquiry.case.attachments.all()] == [
        "Blankett_nyckelbricka_Öberg.pdf"
    ]


def _sent_on_case(tenant, message_id: str, to: str):
    """A case with an e-mail we sent, whose outbox row has `message_id`."""
    from cases.models import Case, CaseEvent
    from cases.services.cases import case_change
    from cases.services.events import event_record
    from notifications.outbox import message_queue
    from tests.factories.cases import make_case

    case = make_case(tenant.org, tenant.caseworker, assignee=tenant.caseworker)
    out = message_queue(org=tenant.org, channel="email", to=to, subject="Sak", text="Hei")
    OutboundMessage.objects.filter(pk=out.pk).update(
        message_id=message_id, status=OutboundMessage.Status.SENT
    )
    event_record(
        case=case,
        actor=tenant.caseworker,
        kind=CaseEvent.Kind.MESSAGE_OUT,
        outbound_message_id=out.pk,
        data={"channel": "email", "to": to, "subject": "Sak", "text": "Hei"},
    )
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status=Case.Status.RESOLVED)
    return case, out


def test_nordic_reply_threads_onto_the_case_we_wrote_from(tenant):
    from cases.models import Case, CaseEvent

    case, _out = _sent_on_case(
        tenant, "<case-reply-0001@fastighet.example>", "asa.lindstrom@example.se"
    )
    [[_label, outcome, _detail], _s] = ingest(tenant.org, NORDIC / "sv-utf8-reply.eml")
    assert outcome == "case_message"
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.MESSAGE_IN)
    assert event.data["from"] == "asa.lindstrom@example.se"
    assert event.data["from_name"] == "Åsa Lindström"
    assert event.data["subject"] == "SV: Felanmälan: trasig tvättmaskin"
    assert event.data["text"].startswith("Hej,")
    assert "fungerar fortfarande inte" in event.data["text"]
    assert "Vi har skickat en tekniker" in event.data["quoted"]
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert not Inquiry.objects.filter(organization=tenant.org).exists()


def test_nordic_bounce_marks_the_case_email_bounced(tenant):
    _case, out = _sent_on_case(
        tenant, "<case-created-0002@fjordbolig.example>", "feil.adresse@example.no"
    )
    [[_label, outcome, _detail], _s] = ingest(tenant.org, NORDIC / "bounce-dsn.eml")
    assert outcome == "bounce"
    out.refresh_from_db()
    assert out.status == OutboundMessage.Status.BOUNCED
    assert "5.1.1" in out.last_error
    assert InboundEmail.objects.get(organization=tenant.org).outbound_message_id == out.pk


def test_nordic_auto_reply_to_our_case_email_does_not_thread(tenant):
    from cases.models import Case, CaseEvent

    case, _out = _sent_on_case(tenant, "<case-created-0001@fjordbolig.example>", "ola@example.no")
    [[_label, outcome, _detail], _s] = ingest(tenant.org, NORDIC / "no-auto-reply.eml")
    assert outcome == "auto_reply"
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_IN).exists()
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
