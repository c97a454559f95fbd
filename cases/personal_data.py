"""The cases app's part of the privacy export and erasure (registered in CasesConfig.ready).

A person's cases stay with the organization; what goes is theirs: the messages they sent and the
messages sent to them (the timeline keeps a "removed" entry), the files they sent (by e-mail,
through the portal, or with the inquiry that became the case), and every string that identifies
them in what the organization keeps (titles, descriptions, notes, tasks, the history).
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cases.models import Attachment, Case, CaseEvent, Note, Task, TimeEntry
from customers.models import Customer
from customers.personal_data import Part
from customers.personal_data_part import identifiers, phones, redact_rows

Kind = CaseEvent.Kind


def _cases(org, customer: Customer):
    return Case.objects.filter(organization=org, customer=customer)


def _addresses(customer: Customer) -> set[str]:
    return {a.casefold() for a in [customer.email.strip(), *phones(customer)] if a}


def _from_them(event: CaseEvent, customer: Customer) -> bool:
    """A MESSAGE_IN the person sent (by address or name); others (a supplier answering a
    forward) are only redacted."""
    data = event.data or {}
    sender = str(data.get("from") or "").strip().casefold()
    name = str(data.get("from_name") or "").strip().casefold()
    return bool(
        (sender and sender in _addresses(customer))
        or (name and customer.name and name == customer.name.strip().casefold())
    )


def _to_them(event: CaseEvent, customer: Customer) -> bool:
    to = str((event.data or {}).get("to") or "").strip().casefold()
    return bool(to) and (to in _addresses(customer) or "".join(to.split()) in _addresses(customer))


def _their_attachments(org, customer: Customer):
    """Files the person sent on their cases: by e-mail or the portal (no staff uploader), or
    with the inquiry that became the case (copied by the caseworker who converted it)."""
    cases = _cases(org, customer)
    from_inquiry = CaseEvent.objects.filter(
        organization=org, case__in=cases, kind=Kind.ATTACHMENT, data__from_inquiry=True
    ).values("attachment_id")
    return Attachment.objects.filter(organization=org, case__in=cases).filter(
        Q(uploaded_by__isnull=True) | Q(pk__in=from_inquiry)
    )


def _message(event: CaseEvent) -> dict:
    data = event.data or {}
    keys = ("channel", "from", "from_name", "to", "to_name", "subject", "text", "quoted")
    return {
        "direction": "in" if event.kind == Kind.MESSAGE_IN else "out",
        "at": event.created_at,
        **{key: data[key] for key in keys if data.get(key)},
        "attachments": data.get("attachments") or [],
    }


def _export(org, customer: Customer) -> dict:
    cases = list(_cases(org, customer).select_related("property", "category").order_by("number"))
    events = CaseEvent.objects.filter(
        organization=org, case__in=cases, kind__in=[Kind.MESSAGE_IN, Kind.MESSAGE_OUT]
    ).order_by("created_at", "pk")
    messages: dict[int, list] = {}
    for event in events:
        mine = (
            _from_them(event, customer)
            if event.kind == Kind.MESSAGE_IN
            else _to_them(event, customer)
        )
        if mine:
            messages.setdefault(event.case_id, []).append(_message(event))
    notes: dict[int, list] = {}
    for note in Note.objects.filter(organization=org, case__in=cases).order_by("created_at"):
        notes.setdefault(note.case_id, []).append({"at": note.created_at, "text": note.body})
    files: dict[int, list] = {}
    for attachment in _their_attachments(org, customer).select_related("case").order_by("pk"):
        files.setdefault(attachment.case_id, []).append(
            {
                "name": attachment.original_name,
                "file": _arcname(attachment),
                "content_type": attachment.content_type,
                "size": attachment.size,
                "at": attachment.created_at,
            }
        )
    return [
        {
            "number": case.number,
            "title": case.title,
            "description": case.description,
            "status": case.status,
            "category": str(case.category) if case.category else "",
            "property": str(case.property) if case.property else "",
            "created_at": case.created_at,
            "closed_at": case.closed_at,
            "resolution": case.resolution,
            "messages": messages.get(case.pk, []),
            "notes": notes.get(case.pk, []),
            "files_sent": files.get(case.pk, []),
        }
        for case in cases
    ]


def _arcname(attachment: Attachment) -> str:
    return f"case-{attachment.case.number}/{attachment.pk}-{attachment.original_name}"


def _files(org, customer: Customer):
    for attachment in _their_attachments(org, customer).select_related("case").order_by("pk"):
        yield _arcname(attachment), attachment.file


def _erase(org, customer: Customer, actor) -> None:
    needles = identifiers(customer)
    cases = _cases(org, customer)

    attachments = list(_their_attachments(org, customer))
    names = [n for a in attachments for n in (a.file.name, a.thumbnail.name) if n]
    CaseEvent.objects.filter(organization=org, attachment__in=[a.pk for a in attachments]).update(
        old_value="", new_value=_("File removed (personal data erased)"), data={}
    )
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])

    removed_text = _("Message removed (personal data erased).")
    for event in CaseEvent.objects.filter(
        organization=org, case__in=cases, kind__in=[Kind.MESSAGE_IN, Kind.MESSAGE_OUT]
    ):
        data = event.data or {}
        mine = (
            _from_them(event, customer)
            if event.kind == Kind.MESSAGE_IN
            else _to_them(event, customer)
        )
        if mine:
            event.data = {
                "channel": data.get("channel", ""),
                "purpose": data.get("purpose", ""),
                "text": removed_text,
                "erased": True,
            }
            event.old_value = event.new_value = ""
            event.save(update_fields=["data", "old_value", "new_value"])

    # What the organization keeps, anywhere in it (a note on another case may name them).
    redact_rows(
        Case.objects.filter(organization=org),
        ["title", "description", "resolution", "external_reference"],
        needles,
    )
    redact_rows(Note.objects.filter(organization=org), ["body"], needles)
    redact_rows(
        Task.objects.filter(organization=org), ["title", "description", "completion_note"], needles
    )
    redact_rows(TimeEntry.objects.filter(organization=org), ["note"], needles)
    redact_rows(
        CaseEvent.objects.filter(organization=org),
        ["old_value", "new_value"],
        needles,
        json_fields=["data"],
    )
    redact_rows(Attachment.objects.filter(organization=org), ["original_name"], needles)


PART = Part(name="cases", export=_export, erase=_erase, files=_files)
