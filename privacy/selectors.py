"""Reads for the privacy page and the erasure confirmation. Each takes the organization first."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

from customers import personal_data
from customers.models import Customer
from organizations.models import Organization
from privacy.models import PrivacyLog, RetentionPolicy

LOG_PAGE_SIZE = 50

# What each registered part holds, as the erasure page names it; a part not listed here (an
# app added later) is named by its registry name.
PART_LABELS = {
    "customers": _("Customer details, contact roles (removed) and agreements (kept, unnamed)"),
    "cases": _("Cases: kept for the organization; their messages, files and name removed"),
    "inquiries": _("Inquiries, their files and the received e-mails with their originals"),
    "notifications": _("E-mails and text messages sent to them"),
    "portal": _("Portal account and sign-in links"),
}


def retention_policy_for(org: Organization) -> RetentionPolicy:
    """The organization's policy, or an unsaved one with every rule off."""
    return RetentionPolicy.objects.filter(organization=org).first() or RetentionPolicy(
        organization=org
    )


def exported_count(value: Any) -> int:
    """How many items a part's export holds (rows in its lists, else 1 per value)."""
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        return sum(len(v) if isinstance(v, list) else 1 for v in value.values())
    return 0 if value in (None, "") else 1


def privacy_log_page(org: Organization, page: str | int | None) -> Page:
    entries = PrivacyLog.objects.filter(organization=org).select_related("actor")
    return Paginator(entries.order_by("-created_at", "-id"), LOG_PAGE_SIZE).get_page(page)


def erasure_preview(org: Organization, customer: Customer) -> list[tuple[str, int]]:
    """(what, how many) for every registered part, for the confirmation page."""
    rows = []
    for part in personal_data.parts():
        files = sum(1 for _name, _file in part.files(org, customer))
        count = exported_count(part.export(org, customer)) + files
        rows.append((str(PART_LABELS.get(part.name, part.name)), count))
    return rows
