"""Server time of the resident portal's pages for a resident with 50 cases (target: p95 <= 50 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/saksflyt \
        .venv/bin/python bench/portal_pages.py [--requests 200] [--warmup 20] [--background 10000]

Works in its own database on the DATABASE_URL's server (`saksflyt_bench_portal` unless
--database says otherwise; created, migrated and filled on first use, kept for later runs).
One organization holds `--background` cases of other customers (bench/generate.py) and a
resident with 50 cases shown to them in the portal, each with a reply from the caseworker, a
message from the resident and an internal note (one case has 20 messages), plus three inquiries
still in the tray, and two homes. In-process with Django's test client signed in as the
resident (the handler, middleware, template rendering and every query; no network): each page
is requested `--warmup` times, then timed `--requests` times; median, 95th percentile and the
SQL queries of one request. Exits non-zero when a p95 passes the target.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
TARGET_P95_MS = 50.0
SLUG = "bench-portal"
RESIDENT_EMAIL = "bench-resident@bench-portal.example"
CASES = 50


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--background", type=int, default=10000, help="other customers' cases")
    parser.add_argument("--database", default="saksflyt_bench_portal")
    return parser.parse_args()


def fill(org) -> None:
    """The resident, their homes, 50 visible cases with messages and notes, three inquiries."""
    from django.db import transaction

    from cases.services.cases import case_create
    from cases.services.inbound import case_message_receive
    from cases.services.messages import Outgoing, case_message_send
    from cases.services.notes import note_add
    from customers.models import ContactRole, Customer
    from inquiries.models import Channel
    from inquiries.services.intake import inquiry_receive
    from notifications.models import OutboundMessage
    from organizations.models import User
    from portal.inquiry.services import inquiry_form_create_general
    from portal.models import ResidentAccount
    from properties.models import Property

    actor = User.objects.get(email=f"bench-cw0@{org.slug}.example")
    with transaction.atomic():
        customer = Customer.objects.create(
            organization=org, name="Rita Resident", email=RESIDENT_EMAIL, phone="+4790000001"
        )
        ResidentAccount.objects.create(organization=org, customer=customer, email=RESIDENT_EMAIL)
        homes = [
            Property.objects.create(
                organization=org, property_number=f"BP-{n}", address=f"Portalveien {n}"
            )
            for n in (1, 2)
        ]
        for home in homes:
            ContactRole.objects.create(
                organization=org, customer=customer, property=home, role="resident"
            )
        inquiry_form_create_general(org=org, actor=actor)
        for n in range(CASES):
            case = case_create(
                org=org,
                actor=actor,
                title=f"Portal case {n}: dripping tap",
                description="The kitchen tap drips all night.",
                customer=customer,
                property=homes[n % 2],
                assignee=actor,
                visible_to_customer=True,
            )
            rounds = 10 if n == 0 else 1
            for r in range(rounds):
                case_message_send(
                    org=org,
                    actor=actor,
                    case=case,
                    kind=OutboundMessage.Kind.REPLY,
                    message=Outgoing(text=f"We come on Monday ({r}).", email=RESIDENT_EMAIL),
                )
                case_message_receive(
                    org=org,
                    case=case,
                    inbound_email_id=None,
                    sender=RESIDENT_EMAIL,
                    sender_name=customer.name,
                    text=f"Thank you, Monday suits me ({r}).",
                    channel="portal",
                )
            note_add(org=org, actor=actor, case=case, body="Internal: check the warranty.")
        for n in range(3):
            inquiry_receive(
                org=org,
                channel=Channel.PORTAL,
                sender_name=customer.name,
                sender_email=RESIDENT_EMAIL,
                message=f"New problem {n}",
                customer=customer,
                property=homes[0],
            )


def timed(client, url: str, requests: int, warmup: int) -> tuple[float, float, int]:
    from run import timed as run_timed

    return run_timed(client, url, requests, warmup)


def main() -> int:
    args = parse_args()
    from run import bench_database_url, ensure_database

    url = bench_database_url(args.database)
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SAKSFLYT_VAR_DIR", "/tmp/saksflyt-bench-var")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"  # after-commit tasks go to an in-memory broker
    os.environ.pop("REDIS_URL", None)
    from generate import generate_org, setup_django

    setup_django()
    import logging

    logging.disable(logging.WARNING)
    from django.core.management import call_command
    from django.test import Client

    from cases.models import Case
    from organizations.models import Organization
    from portal.auth import SESSION_KEY
    from portal.models import ResidentAccount

    call_command("migrate", verbosity=0)
    org = Organization.objects.filter(slug=SLUG).first()
    if org is None:
        print(f"Generating {SLUG} ({args.background} background cases)...", flush=True)
        started = time.monotonic()
        org = generate_org(SLUG, args.background)
        fill(org)
        print(f"  filled in {time.monotonic() - started:.1f}s", flush=True)
    account = ResidentAccount.objects.get(organization=org, email=RESIDENT_EMAIL)
    client = Client()
    session = client.session
    session[SESSION_KEY] = {str(org.pk): account.pk}
    session.save()

    busy = (
        Case.objects.filter(
            organization=org, customer=account.customer, title__startswith="Portal case 0:"
        )
        .order_by("number")
        .first()
    )
    total = Case.objects.filter(organization=org).count()
    mine = Case.objects.filter(organization=org, customer=account.customer).count()
    pages = [
        ("portal home (My requests)", f"/portal/{SLUG}/"),
        ("portal case page (20 messages)", f"/portal/{SLUG}/cases/{busy.number}/"),
        ("portal new inquiry", f"/portal/{SLUG}/inquiries/new/"),
    ]
    print(f"{total:,} cases in the organization, {mine} of them the resident's")
    failed = False
    rows = []
    for label, page_url in pages:
        median, p95, queries = timed(client, page_url, args.requests, args.warmup)
        rows.append((label, median, p95, queries))
        failed |= p95 > TARGET_P95_MS
        print(
            f"  {label:34} median {median:6.1f} ms  p95 {p95:6.1f} ms  {queries:3d} queries",
            flush=True,
        )
    print("\n| page | median ms | p95 ms | queries |")
    print("|---|---:|---:|---:|")
    for label, median, p95, queries in rows:
        print(f"| {label} | {median:.1f} | {p95:.1f} | {queries} |")
    if failed:
        print(f"\np95 above the target of {TARGET_P95_MS:.0f} ms", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
