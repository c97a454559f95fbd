"""Periodic jobs of the inquiries app (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from inquiries.services.lifecycle import inquiries_purge_deleted
from organizations.tenancy import all_organizations, organization_scope


@shared_task(acks_late=True)
def purge_deleted_inquiries() -> int:
    """Remove inquiries deleted more than 30 days ago (or as many days as the organization's
    retention policy says), and their files, in batches."""
    total = 0
    with all_organizations("beat purges every organization's deleted inquiries"):
        while True:
            removed = inquiries_purge_deleted()
            total += removed
            if removed == 0:
                return total


@shared_task(acks_late=True)
def purge_idempotency_keys() -> int:
    """Forget API answers older than the 24-hour Idempotency-Key window."""
    from inquiries.api.idempotency import idempotency_keys_purge

    with all_organizations("beat forgets every organization's old API answers"):
        return idempotency_keys_purge()


@shared_task(acks_late=True)
def process_inbound_emails(organization_id: int, ids: list[int]) -> dict[int, str]:
    """Parse, classify and act on stored e-mails (those gone or already done are skipped).
    Failures are recorded on the e-mail, not retried here: the admins' "retry" and the
    sweeper (for e-mails still `received`) take care of them."""
    from inquiries.email.pipeline import inbound_process_waiting

    with organization_scope(organization_id):
        return inbound_process_waiting(list(ids))


@shared_task(acks_late=True)
def sweep_inbound_email() -> int:
    """Re-enqueue received e-mails left unprocessed (a lost task, a killed worker)."""
    from inquiries.email.pipeline import inbound_sweep

    with all_organizations("beat re-enqueues every organization's unprocessed e-mails"):
        return inbound_sweep()


@shared_task(acks_late=True)
def poll_imap_mailboxes() -> int:
    """Fetch new mail from every active IMAP mailbox; returns how many messages were new."""
    from inquiries.email.imap import mailboxes_poll

    return mailboxes_poll()  # each mailbox in its organization's scope
