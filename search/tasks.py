"""Background work of the search (the task class is ScopedTask, config/celery.py)."""

from __future__ import annotations

from celery import shared_task

from organizations.models import Organization
from organizations.tenancy import organization_scope
from search.services import search_vectors_rebuild


@shared_task(acks_late=True, ignore_result=True)
def rebuild_search_vectors(organization_id: int) -> int:
    """The organization's language changed: re-stem its searchable text."""
    with organization_scope(organization_id):
        org = Organization.objects.get(pk=organization_id)
        return search_vectors_rebuild(org=org)


def language_changed(organization_id: int) -> None:
    rebuild_search_vectors.delay(organization_id)
