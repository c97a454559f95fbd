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


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_keepdb, django_db_createdb
):
    """pytest-django's, with the schema owner's alias created too: the application's alias
    ("default", the role row-level security applies to) mirrors it (config/settings.py)."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, serialized = _get_databases_for_setup(request.session.items)
    if "owner" in connections:
        aliases = {*aliases, "owner"}
    with django_db_blocker.unblock():
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            keepdb=django_db_keepdb and not django_db_createdb,
            aliases=aliases,
            serialized_aliases=serialized,
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            connections.close_all()
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)


@pytest.fixture(autouse=True)
def _flush_after_transactional_test(request):
    """Django flushes a transactional test's databases except mirrors, and the application's
    alias mirrors the owner's: flush through the owner's alias instead (after pytest-django's
    own teardown, as this fixture is set up first)."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    from django.db import connections

    if transactional and "owner" in connections:
        _truncate_tables(connections["owner"].settings_dict)


# Kept by a flush too (Django re-creates them right after): rows every test may rely on.
_KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


def _truncate_tables(settings_dict) -> None:
    """Empty every table as the schema owner, on a connection of its own (Django refuses the
    owner's alias inside a test that did not ask for it)."""
    import psycopg

    with psycopg.connect(
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        autocommit=True,
    ) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
            if name not in _KEPT_TABLES
        ]
        if tables:
            conn.execute("TRUNCATE " + ", ".join(f'"{name}"' for name in tables) + " CASCADE")


@pytest.fixture(autouse=True)
def _all_organizations():
    """Test code reads and writes any organization's rows; the requests it makes start with no
    organization (TenantMiddleware) and tasks too (ScopedTask), as in production."""
    from organizations.tenancy import all_organizations

    with all_organizations("test code sets up and inspects several organizations"):
        yield


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
