"""A customer's message arriving on a case (a reply by e-mail, or one linked by a caseworker)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Attachment, Case, CaseEvent
from cases.services.attachments import (
    MAX_FILES_PER_UPLOAD,
    attachment_check,
    attachments_store,
    files_removed_on_error,
)
from cases.services.cases import case_change, case_url
from cases.services.events import event_build, event_save
from notifications.models import Notification
from notifications.staff import notify_staff
from organizations.models import Organization, User


def _checked(files: Sequence[tuple[str, bytes]]) -> tuple[list, list[str]]:
    """Files that pass the case attachments' checks, and the names of those refused."""
    accepted, refused = [], []
    for name, data in files:
        if len(accepted) >= MAX_FILES_PER_UPLOAD:
            refused.append(name)
            continue
        try:
            accepted.append(attachment_check(SimpleUploadedFile(name or "file", data)))
        except ValidationError:
            refused.append(name)
    return accepted, refused


def case_message_receive(
    *,
    org: Organization,
    case: Case,
    inbound_email_id: int | None,
    sender: str,
    sender_name: str = "",
    subject: str = "",
    text: str = "",
    quoted: str = "",
    html: str = "",
    files: Sequence[tuple[str, bytes]] = (),
    actor: User | None = None,
    message_id: str = "",
    channel: str = "email",
) -> CaseEvent:
    """Put a message from outside on the case's timeline (event MESSAGE_IN), store its files as
    case attachments, reopen the case if it was resolved or closed, and tell the assignee.

    `html` must already be sanitised (inquiries.email.html). `actor` is the caseworker who
    linked the message by hand, None when it threaded by itself. `message_id`: the received
    e-mail's own Message-ID, which a reply from the case then answers (In-Reply-To).
    `channel`: "email", or "portal" for a resident's message written in the portal.
    A message to a merged case goes to the case it was merged into.
    """
    if case.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    accepted, refused = _checked(files)
    with files_removed_on_error() as written, transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("assignee", "organization")
            .get(pk=case.pk)
        )
        if case.merged_into_id is not None:  # merged: the conversation goes on on the survivor
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("assignee", "organization")
                .get(pk=case.merged_into_id)
            )
        stored: list[Attachment] = attachments_store(
            org=org, actor=None, case=case, checked=accepted, written=written
        )
        event = event_build(
            case=case,
            actor=actor,
            kind=CaseEvent.Kind.MESSAGE_IN,
            inbound_email_id=inbound_email_id,
            data={
                "channel": channel,
                "message_id": message_id if message_id.startswith("<") else "",
                "from": sender,
                "from_name": sender_name,
                "subject": subject,
                "text": text,
                "quoted": quoted,
                "html": html,
                "attachments": [a.original_name for a in stored],
                "attachment_ids": [a.pk for a in stored],
                "refused_attachments": refused,
            },
        )
        event_save(event)
        if not case.is_open:
            case_change(org=org, actor=actor, case=case, status=Case.Status.IN_PROGRESS)
        else:
            case.save(update_fields=["updated_at"])
        _notify_assignee(org, case, actor, sender_name or sender)
    return event


def _notify_assignee(org: Organization, case: Case, actor: User | None, sender: str) -> None:
    """The bell of the case's assignee (in their language), unless they linked it themselves."""
    if case.assignee_id is None:
        return
    notify_staff(
        org=org,
        actor=actor,
        recipients=[case.assignee],
        kind=Notification.Kind.OTHER,
        text=lambda: (
            _("New message from %(sender)s on case #%(number)s: %(title)s")
            % {"sender": sender, "number": case.number, "title": case.title}
        ),
        url=case_url(case),
    )
