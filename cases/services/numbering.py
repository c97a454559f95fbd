from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max

from cases.models import Case, CaseCounter
from organizations.models import Organization


def case_numbers_reserve(org: Organization, count: int = 1) -> range:
    """Reserve `count` consecutive case numbers for `org`.

    Must run inside the transaction that creates the cases: the UPDATE locks the counter row
    until commit, so concurrent creators queue up and numbers stay consecutive and gapless.
    """
    if count < 1:
        raise ValueError("count must be positive")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_numbers_reserve must run inside a transaction")
    updated = CaseCounter.objects.filter(organization=org).update(
        last_number=F("last_number") + count
    )
    if not updated:
        # First case of the organization, or cases imported without the counter: start after
        # the highest number in use.
        highest = Case.objects.filter(organization=org).aggregate(n=Max("number"))["n"] or 0
        CaseCounter.objects.bulk_create(
            [CaseCounter(organization=org, last_number=highest)], ignore_conflicts=True
        )
        CaseCounter.objects.filter(organization=org).update(last_number=F("last_number") + count)
    last = CaseCounter.objects.filter(organization=org).values_list("last_number", flat=True).get()
    return range(last - count + 1, last + 1)
