"""Portal fixtures: a resident (customer + account) of organization A, and one of B."""

from __future__ import annotations

import pytest
from django.test import Client

from portal.auth import SESSION_KEY
from portal.models import ResidentAccount
from tests.factories.customers import CustomerFactory


def make_resident(org, email="resident@example.net", **fields) -> ResidentAccount:
    customer = CustomerFactory(
        organization=org, email=email, name=fields.pop("name", "Rita Resident")
    )
    return ResidentAccount.objects.create(
        organization=org, customer=customer, email=email, **fields
    )


def portal_client(*accounts: ResidentAccount, client: Client | None = None) -> Client:
    """A client signed in to each account's portal (as resident_login leaves the session)."""
    client = client or Client()
    session = client.session
    signed_in = dict(session.get(SESSION_KEY, {}))
    for account in accounts:
        signed_in[str(account.organization_id)] = account.pk
    session[SESSION_KEY] = signed_in
    session.save()
    return client


@pytest.fixture
def resident(tenant) -> ResidentAccount:
    return make_resident(tenant.org)


@pytest.fixture
def other_resident(other_tenant) -> ResidentAccount:
    return make_resident(other_tenant.org, email="other@example.net", name="Otto Other")


@pytest.fixture
def resident_client(resident) -> Client:
    return portal_client(resident)


def portal_url(org, name: str = "home", *args) -> str:
    from django.urls import reverse

    return reverse(f"portal:{name}", args=[org.slug, *args])
