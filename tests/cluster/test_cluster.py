"""Several nodes, proven (issue 16): two gunicorn web nodes and two Celery workers, each its
own process, against one PostgreSQL (the test database), one Redis (the suite's database) and
one S3 store (moto's server, in this process). They share nothing else: no disk (each node's
MEDIA_ROOT is empty and must stay so), no memory.

- a session signed in on node 1 works on node 2, and signing out on node 2 ends it on node 1;
- a photo uploaded through node 1 gets its thumbnail from a worker and downloads through node 2;
- a worker SIGKILLed while sending leaves its work to the other worker;
- two beat processes started by mistake send each periodic job once (config/beat_lock.py).
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.cluster.services import (
    Celery,
    WebNode,
    app_env,
    database_settings,
    post_form,
    postgres_url,
    signed_in,
    wait_until,
)
from tests.markers import postgresql_only
from tests.test_outbox_worker import _lines

pytestmark = [
    pytest.mark.cluster,
    postgresql_only("several processes share one PostgreSQL"),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for the workers"),
    pytest.mark.django_db(transaction=True),
]

REGION = "eu-north-1"
KEYS = {"AWS_ACCESS_KEY_ID": "saksflyt-test", "AWS_SECRET_ACCESS_KEY": "saksflyt-test-secret"}
LEASE_SECONDS = 5
MESSAGES, HANG_AT = 30, 10
TICK_SECONDS, BEAT_WINDOW = 2.0, 9.0


class Cluster:
    def __init__(self, folder: Path, s3_endpoint: str) -> None:
        import boto3

        self.folder = folder
        self.bucket = f"saksflyt-{uuid.uuid4().hex[:12]}"
        boto3.client(
            "s3",
            endpoint_url=s3_endpoint,
            region_name=REGION,
            aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
        ).create_bucket(
            Bucket=self.bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        self.s3_endpoint = s3_endpoint
        self.media_roots: list[Path] = []
        self.nodes = [
            WebNode(self.env("node1"), "node1", folder),
            WebNode(self.env("node2"), "node2", folder),
        ]
        self.workers = [
            Celery("worker", self.env("worker1"), "worker1", folder),
            Celery("worker", self.env("worker2"), "worker2", folder),
        ]
        self.beats: list[Celery] = []

    def env(self, name: str) -> dict[str, str]:
        db = database_settings()
        media_root = self.folder / f"media-{name}"  # each process's own disk: must stay empty
        media_root.mkdir()
        self.media_roots.append(media_root)
        return app_env(
            postgres_url(db["host"], db["port"], db["name"], db["user"], db["password"]),
            DJANGO_SETTINGS_MODULE="tests.cluster.cluster_settings",
            MEDIA_ROOT=str(media_root),
            MEDIA_STORAGE="s3",
            AWS_STORAGE_BUCKET_NAME=self.bucket,
            AWS_S3_REGION_NAME=REGION,
            AWS_S3_ENDPOINT_URL=self.s3_endpoint,
            AWS_S3_ADDRESSING_STYLE="path",
            **KEYS,
            EMAIL_BACKEND="tests.cluster.tasks.PidRecordingEmailBackend",
            OUTBOX_TEST_DIR=str(self.folder / "outbox"),
            OUTBOX_TEST_HANG_AT=str(HANG_AT),
            OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
            OUTBOX_SWEEP_GRACE_SECONDS="0",
            CLUSTER_TICKS=str(self.folder / "ticks"),
            CLUSTER_TICK_SECONDS=str(TICK_SECONDS),
            LOG_LEVEL="INFO" if name.startswith("beat") else "WARNING",
        )

    def start(self) -> None:
        """Everything at once (the processes' start-up is most of the time): the nodes, the
        workers, and two beats, one started by mistake."""
        (self.folder / "outbox").mkdir()
        self.beats = [Celery("beat", self.env(f"beat{n}"), f"beat{n}", self.folder) for n in (1, 2)]
        for process in (*self.nodes, *self.workers, *self.beats):
            process.start()
        for node in self.nodes:
            node.wait_ready()

    def stop(self) -> None:
        for process in (*self.beats, *self.workers, *self.nodes):
            process.stop()

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} ---\n{p.log()[-3000:]}"
            for p in (*self.nodes, *self.workers, *self.beats)
        )

    def local_files(self) -> list[Path]:
        return [path for root in self.media_roots for path in root.rglob("*") if path.is_file()]


@pytest.fixture(scope="module")
def s3_server():
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def cluster(django_db_setup, s3_server, tmp_path_factory):
    """Started once for the module: the processes outlive each test's data (the tests' rows are
    committed and removed after each test, the processes just read what is there)."""
    from config.celery import app as celery_app

    running = Cluster(tmp_path_factory.mktemp("cluster"), s3_server)
    celery_app.conf.task_always_eager = False  # this process enqueues to Redis too
    try:
        running.start()
        yield running
    finally:
        running.stop()
        celery_app.conf.task_always_eager = True
    assert running.local_files() == [], "a process wrote to its own disk instead of the store"


@pytest.fixture
def healthy(cluster):
    """Each test ends with every process it did not kill alive and without a traceback."""
    yield cluster
    for process in (*cluster.nodes, *cluster.workers, *cluster.beats):
        assert "Traceback" not in process.log(), cluster.logs()


def test_a_session_signed_in_on_one_node_works_on_the_other(healthy, tenant):
    from tests.factories.customers import CustomerFactory
    from tests.factories.organizations import TEST_PASSWORD

    CustomerFactory(organization=tenant.org, name="Sesjon Kunde")
    node1, node2 = healthy.nodes
    customers = f"/{tenant.org.slug}/customers/"
    browser = requests.Session()
    signed = post_form(
        browser,
        f"{node1.url}/accounts/login/",
        {"username": tenant.caseworker.email, "password": TEST_PASSWORD},
    )
    assert signed.status_code == 302, signed.text[:500]

    page = browser.get(f"{node2.url}{customers}", allow_redirects=False, timeout=30)
    assert page.status_code == 200
    assert "Sesjon Kunde" in page.text

    # Signed out on node 2: node 1 no longer knows the session either.
    out = browser.post(
        f"{node2.url}/accounts/logout/",
        headers={"X-CSRFToken": browser.cookies["csrftoken"], "Referer": node2.url},
        allow_redirects=False,
        timeout=30,
    )
    assert out.status_code == 302
    again = browser.get(f"{node1.url}{customers}", allow_redirects=False, timeout=30)
    assert again.status_code == 302 and "/accounts/login/" in again.headers["Location"]


def test_a_photo_uploaded_through_one_node_gets_a_worker_thumbnail_and_downloads_from_the_other(
    healthy, tenant
):
    from cases.models import Attachment
    from tests.cases.detail_support import HX, case_url, png_bytes
    from tests.factories.cases import make_case

    node1, node2 = healthy.nodes
    case = make_case(tenant.org, tenant.caseworker)
    photo = png_bytes(size=(900, 600))
    staff = signed_in(tenant.caseworker)
    assert staff.get(f"{node1.url}{case_url(case)}", timeout=30).status_code == 200  # CSRF cookie
    uploaded = staff.post(
        f"{node1.url}{case_url(case, 'attachments/')}",
        files={"attach-files": ("Bad på loftet.png", photo, "image/png")},
        headers={**HX, "X-CSRFToken": staff.cookies["csrftoken"]},
        timeout=30,
    )
    assert uploaded.status_code == 200, uploaded.text[:500]
    attachment = Attachment.objects.get(case=case)

    def thumbnailed() -> bool:
        attachment.refresh_from_db()
        return bool(attachment.thumbnail)

    wait_until(thumbnailed, 60, "a worker to make the thumbnail", interval=0.2)

    download = staff.get(
        f"{node2.url}{case_url(case, f'attachments/{attachment.pk}/?download=1')}", timeout=30
    )
    assert download.status_code == 200
    assert download.content == photo
    thumbnail = staff.get(
        f"{node2.url}{case_url(case, f'attachments/{attachment.pk}/thumbnail/')}", timeout=30
    )
    assert thumbnail.status_code == 200
    assert thumbnail.headers["Content-Type"].startswith("image/")
    assert 0 < len(thumbnail.content) < len(photo)
    assert healthy.local_files() == []


def test_a_worker_killed_mid_task_leaves_its_work_to_the_other(healthy, settings):
    from notifications.models import OutboundMessage
    from notifications.outbox import message_queue_many, outbox_sweep
    from tests.factories.organizations import OrganizationFactory

    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0  # this process sweeps, as the workers' settings say
    outbox = healthy.folder / "outbox"
    org = OrganizationFactory(slug="cluster-outbox")
    rows = message_queue_many(  # committed at once: the task goes to Redis, one worker takes it
        [
            {"org": org, "channel": "email", "to": f"r{i}@example.no", "text": f"#{i}"}
            for i in range(MESSAGES)
        ]
    )
    wait_until(lambda: (outbox / "hung").exists(), 60, "a worker to hang in the provider call")
    (hung,) = _lines(outbox / "hung")
    hung_id, hung_pid = hung.split()
    by_pid = {worker.pid: worker for worker in healthy.workers}
    victim = by_pid[int(hung_pid)]
    (survivor,) = [worker for worker in healthy.workers if worker is not victim]
    before = len(_lines(outbox / "delivered"))
    assert before == HANG_AT - 1
    victim.kill()
    healthy.workers.remove(victim)  # not stopped again, its log not checked: it was killed

    def all_sent() -> bool:
        outbox_sweep()  # as beat does every minute: queued rows now, the hung one after its lease
        statuses = set(OutboundMessage.objects.values_list("status", flat=True))
        return statuses == {"sent"}

    wait_until(all_sent, LEASE_SECONDS + 60, "the other worker to send the rest", interval=1)
    delivered = [line.split() for line in _lines(outbox / "delivered")]
    assert sorted(mid for mid, _pid in delivered) == sorted(row.message_id for row in rows)
    after = delivered[before:]
    assert {pid for _mid, pid in after} == {str(survivor.pid)}
    assert hung_id in {mid for mid, _pid in after}
    assert OutboundMessage.objects.get(message_id=hung_id).attempts == 2


def test_two_beats_send_each_periodic_job_once(healthy, broker):
    """The two beats have run since the cluster started; over a quiet window (the queue
    drained, the workers idle) their job runs once per period, and over the whole run every
    send either ran or was skipped by the lock."""
    ticks = healthy.folder / "ticks"
    beats = healthy.beats
    wait_until(lambda: all("beat: Starting" in b.log() for b in beats), 60, "both beats")
    wait_until(lambda: broker.llen("celery") == 0, 30, "the queue to drain")
    start = time.time()
    time.sleep(BEAT_WINDOW)
    end = time.time()
    for beat in beats:
        assert beat.proc.poll() is None, beat.log()
        assert "config.beat_lock.LockedScheduler" in beat.log()
        beat.stop()
    wait_until(lambda: broker.llen("celery") == 0, 30, "the last ticks to run")
    time.sleep(0.5)

    all_ticks = sorted(float(line.split()[0]) for line in _lines(ticks))
    window = [t for t in all_ticks if start <= t <= end]
    gaps = [b - a for a, b in zip(window, window[1:], strict=False)]
    # One run per period: two beats without the lock would send twice as many, in pairs.
    assert 3 <= len(window) <= BEAT_WINDOW / (0.9 * TICK_SECONDS) + 1, window
    # Without it the two beats' sends interleave: some gap is at most half a period. With it
    # every gap is at least 90 % of one; the rest is slack for a busy machine's workers.
    assert min(gaps) > 0.6 * TICK_SECONDS, gaps
    sends = sum(beat.log().count("Sending due task cluster-tick") for beat in beats)
    skipped = sum(beat.log().count("cluster-tick was sent by another beat") for beat in beats)
    # Each beat tries every period; the lock lets one of each pair through. A task the killed
    # worker held may be lost (hence the slack of one).
    assert skipped >= len(window) - 1, (sends, skipped)
    assert sends - skipped - len(all_ticks) in (0, 1), (sends, skipped, len(all_ticks))


@pytest.fixture
def broker():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)
