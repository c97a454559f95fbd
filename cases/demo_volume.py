"""The demo's everyday cases: enough of them that a fresh `make run` looks like a working office.

The hand-written cases (cases/demo_cases.py) go through the services one by one; these come on
top of them, so each demo organization has at least DEMO_MINIMUM cases over the last ninety
days in every status, with their history, notes (some @mentioning a colleague), tasks (open and
done, some for the supplier), logged time and, for customers with an e-mail address, the
conversation: our replies as the outbox records a sent or delivered e-mail, and the customer's
answers. Rows go in with bulk inserts (a few statements per organization, not a few per case) in
the same shapes the services write, history and audit rows included, so `make run` stays fast
and no e-mail is sent. Idempotent: the cases carry external references DEMO-<code>-1nn, and
those already there are skipped. A fixed random seed per organization gives the same office
every time.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from cases.demo_cases import DEMO_CASES
from cases.demo_volume_rows import Rows
from cases.demo_volume_texts import WORDS, Words
from cases.models import Case, CaseEvent, Category, Tag
from cases.services.numbering import case_numbers_reserve
from customers.models import Customer, Supplier
from properties.models import Property

DEMO_MINIMUM = 60  # cases per demo organization, the hand-written ones included
DAYS = 90
CODES = {"nordbygg": "NB", "renova": "DK", "hyresbo": "SE"}

Status = Case.Status
Kind = CaseEvent.Kind


@dataclass
class _Office:
    """One organization's people and registers, and the rows made so far."""

    demo: object  # organizations.demo.DemoOrg
    words: Words
    rnd: random.Random
    now: datetime.datetime
    customers: list
    properties: list
    suppliers: list
    categories: dict
    tags: list
    teams: list
    cases: list = field(default_factory=list)
    plans: list = field(default_factory=list)


def seed(context: dict) -> None:
    for slug, demo in context.get("orgs", {}).items():
        if slug in WORDS:
            _seed_org(slug, demo)


def _refs(slug: str) -> list[str]:
    count = DEMO_MINIMUM - len(DEMO_CASES.get(slug, [])) + 4
    return [f"DEMO-{CODES[slug]}-{101 + i}" for i in range(count)]


def _seed_org(slug: str, demo) -> None:
    org = demo.org
    refs = _refs(slug)
    existing = set(
        Case.objects.filter(organization=org, external_reference__in=refs).values_list(
            "external_reference", flat=True
        )
    )
    office = _Office(
        demo=demo,
        words=WORDS[slug],
        rnd=random.Random(f"saksflyt-demo-{slug}"),
        now=timezone.now(),
        customers=list(Customer.objects.filter(organization=org).order_by("pk")),
        properties=list(Property.objects.filter(organization=org).order_by("pk")),
        suppliers=list(Supplier.objects.filter(organization=org).order_by("pk")),
        categories={c.key: c for c in Category.objects.filter(organization=org)},
        tags=list(Tag.objects.filter(organization=org).order_by("pk")),
        teams=list(demo.teams.values()),
    )
    # Every draw happens for every ref, so a case left out does not change the others.
    plans = [_plan(office, i, len(refs)) | {"ref": ref} for i, ref in enumerate(refs)]
    todo = [plan for plan in plans if plan["ref"] not in existing]
    if not todo:
        return
    numbers = case_numbers_reserve(org, len(todo))
    for number, plan in zip(numbers, todo, strict=True):
        office.cases.append(_case(office, number, plan))
        office.plans.append(plan)
    Case.objects.bulk_create(office.cases)
    _work(office)
    # bulk_create stamps updated_at with now (auto_now); the history's last moment instead.
    for case, plan in zip(office.cases, office.plans, strict=True):
        case.updated_at = plan["stamps"][-1]
    Case.objects.bulk_update(office.cases, ["updated_at"])


def _status(rnd: random.Random, days_ago: float) -> str:
    """Recent cases mostly still open, older ones mostly closed; every status occurs."""
    r = rnd.random()
    if days_ago < 10:
        return Status.NEW if r < 0.4 else Status.IN_PROGRESS if r < 0.8 else Status.WAITING
    if days_ago < 40:
        order = [(0.1, Status.NEW), (0.45, Status.IN_PROGRESS), (0.65, Status.WAITING)]
        order += [(0.85, Status.RESOLVED), (1.0, Status.CLOSED)]
    else:
        order = [(0.05, Status.IN_PROGRESS), (0.1, Status.WAITING), (0.25, Status.RESOLVED)]
        order += [(1.0, Status.CLOSED)]
    return next(status for limit, status in order if r < limit)


def _plan(office: _Office, i: int, count: int) -> dict:
    """What happens to the i-th everyday case: its facts and its history's steps, in order."""
    rnd = office.rnd
    days_ago = 1 + (DAYS - 2) * (count - 1 - i) / max(count - 1, 1) + rnd.random()
    status = _status(rnd, days_ago)
    matter = rnd.choice(office.words.matters)
    customer = rnd.choice(office.customers) if office.customers and rnd.random() < 0.9 else None
    talk = customer is not None and bool(customer.email)
    steps: list[tuple] = []
    if status != Status.NEW:
        steps.append(("status", Status.NEW, Status.IN_PROGRESS))
        if talk and rnd.random() < 0.75:
            steps.append(("reply", rnd.choice(office.words.replies)))
            if rnd.random() < 0.55:
                steps.append(("answer", rnd.choice(office.words.answers)))
    if rnd.random() < 0.65:
        steps.append(("note", rnd.choice(office.words.notes)))
    supplier = rnd.choice(office.suppliers) if office.suppliers and rnd.random() < 0.4 else None
    if status != Status.NEW and rnd.random() < 0.6:
        steps.append(("task", matter.task, "supplier" if supplier else "colleague"))
        if status in (Status.RESOLVED, Status.CLOSED) or rnd.random() < 0.3:
            steps.append(("task_done", rnd.choice(office.words.task_done)))
    if status != Status.NEW and rnd.random() < 0.7:
        minutes = rnd.choice((15, 20, 30, 45, 60, 90, 120))
        steps.append(("time", minutes, rnd.choice(office.words.time)))
    if status == Status.WAITING:
        steps.append(("note", rnd.choice(office.words.waiting)))
        steps.append(("status", Status.IN_PROGRESS, Status.WAITING))
    if status in (Status.RESOLVED, Status.CLOSED):
        steps.append(("status", Status.IN_PROGRESS, Status.RESOLVED))
    if status == Status.CLOSED:
        steps.append(("close", matter.resolution))
    assignee_key = rnd.choice(("caseworker", "caseworker", "colleague", "admin", ""))
    if status != Status.NEW and not assignee_key:
        assignee_key = "caseworker"
    created = office.now - datetime.timedelta(days=days_ago)
    created = created.replace(hour=rnd.randint(6, 14), minute=rnd.randint(0, 59))
    # The steps spread over the days since then, the latest at least an hour ago.
    span = max((office.now - created).total_seconds() - 3600, 600)
    gaps = sorted(rnd.uniform(0.05, 1.0) * span for _ in steps)
    stamps = [created] + [created + datetime.timedelta(seconds=g) for g in gaps]
    return {
        "matter": matter,
        "status": status,
        "customer": customer,
        "property": rnd.choice(office.properties) if office.properties else None,
        "supplier": supplier,
        "priority": rnd.choice(("low", "normal", "normal", "normal", "high", "critical")),
        "source": rnd.choice(("portal", "email", "email", "phone", "web_form")),
        "assignee": assignee_key,
        "team": rnd.choice(office.teams) if office.teams and rnd.random() < 0.7 else None,
        "tag": rnd.choice(office.tags) if office.tags and rnd.random() < 0.4 else None,
        "deadline": (created + datetime.timedelta(days=rnd.choice((7, 14, 21)))).date()
        if rnd.random() < 0.7
        else None,
        "creator": rnd.choice(("caseworker", "colleague")),
        "steps": steps,
        "stamps": stamps,
    }


def _person(office: _Office, key: str):
    return getattr(office.demo, key) if key else None


def _case(office: _Office, number: int, plan: dict) -> Case:
    matter, stamps = plan["matter"], plan["stamps"]
    kinds = [step[0] for step in plan["steps"]]
    at = dict(zip(kinds, stamps[1:], strict=False))  # first moment of each kind of step
    resolved = next(
        (t for s, t in zip(plan["steps"], stamps[1:], strict=True) if s[-1] == Status.RESOLVED),
        None,
    )
    return Case(
        organization=office.demo.org,
        number=number,
        title=matter.title,
        description=matter.description,
        status=plan["status"],
        priority=plan["priority"],
        category=office.categories.get(matter.category),
        source=plan["source"],
        deadline=plan["deadline"],
        external_reference=plan["ref"],
        resolution=matter.resolution if plan["status"] == Status.CLOSED else "",
        assignee=_person(office, plan["assignee"]),
        supplier=plan["supplier"],
        customer=plan["customer"],
        property=plan["property"],
        visible_to_customer=plan["customer"] is not None,
        created_by=_person(office, plan["creator"]),
        created_at=stamps[0],
        first_response_at=at.get("reply"),
        resolved_at=resolved,
        closed_at=at.get("close"),
    )


def _work(office: _Office) -> None:
    """Everything on the cases: their rows first (the history names them), then the history
    and its audit rows."""
    rows = Rows(office.demo, office.words, office.rnd)
    for case, plan in zip(office.cases, office.plans, strict=True):
        rows.add(case, plan)
    rows.save()
