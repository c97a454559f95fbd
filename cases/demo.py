"""Demo cases for `manage.py seed_demo`, each organization in its own language, with histories.

Runs after the organizations, customers and properties demos and uses their rows when present
(looked up by natural keys; a missing one is simply left out). Everything goes through the
services, so every case has its events, notifications and numbers. Idempotent: a case whose
external reference already exists in the organization is skipped.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.demo_cases import DEMO_CASES, Spec
from cases.demo_deviations import seed as seed_deviations
from cases.demo_volume import seed as seed_volume
from cases.mentions import mention_token
from cases.models import Case, CaseEvent, Category, Note, Task, TimeEntry
from cases.services.attachments import attachments_add
from cases.services.cases import case_change, case_close, case_create
from cases.services.messages import Outgoing, case_message_send
from cases.services.notes import note_add
from cases.services.tags import case_tag_add
from cases.services.tasks import task_add, task_complete
from cases.services.time import time_entry_add
from customers.models import Customer, Supplier
from notifications.models import OutboundMessage
from organizations.models import User
from properties.models import Container, Property


def demo_png(text: str) -> bytes:
    """A small picture standing in for a resident's photo."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), (232, 228, 220))
    draw = ImageDraw.Draw(image)
    for x in range(0, 320, 40):
        draw.line([(x, 0), (x, 200)], fill=(200, 196, 188), width=2)
    for y in range(0, 200, 40):
        draw.line([(0, y), (320, y)], fill=(200, 196, 188), width=2)
    draw.line([(40, 180), (120, 110), (150, 120), (260, 30)], fill=(90, 70, 60), width=4)
    draw.text((10, 8), text, fill=(40, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seed(context: dict) -> None:
    for slug, demo in context.get("orgs", {}).items():
        specs = DEMO_CASES.get(slug, [])
        existing = set(
            Case.objects.filter(
                organization=demo.org, external_reference__in=[s.ref for s in specs]
            ).values_list("external_reference", flat=True)
        )
        for spec in specs:
            if spec.ref not in existing:
                _create(demo, spec)
    seed_volume(context)
    seed_deviations(context)


def _people(demo) -> dict[str, User | None]:
    return {
        "caseworker": demo.caseworker,
        "colleague": demo.colleague,
        "admin": demo.admin,
        "": None,
    }


def _create(demo, spec: Spec) -> Case:
    org = demo.org
    people = _people(demo)
    actor = people[spec.creator] or demo.caseworker
    prop = Property.objects.filter(organization=org, property_number=spec.property).first()
    supplier = Supplier.objects.filter(organization=org, name=spec.supplier).first()
    team = demo.teams.get(spec.team)
    today = timezone.localdate()
    created_day = today - datetime.timedelta(days=spec.days_ago)
    case = case_create(
        org=org,
        actor=actor,
        title=spec.title,
        description=spec.description,
        category=Category.objects.filter(organization=org, key=spec.category).first(),
        priority=spec.priority,
        source=spec.source,
        customer=Customer.objects.filter(organization=org, email=spec.customer).first()
        if spec.customer
        else None,
        property=prop,
        containers=list(
            Container.objects.filter(organization=org, container_id__in=spec.containers)
        ),
        assignee=people[spec.assignee],
        teams=[team] if team else [],
        supplier=supplier,
        deadline=created_day + datetime.timedelta(days=spec.deadline_in)
        if spec.deadline_in is not None
        else None,
        external_reference=spec.ref,
        visible_to_customer=spec.visible,
    )
    mentions = {
        "colleague": mention_token(demo.colleague.pk, str(demo.colleague)),
        "caseworker": mention_token(demo.caseworker.pk, str(demo.caseworker)),
    }
    last_task = None
    for step in spec.steps:
        kind, args = step[0], step[1:]
        if kind == "status":
            case_change(org=org, actor=actor, case=case, status=args[0])
        elif kind == "reply" and case.customer is not None and case.customer.email:
            case_message_send(
                org=org,
                actor=actor,
                case=case,
                kind=OutboundMessage.Kind.REPLY,
                message=Outgoing(text=args[0], email=case.customer.email, name=case.customer.name),
            )
        elif kind == "note":
            note_add(org=org, actor=actor, case=case, body=args[0].format(**mentions))
        elif kind == "task":
            title, to, due_in = args
            last_task = task_add(
                org=org,
                actor=actor,
                case=case,
                title=title,
                supplier=supplier if to == "supplier" else None,
                assignee=demo.colleague if to == "colleague" else None,
                due_date=created_day + datetime.timedelta(days=due_in),
            )
        elif kind == "task_done" and last_task is not None:
            task_complete(org=org, actor=demo.supplier, task=last_task, note=args[0])
        elif kind == "time":
            time_entry_add(org=org, actor=actor, case=case, minutes=args[0], note=args[1])
        elif kind == "tag":
            case_tag_add(org=org, actor=actor, case=case, name=args[0])
        elif kind == "close":
            case_close(org=org, actor=actor, case=case, resolution=args[0])
        elif kind == "photo":
            upload = SimpleUploadedFile(args[0], demo_png(spec.title), content_type="image/png")
            attachments_add(org=org, actor=actor, case=case, uploads=[upload])
    _backdate(case, spec.days_ago)
    return case


def _backdate(case: Case, days_ago: int) -> None:
    """Spread the history over the days since the case "came in", as if it had happened then."""
    start = timezone.now() - datetime.timedelta(days=days_ago)
    step = datetime.timedelta(hours=min(6, max(1, days_ago * 24 // 10)))
    events = list(CaseEvent.objects.filter(case=case).order_by("id"))
    stamps: dict[str, datetime.datetime] = {}
    for i, event in enumerate(events):
        event.created_at = start + i * step
        if event.kind == CaseEvent.Kind.MESSAGE_OUT and event.data.get("purpose") == "reply":
            stamps.setdefault("first_response_at", event.created_at)
        if event.kind == CaseEvent.Kind.STATUS:
            if event.new_value == Case.Status.RESOLVED:
                stamps["resolved_at"] = event.created_at
            if event.new_value == Case.Status.CLOSED:
                stamps["closed_at"] = event.created_at
                stamps.setdefault("resolved_at", event.created_at)
        if event.note_id:
            Note.objects.filter(pk=event.note_id).update(created_at=event.created_at)
        if event.task_id and event.kind == CaseEvent.Kind.TASK_ADDED:
            Task.objects.filter(pk=event.task_id).update(created_at=event.created_at)
        if event.outbound_message_id:
            OutboundMessage.objects.filter(pk=event.outbound_message_id).update(
                created_at=event.created_at,
                next_attempt_at=event.created_at,
                sent_at=event.created_at,
                status_changed_at=event.created_at,
            )
        if event.time_entry_id:
            TimeEntry.objects.filter(pk=event.time_entry_id).update(
                created_at=event.created_at, date=timezone.localdate(event.created_at)
            )
    CaseEvent.objects.bulk_update(events, ["created_at"])
    fields = {"created_at": start, "updated_at": events[-1].created_at if events else start}
    for name in ("first_response_at", "resolved_at", "closed_at"):
        if getattr(case, name) is not None:
            fields[name] = stamps.get(name, start)
    Case.objects.filter(pk=case.pk).update(**fields)
