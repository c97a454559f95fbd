"""Helpers shared by the deviation tests."""

from __future__ import annotations

from cases.models import Deviation
from cases.services.deviations import DeviationData, deviation_create

HX = {"HX-Request": "true"}


def make_deviation(tenant, actor=None, *, case=None, uploads=(), **fields) -> Deviation:
    """A deviation registered through the real service (number, history and files as in
    production)."""
    fields.setdefault("title", "Loose railing in stairwell B")
    return deviation_create(
        org=tenant.org,
        actor=actor or tenant.caseworker,
        data=DeviationData(**fields),
        case=case,
        uploads=uploads,
    )


def deviation_url(deviation: Deviation, suffix: str = "") -> str:
    return f"/{deviation.organization.slug}/deviations/{deviation.number}/{suffix}"


def list_url(tenant, suffix: str = "") -> str:
    return f"/{tenant.org.slug}/deviations/{suffix}"
