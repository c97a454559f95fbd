"""Resident sessions, kept apart from staff sign-in.

A resident is signed in to an organization's portal when the session's `portal_accounts` maps
that organization's id to their `ResidentAccount` id. Django's auth user is never set by the
portal and never read by it, so a staff session grants nothing here and a resident session
grants nothing on staff pages. One browser may hold accounts in several organizations' portals;
each only ever sees its own organization.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable

from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from organizations import tenancy
from organizations.models import Organization
from portal.models import ResidentAccount

SESSION_KEY = "portal_accounts"
LANGUAGE_SESSION_KEY = "portal_language"


def portal_org_or_404(org_slug: str) -> Organization:
    try:
        return Organization.objects.get(slug=org_slug)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc


def current_resident(request: HttpRequest, org: Organization) -> ResidentAccount | None:
    """The resident signed in to `org`'s portal in this session, or None. An account that was
    deactivated, or whose customer was erased, is signed out here."""
    account_id = request.session.get(SESSION_KEY, {}).get(str(org.pk))
    if account_id is None:
        return None
    account = (
        ResidentAccount.objects.filter(
            pk=account_id, organization=org, is_active=True, customer__anonymised_at__isnull=True
        )
        .select_related("customer")
        .first()
    )
    if account is None:
        resident_logout(request, org)
    return account


def resident_login(request: HttpRequest, account: ResidentAccount) -> None:
    """Sign `account` in to its organization's portal; a new session key against fixation."""
    accounts = dict(request.session.get(SESSION_KEY, {}))
    request.session.cycle_key()
    accounts[str(account.organization_id)] = account.pk
    request.session[SESSION_KEY] = accounts
    account.last_login_at = timezone.now()
    account.save(update_fields=["last_login_at"])


def resident_logout(request: HttpRequest, org: Organization) -> None:
    accounts = dict(request.session.get(SESSION_KEY, {}))
    if accounts.pop(str(org.pk), None) is not None:
        request.session[SESSION_KEY] = accounts


def activate_portal(request: HttpRequest, org: Organization, account: ResidentAccount | None):
    """The organization's time zone and the visitor's language: the account's choice, else the
    one picked on the portal in this session, else the organization's default."""
    request.org = org
    request.resident = account
    # Staff context processors read request.membership when a staff user is also signed in in
    # this browser: on the portal that user is nobody.
    request.membership = None
    timezone.activate(zoneinfo.ZoneInfo(org.time_zone))
    language = (
        (account.language if account else "")
        or request.session.get(LANGUAGE_SESSION_KEY)
        or org.default_language
    )
    translation.activate(language)
    request.LANGUAGE_CODE = language


def login_url(org: Organization, next_url: str = "") -> str:
    url = reverse("portal:login", args=[org.slug])
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
        url += "?" + urlencode({"next": next_url})
    return url


def portal_view(*, signed_in: bool = True) -> Callable:
    """Decorate a portal view taking `org_slug`: it runs with `request.org` and
    `request.resident` (None on public pages). Pages that need a resident send visitors to the
    organization's portal sign-in."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, org_slug: str, *args, **kwargs):
            org = portal_org_or_404(org_slug)
            tenancy.activate(org)  # for the rest of the request
            account = current_resident(request, org)
            activate_portal(request, org, account)
            if signed_in and account is None:
                return redirect(login_url(org, request.get_full_path()))
            response = view(request, *args, **kwargs)
            if account is not None:
                # A resident's pages stay in no browser or proxy cache (nor the Back button).
                response["Cache-Control"] = "no-store, private"
                response.headers.pop("Expires", None)
            return response

        wrapped.portal_signed_in = signed_in  # type: ignore[attr-defined]
        return wrapped

    return decorator
