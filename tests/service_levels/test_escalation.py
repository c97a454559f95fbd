"""Escalation: the sweep notifies each threshold (at risk, missed) once, to the assignee, else
the case's teams, else the administrators; in the bell and, per preference, by e-mail."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation

from cases.models import Case
from cases.services.cases import case_change
from cases.services.service_level_sweep import service_levels_sweep
from notifications.models import Notification, OutboundMessage
from organizations.models import Membership
from tests.factories.cases import make_case
from tests.factories.organizations import MembershipFactory, TeamFactory, UserFactory
from tests.factories.service_levels import ServiceLevelPolicyFactory, office_calendar
from tests.markers import BATCHED_WRITES, postgresql_only
from tests.service_levels.conftest import OSLO, oslo

pytestmark = pytest.mark.django_db

# The case opened Monday 4 March 2024 09:00 under the normal policy (4 h / 16 h, 80 %):
FIRST_AT_RISK = oslo(2024, 3, 4, 12, 12)  # 80 % of 4 h
FIRST_DUE = oslo(2024, 3, 4, 13)
RESOLUTION_AT_RISK = oslo(2024, 3, 5, 13, 48)  # 80 % of 16 h
RESOLUTION_DUE = oslo(2024, 3, 6, 9)


def shown(moment) -> str:
    """As the notice shows a time: the organization's zone, the reader's format."""
    return formats.date_format(moment.astimezone(OSLO), "SHORT_DATETIME_FORMAT")


def texts(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="service_level")
        .order_by("id")
        .values_list("text", flat=True)
    )


@pytest.fixture
def case(tenant, clock, normal_policy):
    return make_case(tenant.org, tenant.admin, title="Leaking roof", assignee=tenant.caseworker)


def test_each_threshold_is_notified_once(tenant, case):
    assert service_levels_sweep(now=oslo(2024, 3, 4, 12)) == 0

    assert service_levels_sweep(now=oslo(2024, 3, 4, 12, 30)) == 1
    assert service_levels_sweep(now=oslo(2024, 3, 4, 12, 31)) == 0
    assert service_levels_sweep(now=oslo(2024, 3, 4, 13, 5)) == 1
    assert service_levels_sweep(now=oslo(2024, 3, 4, 13, 6)) == 0
    # Both resolution thresholds have passed by Wednesday 10:00: the breach says it all.
    assert service_levels_sweep(now=oslo(2024, 3, 6, 10)) == 1
    assert service_levels_sweep(now=oslo(2024, 3, 7, 10)) == 0

    n = case.number
    assert texts(tenant.caseworker) == [
        f"Case #{n} needs a first response by {shown(FIRST_DUE)}: Leaking roof",
        f"Case #{n} missed its first-response time ({shown(FIRST_DUE)}): Leaking roof",
        f"Case #{n} missed its resolution time ({shown(RESOLUTION_DUE)}): Leaking roof",
    ]
    case.refresh_from_db()
    assert case.sla_fired == 15 and case.sla_next_escalation is None


def test_notices_are_in_the_recipients_language_and_link_to_the_case(tenant, case):
    tenant.caseworker.language = "nb"
    tenant.caseworker.save()

    service_levels_sweep(now=oslo(2024, 3, 4, 12, 30))

    notice = Notification.objects.get(recipient=tenant.caseworker, kind="service_level")
    assert notice.url.endswith(f"/cases/{case.number}/")
    assert str(case.number) in notice.text and "Leaking roof" in notice.text
    with translation.override("nb"):
        norwegian = shown(FIRST_DUE)
    # Formatted for the Norwegian reader (the words follow once the catalogue has them).
    assert norwegian in notice.text and shown(FIRST_DUE) not in notice.text


def test_e_mail_follows_the_members_choice(tenant, clock, normal_policy):
    wants = tenant.caseworker
    declines = UserFactory(email="quiet@alpha.example", notify_service_levels_by_email=False)
    MembershipFactory(organization=tenant.org, user=declines, role="caseworker")
    make_case(tenant.org, tenant.admin, assignee=wants)
    make_case(tenant.org, tenant.admin, assignee=declines)

    service_levels_sweep(now=oslo(2024, 3, 4, 12, 30))

    assert Notification.objects.filter(kind="service_level").count() == 2
    emails = OutboundMessage.objects.filter(kind=OutboundMessage.Kind.SERVICE_LEVEL)
    assert [e.to for e in emails] == [wants.email]
    assert "needs a first response" in emails[0].body_text


def test_unassigned_cases_go_to_their_teams_staff_then_to_the_administrators(
    tenant, clock, normal_policy
):
    supplier_in_team = tenant.supplier
    gone = UserFactory(email="gone@alpha.example")
    MembershipFactory(organization=tenant.org, user=gone, role="caseworker", is_active=False)
    team = TeamFactory(organization=tenant.org)
    for user in (tenant.caseworker, supplier_in_team, gone):
        team.members.add(user)
    with_team = make_case(tenant.org, None, teams=[team])
    without = make_case(tenant.org, None)

    service_levels_sweep(now=oslo(2024, 3, 4, 12, 30))

    assert [n.url for n in Notification.objects.filter(recipient=tenant.caseworker)] == [
        f"/{tenant.org.slug}/cases/{with_team.number}/"
    ]
    assert not Notification.objects.filter(recipient__in=[supplier_in_team, gone]).exists()
    to_admin = Notification.objects.get(recipient=tenant.admin)
    assert to_admin.url.endswith(f"/cases/{without.number}/")


def test_a_waiting_case_is_not_escalated_until_it_runs_again(tenant, clock, case):
    clock.set(2024, 3, 4, 10)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="waiting")

    assert service_levels_sweep(now=oslo(2024, 3, 8, 12)) == 0

    clock.set(2024, 3, 5, 10)  # 8 h of waiting: the first response is now due Tuesday 13:00
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="in_progress")
    assert service_levels_sweep(now=oslo(2024, 3, 5, 12)) == 0
    assert service_levels_sweep(now=oslo(2024, 3, 5, 12, 30)) == 1


def test_a_later_due_time_is_notified_again(tenant, clock, case):
    ServiceLevelPolicyFactory(
        organization=tenant.org,
        name="Low",
        priority="low",
        first_response_minutes=16 * 60,
        resolution_minutes=None,
    )
    service_levels_sweep(now=oslo(2024, 3, 4, 12, 30))  # at risk under the normal policy
    clock.set(2024, 3, 4, 12, 40)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, priority="low")

    case.refresh_from_db()
    assert case.sla_fired == 0  # the new first-response time has thresholds of its own
    assert service_levels_sweep(now=oslo(2024, 3, 5, 9)) == 0
    assert service_levels_sweep(now=oslo(2024, 3, 5, 15)) == 1


def test_the_sweep_covers_every_organization_each_in_its_own(
    tenant, other_tenant, clock, normal_policy
):
    office_calendar(other_tenant.org)
    ServiceLevelPolicyFactory(organization=other_tenant.org, name="Normal")
    ours = make_case(tenant.org, None, assignee=tenant.caseworker)
    theirs = make_case(other_tenant.org, None, assignee=other_tenant.caseworker)

    assert service_levels_sweep(now=oslo(2024, 3, 4, 12, 30)) == 2

    ours_notice = Notification.objects.get(recipient=tenant.caseworker, kind="service_level")
    assert ours_notice.organization == tenant.org
    mine = Notification.objects.get(recipient=other_tenant.caseworker, kind="service_level")
    assert mine.organization == other_tenant.org
    assert mine.url.startswith(f"/{other_tenant.org.slug}/cases/{theirs.number}")
    assert ours.number == theirs.number  # numbers are per organization


@postgresql_only(BATCHED_WRITES)
def test_the_sweep_costs_the_same_queries_for_1_and_40_cases(tenant, clock, normal_policy):
    counts = []
    for count, day in ((1, 4), (40, 5)):
        service_levels_sweep(now=oslo(2024, 3, day, 9))  # the earlier cases' thresholds
        clock.set(2024, 3, day, 9)
        for _ in range(count):
            make_case(tenant.org, None, assignee=tenant.caseworker)
        with CaptureQueriesContext(connection) as queries:
            assert service_levels_sweep(now=oslo(2024, 3, day, 12, 30)) == count
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_only_staff_memberships_count_for_teams(tenant, clock, normal_policy):
    # A team member who is a supplier in this organization is not told about the case.
    team = TeamFactory(organization=tenant.org)
    team.members.add(tenant.supplier)
    make_case(tenant.org, None, teams=[team])

    service_levels_sweep(now=oslo(2024, 3, 4, 12, 30))

    assert not Notification.objects.filter(recipient=tenant.supplier).exists()
    # Nobody on the team may have it: the administrators hear instead.
    assert Notification.objects.filter(recipient=tenant.admin).count() == 1
    assert Membership.objects.get(user=tenant.supplier).role == "supplier"
    assert Case.objects.filter(sla_fired=1).count() == 1
