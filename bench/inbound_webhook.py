"""Server time of the inbound e-mail webhook (target: p95 <= 50 ms).

    .venv/bin/python bench/inbound_webhook.py [--requests 500] [--esp sendgrid|mailgun]
        [--database-url postgres://postgres@127.0.0.1:5432/saksflyt_bench_email]

In-process with Django's test client (the handler, authentication, Anymail's parsing of the
post, finding the organization and storing the raw message with its commit; no network).
Each request posts one fixture e-mail from /work/shared/fixtures/email/nordic with a fresh
Message-ID, so every request stores a new row; processing is left to the worker (after-commit
tasks go to an in-memory broker here). Reports median and 95th percentile. PostgreSQL only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
TARGET_MS = 50
SECRET = "bench:webhook-secret"
SIGNING_KEY = "bench-signing-key"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/saksflyt_bench_email"
    )
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--esp", choices=("sendgrid", "mailgun"), default="sendgrid")
    return parser.parse_args()


def main() -> None:
    from ingest_email import ensure_database

    args = parse_args()
    ensure_database(args.database_url)
    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": "bench-only-not-secret",
            "ALLOWED_HOSTS": "localhost,testserver",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "ANYMAIL_WEBHOOK_SECRET": SECRET,
        }
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    from inquiries.models import InboundEmail
    from notifications.models import ReceivingAddress
    from organizations.models import Organization

    org = Organization.objects.create(name="Bench webhook", slug="bench-webhook")
    ReceivingAddress.objects.create(organization=org, address="post@fjordbolig.example")
    fixtures = sorted((Path("/work/shared/fixtures/email/nordic")).glob("*.eml"))
    raws = [p.read_bytes() for p in fixtures if b"fjordbolig" in p.read_bytes()]
    auth = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}
    client = Client()

    def post(n: int):
        raw = raws[n % len(raws)]
        raw = b"Message-ID: <bench-webhook-%d-%d@example.net>\r\n" % (n, time.time_ns()) + (
            raw.replace(b"Message-ID:", b"X-Old-Message-ID:")
        )
        if args.esp == "sendgrid":
            data = {"email": raw.decode("latin-1"), "to": "post@fjordbolig.example"}
        else:
            stamp, token = str(int(time.time())), "t" * 50
            signature = hmac.new(
                SIGNING_KEY.encode(), f"{stamp}{token}".encode(), hashlib.sha256
            ).hexdigest()
            data = {
                "body-mime": raw.decode("latin-1"),
                "recipient": "post@fjordbolig.example",
                "timestamp": stamp,
                "token": token,
                "signature": signature,
            }
        return client.post(f"/webhooks/inbound-email/{args.esp}/", data, secure=True, **auth)

    try:
        for n in range(args.warmup):
            response = post(n)
            assert response.status_code == 200, (response.status_code, response.content[:200])
        samples = []
        for n in range(args.warmup, args.warmup + args.requests):
            started = time.perf_counter()
            response = post(n)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        stored = InboundEmail.objects.filter(organization=org).count()
    finally:
        org.delete()
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    verdict = "OK" if p95 <= TARGET_MS else "ABOVE TARGET"
    print(
        f"{args.esp}: {args.requests} requests, {stored} e-mails stored; "
        f"median {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms "
        f"(target <= {TARGET_MS} ms): {verdict}"
    )


if __name__ == "__main__":
    main()
