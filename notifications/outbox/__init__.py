"""The durable outbox: every e-mail and SMS is a row first, then sent by a worker.

- `message_queue` writes the row in the caller's transaction and enqueues the send task after
  commit; a rolled-back change sends nothing.
- `message_deliver` (the worker) claims the row — `SELECT … FOR UPDATE SKIP LOCKED`, status
  `sending` with a lease — commits, calls the transport, and records the outcome. Two workers
  never hold the same row; a row that is `sent` (or later) is never claimed again.
- Rows queued together go to the workers in tasks of up to `TASK_BATCH` ids
  (`message_deliver_many`): still one claim, one send and one recorded outcome per row, but
  the `sent` of one row is written by the statement that claims the next (on PostgreSQL one
  round trip and one commit per message, where Celery and four round trips per message used to
  cost more than the send itself).
- `outbox_sweep` (beat, every minute) re-enqueues rows left `queued` past their time and rows
  whose `sending` lease ran out (a SIGKILLed worker), so a Redis flush or a dead worker loses
  nothing.
- Temporary errors retry with exponential backoff and jitter up to `OUTBOX_MAX_ATTEMPTS`;
  permanent errors (and the last attempt) make the row `failed` with the reason.
- Provider callbacks move a status forward only (`message_status_update`).

The one window that cannot be closed without help from the provider: a worker killed after
the provider accepted a message and before the row says `sent` sends it again when the lease
runs out. The row keeps its Message-ID, so the second copy is recognisable as the same e-mail.
(tests/test_outbox_worker.py SIGKILLs a real worker there.)

Provider reports can only find a row once its provider id is recorded: a report that arrives
in the milliseconds between the provider's answer and that record is ignored (the webhooks
answer 2xx, so it is not retried). Later reports (delivered, bounced) still apply.
"""

from notifications.outbox.delivery import (
    STATUS_RANK,
    backoff,
    message_deliver,
    message_deliver_many,
    message_retry,
    message_status_update,
    outbox_sweep,
)
from notifications.outbox.queueing import (
    AUTO_HEADERS,
    TASK_BATCH,
    clean_recipient,
    default_from,
    enqueue,
    message_queue,
    message_queue_many,
    new_message_id,
    normalise_phone,
    primary_address,
)

__all__ = [
    "AUTO_HEADERS",
    "STATUS_RANK",
    "TASK_BATCH",
    "backoff",
    "clean_recipient",
    "default_from",
    "enqueue",
    "message_deliver",
    "message_deliver_many",
    "message_queue",
    "message_queue_many",
    "message_retry",
    "message_status_update",
    "new_message_id",
    "normalise_phone",
    "outbox_sweep",
    "primary_address",
]
