"""Generated cases for the dashboard tests, and the figures computed the plain way: every case
read through the ORM, counted and measured in Python (statistics' inclusive quantiles, the same
definition as PostgreSQL's percentile_cont)."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import defaultdict

from django.utils import timezone

from cases.models import Case, CaseTeam, Category
from customers.models import Supplier
from organizations.models import Team
from tests.factories.organizations import MembershipFactory, UserFactory
from tests.factories.properties import PropertyFactory

OPEN = {"new", "in_progress", "waiting"}


def generate(org, now: dt.datetime, count: int = 160, seed: int = 7) -> dict:
    rng = random.Random(seed)
    categories = [Category.objects.create(organization=org, name=f"Cat {i}") for i in range(3)]
    teams = [Team.objects.create(organization=org, name=f"Team {i}") for i in range(3)]
    suppliers = [Supplier.objects.create(organization=org, name=f"Supplier {i}") for i in range(2)]
    users = []
    for i in range(3):
        user = UserFactory(email=f"worker{i}@{org.slug}.example", full_name=f"Worker {i}")
        MembershipFactory(organization=org, user=user)
        users.append(user)
    estate = PropertyFactory(organization=org)
    unit = PropertyFactory(organization=org, parent=estate)
    other = PropertyFactory(organization=org)
    cases = []
    for n in range(count):
        created = now - dt.timedelta(hours=rng.randint(1, 24 * 7 * 20))
        status = rng.choice(["new", "in_progress", "waiting", "resolved", "closed", "closed"])
        first = None
        if status != "new" or rng.random() < 0.2:
            first = created + dt.timedelta(minutes=rng.randint(5, 60 * 72))
            first = min(first, now)
        resolved = None
        if status in ("resolved", "closed"):
            resolved = min(created + dt.timedelta(minutes=rng.randint(60, 60 * 24 * 14)), now)
            first = first if first and first <= resolved else resolved
        fr_due = created + dt.timedelta(hours=24) if rng.random() < 0.6 else None
        res_due = created + dt.timedelta(days=5) if rng.random() < 0.6 else None
        cases.append(
            Case(
                organization=org,
                number=n + 1,
                title=f"Case {n}",
                status=status,
                source=rng.choice(["email", "portal", "phone", "api"]),
                category=rng.choice([*categories, None]),
                assignee=rng.choice([*users, None]),
                supplier=rng.choice([*suppliers, None, None]),
                property=rng.choice([estate, unit, other, None]),
                created_at=created,
                first_response_at=first,
                resolved_at=resolved,
                closed_at=resolved if status == "closed" else None,
                deadline=(now + dt.timedelta(days=rng.randint(-10, 10))).date()
                if rng.random() < 0.5
                else None,
                first_response_due=fr_due,
                resolution_due=res_due,
                sla_next_due=(now + dt.timedelta(hours=rng.randint(-48, 48)))
                if status in OPEN and rng.random() < 0.5
                else None,
            )
        )
    Case.objects.bulk_create(cases)
    links = []
    for case in cases:
        for team in rng.sample(teams, rng.randint(0, 2)):
            links.append(CaseTeam(organization=org, case=case, team=team))
    CaseTeam.objects.bulk_create(links)
    return {"teams": teams, "estate": estate, "unit": unit, "other": other}


def _pcts(values: list[dt.timedelta]) -> list[float | None]:
    """Median and 90th percentile in hours, rounded as the dashboard shows them."""
    if not values:
        return [None, None]
    seconds = [v.total_seconds() for v in values]
    p90 = (
        seconds[0]
        if len(seconds) == 1
        else statistics.quantiles(seconds, n=10, method="inclusive")[8]
    )
    return [round(statistics.median(seconds) / 3600, 1), round(p90 / 3600, 1)]


def expected(org, start, end, now, team=None, prop_ids=None) -> dict:
    """{group key: {figure: value}} per breakdown, and the whole under "total"."""
    qs = Case.objects.filter(organization=org).prefetch_related("teams")
    today = timezone.localdate(now)
    groups: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))

    def within(moment):
        return moment is not None and start <= moment < end

    for case in qs:
        team_ids = [t.pk for t in case.teams.all()]
        if team is not None and team.pk not in team_ids:
            continue
        if prop_ids is not None and case.property_id not in prop_ids:
            continue
        keys = {
            "total": [None],
            "channel": [case.source],
            "category": [case.category_id],
            "team": team_ids or [None],
            "assignee": [case.assignee_id],
            "supplier": [case.supplier_id],
        }
        is_open = case.status in OPEN
        for dim, values in keys.items():
            for key in values:
                g = groups[dim][key]
                g["open"].append(is_open)
                g["overdue"].append(is_open and case.deadline is not None and case.deadline < today)
                g["sla_late"].append(
                    is_open and case.sla_next_due is not None and case.sla_next_due <= now
                )
                g["created"].append(within(case.created_at))
                g["closed"].append(within(case.resolved_at))
                if within(case.first_response_at):
                    g["fr"].append(case.first_response_at - case.created_at)
                    if case.first_response_due:
                        g["fr_met"].append(case.first_response_at <= case.first_response_due)
                if within(case.resolved_at):
                    g["res"].append(case.resolved_at - case.created_at)
                    if case.resolution_due:
                        g["res_met"].append(case.resolved_at <= case.resolution_due)
    out: dict = {}
    for dim, per_key in groups.items():
        out[dim] = {}
        for key, g in per_key.items():
            relevant = any(g["open"]) or any(g["created"]) or any(g["closed"]) or g["fr"]
            if not relevant:
                continue
            out[dim][key] = {
                "open": sum(g["open"]),
                "overdue": sum(g["overdue"]),
                "sla_late": sum(g["sla_late"]),
                "created": sum(g["created"]),
                "closed": sum(g["closed"]),
                "first_response": _pcts(g["fr"]),
                "resolution": _pcts(g["res"]),
                "fr_met": (sum(g["fr_met"]), len(g["fr_met"])),
                "res_met": (sum(g["res_met"]), len(g["res_met"])),
            }
    return out
