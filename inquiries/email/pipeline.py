"""One pipeline for every way e-mail arrives: store the raw message, then parse, classify, act.

- `inbound_store` (store.py) writes the raw bytes in the caller's transaction, once per
  organization and Message-ID (`INSERT … ON CONFLICT DO NOTHING`), and enqueues processing
  after commit.
- `inbound_process` (the worker; also the sweeper, the file import and "retry") takes a stored
  e-mail, parses and classifies it, and creates what it calls for — an inquiry, a message on a
  case, a bounce on our outgoing message — or records why nothing was created. An e-mail that
  cannot be read is kept as failed with the reason, for admins to see and retry.
"""

from __future__ import annotations

__all__ = [
    "BATCH",
    "case_message_from_email",
    "MAX_RAW_BYTES",
    "enqueue",
    "forget_cached_settings",
    "inbound_process",
    "inbound_process_many",
    "inbound_process_waiting",
    "inbound_retry",
    "inbound_store",
    "inbound_store_many",
    "inbound_sweep",
    "inquiry_confirmations_send",
]

import logging

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.services.inbound import case_message_receive
from inquiries.email.classify import Verdict, classify
from inquiries.email.intake import (
    forget_cached_settings,
    inquiries_create,
    inquiry_confirmations_send,
    inquiry_item,
)
from inquiries.email.parse import ParsedEmail, UnparseableEmail, parse
from inquiries.email.store import (
    BATCH,
    MAX_RAW_BYTES,
    enqueue,
    inbound_store,
    inbound_store_many,
    inbound_sweep,
)
from inquiries.models import InboundEmail
from notifications.models import OutboundMessage
from notifications.outbox import message_status_update
from organizations.models import Organization, User

logger = logging.getLogger(__name__)

Status = InboundEmail.Status
Outcome = InboundEmail.Outcome

# --- Processing -----------------------------------------------------------------------------


def inbound_process(pk: int, *, retry: bool = False) -> str:
    """Process one stored e-mail; returns its outcome ("" when there was nothing to do).

    Only `received` rows are taken (and `failed` ones when `retry`); the row is locked while it
    is processed, so two workers never act on the same e-mail. If acting on it fails, what it
    did is rolled back and the e-mail is marked failed with the reason, to be retried."""
    return inbound_process_many([pk], retry=retry).get(pk, "")


RECORDED_FIELDS = [
    "status",
    "outcome",
    "error",
    "processed_at",
    "attempts",
    "from_address",
    "from_name",
    "subject",
    "inquiry",
    "case",
    "outbound_message_id",
]


def inbound_process_waiting(ids: list[int]) -> dict[int, str]:
    """The worker's task: `ids`, plus other e-mails already waiting (oldest first) up to a
    batch. A burst of webhook posts (one task each) is then processed in batches; the tasks
    of the e-mails taken along find them done and cost one query."""
    mine = [int(pk) for pk in ids][:BATCH]
    table = InboundEmail._meta.db_table
    mine_sql = (
        f"SELECT id, 0 FROM {table} WHERE status = %s AND id IN ({', '.join(['%s'] * len(mine))})"
        " UNION ALL "
        if mine
        else ""
    )
    # Both parts are index lookups (the primary key; the partial index of waiting e-mails).
    with connection.cursor() as cursor:
        cursor.execute(
            f"{mine_sql}SELECT id, 1 FROM (SELECT id FROM {table} WHERE status = %s"
            f" ORDER BY received_at, id LIMIT {BATCH}) AS waiting ORDER BY 2",
            [*([Status.RECEIVED, *mine] if mine else []), Status.RECEIVED],
        )
        ids = list(dict.fromkeys(pk for pk, _rank in cursor.fetchall()))[:BATCH]
    if not ids:
        return {}
    return inbound_process_many(ids)


def inbound_process_many(ids: list[int], *, retry: bool = False) -> dict[int, str]:
    """Process stored e-mails; returns {id: outcome}.

    A batch is processed in one transaction, its rows updated with one statement at the end:
    a worker's throughput depends on the number of commits and round trips. If anything in
    it fails, the whole batch is rolled back and each e-mail is processed on its own, acting
    in a savepoint, so that the one failing e-mail is marked failed (with the reason, to be
    retried) without undoing the others."""
    statuses = [Status.RECEIVED, Status.FAILED] if retry else [Status.RECEIVED]
    ids = list(ids)
    if len(ids) > 1:
        try:
            with transaction.atomic():
                emails = list(_locked(ids, statuses))
                deferred: list[tuple[InboundEmail, dict]] = []
                results = {
                    email.pk: _process_locked(email, guarded=False, deferred=deferred)
                    for email in emails
                }
                by_org: dict[int, list] = {}
                for email, item in deferred:
                    by_org.setdefault(email.organization_id, []).append((email, item))
                for pending in by_org.values():
                    inquiries_create(pending[0][0].organization, pending)
                _save_results(emails)
            return results
        except Exception:
            logger.warning(
                "inbound: a batch failed; processing its e-mails one by one", exc_info=True
            )
    results = {}
    for pk in ids:
        try:
            with transaction.atomic():
                for email in _locked([pk], statuses):
                    results[pk] = _process_locked(email, guarded=True)
                    email.save(update_fields=RECORDED_FIELDS)
        except Exception:
            logger.exception("inbound: processing e-mail %s failed", pk)
            results.update(_record_failure(pk, statuses))
    return results


def _save_results(emails: list[InboundEmail]) -> None:
    """Write the results of a batch in one statement (PostgreSQL's UPDATE … FROM VALUES;
    Django's bulk_update builds a CASE per column and row, which costs more than the work)."""
    if not emails:
        return
    if connection.vendor != "postgresql":
        for email in emails:
            email.save(update_fields=RECORDED_FIELDS)
        return
    columns = [InboundEmail._meta.get_field(name).column for name in RECORDED_FIELDS]
    types = ["text", "text", "text", "timestamptz", "integer", "text", "text", "text"]
    types += ["bigint", "bigint", "bigint"]
    row = "(%s::bigint, " + ", ".join(f"%s::{t}" for t in types) + ")"
    params: list = []
    for email in emails:
        params.append(email.pk)
        params += [getattr(email, InboundEmail._meta.get_field(n).attname) for n in RECORDED_FIELDS]
    assignments = ", ".join(f"{c} = v.{c}" for c in columns)
    table = InboundEmail._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS e SET {assignments} FROM (VALUES "
            + ", ".join([row] * len(emails))
            + f") AS v(id, {', '.join(columns)}) WHERE e.id = v.id",
            params,
        )


def _locked(ids: list[int], statuses: list[str]):
    return (
        InboundEmail.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("organization")
        .filter(pk__in=ids, status__in=statuses)
        .order_by("pk")
    )


def _process_locked(email: InboundEmail, *, guarded: bool, deferred: list | None = None) -> str:
    """Parse, classify and act on one locked e-mail; its row is changed, not saved. With
    `guarded`, acting happens in a savepoint and a failure is recorded on the e-mail; else
    the failure is raised (and the caller's batch falls back to guarded processing)."""
    email.attempts += 1
    # Reasons and errors recorded on the e-mail are read by the organization's admins.
    with translation.override(email.organization.default_language):
        return _process_in_language(email, guarded=guarded, deferred=deferred)


def _process_in_language(email: InboundEmail, *, guarded: bool, deferred: list | None) -> str:
    try:
        parsed = parse(bytes(email.raw), message_id=email.message_id)
    except UnparseableEmail as exc:
        return _record(email, Status.FAILED, Outcome.UNPARSEABLE, str(exc))
    except Exception as exc:  # a parser bug must not lose the e-mail
        logger.exception("inbound: parsing e-mail %s failed", email.pk)
        return _record(email, Status.FAILED, Outcome.UNPARSEABLE, _exc_text(exc))
    email.from_address = parsed.from_address
    email.from_name = parsed.from_name
    email.subject = parsed.subject
    if not guarded:
        return _act(email, parsed, deferred)
    try:
        with transaction.atomic():
            return _act(email, parsed)
    except ValidationError as exc:
        error = "; ".join(exc.messages)[:2000]
    except Exception as exc:
        logger.exception("inbound: processing e-mail %s failed", email.pk)
        error = _exc_text(exc)
    # What _act linked was rolled back with its savepoint.
    email.inquiry = None
    email.case = None
    email.outbound_message_id = None
    return _record(email, Status.FAILED, "", error)


def _record_failure(pk: int, statuses: list[str]) -> dict[int, str]:
    """The e-mail's processing could not even be committed: mark it failed, keep the raw."""
    with transaction.atomic():
        email = (
            InboundEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk, status__in=statuses)
            .first()
        )
        if email is None:
            return {}
        email.attempts += 1
        outcome = _record(email, Status.FAILED, "", _("The processing could not be saved."))
        email.save(update_fields=["status", "outcome", "error", "processed_at", "attempts"])
        return {pk: outcome}


def _exc_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _record(email: InboundEmail, status: str, outcome: str, error: str = "") -> str:
    """Set the e-mail's result (the caller saves the row)."""
    email.status = status
    email.outcome = outcome
    email.error = error
    email.processed_at = timezone.now()
    return outcome or status


def _act(email: InboundEmail, parsed: ParsedEmail, deferred: list | None = None) -> str:
    org = email.organization
    verdict: Verdict = classify(org, parsed)
    if verdict.outcome == Outcome.BOUNCE:
        if verdict.outbound is not None:
            email.outbound_message_id = verdict.outbound.pk
            if verdict.failed:
                message_status_update(
                    channel=OutboundMessage.Channel.EMAIL,
                    message_id=verdict.outbound.message_id,
                    status=OutboundMessage.Status.BOUNCED,
                    error=verdict.reason or "bounced",
                )
        return _record(email, Status.IGNORED, Outcome.BOUNCE, verdict.reason)
    if verdict.outcome in (Outcome.AUTO_REPLY, Outcome.MAILING_LIST, Outcome.LOOP, Outcome.EMPTY):
        return _record(email, Status.IGNORED, verdict.outcome, verdict.reason)
    if verdict.outcome == Outcome.CASE_MESSAGE:
        case_message_from_email(org=org, case=verdict.case, email=email, parsed=parsed)
        email.case = verdict.case
        return _record(email, Status.PROCESSED, Outcome.CASE_MESSAGE)
    item, refused = inquiry_item(email, parsed)
    note = _("Attachments not kept: %(names)s") % {"names": ", ".join(refused)} if refused else ""
    note = note[:2000]
    if deferred is not None:  # the batch creates its inquiries together
        deferred.append((email, item))
    else:
        inquiries_create(org, [(email, item)])
    return _record(email, Status.PROCESSED, Outcome.INQUIRY, note)


def inbound_retry(*, org: Organization, actor: User | None, email: InboundEmail) -> str:
    """An admin's "retry" of a failed (or ignored) e-mail: processed again from its raw bytes."""
    if email.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    if email.status not in (Status.FAILED, Status.IGNORED) or not email.raw:
        raise ValidationError(_("Only an e-mail that failed or was set aside can be retried."))
    InboundEmail.objects.filter(pk=email.pk).update(status=Status.FAILED)
    return inbound_process(email.pk, retry=True)


def case_message_from_email(
    *, org: Organization, case, email: InboundEmail, parsed: ParsedEmail, actor: User | None = None
):
    """A received e-mail as a customer message on `case` (threaded, or linked by `actor`)."""
    return case_message_receive(
        org=org,
        case=case,
        inbound_email_id=email.pk,
        message_id=email.message_id,
        sender=parsed.from_address,
        sender_name=parsed.from_name,
        subject=parsed.subject,
        text=parsed.text,
        quoted=parsed.quoted,
        html=parsed.html,
        files=[(f.name, f.data) for f in parsed.files],
        actor=actor,
    )
