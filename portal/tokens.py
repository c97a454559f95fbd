"""The e-mailed links of the portal: sign in, accept an invitation, finish a registration.

A link carries a random token; only its SHA-256 is stored (`PortalToken.token_hash`), so a copy
of the database opens nothing. A link works once and until it expires. Opening a link in the
browser shows a page with a button: the token is spent by that POST, not by the GET, so a mail
scanner that fetches every link in an e-mail cannot use it up.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from organizations.models import Organization
from organizations.tenancy import all_organizations
from portal.models import PortalToken, ResidentAccount

Purpose = PortalToken.Purpose

# How long each kind of link stays open.
LIFETIME = {
    Purpose.LOGIN: datetime.timedelta(minutes=30),
    Purpose.INVITE: datetime.timedelta(days=7),
    Purpose.REGISTER: datetime.timedelta(hours=24),
}

# Why a link cannot be used (the page says so in the visitor's language).
UNKNOWN = "unknown"
USED = "used"
EXPIRED = "expired"
OTHER_ORGANIZATION = "other_organization"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(
    *,
    org: Organization,
    purpose: str,
    account: ResidentAccount | None = None,
    email: str = "",
    name: str = "",
) -> tuple[PortalToken, str]:
    """A new link's row and its raw token (to put in the e-mail; it is not stored)."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    row = PortalToken.objects.create(
        organization=org,
        account=account,
        purpose=purpose,
        email=email,
        name=name[:200],
        token_hash=token_hash(raw),
        created_at=now,
        expires_at=now + LIFETIME[purpose],
    )
    return row, raw


def link_url(org: Organization, raw: str) -> str:
    """The absolute link for an e-mail: from SITE_URL, never from the request's Host header."""
    return settings.SITE_URL + reverse("portal:link", args=[org.slug, raw])


@dataclass(frozen=True)
class Checked:
    token: PortalToken | None
    problem: str  # "" when the link can be used


def token_check(org: Organization, raw: str, *, lock: bool = False) -> Checked:
    """The link's row if it belongs to `org`'s portal, is unused and unexpired; else why not.
    `lock` (inside a transaction) holds the row so two clicks cannot both spend it."""
    if not raw or len(raw) > 100:
        return Checked(None, UNKNOWN)
    # A link names itself by its secret, unique across organizations: one of another
    # organization is found so that the resident is told so (nothing of it is shown).
    with all_organizations("a sign-in link is looked up by its secret"):
        rows = PortalToken.objects.select_related("account", "account__customer")
        if lock:
            rows = rows.select_for_update(of=("self",))
        token = rows.filter(token_hash=token_hash(raw)).first()
    if token is None:
        return Checked(None, UNKNOWN)
    if token.organization_id != org.pk:
        return Checked(None, OTHER_ORGANIZATION)
    if token.used_at is not None:
        return Checked(token, USED)
    if token.expires_at <= timezone.now():
        return Checked(token, EXPIRED)
    if token.account_id is not None and not token.account.is_active:
        return Checked(token, UNKNOWN)
    return Checked(token, "")


def token_spend(token: PortalToken) -> None:
    """Mark the link used (call inside the transaction that acts on it, with the row locked)."""
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])


def tokens_prune(org: Organization, account: ResidentAccount, purpose: str) -> None:
    """Earlier unused links of the same kind stop working when a new one is sent."""
    PortalToken.objects.filter(
        organization=org, account=account, purpose=purpose, used_at__isnull=True
    ).update(used_at=timezone.now())


def tokens_delete_expired(before: datetime.datetime | None = None) -> int:
    """Remove links that expired more than a day ago (housekeeping)."""
    cutoff = (before or timezone.now()) - datetime.timedelta(days=1)
    with transaction.atomic():
        deleted, _ = PortalToken.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
