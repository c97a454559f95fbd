"""Background work of the outbox: send one row, and the sweeper that finds forgotten rows."""

from __future__ import annotations

from celery import shared_task

from notifications.outbox import message_deliver, message_deliver_many, outbox_sweep
from organizations.tenancy import all_organizations, organization_scope


@shared_task(acks_late=True, ignore_result=True)
def send_message(organization_id: int, message_id: int) -> str:
    """Send one outbox row. Retries are the outbox's own (rows with a due time), not Celery's,
    so they survive a Redis flush."""
    with organization_scope(organization_id):
        return message_deliver(message_id)


@shared_task(acks_late=True, ignore_result=True)
def send_messages(organization_id: int, message_ids: list[int]) -> dict[str, int]:
    """Send several outbox rows, one after the other (see outbox.TASK_BATCH)."""
    with organization_scope(organization_id):
        return message_deliver_many(message_ids)


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    with all_organizations("beat re-enqueues every organization's forgotten messages"):
        return outbox_sweep()
