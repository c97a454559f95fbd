"""Reads for the cases API: one query per page, whatever the page size."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case, Category
from cases.selectors.fulltext import SearchText, case_text_q
from cases.selectors.service_levels import sla_states_q
from organizations.models import Organization


def case_list_for_api(org: Organization, filters: dict[str, Any]) -> QuerySet[Case]:
    """Cases of `org` matching the API's filters (already validated by CaseFilterSerializer)."""
    qs = Case.objects.filter(organization=org).select_related(
        "category", "customer", "property", "inquiry"
    )
    statuses = filters.get("status") or []
    if "open" in statuses:
        statuses = [s for s in statuses if s != "open"] + list(Case.OPEN_STATUSES)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if filters.get("priority"):
        qs = qs.filter(priority__in=filters["priority"])
    if filters.get("category"):
        qs = qs.filter(category__key=filters["category"])
    if filters.get("external_reference"):
        qs = qs.filter(external_reference=filters["external_reference"])
    if filters.get("customer_email"):
        qs = qs.filter(customer__email__iexact=filters["customer_email"])
    if filters.get("created_since"):
        qs = qs.filter(created_at__gte=filters["created_since"])
    if filters.get("updated_since"):
        qs = qs.filter(updated_at__gte=filters["updated_since"])
    if filters.get("sla_state"):
        qs = qs.filter(sla_states_q(filters["sla_state"], timezone.now()))
    if filters.get("q"):
        text = SearchText.parse(filters["q"])
        qs = qs.filter(case_text_q(org, text)) if text else qs.none()
    return qs


def case_for_api(org: Organization, number: int) -> Case | None:
    return (
        Case.objects.filter(organization=org, number=number)
        .select_related("category", "customer", "property", "inquiry")
        .first()
    )


def category_by_key(org: Organization, key: str) -> Category | None:
    return Category.objects.filter(organization=org, key=key, is_active=True).first()
