"""Code the cluster test's worker processes run: beat's counted job, and an e-mail backend that
records which worker delivered each message (and can hang like a provider that never answers,
so the test can kill the worker mid-task)."""

from __future__ import annotations

import os
import time

from celery import shared_task
from django.core.mail.backends.base import BaseEmailBackend

from tests.test_outbox_worker import _append_line


@shared_task(name="tests.cluster.tasks.tick")
def tick() -> None:
    """Beat's job in the cluster test: one line per run, with the time and the worker."""
    _append_line(os.environ["CLUSTER_TICKS"], f"{time.time():.3f} {os.getpid()}")


class PidRecordingEmailBackend(BaseEmailBackend):
    """Delivers by appending "<Message-ID> <worker pid>" to $OUTBOX_TEST_DIR/delivered. The
    $OUTBOX_TEST_HANG_AT-th send (counted across workers) writes `hung` and sleeps instead."""

    def send_messages(self, messages):
        folder = os.environ["OUTBOX_TEST_DIR"]
        hang_at = int(os.environ.get("OUTBOX_TEST_HANG_AT") or 0)
        for message in messages:
            line = f"{message.extra_headers['Message-ID']} {os.getpid()}"
            if _append_line(os.path.join(folder, "attempts"), line) == hang_at:
                _append_line(os.path.join(folder, "hung"), line)
                time.sleep(3600)  # the provider never answers; the test kills us here
            _append_line(os.path.join(folder, "delivered"), line)
        return len(messages)
