"""What each hit shows and links to: a title, a line of detail, a URL. No queries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from inquiries.models import Inquiry
from search.selectors import Group

HEADINGS = {
    "cases": _("Cases"),
    "inquiries": _("Inquiries"),
    "customers": _("Customers"),
    "properties": _("Properties"),
    "containers": _("Containers"),
}

_CASE_STATUS = dict(Case.Status.choices)
_INQUIRY_STATUS = dict(Inquiry.Status.choices)


def _join(*parts: Any) -> str:
    return " · ".join(str(part) for part in parts if part)


def _present(kind: str, row: dict[str, Any], slug: str) -> dict[str, Any]:
    if kind == "cases":
        url = reverse("cases:case_detail", kwargs={"org_slug": slug, "number": row["number"]})
        return {
            "url": url,
            "title": f"#{row['number']} {row['title']}",
            "detail": _join(_CASE_STATUS.get(row["status"], ""), row["customer"], row["property"]),
        }
    if kind == "inquiries":
        url = reverse(
            "inquiries:inquiry_preview", kwargs={"org_slug": slug, "inquiry_id": row["id"]}
        )
        return {
            "url": url,
            "title": row["subject"] or _("(no subject)"),
            "detail": _join(
                _INQUIRY_STATUS.get(row["status"], ""), row["sender_name"] or row["sender_email"]
            ),
        }
    if kind == "customers":
        url = reverse(
            "customers:customer_detail", kwargs={"org_slug": slug, "customer_id": row["id"]}
        )
        return {
            "url": url,
            "title": row["name"],
            "detail": _join(row["email"], row["phone"], row["address"]),
        }
    if kind == "properties":
        url = reverse(
            "properties:property_detail", kwargs={"org_slug": slug, "property_id": row["id"]}
        )
        return {
            "url": url,
            "title": row["address"] or row["name"],
            "detail": _join(
                row["name"] if row["address"] else "",
                row["property_number"],
                row["postcode"],
                row["city"],
            ),
        }
    url = reverse(
        "properties:container_detail", kwargs={"org_slug": slug, "container_pk": row["id"]}
    )
    return {
        "url": url,
        "title": row["container_id"],
        "detail": _join(row["fraction"], row["placement_address"]),
    }


def present(groups: list[Group], slug: str) -> list[dict[str, Any]]:
    return [
        {
            "kind": group.kind,
            "heading": HEADINGS[group.kind],
            "total": group.total,
            "hits": [_present(group.kind, row, slug) for row in group.rows],
        }
        for group in groups
    ]
