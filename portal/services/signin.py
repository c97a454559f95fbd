"""Signing residents in: asking for an e-mailed link, a password, and spending a link.

Rate limits (per hour, in the cache): links asked for one address, and sign-in attempts from
one client address. Over the address limit no more e-mail is sent but the answer stays the
same, so the limit tells nothing about whether the address has an account; over the client
limit the visitor is told to wait.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import transaction
from django.db.models.functions import Lower

from customers.services import normalize_email
from organizations.models import Organization
from portal.emails import portal_email_queue
from portal.models import PortalToken, ResidentAccount
from portal.tokens import link_url, token_issue, tokens_prune

Purpose = PortalToken.Purpose

LINKS_PER_ADDRESS_PER_HOUR = getattr(settings, "PORTAL_LINKS_PER_ADDRESS_PER_HOUR", 5)
ATTEMPTS_PER_IP_PER_HOUR = getattr(settings, "PORTAL_ATTEMPTS_PER_IP_PER_HOUR", 30)
PASSWORD_FAILURES_PER_ADDRESS = 5  # per hour, then only links work for that address
HOUR = 3600

# Checked against when the address has no password, so a wrong guess costs the same time.
_DUMMY_HASH = None


def _count(key: str) -> int:
    """Add one to the hourly counter `key` and return it."""
    incr = getattr(cache, "incr_with_expiry", None)
    if incr is not None:
        return incr(key, HOUR)
    cache.add(key, 0, timeout=HOUR)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=HOUR)
        return 1


def client_over_limit(org: Organization, ip: str | None) -> bool:
    """Count one sign-in attempt (link or password) from `ip`; True when over the limit."""
    return _count(f"portal:ip:{org.pk}:{ip or 'unknown'}") > ATTEMPTS_PER_IP_PER_HOUR


def account_by_email(org: Organization, email: str) -> ResidentAccount | None:
    return (
        ResidentAccount.objects.annotate(email_lower=Lower("email"))
        .filter(
            organization=org,
            email_lower=normalize_email(email),
            is_active=True,
            customer__anonymised_at__isnull=True,
        )
        .select_related("customer")
        .first()
    )


def login_link_request(*, org: Organization, email: str, language: str) -> None:
    """E-mail a sign-in link to `email` if it has an account in `org`'s portal. Says nothing
    either way (the caller answers the same), and sends at most LINKS_PER_ADDRESS_PER_HOUR."""
    address = normalize_email(email)
    if _count(f"portal:addr:{org.pk}:{address}") > LINKS_PER_ADDRESS_PER_HOUR:
        return
    account = account_by_email(org, address)
    if account is None:
        return
    with transaction.atomic():
        tokens_prune(org, account, Purpose.LOGIN)
        _token, raw = token_issue(org=org, purpose=Purpose.LOGIN, account=account)
        portal_email_queue(
            org=org,
            purpose=Purpose.LOGIN,
            to=account.email,
            name=account.customer.name,
            link=link_url(org, raw),
            language=account.language or language,
        )


def password_authenticate(
    *, org: Organization, email: str, password: str
) -> ResidentAccount | None:
    """The account whose address and password these are, else None (also when the address has
    failed too often this hour)."""
    global _DUMMY_HASH
    address = normalize_email(email)
    failures_key = f"portal:pwfail:{org.pk}:{address}"
    if (cache.get(failures_key) or 0) >= PASSWORD_FAILURES_PER_ADDRESS:
        return None
    account = account_by_email(org, address)
    if account is not None and account.check_password(password or ""):
        cache.delete(failures_key)
        return account
    if account is None or not account.password:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = make_password("not a password")
        from django.contrib.auth.hashers import check_password

        check_password(password or "", _DUMMY_HASH)
    _count(failures_key)
    return None
