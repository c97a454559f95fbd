"""`manage.py seed_demo`: the demo data `make run` starts with."""

from __future__ import annotations

import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client

from organizations.demo import DEMO_PASSWORD, MULTI_ORG_EMAIL, ORGS, logins
from organizations.models import Membership, Organization, Team, User
from tests.organizations.conftest import sign_in

PROJECT_APPS = (
    "organizations",
    "customers",
    "properties",
    "notifications",
    "cases",
    "inquiries",
    "portal",
)


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    """Rows per table of every project model, so other apps' demo data is held to it too."""
    tables = set(connection.introspection.table_names())
    counts = {}
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.db_table in tables:
                counts[model._meta.db_table] = model._default_manager.count()
    return counts


@pytest.mark.django_db
def test_seed_demo_creates_the_three_demo_organizations():
    _seed()

    assert set(Organization.objects.values_list("slug", flat=True)) == {s["slug"] for s in ORGS}
    for spec in ORGS:
        org = Organization.objects.get(slug=spec["slug"])
        assert org.default_language == spec["language"]
        roles = set(Membership.objects.filter(organization=org).values_list("role", flat=True))
        assert roles == {"admin", "caseworker", "supplier"}
        assert Team.objects.filter(organization=org).count() == len(spec["teams"])


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    _seed()
    first = _row_counts()

    _seed()

    assert _row_counts() == first
    assert first["organizations_organization"] == 3


@pytest.mark.django_db
def test_seed_demo_keeps_changes_to_demo_passwords_it_did_not_make():
    _seed()
    user = User.objects.get(email="admin@nordbygg.example")
    user.set_password("changed-by-the-demo-user")
    user.save()

    _seed()

    user.refresh_from_db()
    assert user.check_password("changed-by-the-demo-user")


@pytest.mark.django_db
def test_printed_demo_logins_can_sign_in():
    output = _seed()

    assert f"password for all: {DEMO_PASSWORD}" in output
    printed = re.findall(r"^\s+(\S+@\S+)\s", output, flags=re.MULTILINE)
    assert printed == [email for _org, _role, email in logins()]
    assert MULTI_ORG_EMAIL in printed
    for email in printed:
        client = Client()
        response = sign_in(client, email, password=DEMO_PASSWORD, follow=True)
        assert response.status_code == 200, email
        assert response.context["user"].email == email
        assert response.redirect_chain[-1][0] != "/accounts/no-organization/", email


@pytest.mark.django_db
def test_seed_demo_can_keep_the_logins_quiet():
    out = io.StringIO()

    call_command("seed_demo", "--quiet-logins", stdout=out)

    assert "@" not in out.getvalue()
