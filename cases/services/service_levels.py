"""Service-level clocks on cases: which policy applies, when the first response and the
resolution are due, pausing and resuming, and the columns lists and the escalation sweep read.

Everything here works on Case objects in memory inside the caller's transaction (create,
change, bulk change, conversion); the caller saves the fields in `SLA_FIELDS` with its own
INSERT or UPDATE, so no service runs a query per case. Business time comes from the
organization's calendar (organizations/calendar.py), read at most once per call.

The clocks:

- **first response**: from the case's creation until its first reply to the customer
  (`first_response_at`, cases/services/messages.py);
- **resolution**: from creation until the case is resolved or closed; reopening resumes it.

Both stand still while the case is not being worked on — waiting (on the customer or a
supplier), resolved or closed — and the business time they stood still (`sla_paused`) is added
to their targets: a clock's due time is always

    creation + target + business time paused   (in business time)

so a recomputation (another priority, category or customer) and a resumption give the same
answer, and a case that ran late stays late however long it then waits. A clock that has
stopped for good (answered; resolved) keeps its last due time, for the record.

Derived columns, written with the clocks: `sla_next_due` and `sla_next_risk` (the earliest due
and at-risk moments of the running clocks: sorting by "due soonest" and filtering by state),
and `sla_next_escalation` (when the next threshold not yet notified is reached: the beat sweep's
indexed query, cases/services/service_level_sweep.py).
"""

from __future__ import annotations

import contextlib
import datetime
import math
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.models.service_levels import ServiceLevelPolicy
from cases.services.events import event_build
from organizations.business_hours import (
    Calendar,
    NeverOpen,
    add_business_time,
    business_time_between,
)
from organizations.calendar import calendar_for
from organizations.models import Organization, User

Status = Case.Status
RUNNING = frozenset({Status.NEW, Status.IN_PROGRESS})
ZERO = datetime.timedelta(0)

# Bits of Case.sla_fired: which thresholds were notified for the current due times.
FIRST_RESPONSE_RISK = 1
FIRST_RESPONSE_BREACH = 2
RESOLUTION_RISK = 4
RESOLUTION_BREACH = 8

# Fields the functions below may change; callers add them to their UPDATE.
SLA_FIELDS = [
    "service_level_policy",
    "sla_first_response_minutes",
    "sla_resolution_minutes",
    "sla_risk_percent",
    "first_response_due",
    "first_response_risk_at",
    "resolution_due",
    "resolution_risk_at",
    "sla_paused_at",
    "sla_paused",
    "sla_fired",
    "sla_next_due",
    "sla_next_risk",
    "sla_next_escalation",
]
# Changes of these fields may choose another policy.
POLICY_FIELDS = ("priority", "category", "customer")


class SlaState:
    """A case's service-level state, from its running clocks (see `sla_state`)."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    PAUSED = "paused"
    VALUES = (ON_TRACK, AT_RISK, BREACHED, PAUSED)


class SlaContext:
    """What the computations need from the organization, each read once and only when first
    needed: the policies (one query) and the calendar (two queries)."""

    def __init__(
        self,
        org: Organization,
        *,
        calendar: Calendar | None = None,
        risk_percent: int | None = None,
        policies: list[ServiceLevelPolicy] | None = None,
    ) -> None:
        """`calendar`, `risk_percent` and `policies` given here are used instead of reading
        them (for tests and benchmarks)."""
        self.org = org
        self._added: dict[tuple[datetime.datetime, datetime.timedelta], datetime.datetime] = {}
        if calendar is not None:
            self.__dict__["_calendar"] = (calendar, _Percent(risk_percent or 80))
        if policies is not None:
            self.__dict__["policies"] = policies

    @cached_property
    def policies(self) -> list[ServiceLevelPolicy]:
        return list(ServiceLevelPolicy.objects.filter(organization=self.org).order_by("id"))

    @cached_property
    def _calendar(self):
        return calendar_for(self.org)

    @property
    def calendar(self) -> Calendar:
        return self._calendar[0]

    @property
    def default_risk_percent(self) -> int:
        return self._calendar[1].risk_percent

    def add(self, start: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime:
        """`add_business_time`, remembered: cases opened together share start and targets."""
        key = (start, duration)
        if key not in self._added:
            self._added[key] = add_business_time(self.calendar, start, duration)
        return self._added[key]


@dataclass(frozen=True)
class _Percent:
    risk_percent: int


def policy_for(policies: list[ServiceLevelPolicy], case: Case) -> ServiceLevelPolicy | None:
    """The most specific policy matching the case's priority, category and customer."""
    best = None
    for policy in policies:
        if policy.matches(case) and (best is None or policy.specificity > best.specificity):
            best = policy
    return best


def _risk_minutes(target: int, percent: int) -> int:
    return max(1, math.ceil(target * percent / 100)) if target else 0


def _due(ctx: SlaContext, case: Case, minutes: int | None, percent: int):
    """(due, at risk from) of a clock with `minutes` of target, or (None, None)."""
    if not minutes:
        return None, None
    paused = case.sla_paused or ZERO
    risk = datetime.timedelta(minutes=_risk_minutes(minutes, percent))
    try:
        return (
            ctx.add(case.created_at, datetime.timedelta(minutes=minutes) + paused),
            ctx.add(case.created_at, risk + paused),
        )
    except NeverOpen:  # a calendar with no opening hours at all: no due time can be given
        return None, None


def recompute(case: Case, ctx: SlaContext, now: datetime.datetime) -> None:
    """Set the due times of the clocks that still run from the targets stored on the case.
    A threshold whose moment moves into the future may be notified again."""
    percent = case.sla_risk_percent or ctx.default_risk_percent
    if case.first_response_at is None:
        due, risk = _due(ctx, case, case.sla_first_response_minutes, percent)
        case.first_response_due, case.first_response_risk_at = due, risk
        case.sla_fired &= ~_future_bits(due, risk, now, FIRST_RESPONSE_RISK, FIRST_RESPONSE_BREACH)
    if case.status not in (Status.RESOLVED, Status.CLOSED):
        due, risk = _due(ctx, case, case.sla_resolution_minutes, percent)
        case.resolution_due, case.resolution_risk_at = due, risk
        case.sla_fired &= ~_future_bits(due, risk, now, RESOLUTION_RISK, RESOLUTION_BREACH)
    derive(case)


def _future_bits(due, risk, now, risk_bit: int, breach_bit: int) -> int:
    bits = 0
    if due is None or due > now:
        bits |= breach_bit
    if risk is None or risk > now:
        bits |= risk_bit
    return bits


def _clocks(case: Case):
    """(due, at risk from, risk bit, breach bit) of each running clock."""
    if case.status not in RUNNING:
        return []
    clocks = []
    if case.first_response_at is None and case.first_response_due is not None:
        clocks.append(
            (
                case.first_response_due,
                case.first_response_risk_at,
                FIRST_RESPONSE_RISK,
                FIRST_RESPONSE_BREACH,
            )
        )
    if case.resolution_due is not None:
        clocks.append(
            (case.resolution_due, case.resolution_risk_at, RESOLUTION_RISK, RESOLUTION_BREACH)
        )
    return clocks


def derive(case: Case) -> None:
    """Set the columns lists and the sweep read from the clocks (no query)."""
    clocks = _clocks(case)
    case.sla_next_due = min((due for due, *_ in clocks), default=None)
    case.sla_next_risk = min((risk or due for due, risk, *_ in clocks), default=None)
    pending = []
    for due, risk, risk_bit, breach_bit in clocks:
        if not case.sla_fired & breach_bit:
            pending.append(due)
            if not case.sla_fired & risk_bit and risk is not None:
                pending.append(risk)
    case.sla_next_escalation = min(pending, default=None)


def _has_targets(case: Case) -> bool:
    return bool(case.sla_first_response_minutes or case.sla_resolution_minutes)


# --- Entry points for the case services ------------------------------------------------------


def sla_start(case: Case, ctx: SlaContext) -> None:
    """A new case (unsaved, in bulk creation): choose its policy and set its clocks."""
    policy = policy_for(ctx.policies, case)
    _set_policy(case, policy)
    if policy is not None:
        if case.status not in RUNNING:
            case.sla_paused_at = case.created_at
        recompute(case, ctx, case.created_at)
    else:
        derive(case)


def _set_policy(case: Case, policy: ServiceLevelPolicy | None) -> None:
    case.service_level_policy = policy
    case.sla_first_response_minutes = policy.first_response_minutes if policy else None
    case.sla_resolution_minutes = policy.resolution_minutes if policy else None
    case.sla_risk_percent = policy.risk_percent if policy else None


def sla_after_change(
    case: Case,
    ctx: SlaContext,
    *,
    changed: dict[str, tuple],
    actor: User | None,
    now: datetime.datetime,
) -> tuple[list[str], list[CaseEvent]]:
    """After `changed` ({field: (old, new)}) was applied to `case`: pause or resume its clocks
    on a status change, choose the policy again when the priority, category or customer
    changed. Returns the fields to save and the history entry saying the due times changed."""
    if "status" in changed:
        old, new = changed["status"]
        if old in RUNNING and new not in RUNNING and _has_targets(case):
            if case.sla_paused_at is None:
                case.sla_paused_at = now
        elif old not in RUNNING and new in RUNNING and case.sla_paused_at is not None:
            if _has_targets(case):
                with contextlib.suppress(NeverOpen):  # never open: no time to count
                    case.sla_paused = (case.sla_paused or ZERO) + business_time_between(
                        ctx.calendar, case.sla_paused_at, now
                    )
            case.sla_paused_at = None
            recompute(case, ctx, now)
    events: list[CaseEvent] = []
    if any(name in changed for name in POLICY_FIELDS):
        event = _choose_again(case, ctx, actor, now)
        if event is not None:
            events.append(event)
    else:
        derive(case)
    return list(SLA_FIELDS), events


def _targets(case: Case) -> tuple:
    return (case.sla_first_response_minutes, case.sla_resolution_minutes, case.sla_risk_percent)


def _choose_again(case: Case, ctx: SlaContext, actor: User | None, now) -> CaseEvent | None:
    """The priority, category or customer changed: apply the policy that matches now and
    recompute the due times; a history entry says so when the policy or a due time changed."""
    old_id = case.service_level_policy_id
    # By id among the policies already read: no query per case in bulk changes.
    old_policy = next((p for p in ctx.policies if p.pk == old_id), None)
    old_due = (case.first_response_due, case.resolution_due)
    old_targets = _targets(case)
    policy = policy_for(ctx.policies, case)
    _set_policy(case, policy)
    if _pk(policy) == old_id and _targets(case) == old_targets:
        derive(case)  # the same policy as before: the due times stand
        return None
    if policy is None:
        case.first_response_due = case.first_response_risk_at = None
        case.resolution_due = case.resolution_risk_at = None
        case.sla_paused_at = None
        derive(case)
    else:
        if case.status not in RUNNING and case.sla_paused_at is None:
            case.sla_paused_at = now  # the case is not being worked on: its clocks start paused
        recompute(case, ctx, now)
    new_due = (case.first_response_due, case.resolution_due)
    if _pk(policy) == old_id and new_due == old_due:
        return None
    return event_build(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.FIELD,
        field="service_level",
        old=old_policy.name if old_policy else "",
        new=policy.name if policy else "",
        data={
            "old_first_response_due": _iso(old_due[0]),
            "old_resolution_due": _iso(old_due[1]),
            "first_response_due": _iso(new_due[0]),
            "resolution_due": _iso(new_due[1]),
        },
    )


def _pk(obj) -> int | None:
    return obj.pk if obj is not None else None


def _iso(value: datetime.datetime | None) -> str:
    return value.isoformat() if value else ""


def sla_first_response(case: Case) -> list[str]:
    """The first reply stopped the first-response clock; the fields to save."""
    derive(case)
    return ["sla_next_due", "sla_next_risk", "sla_next_escalation"]


# --- State -------------------------------------------------------------------------------------


def sla_state(
    *,
    status: str,
    next_due: datetime.datetime | None,
    next_risk: datetime.datetime | None,
    paused_at: datetime.datetime | None,
    now: datetime.datetime | None = None,
) -> str | None:
    """on_track, at_risk, breached (a running clock's due time has come), paused (waiting, with
    a target), or None (no running clock: no policy, answered without resolution target,
    resolved or closed)."""
    if status == Status.WAITING:
        return SlaState.PAUSED if paused_at is not None else None
    if next_due is None:
        return None
    now = now or timezone.now()
    if next_due <= now:
        return SlaState.BREACHED
    if next_risk is not None and next_risk <= now:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def case_sla_state(case: Case, now: datetime.datetime | None = None) -> str | None:
    return sla_state(
        status=case.status,
        next_due=case.sla_next_due,
        next_risk=case.sla_next_risk,
        paused_at=case.sla_paused_at,
        now=now,
    )
