"""One pipeline for every way e-mail arrives: store the raw message, then parse, classify, act.

- `inbound_store` writes the raw bytes in the caller's transaction, once per organization and
  Message-ID (`INSERT … ON CONFLICT DO NOTHING`), and enqueues processing after commit.
- `inbound_process` (the worker; also the sweeper, the file import and "retry") takes a stored
  e-mail, parses and classifies it, and creates what it calls for — an inquiry, a message on a
  case, a bounce on our outgoing message — or records why nothing was created. An e-mail that
  cannot be read is kept as failed with the reason, for admins to see and retry.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.services.attachments import MAX_FILES_PER_UPLOAD, attachment_check
from cases.services.inbound import case_message_receive
from inquiries.email.classify import Verdict, classify
from inquiries.email.parse import ParsedEmail, UnparseableEmail, message_id_of, parse
from inquiries.models import Channel, InboundEmail, Inquiry
from notifications.models import OutboundMessage
from notifications.outbox import message_status_update
from organizations.models import Organization, User

logger = logging.getLogger(__name__)

Status = InboundEmail.Status
Outcome = InboundEmail.Outcome

# Raw messages above this size are refused at the door (stored as failed, not parsed).
MAX_RAW_BYTES = 50 * 1024 * 1024


def inbound_store(
    *, org: Organization, raw: bytes, source: str, enqueue_processing: bool = True
) -> tuple[int, bool]:
    """Store one raw e-mail; returns (id, created). The same message again returns the first
    row's id and False. Processing is enqueued after the caller's transaction commits (unless
    the caller processes it itself: the file import)."""
    return inbound_store_many(
        org=org, raws=[raw], source=source, enqueue_processing=enqueue_processing
    )[0]


def inbound_store_many(
    *, org: Organization, raws: list[bytes], source: str, enqueue_processing: bool = True
) -> list[tuple[int, bool]]:
    """Store raw e-mails with one INSERT … ON CONFLICT DO NOTHING; returns (id, created) per
    message, in order (a message whose Message-ID is already stored — or earlier in `raws` —
    gets that row's id and False). Messages over MAX_RAW_BYTES are kept as failed, without
    their bytes."""
    if not raws:
        return []
    now = timezone.now()
    table = InboundEmail._meta.db_table
    keys = [message_id_of(raw) for raw in raws]
    params: list = []
    for raw, message_id in zip(raws, keys, strict=True):
        too_big = len(raw) > MAX_RAW_BYTES
        params += [
            org.pk,
            source,
            message_id,
            b"" if too_big else raw,
            len(raw),
            Status.FAILED if too_big else Status.RECEIVED,
            Outcome.UNPARSEABLE if too_big else "",
            f"The message is larger than {MAX_RAW_BYTES} bytes." if too_big else "",
            now,
        ]
    row = "(%s, %s, %s, %s, %s, %s, %s, %s, '', '', '', 0, %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organization_id, source, message_id, raw, size, status,"
            " outcome, error, from_address, from_name, subject, attempts, received_at)"
            f" VALUES {', '.join([row] * len(raws))}"
            " ON CONFLICT (organization_id, message_id) DO NOTHING RETURNING id, message_id",
            params,
        )
        created = {message_id: pk for pk, message_id in cursor.fetchall()}
    missing = [k for k in set(keys) if k not in created]
    existing = dict(
        InboundEmail.objects.filter(organization_id=org.pk, message_id__in=missing).values_list(
            "message_id", "pk"
        )
        if missing
        else {}
    )
    results, seen = [], set()
    for message_id in keys:
        if message_id in created and message_id not in seen:
            results.append((created[message_id], True))
        else:
            results.append((created.get(message_id) or existing.get(message_id), False))
        seen.add(message_id)
    if enqueue_processing:
        ids = [
            pk
            for (pk, new), raw in zip(results, raws, strict=True)
            if new and len(raw) <= MAX_RAW_BYTES
        ]
        if ids:
            transaction.on_commit(lambda: enqueue(ids))
    return results


# E-mails per processing task (and per transaction) when many wait at once.
BATCH = 50


def enqueue(ids: list[int]) -> None:
    """Hand e-mails to the workers, in batches; if the broker is down the sweeper finds them."""
    from inquiries.tasks import process_inbound_emails

    for start in range(0, len(ids), BATCH):
        batch = list(ids[start : start + BATCH])
        try:
            process_inbound_emails.delay(batch)
        except Exception:
            logger.warning("inbound: could not enqueue e-mails %s; the sweeper will", batch)


def inbound_sweep(limit: int = 500, grace_seconds: int = 120) -> int:
    """Re-enqueue e-mails stored but still unprocessed after `grace_seconds`."""
    before = timezone.now() - datetime.timedelta(seconds=grace_seconds)
    ids = list(
        InboundEmail.objects.filter(status=Status.RECEIVED, received_at__lte=before)
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
    enqueue(ids)
    return len(ids)


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
                    _inquiries_create(pending[0][0].organization, pending)
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
        outcome = _record(email, Status.FAILED, "", "The processing could not be saved.")
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
    files = [(f.name, f.data) for f in parsed.files]
    if verdict.outcome == Outcome.CASE_MESSAGE:
        case_message_receive(
            org=org,
            case=verdict.case,
            inbound_email_id=email.pk,
            sender=parsed.from_address,
            sender_name=parsed.from_name,
            subject=parsed.subject,
            text=parsed.text,
            quoted=parsed.quoted,
            html=parsed.html,
            files=files,
        )
        email.case = verdict.case
        return _record(email, Status.PROCESSED, Outcome.CASE_MESSAGE)
    item, refused = _inquiry_item(email, parsed)
    note = ("Attachments not kept: " + ", ".join(refused))[:2000] if refused else ""
    if deferred is not None:  # the batch creates its inquiries together
        deferred.append((email, item))
    else:
        _inquiries_create(org, [(email, item)])
    return _record(email, Status.PROCESSED, Outcome.INQUIRY, note)


def _inquiry_item(email: InboundEmail, parsed: ParsedEmail) -> tuple[dict, list[str]]:
    """inquiry_receive's arguments for the e-mail, and the names of files it cannot keep."""
    accepted, refused = [], []
    for file in parsed.files:
        if len(accepted) >= MAX_FILES_PER_UPLOAD:
            refused.append(file.name)
            continue
        try:
            accepted.append(attachment_check(_upload(file.name, file.data)))
        except ValidationError:
            refused.append(file.name)
    message = parsed.text
    if not message and not parsed.subject:
        message = _("(The e-mail has no text; see the attachments.)")
    item = {
        "sender_name": parsed.from_name[:200],
        "sender_email": parsed.from_address if _valid_email(parsed.from_address) else "",
        "subject": parsed.subject[:200],
        "message": message,
        "checked_attachments": accepted,
        "raw_payload": {"inbound_email_id": email.pk, "message_id": email.message_id},
    }
    return item, refused


def _inquiries_create(org: Organization, pending: list[tuple[InboundEmail, dict]]) -> None:
    """New inquiries through the e-mail channel's intake rule (one insert for all), linked
    to their e-mails, each with its confirmation when the rule asks for one."""
    from inquiries.services.intake import inquiries_receive_many

    if not pending:
        return
    inquiries = inquiries_receive_many(
        org=org, channel=Channel.EMAIL, items=[item for _email, item in pending]
    )
    waiting = []
    for (email, _item), inquiry in zip(pending, inquiries, strict=True):
        email.inquiry = inquiry
        email.case_id = inquiry.case_id
        if inquiry.case_id is None:
            waiting.append((inquiry, email.message_id))
    inquiry_confirmations_send(org=org, inquiries=waiting)


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name or "file", data)


def _valid_email(address: str) -> bool:
    from django.core.validators import validate_email

    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


# This process's copy of each organization's "send a confirmation" setting, kept a few seconds:
# a busy worker would otherwise read the rule once per e-mail.
RULE_SECONDS = 5.0
_confirmation_setting: dict[int, tuple[float, bool]] = {}


def _sends_confirmation(org: Organization) -> bool:
    from inquiries.services.rules import intake_rule_for

    now = time.monotonic()
    cached = _confirmation_setting.get(org.pk)
    if cached is not None and cached[0] > now:
        return cached[1]
    value = intake_rule_for(org, Channel.EMAIL).send_confirmation
    _confirmation_setting[org.pk] = (now + RULE_SECONDS, value)
    return value


def forget_cached_settings() -> None:
    """Tests change rules between e-mails: forget this process's copies."""
    _confirmation_setting.clear()
    from inquiries.email.classify import forget_own_addresses

    forget_own_addresses()


def inquiry_confirmations_send(
    *, org: Organization, inquiries: list[tuple[Inquiry, str]]
) -> list[OutboundMessage]:
    """The e-mail intake rule's "send a confirmation": an automatic reply to each sender, in
    the thread of their e-mail (pairs of inquiry and the Message-ID it answers), queued in one
    insert. Cases created at once get theirs from the case-creation flow."""
    from notifications.messages import language_for, render, template_for
    from notifications.outbox import message_queue_many

    inquiries = [(i, mid) for i, mid in inquiries if i.sender_email]
    if not inquiries or not _sends_confirmation(org):
        return []
    language = language_for(org, None)
    template = template_for(org, OutboundMessage.Kind.CONFIRMATION, language)
    items = []
    for inquiry, message_id in inquiries:
        rendered = render(
            org=org,
            kind=OutboundMessage.Kind.CONFIRMATION,
            language=language,
            values={
                "customer_name": inquiry.sender_name or inquiry.sender_email,
                "subject": inquiry.subject or _("your inquiry"),
            },
            template=template,
        )
        in_reply_to = message_id if message_id.startswith("<") else ""
        items.append(
            {
                "org": org,
                "channel": OutboundMessage.Channel.EMAIL,
                "to": inquiry.sender_email,
                "to_name": inquiry.sender_name,
                "subject": rendered.subject,
                "text": rendered.text,
                "html": rendered.html,
                "kind": OutboundMessage.Kind.CONFIRMATION,
                "language": language,
                "in_reply_to": in_reply_to,
                "references": in_reply_to,
                "automatic": True,
            }
        )
    return message_queue_many(items)


def inbound_retry(*, org: Organization, actor: User | None, email: InboundEmail) -> str:
    """An admin's "retry" of a failed (or ignored) e-mail: processed again from its raw bytes."""
    if email.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    if email.status not in (Status.FAILED, Status.IGNORED) or not email.raw:
        raise ValidationError(_("Only an e-mail that failed or was set aside can be retried."))
    InboundEmail.objects.filter(pk=email.pk).update(status=Status.FAILED)
    return inbound_process(email.pk, retry=True)
