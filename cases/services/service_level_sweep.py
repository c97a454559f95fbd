"""Escalation: the beat job that tells people when a case's service level is at risk or missed.

Each running clock has two thresholds: "at risk" (a share of its target has passed, 80 % unless
the organization or the policy says otherwise) and its due time. When one is reached the case's
assignee is notified — or, when nobody has the case, the members of its teams, and when it has
no team either, the organization's administrators — once per threshold: the case's `sla_fired`
bits record what was notified, and `sla_next_escalation` says when the next threshold comes.

The sweep reads only the cases whose `sla_next_escalation` has come, through a partial index
(so it costs the same at 200,000 open cases as at 200), locks them (SKIP LOCKED: two sweeps
never notify twice), writes the bell rows and e-mails (notifications/staff.py) and the new
markers with one UPDATE per batch, all in one transaction per organization and batch. A
threshold that passes while the case waits is not notified: the clocks stand still then.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from django.db import connection, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services.cases import case_url
from cases.services.service_levels import (
    FIRST_RESPONSE_BREACH,
    FIRST_RESPONSE_RISK,
    RESOLUTION_BREACH,
    RESOLUTION_RISK,
    derive,
)
from notifications.messages import language_for
from notifications.models import Notification
from notifications.staff import StaffNotice, absolute_url, notify_staff_many
from organizations.models import Membership, Organization, User
from organizations.tenancy import all_organizations, organization_scope

BATCH = 1000
STAFF = (Membership.Role.ADMIN, Membership.Role.CASEWORKER)


@dataclass(frozen=True)
class Escalation:
    case: Case
    clock: str  # "first_response" or "resolution"
    breached: bool
    due: datetime.datetime


def service_levels_sweep(now: datetime.datetime | None = None) -> int:
    """Notify every threshold reached by `now` in every organization; returns how many
    thresholds were notified. Safe to run concurrently and as often as wanted."""
    now = now or timezone.now()
    notified = 0
    while True:
        with all_organizations("service-level escalation sweep"):
            due = list(
                Case.objects.filter(sla_next_escalation__lte=now)
                .order_by("sla_next_escalation")
                .values_list("organization_id", "id")[:BATCH]
            )
        by_org: dict[int, list[int]] = defaultdict(list)
        for org_id, case_id in due:
            by_org[org_id].append(case_id)
        for org_id, ids in by_org.items():
            notified += organization_sweep(org_id, ids, now)
        if len(due) < BATCH:
            return notified


def organization_sweep(org_id: int, case_ids: list[int], now: datetime.datetime) -> int:
    """Notify the thresholds reached by `now` on the cases `case_ids` of one organization."""
    with organization_scope(org_id), transaction.atomic():
        org = Organization.objects.get(pk=org_id)
        cases = list(
            Case.objects.filter(organization=org, pk__in=case_ids, sla_next_escalation__lte=now)
            .select_related("assignee", "customer")
            .select_for_update(of=("self",), skip_locked=True)
        )
        escalations: list[Escalation] = []
        for case in cases:
            case.organization = org  # for links, without a query per case
            escalations += _reached(case, now)
            derive(case)
        if not cases:
            return 0
        _markers_save(cases)
        recipients = _recipients(org, [e.case for e in escalations])
        with timezone.override(org.time_zone):
            notices = _notices(org, escalations, recipients)
            notify_staff_many(org=org, actor=None, notices=notices)
        return len(escalations)


def _markers_save(cases: list[Case]) -> None:
    """The new markers of `cases` in one UPDATE ... FROM (VALUES ...): Django's bulk_update
    writes a CASE with a branch per row, which PostgreSQL evaluates for every row (quadratic:
    1.3 s for 850 rows). Other databases (SQLite when embedded) take bulk_update."""
    if connection.vendor != "postgresql":
        Case.objects.bulk_update(cases, ["sla_fired", "sla_next_escalation"])
        return
    rows = ", ".join(["(%s, %s, %s::timestamptz)"] * len(cases))
    params = [v for c in cases for v in (c.pk, c.sla_fired, c.sla_next_escalation)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Case._meta.db_table} AS c"
            " SET sla_fired = v.fired, sla_next_escalation = v.next"
            f" FROM (VALUES {rows}) AS v(id, fired, next) WHERE c.id = v.id",
            params,
        )


def _notices(
    org: Organization, escalations: list[Escalation], recipients: dict[int, list[User]]
) -> list[StaffNotice]:
    """One notice per escalation and recipient; each case's link and each text in each
    language worked out once."""
    texts: dict[tuple[int, str], str] = {}
    notices = []
    for escalation in escalations:
        case = escalation.case
        url = case_url(case)
        # case_message_values' values, without its lazy customer name (a class per call).
        values = {
            "case_number": str(case.number),
            "case_title": case.title,
            "customer_name": case.customer.name if case.customer_id else "",
            "link": absolute_url(url),
        }
        for user in recipients.get(case.pk, ()):
            language = language_for(org, user.language)
            key = (id(escalation), language)
            if key not in texts:
                with translation.override(language):  # the e-mail's text, in their language
                    texts[key] = escalation_text(escalation)
            notices.append(
                StaffNotice(
                    recipient=user,
                    kind=Notification.Kind.SERVICE_LEVEL,
                    text=partial(escalation_text, escalation),
                    url=url,
                    email_values={**values, "message": texts[key]},
                )
            )
    return notices


def _reached(case: Case, now: datetime.datetime) -> list[Escalation]:
    """The thresholds of `case` reached by `now` and not yet notified, marked as notified. A
    clock past its due time gets the breach notice only."""
    found = []
    clocks = []
    if case.status in (Case.Status.NEW, Case.Status.IN_PROGRESS):
        if case.first_response_at is None and case.first_response_due is not None:
            clocks.append(
                (
                    "first_response",
                    case.first_response_due,
                    case.first_response_risk_at,
                    FIRST_RESPONSE_RISK,
                    FIRST_RESPONSE_BREACH,
                )
            )
        if case.resolution_due is not None:
            clocks.append(
                (
                    "resolution",
                    case.resolution_due,
                    case.resolution_risk_at,
                    RESOLUTION_RISK,
                    RESOLUTION_BREACH,
                )
            )
    for clock, due, risk, risk_bit, breach_bit in clocks:
        if due <= now:
            if not case.sla_fired & breach_bit:
                found.append(Escalation(case, clock, True, due))
            case.sla_fired |= breach_bit | risk_bit
        elif risk is not None and risk <= now:
            if not case.sla_fired & risk_bit:
                found.append(Escalation(case, clock, False, due))
            case.sla_fired |= risk_bit
    return found


def _recipients(org: Organization, cases: list[Case]) -> dict[int, list[User]]:
    """Case id → who hears of it: the assignee; else the active staff among its teams'
    members; else the organization's active administrators. At most three queries."""
    found: dict[int, list[User]] = {}
    unassigned = []
    for case in cases:
        if case.assignee_id is not None:
            found[case.pk] = [case.assignee]
        else:
            unassigned.append(case.pk)
    if not unassigned:
        return found
    pairs = list(
        Case.teams.through.objects.filter(case_id__in=unassigned)
        .exclude(team__members=None)
        .values_list("case_id", "team__members")
    )
    staff = {
        user.pk: user
        for user in User.objects.filter(
            is_active=True,
            memberships__organization=org,
            memberships__is_active=True,
            memberships__role__in=STAFF,
        )
        .filter(pk__in={user_id for _case, user_id in pairs} or [0])
        .distinct()
    }
    for case_id, user_id in pairs:
        if user_id in staff and staff[user_id] not in found.setdefault(case_id, []):
            found[case_id].append(staff[user_id])
    without = [pk for pk in unassigned if not found.get(pk)]
    if without:
        admins = list(
            User.objects.filter(
                is_active=True,
                memberships__organization=org,
                memberships__is_active=True,
                memberships__role=Membership.Role.ADMIN,
            ).order_by("pk")
        )
        for pk in without:
            found[pk] = admins
    return found


def escalation_text(escalation: Escalation) -> str:
    """The notice, in the active language and time zone (the recipient's and the
    organization's: notify_staff_many and the sweep set them)."""
    case = escalation.case
    values = {
        "number": case.number,
        "title": case.title,
        "due": formats.date_format(timezone.localtime(escalation.due), "SHORT_DATETIME_FORMAT"),
    }
    if escalation.clock == "first_response":
        if escalation.breached:
            text = _("Case #%(number)s missed its first-response time (%(due)s): %(title)s")
        else:
            text = _("Case #%(number)s needs a first response by %(due)s: %(title)s")
    elif escalation.breached:
        text = _("Case #%(number)s missed its resolution time (%(due)s): %(title)s")
    else:
        text = _("Case #%(number)s must be resolved by %(due)s: %(title)s")
    return text % values
