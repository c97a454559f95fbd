"""Time spent on a case (timeføring)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, TimeEntry
from cases.services.cases import staff_user_ids
from cases.services.events import event_record
from organizations.models import Organization, User

MAX_MINUTES_PER_ENTRY = 24 * 60


@transaction.atomic
def time_entry_add(
    *,
    org: Organization,
    actor: User,
    case: Case,
    minutes: int,
    date: datetime.date | None = None,
    note: str = "",
    user: User | None = None,
) -> TimeEntry:
    """Log `minutes` on the case for `user` (default: the actor), with a "time logged" event."""
    user = user or actor
    if case.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    if not isinstance(minutes, int) or not 0 < minutes <= MAX_MINUTES_PER_ENTRY:
        raise ValidationError(
            {"minutes": _("Enter between 1 minute and 24 hours, e.g. 45 or 1:30.")}
        )
    if not staff_user_ids(org, [user.pk]):
        raise ValidationError(
            {"user": _("Time can only be logged for staff of this organization.")}
        )
    date = date or timezone.localdate()
    entry = TimeEntry.objects.create(
        organization=org,
        case=case,
        user=user,
        minutes=minutes,
        date=date,
        note=(note or "").strip()[:300],
    )
    event_record(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.TIME,
        new=minutes,
        time_entry=entry,
        data={"minutes": minutes, "date": date.isoformat(), "user": str(user)},
    )
    return entry
