"""Internal notes on a case, with @mentions that notify the mentioned members."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cases.mentions import mentioned_ids, mentions_to_text
from cases.models import Case, CaseEvent, Note
from cases.services.attachments import attachments_check, attachments_store, files_removed_on_error
from cases.services.cases import case_message_values, case_url
from cases.services.events import event_record
from notifications.models import Notification
from notifications.staff import notify_staff
from organizations.models import Organization, User
from organizations.selectors import staff_members

NOTE_MAX_LENGTH = 10_000


def note_add(
    *,
    org: Organization,
    actor: User,
    case: Case,
    body: str,
    uploads: Sequence[UploadedFile] = (),
) -> Note:
    """Add an internal note (never shown to customers), with optional files.

    Mentions count only for active staff of `org` named by the picker's token; each mentioned
    member (except the author) gets an in-app notification linking to the note.
    """
    if case.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    body = (body or "").strip()
    if not body and not uploads:
        raise ValidationError({"body": _("Write a note or attach a file.")})
    if len(body) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"body": _("A note can be at most %(max)s characters.") % {"max": NOTE_MAX_LENGTH}}
        )
    checked = attachments_check(uploads)
    with files_removed_on_error() as written, transaction.atomic():
        note = Note.objects.create(organization=org, case=case, author=actor, body=body)
        ids = mentioned_ids(body)
        mentioned = list(staff_members(org).filter(pk__in=ids)) if ids else []
        if mentioned:
            note.mentions.set(mentioned, through_defaults={"organization": org})
        attachments_store(
            org=org, actor=actor, case=case, checked=checked, written=written, note=note
        )
        event_record(
            case=case,
            actor=actor,
            kind=CaseEvent.Kind.NOTE,
            note=note,
            data={"mentions": sorted(u.pk for u in mentioned)},
        )
        _notify_mentioned(org, actor, case, note, mentioned)
    return note


def _notify_mentioned(
    org: Organization, actor: User, case: Case, note: Note, users: list[User]
) -> None:
    """The bell for each mentioned member, and an e-mail for those who chose one."""
    notify_staff(
        org=org,
        actor=actor,
        recipients=users,
        kind=Notification.Kind.MENTION,
        text=lambda: (
            _("%(actor)s mentioned you on case #%(number)s: %(title)s")
            % {"actor": actor, "number": case.number, "title": case.title}
        ),
        url=f"{case_url(case)}#note-{note.pk}",
        email_values={**case_message_values(case), "message": mentions_to_text(note.body)},
    )
