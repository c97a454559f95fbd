"""Generate benchmark data: organizations with many cases, their events, customers and properties.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/saksflyt_bench \
        .venv/bin/python bench/generate.py --orgs 2 --cases 10000 [--prefix bench]

Rows go in with PostgreSQL COPY and ids handed out here (then the sequences are moved on), so
100,000 cases with ~400,000 events load in a minute or two. Each organization gets 30 staff
(the first, bench-cw0@<slug>.example, is the one the benchmark signs in as), 5 teams, 20
suppliers and tags, customers and properties, and cases spread over three years: most closed,
some resolved, ~15% open; assigned, created and mentioned across the staff; a quarter with a
task. PostgreSQL only. `generate_org` is also used by bench/run.py.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

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


def generate_org(slug: str, cases: int, *, seed: int = 42, verbose: bool = True):
    """Create organization `slug` with `cases` cases (and all the rest). Returns it."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import Case, CaseCounter, CaseEvent, Category, Note, Tag, Task
    from customers.models import Customer, Supplier
    from organizations.models import Membership, Organization, Team, User
    from properties.models import Property

    rnd = random.Random(seed)
    started = time.monotonic()

    def say(text: str) -> None:
        if verbose:
            print(f"  [{time.monotonic() - started:6.1f}s] {slug}: {text}", flush=True)

    with transaction.atomic():
        org = Organization.objects.create(slug=slug, name=f"Bench {slug}", default_language="nb")
        password = make_password(BENCH_PASSWORD)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bench-cw{i}@{slug}.example",
                    full_name=f"Caseworker {i}",
                    password=password,
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
        categories = list(Category.objects.filter(organization=org))
        now = timezone.now()
        staff_ids = [u.pk for u in staff]

        with connection.cursor() as cur:
            # Customers and properties
            n_customers, n_properties = max(1, cases // 2), max(1, cases // 3)
            first_customer = _next_ids(cur, Customer._meta.db_table, n_customers)
            _copy(
                cur,
                Customer._meta.db_table,
                [
                    "id",
                    "organization_id",
                    "customer_type",
                    "kind",
                    "name",
                    "email",
                    "phone",
                    "address",
                    "postcode",
                    "city",
                    "org_number",
                    "contact_person",
                    "notes",
                    "created_at",
                    "updated_at",
                ],
                (
                    (
                        first_customer + i,
                        org.pk,
                        "person",
                        "regular",
                        f"Kunde Nummer {i}",
                        f"kunde{i}@{slug}.example",
                        f"+47 9{i:07d}",
                        f"{ADDRESSES[i % 6]} {i}",
                        "0150",
                        "Oslo",
                        "",
                        "",
                        "",
                        now,
                        now,
                    )
                    for i in range(n_customers)
                ),
            )
            first_property = _next_ids(cur, Property._meta.db_table, n_properties)
            _copy(
                cur,
                Property._meta.db_table,
                [
                    "id",
                    "organization_id",
                    "parent_id",
                    "name",
                    "property_number",
                    "address",
                    "postcode",
                    "city",
                    "property_type",
                    "area",
                    "created_at",
                ],
                (
                    (
                        first_property + i,
                        org.pk,
                        None,
                        "",
                        f"P-{i:07d}",
                        f"{ADDRESSES[i % 6]} {i // 6 + 1}",
                        "0150",
                        "Oslo",
                        "Leilighet",
                        "Sentrum",
                        now,
                    )
                    for i in range(n_properties)
                ),
            )
            say(f"{n_customers} customers, {n_properties} properties")

            # Cases, oldest first, spread over three years up to now.
            first_case = _next_ids(cur, Case._meta.db_table, cases)
            span = datetime.timedelta(days=3 * 365)
            case_rows, event_rows, team_rows, tag_rows = [], [], [], []
            note_rows, mention_rows, task_rows = [], [], []
            first_note = _next_ids(cur, Note._meta.db_table, cases // 5 + 1)
            first_task = _next_ids(cur, Task._meta.db_table, cases // 4 + 1)
            for i in range(cases):
                pk, number = first_case + i, i + 1
                created = now - span + span * (i / cases) + datetime.timedelta(seconds=i % 7)
                age = now - created
                r = rnd.random()
                recent = age < datetime.timedelta(days=60)
                if recent and r < 0.35:
                    status = "new"
                elif recent and r < 0.7:
                    status = rnd.choice(["in_progress", "waiting"])
                elif r < 0.06:
                    status = rnd.choice(["new", "in_progress", "waiting"])
                elif r < 0.12:
                    status = "resolved"
                else:
                    status = "closed"
                step = datetime.timedelta(hours=rnd.randint(1, 72))
                first_response = created + step if status != "new" else None
                resolved = created + 3 * step if status in ("resolved", "closed") else None
                closed = created + 4 * step if status == "closed" else None
                assignee = rnd.choice(staff_ids) if rnd.random() < 0.85 else None
                creator = rnd.choice(staff_ids)
                deadline = (
                    (created + datetime.timedelta(days=rnd.randint(3, 30))).date()
                    if rnd.random() < 0.6
                    else None
                )
                case_rows.append(
                    (
                        pk,
                        org.pk,
                        number,
                        f"{TITLES[i % len(TITLES)]} #{number}",
                        "Beskrivelse fra kunden om problemet.",
                        status,
                        rnd.choice(["low", "normal", "normal", "normal", "high", "critical"]),
                        rnd.choice(categories).pk,
                        rnd.choice(["portal", "email", "phone", "api"]),
                        "email",
                        deadline,
                        "",
                        "",
                        assignee,
                        rnd.choice(suppliers).pk if rnd.random() < 0.2 else None,
                        first_customer + rnd.randrange(n_customers) if rnd.random() < 0.9 else None,
                        first_property + rnd.randrange(n_properties)
                        if rnd.random() < 0.8
                        else None,
                        False,
                        creator,
                        created,
                        closed or resolved or first_response or created,
                        first_response,
                        resolved,
                        closed,
                    )
                )
                ev = [(org.pk, pk, "created", creator, "", "", "", None, None, "{}", created)]
                if first_response:
                    ev.append(
                        (
                            org.pk,
                            pk,
                            "status",
                            assignee or creator,
                            "status",
                            "new",
                            "in_progress",
                            None,
                            None,
                            "{}",
                            first_response,
                        )
                    )
                if resolved:
                    ev.append(
                        (
                            org.pk,
                            pk,
                            "status",
                            assignee or creator,
                            "status",
                            "in_progress",
                            "resolved",
                            None,
                            None,
                            "{}",
                            resolved,
                        )
                    )
                if closed:
                    ev.append(
                        (
                            org.pk,
                            pk,
                            "closed",
                            assignee or creator,
                            "status",
                            "resolved",
                            "closed",
                            None,
                            None,
                            "{}",
                            closed,
                        )
                    )
                if assignee and rnd.random() < 0.5:
                    ev.append(
                        (
                            org.pk,
                            pk,
                            "assignee",
                            creator,
                            "assignee",
                            "",
                            f"Caseworker {staff_ids.index(assignee)}",
                            None,
                            None,
                            "{}",
                            created + datetime.timedelta(minutes=5),
                        )
                    )
                if i % 5 == 0:
                    note_id = first_note + len(note_rows)
                    note_rows.append((note_id, org.pk, pk, creator, "Ringte kunden.", created))
                    if rnd.random() < 0.3:
                        mention_rows.append((note_id, rnd.choice(staff_ids)))
                    ev.append(
                        (
                            org.pk,
                            pk,
                            "note",
                            creator,
                            "",
                            "",
                            "",
                            note_id,
                            None,
                            "{}",
                            created + datetime.timedelta(minutes=30),
                        )
                    )
                if i % 4 == 0:
                    task_id = first_task + len(task_rows)
                    task_open = status not in ("resolved", "closed") or rnd.random() < 0.02
                    task_rows.append(
                        (
                            task_id,
                            org.pk,
                            pk,
                            "Befaring",
                            "",
                            rnd.choice(staff_ids),
                            None,
                            None,
                            "open" if task_open else "done",
                            "",
                            creator,
                            created,
                        )
                    )
                    ev.append(
                        (
                            org.pk,
                            pk,
                            "task_added",
                            creator,
                            "",
                            "",
                            "Befaring",
                            None,
                            task_id,
                            "{}",
                            created + datetime.timedelta(minutes=40),
                        )
                    )
                event_rows += ev
                if rnd.random() < 0.3:
                    team_rows.append((pk, rnd.choice(teams).pk))
                if rnd.random() < 0.2:
                    tag_rows.append((pk, rnd.choice(tags).pk))

            case_columns = [
                "id",
                "organization_id",
                "number",
                "title",
                "description",
                "status",
                "priority",
                "category_id",
                "source",
                "contact_method",
                "deadline",
                "external_reference",
                "resolution",
                "assignee_id",
                "supplier_id",
                "customer_id",
                "property_id",
                "visible_to_customer",
                "created_by_id",
                "created_at",
                "updated_at",
                "first_response_at",
                "resolved_at",
                "closed_at",
            ]
            _copy(cur, Case._meta.db_table, case_columns, case_rows)
            say(f"{len(case_rows)} cases")
            _copy(
                cur,
                Note._meta.db_table,
                ["id", "organization_id", "case_id", "author_id", "body", "created_at"],
                note_rows,
            )
            _copy(cur, Note.mentions.through._meta.db_table, ["note_id", "user_id"], mention_rows)
            _copy(
                cur,
                Task._meta.db_table,
                [
                    "id",
                    "organization_id",
                    "case_id",
                    "title",
                    "description",
                    "assignee_id",
                    "supplier_id",
                    "due_date",
                    "status",
                    "completion_note",
                    "created_by_id",
                    "created_at",
                ],
                task_rows,
            )
            _copy(cur, Case.teams.through._meta.db_table, ["case_id", "team_id"], team_rows)
            _copy(cur, Case.tags.through._meta.db_table, ["case_id", "tag_id"], tag_rows)
            say(f"{len(note_rows)} notes, {len(task_rows)} tasks, {len(team_rows)} team links")
            _copy(
                cur,
                CaseEvent._meta.db_table,
                [
                    "organization_id",
                    "case_id",
                    "kind",
                    "actor_id",
                    "field",
                    "old_value",
                    "new_value",
                    "note_id",
                    "task_id",
                    "data",
                    "created_at",
                ],
                event_rows,
            )
            say(f"{len(event_rows)} events")
        CaseCounter.objects.update_or_create(organization=org, defaults={"last_number": cases})
    with connection.cursor() as cur:
        # What autovacuum would have done on a database that grew to this size over years:
        # fresh statistics and a visibility map that allows index-only scans.
        cur.execute("VACUUM ANALYZE")
    say("vacuumed and analyzed")
    return org


def add_busy_case(org, events: int = 200):
    """One more case whose page shows `events` history entries, made through the services."""
    from cases.models import CaseEvent
    from cases.services.cases import case_change, case_create
    from cases.services.notes import note_add
    from cases.services.tasks import task_add
    from cases.services.time import time_entry_add
    from organizations.models import User

    actor = User.objects.get(email=f"bench-cw0@{org.slug}.example")
    other = User.objects.get(email=f"bench-cw1@{org.slug}.example")
    case = case_create(org=org, actor=actor, title="Sak med lang historikk", assignee=actor)
    i = 0
    while CaseEvent.objects.filter(case=case).count() < events:
        step = i % 5
        if step == 0:
            note_add(org=org, actor=actor, case=case, body=f"Notat nummer {i}: ringte kunden.")
        elif step == 1:
            task_add(org=org, actor=actor, case=case, title=f"Oppgave {i}", assignee=other)
        elif step == 2:
            time_entry_add(org=org, actor=actor, case=case, minutes=15 + i % 30, note="Arbeid")
        elif step == 3:
            case_change(
                org=org,
                actor=actor,
                case=case,
                priority="high" if case.priority != "high" else "normal",
            )
        else:
            case_change(
                org=org,
                actor=actor,
                case=case,
                assignee=other if case.assignee_id == actor.pk else actor,
            )
        i += 1
    return case


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
