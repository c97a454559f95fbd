"""The beat lock (config/beat_lock.py): two beats sending the same due entry send it once per
period. In-process, with two schedulers over the test Redis; the cluster test
(test_cluster.py) runs two real `celery beat` processes."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from celery.schedules import crontab, schedule
from django.conf import settings
from django.utils import timezone

from config.beat_lock import LockedScheduler, claim_key, claim_ms

needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")


class RecordingScheduler(LockedScheduler):
    """A beat whose sends are recorded instead of reaching the broker."""

    def __init__(self, app, sent: list, **kwargs) -> None:
        self.sent = sent
        super().__init__(app, **kwargs)

    def send_task(self, name, *args, **kwargs):
        self.sent.append((self.label, name))
        return None


def _beat(tmp_path, label: str, sent: list, every: float) -> RecordingScheduler:
    from config.celery import app

    beat = RecordingScheduler(
        app, sent, schedule_filename=str(tmp_path / f"beat-{label}"), lazy=True
    )
    beat.label = label
    beat.setup_schedule()
    beat.update_from_dict(
        {"cluster-tick": {"task": "tests.cluster.no_such_task", "schedule": every}}
    )
    return beat


def test_settings_use_the_locked_scheduler_for_every_periodic_job():
    from config.celery import app

    assert settings.CELERY_BEAT_SCHEDULER == "config.beat_lock:LockedScheduler"
    assert app.conf.beat_scheduler == "config.beat_lock:LockedScheduler"
    assert settings.CELERY_BEAT_SCHEDULE  # the jobs the lock covers


def test_a_claim_lasts_most_of_the_entrys_period():
    assert claim_ms(schedule(60.0)) == 54_000
    assert claim_ms(schedule(timedelta(minutes=5))) == 270_000
    assert claim_ms(schedule(0.1)) == 500  # never shorter than both beats' sends of one turn
    # A crontab's period, seen at its send: the time to its next occurrence.
    sent_at = timezone.now().replace(minute=41, second=0, microsecond=0)
    assert claim_ms(crontab(minute=41), now=sent_at) == pytest.approx(0.9 * 3600_000, rel=0.01)
    daily = crontab(minute=17, hour=3)
    assert claim_ms(daily, now=sent_at) > 0.9 * 3600_000


@needs_redis
def test_two_beats_send_a_due_entry_once_per_period(tmp_path):
    sent: list = []
    first = _beat(tmp_path, "first", sent, every=2.0)
    second = _beat(tmp_path, "second", sent, every=2.0)
    try:
        first.apply_entry(first.schedule["cluster-tick"])
        second.apply_entry(second.schedule["cluster-tick"])
        second.apply_entry(second.schedule["cluster-tick"])
        assert sent == [("first", "tests.cluster.no_such_task")]

        # The claim (90 % of 2 s) runs out before the period's end: the next turn is sent, by
        # whichever beat comes first, once.
        time.sleep(1.9)
        second.apply_entry(second.schedule["cluster-tick"])
        first.apply_entry(first.schedule["cluster-tick"])
        assert sent == [
            ("first", "tests.cluster.no_such_task"),
            ("second", "tests.cluster.no_such_task"),
        ]
    finally:
        first.close()
        second.close()


@needs_redis
def test_the_claim_is_a_redis_key_with_an_expiry(tmp_path):
    import redis
    from django.core.cache import cache

    sent: list = []
    beat = _beat(tmp_path, "only", sent, every=60.0)
    try:
        beat.apply_entry(beat.schedule["cluster-tick"])
    finally:
        beat.close()
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = cache.make_and_validate_key(claim_key("cluster-tick"))
    assert client.get(key).decode().endswith(f":{os.getpid()}")
    assert 50_000 < client.pttl(key) <= 54_000
    assert len(sent) == 1


def test_an_unreachable_cache_sends_nothing(tmp_path, monkeypatch, caplog):
    from config import beat_lock

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(beat_lock, "claim", broken)
    sent: list = []
    beat = _beat(tmp_path, "only", sent, every=60.0)
    try:
        beat.apply_entry(beat.schedule["cluster-tick"])
    finally:
        beat.close()
    assert sent == []
    assert "could not claim cluster-tick" in caplog.text
