"""An inquiry registered as a deviation (avvik), instead of or beside a case (seed 003:
"opprette oppgaver eller avvik direkte fra en henvendelse").

The deviation is the cases app's (`cases.services.deviations.deviation_create`); here the
inquiry's files are copied onto it, the inquiry is linked to it (`Inquiry.deviation`) and, when
it was still in the tray, counts as handled ("registered as deviation"). An inquiry already
turned into a case keeps that status and its deviation is linked to the case too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Deviation
from cases.services.deviations import DeviationData, deviation_create
from inquiries.models import Inquiry, InquiryAttachment
from inquiries.services.matching import case_title
from organizations.audit import audit_record, model_snapshot
from organizations.models import Organization, User

MODULE = "inquiries"


def deviation_data_from_inquiry(inquiry: Inquiry) -> DeviationData:
    """The form's starting point: the inquiry's subject, message, property and location (with
    the address as the sender gave it when it matched no property)."""
    where = [(inquiry.location or "").strip()]
    if inquiry.property_id is None and inquiry.property_text.strip():
        where.insert(0, inquiry.property_text.strip())
    return DeviationData(
        title=case_title(inquiry),
        description=(inquiry.message or "").strip(),
        property=inquiry.property,
        location=", ".join(part for part in where if part)[:200],
    )


@transaction.atomic
def inquiry_create_deviation(
    *,
    org: Organization,
    actor: User | None,
    inquiry: Inquiry,
    data: DeviationData,
    attachments: Iterable[InquiryAttachment] | None = None,
) -> Deviation:
    """Register a deviation from `inquiry` with `data` (the caseworker's edits of
    `deviation_data_from_inquiry`), copying `attachments` (default: all the inquiry's files).

    Refused for a deleted inquiry and for one that already has a deviation.
    """
    if inquiry.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    locked = (
        Inquiry.objects.select_for_update(of=("self",))
        .filter(organization=org, pk=inquiry.pk)
        .select_related("case")
        .first()
    )
    if locked is None:
        raise ValidationError(_("That belongs to another organization."))
    if locked.status == Inquiry.Status.DELETED:
        raise ValidationError(_("This inquiry is deleted; restore it first."))
    if locked.deviation_id is not None:
        raise ValidationError(_("A deviation has already been registered from this inquiry."))
    own = {a.pk: a for a in InquiryAttachment.objects.filter(organization=org, inquiry=locked)}
    chosen = (
        list(own.values())
        if attachments is None
        else [own[a.pk] for a in attachments if a.pk in own]
    )
    deviation = deviation_create(
        org=org,
        actor=actor,
        data=data,
        case=locked.case,
        copies=sorted(chosen, key=lambda a: a.pk),
    )
    before = model_snapshot(locked, ["status"])["status"]
    locked.deviation = deviation
    fields = ["deviation"]
    if locked.status == Inquiry.Status.NEW:
        locked.status = Inquiry.Status.DEVIATION
        locked.handled_by = actor
        locked.handled_at = timezone.now()
        fields += ["status", "handled_by", "handled_at"]
    locked.save(update_fields=fields)
    changes = {"deviation": ["", str(deviation)]}
    after = model_snapshot(locked, ["status"])["status"]
    if after != before:
        changes["status"] = [before, after]
    audit_record(org=org, actor=actor, module=MODULE, obj=locked, action="linked", changes=changes)
    inquiry.status, inquiry.deviation = locked.status, deviation
    return deviation
