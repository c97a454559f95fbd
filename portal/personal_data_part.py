"""The portal's part of the privacy export and erasure: the resident's account (never its
password hash) and its sign-in links."""

from __future__ import annotations

from customers.personal_data import Part
from portal.models import PortalToken, ResidentAccount


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(org, customer) -> dict | None:
    account = ResidentAccount.objects.filter(organization=org, customer=customer).first()
    if account is None:
        return None
    return {
        "email": account.email,
        "language": account.language,
        "notify_by": account.notify_by,
        "has_password": bool(account.password),
        "active": account.is_active,
        "created": _iso(account.created_at),
        "last_sign_in": _iso(account.last_login_at),
    }


def erase(org, customer, actor) -> None:
    """Delete the account and every link made for it or for the customer's address."""
    accounts = ResidentAccount.objects.filter(organization=org, customer=customer)
    emails = list(accounts.values_list("email", flat=True)) + (
        [customer.email.lower()] if customer.email else []
    )
    PortalToken.objects.filter(organization=org, account__in=accounts).delete()
    if emails:
        PortalToken.objects.filter(
            organization=org, account__isnull=True, email__in=emails
        ).delete()
    accounts.delete()


PART = Part(name="portal", export=export, erase=erase)
