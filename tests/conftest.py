"""Shared fixtures: two organizations, each with an admin, a caseworker and a supplier user, plus
an outsider who belongs to another organization only and must get 404 everywhere else."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from organizations.models import Membership, Organization, User

# Hooks: in CI (SAKSFLYT_CI), a test skipped for want of PostgreSQL or Redis is an error.
from tests.ci_guard import (  # noqa: F401
    pytest_make_collect_report,
    pytest_runtest_makereport,
    pytest_sessionstart,
)
from tests.factories.organizations import MembershipFactory, OrganizationFactory, UserFactory


@dataclass
class Tenant:
    org: Organization
    admin: User
    caseworker: User
    supplier: User

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def _tenant(slug: str, name: str) -> Tenant:
    org = OrganizationFactory(slug=slug, name=name)
    users = {}
    for role in ("admin", "caseworker", "supplier"):
        user = UserFactory(email=f"{role}@{slug}.example", full_name=f"{role.title()} {name}")
        MembershipFactory(organization=org, user=user, role=Membership.Role(role))
        users[role] = user
    return Tenant(org=org, **users)


@pytest.fixture
def tenant(db) -> Tenant:
    return _tenant("alpha", "Alpha Bolig")


@pytest.fixture
def other_tenant(db) -> Tenant:
    return _tenant("beta", "Beta Avfall")


@pytest.fixture
def outsider(other_tenant) -> User:
    """A caseworker of organization B: every organization-A URL must answer 404 for them."""
    return other_tenant.caseworker


@pytest.fixture
def outsider_client(outsider) -> Client:
    client = Client()
    client.force_login(outsider)
    return client


@pytest.fixture
def staff_client(tenant) -> Client:
    return tenant.client_for(tenant.caseworker)


@pytest.fixture
def admin_client_org(tenant) -> Client:
    return tenant.client_for(tenant.admin)


@pytest.fixture(autouse=True)
def _english_and_fast(settings):
    settings.LANGUAGE_CODE = "en"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "notifications.transports.LocMemSmsBackend"
    from notifications.transports import LocMemSmsBackend

    LocMemSmsBackend.outbox = []


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached rules, keys and counters of an earlier test
    (whose row ids the database may hand out again) must not leak into the next."""
    from django.core.cache import cache

    from inquiries.services.rules import forget_local_rules

    cache.clear()
    forget_local_rules()


@pytest.fixture
def real_worker(transactional_db):
    """A real Celery worker (solo pool, in a thread) consuming the test Redis broker; tasks are
    not run eagerly while it lives."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app as celery_app

    celery_app.conf.task_always_eager = False
    try:
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ):
            yield
    finally:
        celery_app.conf.task_always_eager = True
