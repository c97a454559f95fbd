from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories.organizations import TEST_PASSWORD, MembershipFactory, UserFactory

LOGIN_URL = "/accounts/login/"


@pytest.fixture
def compiled_catalogues():
    """Translated pages need the .mo files that `make messages` builds from the .po files."""
    for po in sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po")):
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, (
            f"{mo} is missing or older than its .po file: run `make messages` first."
        )


@pytest.fixture
def member_of_both(tenant, other_tenant):
    """A caseworker in both organizations, for the organization switcher."""
    user = UserFactory(email="roamer@example.com", full_name="Rita Roamer")
    MembershipFactory(organization=tenant.org, user=user, role="caseworker")
    MembershipFactory(organization=other_tenant.org, user=user, role="caseworker")
    return user


def sign_in(
    client: Client, email: str, password: str = TEST_PASSWORD, *, follow: bool = False, **fields
):
    """Post the sign-in form the way a browser does (axes needs the real request)."""
    return client.post(
        LOGIN_URL, {"username": email, "password": password, **fields}, follow=follow
    )
