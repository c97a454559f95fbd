"""Celery beat's scheduler with a lock per periodic job: two beats send each job once.

Beat is meant to run once per installation, but a second one started by mistake (a scaled-up
service, a forgotten container, an overlapping deploy) would otherwise send every sweep and
purge twice. `LockedScheduler` (CELERY_BEAT_SCHEDULER) claims each due entry in the shared
cache (Redis: `SET key NX EX`) before sending it; a beat that finds the claim held sends
nothing and waits for the entry's next turn.

The claim is named after the entry (`beat-lock:<name>`) and lasts 90 % of the entry's period
as seen when it is sent (an interval's length; for a crontab, the time to its next occurrence).
So whichever beat is first sends the job, the other's send in the same period is dropped, and
the first beat's next send (a full period later) finds the claim expired: at most one send per
0.9 period and at least one per period, whatever the beats' offsets. A beat that stops is
replaced by the other within a period. If the cache cannot be reached the job is not sent (the
broker is the same Redis, so the send would fail too); the next period tries again.

Tasks run by other means (a service enqueueing, `.delay()` in a shell, tests) take no lock.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from celery.beat import PersistentScheduler
from celery.schedules import schedule as celery_schedule
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

# The claim lasts this share of the entry's period.
CLAIM_SHARE = 0.9
# Never shorter than this: a claim must outlive both beats' sends of one turn.
MIN_CLAIM_MS = 500
# When the schedule cannot say its period.
FALLBACK_PERIOD = timedelta(minutes=1)


def claim_key(entry_name: str) -> str:
    return f"beat-lock:{entry_name}"


def claim_ms(schedule, now=None) -> int:
    """How long a send of an entry with `schedule` holds its claim, in milliseconds."""
    if isinstance(schedule, celery_schedule):  # an interval
        period = schedule.run_every
    else:
        period = _estimate(schedule, now or timezone.now())
    if not isinstance(period, timedelta) or period <= timedelta(0):
        period = FALLBACK_PERIOD
    return max(MIN_CLAIM_MS, int(period.total_seconds() * 1000 * CLAIM_SHARE))


def _estimate(schedule, now) -> timedelta:
    """A crontab's (or solar) period, seen at its send: the time to its next occurrence."""
    try:
        # remaining_estimate counts from the schedule's own clock: shift it to `now`.
        return schedule.remaining_estimate(now) + (schedule.now() - now)
    except Exception:  # a custom schedule without an estimate
        return FALLBACK_PERIOD


def claim(entry_name: str, schedule) -> bool:
    """Claim this turn of the entry for this beat; False when another beat holds it."""
    holder = f"{socket.gethostname()}:{os.getpid()}"
    ms = claim_ms(schedule)
    key = cache.make_and_validate_key(claim_key(entry_name))
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is not None:  # Redis: SET key holder NX PX ms
        return bool(client(key, write=True).set(key, holder, nx=True, px=ms))
    # The embedded demo's local-memory cache (one process, tasks run eagerly).
    return bool(cache.add(claim_key(entry_name), holder, timeout=max(1, -(-ms // 1000))))


class LockedScheduler(PersistentScheduler):
    """PersistentScheduler (the default: schedule state in a local shelve file) whose sends go
    through `claim`."""

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        try:
            claimed = claim(entry.name, entry.schedule)
        except Exception:
            logger.exception("beat: could not claim %s; not sent this time", entry.name)
            return None
        if not claimed:
            logger.info("beat: %s was sent by another beat this period; skipped", entry.name)
            return None
        return super().apply_async(entry, producer=producer, advance=advance, **kwargs)
