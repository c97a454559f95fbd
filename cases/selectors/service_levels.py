"""Reads for service levels: the state filter of case lists and the API, and the policies of
Settings → Service levels. States are defined in cases/services/service_levels.py `sla_state`;
the conditions here say the same over the columns it reads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, ServiceLevelPolicy
from cases.services.service_levels import RUNNING, SlaState, case_sla_state
from organizations.models import Organization

STATE_LABELS = {
    SlaState.ON_TRACK: _("On track"),
    SlaState.AT_RISK: _("At risk"),
    SlaState.BREACHED: _("Breached"),
    SlaState.PAUSED: _("Paused"),
}


def sla_state_q(state: str, now: datetime.datetime) -> Q:
    """Cases of service-level state `state` at `now`."""
    if state == SlaState.BREACHED:
        return Q(sla_next_due__lte=now)
    if state == SlaState.AT_RISK:
        return Q(sla_next_due__gt=now, sla_next_risk__lte=now)
    if state == SlaState.ON_TRACK:
        return Q(sla_next_risk__gt=now)  # an at-risk moment is never after its due time
    if state == SlaState.PAUSED:
        return Q(status=Case.Status.WAITING, sla_paused_at__isnull=False)
    raise ValueError(f"unknown service-level state: {state}")


def sla_states_q(states, now: datetime.datetime) -> Q:
    condition = Q(pk__in=[])
    for state in states:
        condition |= sla_state_q(state, now)
    return condition


def policy_list(org: Organization) -> list[ServiceLevelPolicy]:
    """The organization's policies with their category and customer: the general ones first,
    then by priority (critical first) and name."""
    rank = {value: -i for i, value in enumerate(Case.Priority.values)}
    return sorted(
        ServiceLevelPolicy.objects.filter(organization=org).select_related("category", "customer"),
        key=lambda p: (p.specificity & 6, rank.get(p.priority, 1), p.name.lower(), p.pk),
    )


@dataclass
class Clock:
    label: str
    due: datetime.datetime
    done_at: datetime.datetime | None  # answered / resolved
    running: bool  # neither done nor standing still
    late: bool  # done after its due time, or not done and past it


@dataclass
class SlaSummary:
    state: str | None
    state_label: str
    policy_name: str
    clocks: list[Clock]
    paused: bool


def sla_summary(case: Case, now: datetime.datetime | None = None) -> SlaSummary | None:
    """What the case page shows of the case's service level; None when none applies. Needs
    `service_level_policy` selected with the case (no query)."""
    if case.first_response_due is None and case.resolution_due is None:
        return None
    now = now or timezone.now()
    state = case_sla_state(case, now)
    running = case.status in RUNNING
    clocks = []
    if case.first_response_due is not None:
        done = case.first_response_at
        clocks.append(
            Clock(
                label=_("First response"),
                due=case.first_response_due,
                done_at=done,
                running=running and done is None,
                late=(done or now) >= case.first_response_due,
            )
        )
    if case.resolution_due is not None:
        done = (
            case.resolved_at if case.status in (Case.Status.RESOLVED, Case.Status.CLOSED) else None
        )
        clocks.append(
            Clock(
                label=_("Resolution"),
                due=case.resolution_due,
                done_at=done,
                running=running,
                late=(done or now) >= case.resolution_due,
            )
        )
    policy = case.service_level_policy
    return SlaSummary(
        state=state,
        state_label=str(STATE_LABELS.get(state, "")),
        policy_name=policy.name if policy else "",
        clocks=clocks,
        paused=case.status == Case.Status.WAITING and case.sla_paused_at is not None,
    )
