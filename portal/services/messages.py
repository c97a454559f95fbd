"""A resident's message on one of their cases, written in the portal."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent
from cases.services.inbound import case_message_receive
from organizations.models import Organization
from organizations.scoping import check_same_org
from portal.models import ResidentAccount
from portal.selectors import PORTAL_CHANNEL


def resident_can_write(case: Case) -> bool:
    """Open and resolved cases take a message (a resolved one reopens); closed ones do not."""
    return case.is_open or case.status == Case.Status.RESOLVED


def resident_message_send(
    *,
    org: Organization,
    account: ResidentAccount,
    case: Case,
    text: str,
    files: Sequence[tuple[str, bytes]] = (),
) -> CaseEvent:
    """Put the resident's message (and files, already checked by the caller) on the case's
    timeline as a customer message: the assignee is told, a resolved case reopens."""
    check_same_org(org, account, case)
    if case.customer_id != account.customer_id or not case.visible_to_customer:
        raise ValidationError(_("That belongs to another organization."))
    text = (text or "").strip()
    if not text and not files:
        raise ValidationError({"text": _("Write a message or add a file.")})
    if not resident_can_write(case):
        raise ValidationError(_("This case is closed. Send a new inquiry if you need more help."))
    customer = account.customer
    return case_message_receive(
        org=org,
        case=case,
        inbound_email_id=None,
        sender=account.email,
        sender_name=customer.name,
        text=text,
        files=files,
        channel=PORTAL_CHANNEL,
    )
