"""What a received e-mail is: a bounce, our own mail coming back, an automatic reply, a reply
on a case, or a new inquiry. Reads only; the pipeline acts on the answer."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.db import connection
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent
from inquiries.email.parse import ParsedEmail
from inquiries.models_email import InboundEmail
from notifications.models import OutboundMessage, ReceivingAddress
from organizations.models import Organization

Outcome = InboundEmail.Outcome

CASE_TOKEN_RE = re.compile(r"\[#(\d{1,9})\]")
AUTO_SUBJECT_RE = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|autosvar|automatisk svar|automatiskt svar|"
    r"out of (the )?office|fraværende|fravær|frånvaro|frånvarande|ikke til stede|"
    r"abwesenheitsnotiz|réponse automatique)\b",
    re.I,
)
BOUNCE_SENDERS = ("mailer-daemon@", "postmaster@", "mail-daemon@")


@dataclass
class Verdict:
    outcome: str
    reason: str = ""
    case: Case | None = None
    outbound: OutboundMessage | None = None
    # A bounce whose report says delivery failed for good (not merely delayed).
    failed: bool = False


def _is_bounce(parsed: ParsedEmail) -> bool:
    if parsed.report is not None:
        return True
    sender = parsed.from_address
    return sender.startswith(BOUNCE_SENDERS) and bool(parsed.headers.get("x-failed-recipients"))


def _auto_reason(parsed: ParsedEmail) -> tuple[str, str] | None:
    h = parsed.headers
    auto = h.get("auto-submitted", "").lower()
    if auto and not auto.startswith("no"):
        return Outcome.AUTO_REPLY, f"Auto-Submitted: {auto}"
    precedence = (h.get("precedence") or h.get("x-precedence") or "").lower()
    if precedence in ("auto_reply", "auto-reply"):
        return Outcome.AUTO_REPLY, f"Precedence: {precedence}"
    for name in ("x-autoreply", "x-autorespond"):
        if h.get(name):
            return Outcome.AUTO_REPLY, f"{name}: {h[name]}"
    if AUTO_SUBJECT_RE.match(parsed.subject):
        return Outcome.AUTO_REPLY, _("the subject says it is an automatic reply")
    if precedence in ("bulk", "list", "junk"):
        return Outcome.MAILING_LIST, f"Precedence: {precedence}"
    for name in ("list-id", "mailing-list"):
        if h.get(name):
            return Outcome.MAILING_LIST, f"{name}: {h[name][:100]}"
    return None


# This process's copy of each organization's receiving addresses, kept a few seconds.
ADDRESSES_SECONDS = 5.0
_own: dict[int, tuple[float, set[str]]] = {}


def forget_own_addresses() -> None:
    _own.clear()


def own_addresses(org: Organization) -> set[str]:
    """The organization's receiving addresses and our sender address, lower-cased."""
    now = time.monotonic()
    cached = _own.get(org.pk)
    if cached is not None and cached[0] > now:
        return cached[1]
    addresses = set(
        ReceivingAddress.objects.filter(organization=org)
        .annotate(lower=Lower("address"))
        .values_list("lower", flat=True)
    )
    _name, default = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if default:
        addresses.add(default.lower())
    _own[org.pk] = (now + ADDRESSES_SECONDS, addresses)
    return addresses


def _is_loop(org: Organization, parsed: ParsedEmail) -> str:
    if parsed.from_address and parsed.from_address in own_addresses(org):
        return _("sent from our own address %(address)s") % {"address": parsed.from_address}
    domain = settings.EMAIL_MESSAGE_ID_DOMAIN.lower()
    if parsed.message_id.lower().endswith(f"@{domain}>"):
        return _("it carries our own Message-ID")
    loop = parsed.headers.get("x-loop", "").lower()
    if loop and (loop in own_addresses(org) or domain in loop):
        return f"X-Loop: {loop}"
    return ""


def outbound_for(org: Organization, message_ids: list[str]) -> OutboundMessage | None:
    """Our outbox row with one of `message_ids`, the first in `message_ids` order."""
    if not message_ids:
        return None
    rows = {
        row.message_id: row
        for row in OutboundMessage.objects.filter(
            organization=org, channel=OutboundMessage.Channel.EMAIL, message_id__in=message_ids
        )
    }
    return next((rows[m] for m in message_ids if m in rows), None)


def case_for_thread(org: Organization, message_ids: list[str]) -> Case | None:
    """The case a reply belongs to: through our outgoing message it answers, else through an
    earlier received e-mail of the same thread that is on a case. One query to find it (this
    runs for most received e-mail), one to read the case."""
    message_ids = [m for m in message_ids if len(m) <= 300][:50]
    if not message_ids:
        return None
    marks = ", ".join(["%s"] * len(message_ids))
    sql = (
        f"SELECT e.case_id, 1 AS rank, e.created_at FROM {CaseEvent._meta.db_table} e"
        f" JOIN {OutboundMessage._meta.db_table} o ON o.id = e.outbound_message_id"
        f" WHERE o.organization_id = %s AND o.channel = 'email' AND o.message_id IN ({marks})"
        " AND e.organization_id = %s AND e.kind = %s"
        " UNION ALL"
        f" SELECT i.case_id, 2 AS rank, i.received_at FROM {InboundEmail._meta.db_table} i"
        f" WHERE i.organization_id = %s AND i.message_id IN ({marks})"
        " AND i.case_id IS NOT NULL"
        " ORDER BY 2, 3 DESC LIMIT 1"
    )
    params = [org.pk, *message_ids, org.pk, CaseEvent.Kind.MESSAGE_OUT, org.pk, *message_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return Case.objects.filter(organization=org, pk=row[0]).first()


def case_for_token(org: Organization, parsed: ParsedEmail) -> Case | None:
    """`[#1234]` in the subject, trusted only from the case's own customer."""
    match = CASE_TOKEN_RE.search(parsed.subject)
    if not match or not parsed.from_address:
        return None
    case = (
        Case.objects.filter(organization=org, number=int(match.group(1)))
        .select_related("customer")
        .first()
    )
    if case is None or case.customer is None:
        return None
    if (case.customer.email or "").strip().lower() != parsed.from_address:
        return None
    return case


def classify(org: Organization, parsed: ParsedEmail) -> Verdict:
    if _is_bounce(parsed):
        report = parsed.report
        ids = report.original_message_ids if report else []
        outbound = outbound_for(org, ids + parsed.thread_ids)
        reason = (report.diagnostic if report else "") or parsed.headers.get(
            "x-failed-recipients", ""
        )
        failed = report is None or report.failed
        if not failed:
            reason = _("delayed: %(reason)s") % {"reason": reason}
        return Verdict(Outcome.BOUNCE, reason=reason[:1000], outbound=outbound, failed=failed)
    loop = _is_loop(org, parsed)
    if loop:
        return Verdict(Outcome.LOOP, reason=loop)
    auto = _auto_reason(parsed)
    if auto is not None:
        return Verdict(auto[0], reason=auto[1])
    case = case_for_thread(org, parsed.thread_ids) or case_for_token(org, parsed)
    if case is not None:
        return Verdict(Outcome.CASE_MESSAGE, case=case)
    if not parsed.text and not parsed.subject and not parsed.files:
        return Verdict(Outcome.EMPTY, reason=_("no subject, text or attachment"))
    return Verdict(Outcome.INQUIRY)
