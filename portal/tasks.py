"""Periodic jobs of the portal (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from organizations.tenancy import all_organizations
from portal.tokens import tokens_delete_expired


@shared_task(acks_late=True)
def delete_expired_portal_links() -> int:
    """Remove sign-in, invitation and registration links that expired more than a day ago."""
    with all_organizations("beat deletes every organization's expired links"):
        return tokens_delete_expired()
