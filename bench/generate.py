"""Generate benchmark data: organizations with many cases, their events, customers and properties.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/saksflyt_bench \
        .venv/bin/python bench/generate.py --orgs 2 --cases 10000 [--prefix bench]

Rows go in with PostgreSQL COPY and ids handed out here (then the sequences are moved on), so
100,000 cases with ~400,000 events load in a minute or two. Each organization gets 30 staff
(the first, bench-cw0@<slug>.example, is the one the benchmark signs in as), 5 teams, 20
suppliers and tags, customers and properties, and cases spread over three years: most closed,
some resolved, ~15% open; assigned, created and mentioned across the staff; a quarter with a
task. PostgreSQL only. `generate_org` is also used by bench/run.py.

Row-level security (organizations/rls.py): the organization and its people are made through
the ORM on the application's connection inside `all_organizations("bench data")`; the bulk rows
go in on the schema owner's connection (`owner` when DATABASE_APP_USER is set), because
PostgreSQL refuses COPY FROM into a table under row-level security to a role the policy
applies to. DATABASE_URL's role must therefore be a superuser or have BYPASSRLS.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

STAFF = 30
TEAMS = 5
SUPPLIERS = 20
TAGS = 20
BENCH_PASSWORD = "bench-password"

TITLES = [
    "Sprekk i flis på bad",
    "Dør som ikke lukker",
    "Fukt i kjeller",
    "Lekkasje under kjøkkenvask",
    "Manglende tømning",
    "Beskadiget beholder",
    "Ny beholder bestilling",
    "Element kaldt på soverom",
    "Trasig tvättmaskin",
    "Riper i parkett",
    "Vindu som dugger",
    "Ventilasjon støyer",
]
ADDRESSES = ["Storgata", "Solsidevegen", "Kungsgatan", "Birkevej", "Fjordveien", "Parkveien"]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SAKSFLYT_TESTING", "1")  # plain static files, no HTTPS redirect
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/generate.py needs PostgreSQL: set DATABASE_URL=postgres://...")


def _next_ids(cursor, table: str, count: int) -> int:
    """Reserve `count` ids of `table` (moving its sequence on) and return the first one."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    highest = cursor.fetchone()[0]
    cursor.execute(f"SELECT last_value FROM {sequence}")
    first = max(highest, cursor.fetchone()[0]) + 1
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


CUSTOMER_COLUMNS = [
    "id", "organization_id", "customer_type", "kind", "name", "email", "phone", "address",
    "postcode", "city", "org_number", "contact_person", "notes", "created_at", "updated_at",
]  # fmt: skip
PROPERTY_COLUMNS = [
    "id", "organization_id", "parent_id", "name", "property_number", "address", "postcode",
    "city", "property_type", "area", "created_at",
]  # fmt: skip
CASE_COLUMNS = [
    "id", "organization_id", "number", "title", "description", "status", "priority",
    "category_id", "source", "contact_method", "deadline", "external_reference", "resolution",
    "assignee_id", "supplier_id", "customer_id", "property_id", "visible_to_customer",
    "created_by_id", "created_at", "updated_at", "first_response_at", "resolved_at", "closed_at",
]  # fmt: skip
NOTE_COLUMNS = ["id", "organization_id", "case_id", "author_id", "body", "created_at"]
TASK_COLUMNS = [
    "id", "organization_id", "case_id", "title", "description", "assignee_id", "supplier_id",
    "due_date", "status", "completion_note", "created_by_id", "created_at",
]  # fmt: skip
EVENT_COLUMNS = [
    "organization_id", "case_id", "kind", "actor_id", "field", "old_value", "new_value",
    "note_id", "task_id", "data", "created_at",
]  # fmt: skip


@dataclass
class _Generation:
    """What the phases of generate_org share: the organization, its people and lookups, the
    random source (one sequence, so a seed always gives the same data) and the rows so far."""

    org: Any
    cases: int
    rnd: random.Random
    now: datetime.datetime
    staff_ids: list[int]
    teams: list
    suppliers: list
    tags: list
    categories: list
    first_customer: int = 0
    n_customers: int = 0
    first_property: int = 0
    n_properties: int = 0
    first_case: int = 0
    first_note: int = 0
    first_task: int = 0
    case_rows: list = field(default_factory=list)
    event_rows: list = field(default_factory=list)
    note_rows: list = field(default_factory=list)
    mention_rows: list = field(default_factory=list)
    task_rows: list = field(default_factory=list)
    team_rows: list = field(default_factory=list)
    tag_rows: list = field(default_factory=list)


def _people(slug: str, cases: int, rnd: random.Random) -> _Generation:
    """The organization, its staff, supplier users, teams, suppliers and tags (ORM)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from cases.models import Category, Tag
    from customers.models import Supplier
    from organizations.models import Membership, Organization, Team, User

    org = Organization.objects.create(slug=slug, name=f"Bench {slug}", default_language="nb")
    password = make_password(BENCH_PASSWORD)
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench-cw{i}@{slug}.example", full_name=f"Caseworker {i}", password=password
            )
            for i in range(STAFF)
        ]
        + [
            User(
                email=f"bench-sup{i}@{slug}.example",
                full_name=f"Supplier user {i}",
                password=password,
            )
            for i in range(3)
        ]
    )
    staff, supplier_users = users[:STAFF], users[STAFF:]
    Membership.objects.bulk_create(
        [Membership(organization=org, user=u, role=Membership.Role.CASEWORKER) for u in staff]
        + [
            Membership(organization=org, user=u, role=Membership.Role.SUPPLIER)
            for u in supplier_users
        ]
    )
    teams = [Team.objects.create(organization=org, name=f"Team {i}") for i in range(TEAMS)]
    for i, team in enumerate(teams):
        team.members.set(staff[i * 6 : i * 6 + 6])
    suppliers = Supplier.objects.bulk_create(
        [Supplier(organization=org, name=f"Leverandør {i} AS") for i in range(SUPPLIERS)]
    )
    suppliers[0].users.set(supplier_users)
    tags = Tag.objects.bulk_create([Tag(organization=org, name=f"tag{i}") for i in range(TAGS)])
    return _Generation(
        org=org,
        cases=cases,
        rnd=rnd,
        now=timezone.now(),
        staff_ids=[u.pk for u in staff],
        teams=teams,
        suppliers=suppliers,
        tags=tags,
        categories=list(Category.objects.filter(organization=org)),
    )


def _customers_and_properties(g: _Generation, cur) -> None:
    from customers.models import Customer
    from properties.models import Property

    g.n_customers, g.n_properties = max(1, g.cases // 2), max(1, g.cases // 3)
    g.first_customer = _next_ids(cur, Customer._meta.db_table, g.n_customers)
    slug, now = g.org.slug, g.now
    customers = (
        (g.first_customer + i, g.org.pk, "person", "regular", f"Kunde Nummer {i}",
         f"kunde{i}@{slug}.example", f"+47 9{i:07d}", f"{ADDRESSES[i % 6]} {i}", "0150", "Oslo",
         "", "", "", now, now)
        for i in range(g.n_customers)
    )  # fmt: skip
    _copy(cur, Customer._meta.db_table, CUSTOMER_COLUMNS, customers)
    g.first_property = _next_ids(cur, Property._meta.db_table, g.n_properties)
    properties = (
        (g.first_property + i, g.org.pk, None, "", f"P-{i:07d}",
         f"{ADDRESSES[i % 6]} {i // 6 + 1}", "0150", "Oslo", "Leilighet", "Sentrum", now)
        for i in range(g.n_properties)
    )  # fmt: skip
    _copy(cur, Property._meta.db_table, PROPERTY_COLUMNS, properties)


def _status(rnd: random.Random, age: datetime.timedelta) -> str:
    """Most cases closed; recent ones mostly still open."""
    r = rnd.random()
    recent = age < datetime.timedelta(days=60)
    if recent and r < 0.35:
        return "new"
    if recent and r < 0.7:
        return rnd.choice(["in_progress", "waiting"])
    if r < 0.06:
        return rnd.choice(["new", "in_progress", "waiting"])
    if r < 0.12:
        return "resolved"
    return "closed"


def _case(g: _Generation, i: int) -> None:
    """Case number i + 1 with its history, notes, tasks, teams and tags (rows only)."""
    rnd, org_id = g.rnd, g.org.pk
    pk, number = g.first_case + i, i + 1
    span = datetime.timedelta(days=3 * 365)
    created = g.now - span + span * (i / g.cases) + datetime.timedelta(seconds=i % 7)
    status = _status(rnd, g.now - created)
    step = datetime.timedelta(hours=rnd.randint(1, 72))
    first_response = created + step if status != "new" else None
    resolved = created + 3 * step if status in ("resolved", "closed") else None
    closed = created + 4 * step if status == "closed" else None
    assignee = rnd.choice(g.staff_ids) if rnd.random() < 0.85 else None
    creator = rnd.choice(g.staff_ids)
    deadline = (
        (created + datetime.timedelta(days=rnd.randint(3, 30))).date()
        if rnd.random() < 0.6
        else None
    )
    # The tuple's random draws happen left to right: keep their order.
    g.case_rows.append(
        (
            pk, org_id, number, f"{TITLES[i % len(TITLES)]} #{number}",
            "Beskrivelse fra kunden om problemet.", status,
            rnd.choice(["low", "normal", "normal", "normal", "high", "critical"]),
            rnd.choice(g.categories).pk, rnd.choice(["portal", "email", "phone", "api"]),
            "email", deadline, "", "", assignee,
            rnd.choice(g.suppliers).pk if rnd.random() < 0.2 else None,
            g.first_customer + rnd.randrange(g.n_customers) if rnd.random() < 0.9 else None,
            g.first_property + rnd.randrange(g.n_properties) if rnd.random() < 0.8 else None,
            False, creator, created, closed or resolved or first_response or created,
            first_response, resolved, closed,
        )
    )  # fmt: skip

    def event(kind, actor, field="", old="", new="", note=None, task=None, at=created):
        return (org_id, pk, kind, actor, field, old, new, note, task, "{}", at)

    worker = assignee or creator
    ev = [event("created", creator)]
    if first_response:
        ev.append(event("status", worker, "status", "new", "in_progress", at=first_response))
    if resolved:
        ev.append(event("status", worker, "status", "in_progress", "resolved", at=resolved))
    if closed:
        ev.append(event("closed", worker, "status", "resolved", "closed", at=closed))
    minute = datetime.timedelta(minutes=1)
    if assignee and rnd.random() < 0.5:
        name = f"Caseworker {g.staff_ids.index(assignee)}"
        ev.append(event("assignee", creator, "assignee", "", name, at=created + 5 * minute))
    if i % 5 == 0:
        note_id = g.first_note + len(g.note_rows)
        g.note_rows.append((note_id, org_id, pk, creator, "Ringte kunden.", created))
        if rnd.random() < 0.3:
            g.mention_rows.append((note_id, rnd.choice(g.staff_ids)))
        ev.append(event("note", creator, note=note_id, at=created + 30 * minute))
    if i % 4 == 0:
        task_id = g.first_task + len(g.task_rows)
        task_open = status not in ("resolved", "closed") or rnd.random() < 0.02
        g.task_rows.append(
            (task_id, org_id, pk, "Befaring", "", rnd.choice(g.staff_ids), None, None,
             "open" if task_open else "done", "", creator, created)
        )  # fmt: skip
        ev.append(
            event("task_added", creator, new="Befaring", task=task_id, at=created + 40 * minute)
        )
    g.event_rows += ev
    if rnd.random() < 0.3:
        g.team_rows.append((pk, rnd.choice(g.teams).pk))
    if rnd.random() < 0.2:
        g.tag_rows.append((pk, rnd.choice(g.tags).pk))


def _cases(g: _Generation, cur, say) -> None:
    """The cases, oldest first, spread over three years up to now, and all that hangs on them."""
    from cases.models import Case, CaseEvent, Note, Task

    g.first_case = _next_ids(cur, Case._meta.db_table, g.cases)
    g.first_note = _next_ids(cur, Note._meta.db_table, g.cases // 5 + 1)
    g.first_task = _next_ids(cur, Task._meta.db_table, g.cases // 4 + 1)
    for i in range(g.cases):
        _case(g, i)
    _copy(cur, Case._meta.db_table, CASE_COLUMNS, g.case_rows)
    say(f"{len(g.case_rows)} cases")
    _copy(cur, Note._meta.db_table, NOTE_COLUMNS, g.note_rows)
    _copy(cur, Task._meta.db_table, TASK_COLUMNS, g.task_rows)
    # Link tables carry the organization (organizations/links.py).
    for through, columns, rows in (
        (Note.mentions.through, ["note_id", "user_id"], g.mention_rows),
        (Case.teams.through, ["case_id", "team_id"], g.team_rows),
        (Case.tags.through, ["case_id", "tag_id"], g.tag_rows),
    ):
        org_rows = [(*row, g.org.pk) for row in rows]
        _copy(cur, through._meta.db_table, [*columns, "organization_id"], org_rows)
    say(f"{len(g.note_rows)} notes, {len(g.task_rows)} tasks, {len(g.team_rows)} team links")
    _copy(cur, CaseEvent._meta.db_table, EVENT_COLUMNS, g.event_rows)
    say(f"{len(g.event_rows)} events")


def generate_org(slug: str, cases: int, *, seed: int = 42, verbose: bool = True):
    """Create organization `slug` with `cases` cases (and all the rest). Returns it."""
    from django.db import transaction

    from cases.models import CaseCounter
    from organizations.models import Organization, User
    from organizations.tenancy import all_organizations, owner_connection

    started = time.monotonic()

    def say(text: str) -> None:
        if verbose:
            print(f"  [{time.monotonic() - started:6.1f}s] {slug}: {text}", flush=True)

    owner = owner_connection()
    with all_organizations("bench data: one organization's rows, made in bulk"):
        with transaction.atomic():
            g = _people(slug, cases, random.Random(seed))
        # The people are committed, so the owner's connection sees the rows the COPYs refer to.
        try:
            with transaction.atomic(using=owner.alias), owner.cursor() as cur:
                _customers_and_properties(g, cur)
                say(f"{g.n_customers} customers, {g.n_properties} properties")
                _cases(g, cur, say)
                CaseCounter.objects.using(owner.alias).update_or_create(
                    organization=g.org, defaults={"last_number": cases}
                )
        except BaseException:
            # No half-made organization for the next run to take for a finished one, and no
            # staff left behind to collide with the next run's.
            Organization.objects.using(owner.alias).filter(pk=g.org.pk).delete()
            User.objects.using(owner.alias).filter(email__endswith=f"@{slug}.example").delete()
            raise
    with owner.cursor() as cur:
        # What autovacuum would have done on a database that grew to this size over years:
        # fresh statistics and a visibility map that allows index-only scans.
        cur.execute("VACUUM ANALYZE")
    say("vacuumed and analyzed")
    return g.org


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=1)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--prefix", default="bench")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (e.g. .../saksflyt_bench).")
    setup_django()
    from organizations.models import Organization

    for n in range(args.orgs):
        slug = f"{args.prefix}-{n}" if args.orgs > 1 else args.prefix
        if Organization.objects.filter(slug=slug).exists():
            print(f"{slug} exists, skipped")
            continue
        generate_org(slug, args.cases, seed=n)


if __name__ == "__main__":
    main()
