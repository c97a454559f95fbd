"""Polling IMAP mailboxes (beat): new messages are stored and enqueued, never deleted or moved.

The folder is opened read-only and bodies are fetched with BODY.PEEK[], so the mailbox is left
exactly as it was (not even marked read). Each (UIDVALIDITY, UID) taken is recorded in ImapSeen
under a unique constraint in the same transaction as the stored e-mail, so a message is taken
once even if two pollers overlap; a new UIDVALIDITY (the folder was rebuilt) starts over, and
the Message-ID uniqueness of stored e-mails keeps that from creating anything twice.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from imapclient import IMAPClient

from inquiries.email.secrets import password_decrypt
from inquiries.email.store import inbound_store
from inquiries.models import ImapMailbox, ImapSeen, InboundEmail
from organizations.tenancy import all_organizations, organization_scope

logger = logging.getLogger(__name__)

FETCH_BATCH = 25
# At most this many messages per mailbox per poll; the rest come next time.
POLL_LIMIT = 500

ClientFactory = Callable[..., IMAPClient]


def _connect(mailbox: ImapMailbox, factory: ClientFactory):
    client = factory(mailbox.host, port=mailbox.port, ssl=mailbox.use_ssl, timeout=30)
    client.login(mailbox.username, password_decrypt(mailbox.password_encrypted))
    return client


def mailbox_poll(mailbox: ImapMailbox, *, factory: ClientFactory = IMAPClient) -> int:
    """Take the new messages of one mailbox; returns how many were stored."""
    stored = 0
    client = None
    uidvalidity = mailbox.uidvalidity
    try:
        client = _connect(mailbox, factory)
        info = client.select_folder(mailbox.folder, readonly=True)
        uidvalidity = int(info.get(b"UIDVALIDITY") or 0)
        last = (
            ImapSeen.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity).aggregate(
                last=Max("uid")
            )["last"]
            or 0
        )
        # "n:*" always answers at least the newest message, so filter again.
        found = client.search(["UID", f"{last + 1}:*"])
        uids = sorted(uid for uid in found if uid > last)[:POLL_LIMIT]
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start : start + FETCH_BATCH]
            fetched = client.fetch(batch, ["BODY.PEEK[]"])
            for uid in batch:
                data = fetched.get(uid) or {}
                raw = data.get(b"BODY[]")
                if raw is None:
                    continue
                stored += _take(mailbox, uidvalidity, uid, bytes(raw))
        error = ""
    except Exception as exc:  # a server down or a wrong password: shown on the settings page
        logger.warning("imap: polling mailbox %s failed: %s", mailbox.pk, exc)
        error = f"{type(exc).__name__}: {exc}"[:1000]
    finally:
        if client is not None:
            with contextlib.suppress(Exception):  # the connection may already be gone
                client.logout()
    ImapMailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=timezone.now(), last_error=error, uidvalidity=uidvalidity
    )
    return stored


def _take(mailbox: ImapMailbox, uidvalidity: int, uid: int, raw: bytes) -> int:
    try:
        with transaction.atomic():
            ImapSeen.objects.create(
                organization_id=mailbox.organization_id,
                mailbox=mailbox,
                uidvalidity=uidvalidity,
                uid=uid,
            )
            _pk, created = inbound_store(
                org=mailbox.organization, raw=raw, source=InboundEmail.Source.IMAP
            )
    except IntegrityError:  # another poller took this UID first
        return 0
    return int(created)


def mailboxes_poll(*, factory: ClientFactory = IMAPClient) -> int:
    """Poll every organization's active mailboxes, each in its organization's scope."""
    total = 0
    with all_organizations("beat polls every organization's mailboxes"):
        mailboxes = list(ImapMailbox.objects.filter(is_active=True).select_related("organization"))
    for mailbox in mailboxes:
        with organization_scope(mailbox.organization_id):
            total += mailbox_poll(mailbox, factory=factory)
    return total
