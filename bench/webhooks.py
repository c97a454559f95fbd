"""Latency of the delivery webhooks, in-process (Django's test client through every middleware):
an anymail (Postmark) tracking event and a Twilio status callback, each authenticated, for a
row that moves forward, the same report again (no change), and an unknown id.

    .venv/bin/python bench/webhooks.py [--count 500]
        [--database-url postgres://postgres@127.0.0.1:5432/saksflyt_bench_outbox]

Reports median, p95 and p99 per kind in milliseconds; exits non-zero when a p95 passes 50 ms
(this script's alarm; the issue sets no figure). PostgreSQL only; the database is created
and migrated if needed, and the organization is deleted after.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
TARGET_P95_MS = 50.0
SECRET = "bench:webhook-secret"
TOKEN = "bench-twilio-token"
SITE = "https://saksflyt.example"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/saksflyt_bench_outbox"
    )
    parser.add_argument("--count", type=int, default=500, help="requests per kind")
    args = parser.parse_args()

    from outbox_send import ensure_database

    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": "bench-only-not-secret",
            "ALLOWED_HOSTS": "testserver,localhost",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ANYMAIL_WEBHOOK_SECRET": SECRET,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "SITE_URL": SITE,
            "SECURE_SSL_REDIRECT": "false",
        }
    )
    os.environ.pop("REDIS_URL", None)  # the webhooks use no cache; keep the bench self-contained
    ensure_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone
    from twilio.request_validator import RequestValidator

    from notifications.models import OutboundMessage
    from organizations.models import Organization

    call_command("migrate", verbosity=0)
    stamp = int(time.time())
    org = Organization.objects.create(name=f"Bench hooks {stamp}", slug=f"bench-hooks-{stamp}")
    now = timezone.now()
    OutboundMessage.objects.bulk_create(
        [
            OutboundMessage(
                organization=org,
                channel=channel,
                to="kari@example.invalid" if channel == "email" else "+4791234567",
                body_text="x",
                status="sent",
                provider_message_id=f"bench-{stamp}-{channel}-{n}",
                attempts=1,
                sent_at=now,
            )
            for channel in ("email", "sms")
            for n in range(args.count)
        ]
    )
    client = Client()
    auth = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}
    validator = RequestValidator(TOKEN)
    twilio_url = SITE + "/hooks/twilio/status/"

    def postmark(provider_id: str):
        body = json.dumps({"RecordType": "Delivery", "MessageID": provider_id})
        return client.post(
            "/hooks/anymail/postmark/tracking/", body, content_type="application/json", **auth
        )

    def twilio(provider_id: str):
        params = {"MessageSid": provider_id, "MessageStatus": "delivered", "ErrorCode": ""}
        signature = validator.compute_signature(twilio_url, params)
        return client.post("/hooks/twilio/status/", params, HTTP_X_TWILIO_SIGNATURE=signature)

    kinds = {}
    try:
        for name, call, channel in (("anymail", postmark, "email"), ("twilio", twilio, "sms")):
            for case in ("moves forward", "repeated", "unknown id"):
                timings = []
                for n in range(args.count):
                    provider_id = (
                        f"bench-{stamp}-{channel}-{n}" if case != "unknown id" else f"nope-{n}"
                    )
                    start = time.perf_counter()
                    response = call(provider_id)
                    timings.append((time.perf_counter() - start) * 1000)
                    assert response.status_code in (200, 204), response.status_code
                kinds[f"{name}: {case}"] = timings
        delivered = OutboundMessage.objects.filter(organization=org, status="delivered").count()
        assert delivered == 2 * args.count, delivered
    finally:
        OutboundMessage.objects.filter(organization=org).delete()
        org.delete()

    worst = 0.0
    print(f"{'kind':<28} {'median':>8} {'p95':>8} {'p99':>8}  (ms, {args.count} requests each)")
    for name, timings in kinds.items():
        p95 = percentile(timings, 0.95)
        worst = max(worst, p95)
        print(
            f"{name:<28} {statistics.median(timings):8.2f} {p95:8.2f}"
            f" {percentile(timings, 0.99):8.2f}"
        )
    verdict = "OK" if worst <= TARGET_P95_MS else "TOO SLOW"
    print(f"worst p95 {worst:.2f} ms; target {TARGET_P95_MS:.0f} ms: {verdict}")
    return 0 if worst <= TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
