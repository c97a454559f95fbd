"""Deviations (avvik): register one, change it, move it open → in treatment → closed, add files.

Every write records its event in the audit trail (module "deviations") with the old and new
values, in the same transaction, so the deviation page's history is exactly what happened.
Closing needs a corrective action; a closed deviation can be reopened.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Deviation, DeviationCounter, DeviationFile
from cases.services.attachments import attachments_check, files_removed_on_error
from cases.services.cases import staff_user_ids
from cases.services.dates import date_bounds, date_out_of_range
from cases.services.deviation_files import StoredFile, deviation_files_copy, deviation_files_store
from notifications.models import Notification
from notifications.staff import notify_staff
from organizations.audit import (
    audit_build,
    audit_bulk_create,
    audit_changes,
    display_value,
    model_snapshot,
)
from organizations.models import Organization, User
from organizations.models_audit import AuditAction
from organizations.scoping import check_same_org
from properties.models import Property

MODULE = "deviations"
# The fields a caseworker edits, in the order the history lists them.
FIELDS = (
    "title",
    "type",
    "severity",
    "description",
    "property",
    "location",
    "responsible",
    "corrective_action",
    "due_date",
)
TITLE_MAX = 200
LOCATION_MAX = 200


@dataclass
class DeviationData:
    """The editable fields of a deviation, for registering and for editing."""

    title: str
    type: str = Deviation.Type.OTHER
    severity: str = Deviation.Severity.MEDIUM
    description: str = ""
    property: Property | None = None
    location: str = ""
    responsible: User | None = None
    corrective_action: str = ""
    due_date: datetime.date | None = None


def deviation_url(deviation: Deviation) -> str:
    return reverse(
        "cases:deviation_detail",
        kwargs={
            "org_slug": deviation.organization.slug,
            "deviation_number": deviation.number,
        },
    )


def due_date_bounds() -> tuple[datetime.date, datetime.date]:
    """The earliest and latest due date accepted (the shared guard rail, cases/services/dates)."""
    return date_bounds()


def _cleaned(org: Organization, data: DeviationData) -> DeviationData:
    """`data` trimmed and checked; every problem is reported at once, by field."""
    data = replace(data)
    data.title = (data.title or "").strip()
    data.description = (data.description or "").strip()
    data.location = (data.location or "").strip()
    data.corrective_action = (data.corrective_action or "").strip()
    errors: dict[str, str] = {}
    if not data.title:
        errors["title"] = _("A deviation needs a title.")
    elif len(data.title) > TITLE_MAX:
        errors["title"] = _("At most %(limit)d characters.") % {"limit": TITLE_MAX}
    if len(data.location) > LOCATION_MAX:
        errors["location"] = _("At most %(limit)d characters.") % {"limit": LOCATION_MAX}
    if data.type not in Deviation.Type.values:
        errors["type"] = _("Choose a type from the list.")
    if data.severity not in Deviation.Severity.values:
        errors["severity"] = _("Choose a severity from the list.")
    check_same_org(org, data.property)
    if data.responsible is not None and not staff_user_ids(org, [data.responsible.pk]):
        errors["responsible"] = _("Choose a staff member of this organization.")
    if date_out_of_range(data.due_date):
        errors["due_date"] = date_out_of_range(data.due_date)
    if errors:
        raise ValidationError(errors)
    return data


def deviation_numbers_reserve(org: Organization) -> int:
    """The next deviation number of `org`; the counter row stays locked until commit, so
    concurrent registrations queue up and numbers stay gapless."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("deviation_numbers_reserve must run inside a transaction")
    counters = DeviationCounter.objects.filter(organization=org)
    if not counters.update(last_number=F("last_number") + 1):
        highest = Deviation.objects.filter(organization=org).aggregate(n=Max("number"))["n"] or 0
        DeviationCounter.objects.bulk_create(
            [DeviationCounter(organization=org, last_number=highest)], ignore_conflicts=True
        )
        counters.update(last_number=F("last_number") + 1)
    return counters.values_list("last_number", flat=True).get()


def _file_events(org, actor, deviation: Deviation, rows: Iterable[DeviationFile], **extra):
    return [
        audit_build(
            org=org,
            actor=actor,
            module=MODULE,
            obj=deviation,
            action=AuditAction.ATTACHED,
            changes={"file": ["", row.original_name], **extra},
        )
        for row in rows
    ]


def _notify_responsible(org: Organization, actor: User | None, deviation: Deviation) -> None:
    """The new responsible hears of it in the bell (no e-mail: the e-mail templates speak of
    cases)."""
    if deviation.responsible_id is None:
        return
    notify_staff(
        org=org,
        actor=actor,
        recipients=[deviation.responsible],
        kind=Notification.Kind.OTHER,
        text=lambda: (
            _("You are responsible for deviation #%(number)s: %(title)s")
            % {"number": deviation.number, "title": deviation.title}
        ),
        url=deviation_url(deviation),
    )


def deviation_create(
    *,
    org: Organization,
    actor: User | None,
    data: DeviationData,
    case: Case | None = None,
    uploads: Sequence[UploadedFile] = (),
    copies: Iterable[StoredFile] = (),
) -> Deviation:
    """Register a deviation, optionally from `case` (linked to it), with new `uploads` and
    `copies` of files already stored (an inquiry's photos, the case's attachments).

    Nothing is written until every upload passed its checks; if anything fails afterwards,
    the files already written are deleted again.
    """
    check_same_org(org, case)
    data = _cleaned(org, data)
    checked = attachments_check(uploads)
    with files_removed_on_error() as written, transaction.atomic():
        deviation = Deviation(
            organization=org,
            number=deviation_numbers_reserve(org),
            case=case,
            created_by=actor,
            **{name: getattr(data, name) for name in FIELDS},
        )
        deviation.save(force_insert=True)
        blank = dict.fromkeys(FIELDS, "")
        changes = audit_changes(blank, deviation, FIELDS)
        changes["status"] = ["", display_value(deviation, "status")]
        if case is not None:
            changes["case"] = ["", str(case)]
        events = [
            audit_build(
                org=org,
                actor=actor,
                module=MODULE,
                obj=deviation,
                action=AuditAction.CREATED,
                changes=changes,
            )
        ]
        files = deviation_files_copy(
            org=org, actor=actor, deviation=deviation, sources=copies, written=written
        )
        files += deviation_files_store(
            org=org, actor=actor, deviation=deviation, checked=checked, written=written
        )
        events += _file_events(org, actor, deviation, files)
        audit_bulk_create(events)
        _notify_responsible(org, actor, deviation)
    return deviation


@transaction.atomic
def deviation_update(
    *, org: Organization, actor: User | None, deviation: Deviation, data: DeviationData
) -> dict[str, list[str]]:
    """Change the editable fields; returns {field: [old, new]} of what changed (also the
    history entry's changes). A closed deviation keeps a corrective action."""
    check_same_org(org, deviation)
    data = _cleaned(org, data)
    if deviation.status == Deviation.Status.CLOSED and not data.corrective_action:
        raise ValidationError(
            {"corrective_action": _("A closed deviation must keep its corrective action.")}
        )
    before = model_snapshot(deviation, FIELDS)
    old_responsible = deviation.responsible_id
    for name in FIELDS:
        setattr(deviation, name, getattr(data, name))
    changes = audit_changes(before, deviation, FIELDS)
    if not changes:
        return {}
    deviation.save(update_fields=[*FIELDS, "updated_at"])
    audit_bulk_create(
        [
            audit_build(
                org=org,
                actor=actor,
                module=MODULE,
                obj=deviation,
                action=AuditAction.CHANGED,
                changes=changes,
            )
        ]
    )
    if deviation.responsible_id != old_responsible:
        _notify_responsible(org, actor, deviation)
    return changes


@transaction.atomic
def deviation_status_change(
    *,
    org: Organization,
    actor: User | None,
    deviation: Deviation,
    status: str,
    corrective_action: str | None = None,
) -> dict[str, list[str]]:
    """Move the deviation to `status`: open → in treatment → closed, or back (a closed one is
    reopened). Closing needs a corrective action, given here or already on the deviation.
    Returns the recorded changes."""
    check_same_org(org, deviation)
    if status not in Deviation.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    old = deviation.status
    if status == old:
        raise ValidationError({"status": _("The deviation already has this status.")})
    fields = ["status", "corrective_action"]
    before = model_snapshot(deviation, [*fields, "closed_at"])
    if corrective_action is not None and corrective_action.strip():
        deviation.corrective_action = corrective_action.strip()
    if status == Deviation.Status.CLOSED:
        if not deviation.corrective_action.strip():
            raise ValidationError(
                {
                    "corrective_action": _(
                        "Describe the corrective action before closing the deviation."
                    )
                }
            )
        deviation.closed_at = timezone.now()
    else:
        deviation.closed_at = None
    deviation.status = status
    changes = audit_changes(before, deviation, fields)
    deviation.save(update_fields=[*fields, "closed_at", "updated_at"])
    if status == Deviation.Status.CLOSED:
        action = AuditAction.CLOSED
    elif old == Deviation.Status.CLOSED:
        action = AuditAction.REOPENED
    else:
        action = AuditAction.CHANGED
    audit_bulk_create(
        [
            audit_build(
                org=org, actor=actor, module=MODULE, obj=deviation, action=action, changes=changes
            )
        ]
    )
    return changes


def deviation_close(
    *, org: Organization, actor: User | None, deviation: Deviation, corrective_action: str = ""
) -> dict[str, list[str]]:
    return deviation_status_change(
        org=org,
        actor=actor,
        deviation=deviation,
        status=Deviation.Status.CLOSED,
        corrective_action=corrective_action,
    )


def deviation_reopen(
    *,
    org: Organization,
    actor: User | None,
    deviation: Deviation,
    status: str = Deviation.Status.OPEN,
) -> dict[str, list[str]]:
    if deviation.status != Deviation.Status.CLOSED:
        raise ValidationError(_("The deviation is already open."))
    if status not in Deviation.OPEN_STATUSES:
        raise ValidationError({"status": _("Choose an open status.")})
    return deviation_status_change(org=org, actor=actor, deviation=deviation, status=status)


def deviation_files_add(
    *,
    org: Organization,
    actor: User | None,
    deviation: Deviation,
    uploads: Sequence[UploadedFile],
) -> list[DeviationFile]:
    """Add photos or documents; one history entry per file."""
    check_same_org(org, deviation)
    if not uploads:
        raise ValidationError({"files": _("Choose at least one file.")})
    checked = attachments_check(uploads)
    with files_removed_on_error() as written, transaction.atomic():
        rows = deviation_files_store(
            org=org, actor=actor, deviation=deviation, checked=checked, written=written
        )
        audit_bulk_create(_file_events(org, actor, deviation, rows))
        Deviation.objects.filter(pk=deviation.pk).update(updated_at=timezone.now())
    return rows
