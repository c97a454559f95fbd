""" "Link to case" (seed 001, "Forbind med besked"): a received e-mail that made an inquiry
moves onto an existing case's timeline instead of becoming a case of its own."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent
from inquiries.email.parse import UnparseableEmail, parse
from inquiries.email.pipeline import case_message_from_email
from inquiries.models import Channel, InboundEmail, Inquiry
from inquiries.services.audit import audit_status
from organizations.models import Organization, User
from organizations.scoping import check_same_org


@transaction.atomic
def inquiry_link_to_case(
    *, org: Organization, actor: User, inquiry: Inquiry, case: Case
) -> CaseEvent:
    """The inquiry's e-mail becomes a customer message on `case` (with its files, the case
    reopened if it was resolved); the inquiry leaves the tray as handled."""
    check_same_org(org, inquiry, case)
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.status != Inquiry.Status.NEW:
        raise ValidationError(_("Only an unprocessed inquiry can be linked to a case."))
    email = (
        InboundEmail.objects.filter(organization=org, inquiry=inquiry).order_by("pk").first()
        if inquiry.channel == Channel.EMAIL
        else None
    )
    if email is None:
        raise ValidationError(_("Only an inquiry received by e-mail can be linked to a case."))
    try:
        parsed = parse(bytes(email.raw))
    except UnparseableEmail as exc:
        raise ValidationError(_("The e-mail could not be read again.")) from exc
    event = case_message_from_email(org=org, case=case, email=email, parsed=parsed, actor=actor)
    InboundEmail.objects.filter(pk=email.pk).update(
        case=case, outcome=InboundEmail.Outcome.CASE_MESSAGE
    )
    now = timezone.now()
    inquiry.status = Inquiry.Status.CONVERTED
    inquiry.handled_by = actor
    inquiry.handled_at = now
    fields = ["status", "handled_by", "handled_at"]
    # A case has at most one inquiry it came from; a case that has one keeps it.
    if not Inquiry.objects.filter(case=case).exists():
        inquiry.case = case
        fields.append("case")
    inquiry.save(update_fields=fields)
    audit_status(
        org, actor, [inquiry], "linked", Inquiry.Status.NEW, inquiry.status, case=["", str(case)]
    )
    return event
