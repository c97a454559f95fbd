"""`manage.py ingest_email --org <slug> FILE...`: .eml files, .box and mbox files through the
receiving pipeline, one line per message with its outcome."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from inquiries.email.pipeline import BATCH, inbound_process_many, inbound_store_many
from inquiries.models import InboundEmail
from organizations.models import Organization
from organizations.tenancy import organization_scope


def _is_mbox(path: Path, head: bytes) -> bool:
    return path.suffix.lower() in (".mbox", ".box", ".mbx") or head.startswith(b"From ")


def messages_in(path: Path) -> Iterator[tuple[str, bytes]]:
    """(label, raw bytes) of every message in one file: an .eml is one message, an mbox many."""
    with path.open("rb") as handle:
        head = handle.read(5)
    if not _is_mbox(path, head):
        yield str(path), path.read_bytes()
        return
    box = mailbox.mbox(str(path), create=False)
    try:
        for index, key in enumerate(box.iterkeys(), start=1):
            yield f"{path}#{index}", box.get_bytes(key)
    finally:
        box.close()


class Command(BaseCommand):
    help = "Ingest e-mail files (.eml, .box, mbox) for one organization."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument("files", nargs="+", help=".eml, .box or mbox files, or folders.")

    def handle(self, *args, **options) -> None:
        org = Organization.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"No organization with the slug {options['org']!r}.")
        with organization_scope(org):
            self._handle_for(org, options)

    def _handle_for(self, org: Organization, options) -> None:
        paths: list[Path] = []
        for name in options["files"]:
            path = Path(name)
            if path.is_dir():
                paths += sorted(p for p in path.rglob("*") if p.is_file())
            elif path.is_file():
                paths.append(path)
            else:
                raise CommandError(f"No such file: {name}")
        counts: dict[str, int] = {}
        pending: list[tuple[str, bytes]] = []
        for path in paths:
            try:
                pending += list(messages_in(path))
            except (OSError, ValueError) as exc:
                self.stdout.write(f"{path}\terror\t{exc}")
                counts["error"] = counts.get("error", 0) + 1
                continue
            while len(pending) >= BATCH:
                self._ingest(org, pending[:BATCH], counts)
                pending = pending[BATCH:]
        if pending:
            self._ingest(org, pending, counts)
        summary = ", ".join(f"{key}: {value}" for key, value in sorted(counts.items()))
        self.stdout.write(f"{sum(counts.values())} messages ({summary})")

    def _ingest(
        self, org: Organization, messages: list[tuple[str, bytes]], counts: dict[str, int]
    ) -> None:
        """Store a batch in one transaction, process it, print one line per message."""
        stored: list[tuple[str, int, bool]] = []
        with transaction.atomic():
            results = inbound_store_many(
                org=org,
                raws=[raw for _label, raw in messages],
                source=InboundEmail.Source.FILE,
                enqueue_processing=False,
            )
        for (label, _raw), (pk, created) in zip(messages, results, strict=True):
            stored.append((label, pk, created))
        inbound_process_many([pk for _label, pk, created in stored if created])
        emails = InboundEmail.objects.in_bulk([pk for _label, pk, _created in stored])
        for label, pk, created in stored:
            if not created:
                outcome, detail = "duplicate", f"already received (e-mail {pk})"
            else:
                outcome, detail = self._describe(emails[pk])
            counts[outcome] = counts.get(outcome, 0) + 1
            self.stdout.write(f"{label}\t{outcome}\t{detail}")

    def _describe(self, email: InboundEmail) -> tuple[str, str]:
        detail = email.error.splitlines()[0][:200] if email.error else ""
        if email.inquiry_id:
            detail = f"inquiry {email.inquiry_id}" + (f"; {detail}" if detail else "")
        elif email.case_id:
            detail = f"case {email.case_id}" + (f"; {detail}" if detail else "")
        return email.outcome or email.status, detail
