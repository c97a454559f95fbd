"""Tenancy by construction: which organization the code is working for, in one place.

Two walls keep organizations apart, both driven by the scope set here:

1. **The ORM** (every database): tenant models' default manager is django-scopes'
   `ScopedManager` (`TenantManager` below). Inside `organization_scope(org)` every query through
   it is limited to that organization, whatever the code forgot; with no scope active,
   evaluating such a query raises `ScopeError`. Deliberate cross-organization work (beat sweeps,
   the Django admin, sign-in reading the user's own memberships, seeding) says so with
   `all_organizations(reason)`.
2. **PostgreSQL row-level security**: the scope is mirrored into the transaction-local settings
   `app.organization_id` / `app.all_organizations` that the tables' policies compare with
   (`organizations/rls.py`). `database_scope_wrapper`, installed on every connection, sends them
   before the first statement of each transaction (and again when the scope changes inside
   one); a statement run outside a transaction while a scope is active is run inside a short one
   of its own, so the setting never outlives the statement. With no scope, nothing is sent and
   a tenant table returns no rows.

Every entry point sets the scope: `org_view`, the API key authentication, the portal, the web
form and the inbound webhooks for a request (`TenantMiddleware` starts each request with none);
each Celery task (`ScopedTask` starts each task with none; tasks take the organization's id);
management commands. See docs/architecture.md → Tenancy.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from celery import Task
from django.db import connections
from django_scopes import ScopedManager, scope, scopes_disabled
from django_scopes.exceptions import ScopeError
from django_scopes.state import get_scope, state
from psycopg import pq

__all__ = [
    "ScopeError",
    "TenantManager",
    "activate",
    "all_organizations",
    "current_organization_id",
    "organization_scope",
]

ALL = "all"  # the database-side value of a cross-organization scope


def TenantManager():  # noqa: N802 - reads as a class at the model: objects = TenantManager()
    """The default manager of a model with an `organization` foreign key."""
    return ScopedManager(organization="organization_id")


def _org_id(org) -> int:
    return org if isinstance(org, int) else org.pk


@contextlib.contextmanager
def organization_scope(org) -> Iterator[None]:
    """Work for one organization (an Organization or its id) until the block ends."""
    with scope(organization=_org_id(org)):
        yield


@contextlib.contextmanager
def all_organizations(reason: str) -> Iterator[None]:
    """Deliberate cross-organization work; `reason` documents why at the call site."""
    assert reason, "say why this work spans organizations"
    with scopes_disabled():
        yield


def activate(org) -> None:
    """Work for `org` for the rest of the request (TenantMiddleware ends it): used by request
    entry points, where a `with` block would end before the template renders."""
    current = dict(get_scope())
    current.update({"_enabled": True, "organization": _org_id(org)})
    state.set(current)


def activate_all_organizations(reason: str) -> None:
    """Cross-organization work for the rest of the request (the Django admin)."""
    assert reason
    state.set({"_enabled": False})


def by_organization(pairs: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    """{organization id: [ids]} from (organization id, id) pairs, in order: a sweep over all
    organizations hands each organization's rows to a task of its own."""
    grouped: dict[int, list[int]] = {}
    for organization_id, pk in pairs:
        grouped.setdefault(organization_id, []).append(pk)
    return grouped


def current_organization_id() -> int | None:
    return get_scope().get("organization")


def database_value() -> str | None:
    """The scope as the database sees it: an organization id, ALL, or None (no rows)."""
    current = get_scope()
    if not current.get("_enabled", True):
        return ALL
    org_id = current.get("organization")
    return None if org_id is None else str(org_id)


@contextlib.contextmanager
def no_scope() -> Iterator[None]:
    """Start clean: each request and each task begins with no organization."""
    token = state.set(None)
    try:
        yield
    finally:
        state.reset(token)


class ScopedTask(Task):
    """Celery's task class here (config/celery.py): a task starts with no organization, also when
    it runs eagerly inside a request; it enters `organization_scope(organization_id)` or
    `all_organizations(...)` itself."""

    def __call__(self, *args, **kwargs):
        with no_scope():
            return super().__call__(*args, **kwargs)


SET_SQL = (
    "SELECT set_config('app.organization_id', %s, true), "
    "set_config('app.all_organizations', %s, true)"
)


def _settings_for(value: str | None) -> tuple[str, str]:
    if value == ALL:
        return "", "on"
    return value or "", ""


def in_pipeline(raw) -> bool:
    """Whether the psycopg connection `raw` is inside a pipeline block already (its statements
    are batched; a nested block would only add a sync)."""
    return raw.pgconn.pipeline_status != pq.PipelineStatus.OFF


class database_scope_wrapper:  # noqa: N801 - used like a function by connection.execute_wrapper
    """Mirror the scope into the transaction's settings before a statement runs.

    The settings go with the statement in one round trip: in a psycopg pipeline both are sent
    together and their results read once, at the end of the block (a transaction's BEGIN
    still goes first on its own: psycopg syncs after it). A request changes the scope twice
    (its user, then its organization), so that saves two waits on the database per request;
    on a worker that was idle a round trip costs several times what it does on a busy one
    (bench-peer side by side). An error in the statement surfaces as the block ends, as
    Django's own error (through the connection's wrap_database_errors), as it would have
    from the statement."""

    def __call__(self, execute, sql, params, many, context):
        connection = context["connection"]
        value = database_value()
        raw = connection.connection
        if connection.get_autocommit():
            if value is None:
                return execute(sql, params, many, context)
            # A statement outside a transaction: give it one, so the setting is its own.
            with raw.transaction():
                raw.execute(SET_SQL, _settings_for(value))
                return execute(sql, params, many, context)
        if connection.tenant_applied == value:
            return execute(sql, params, many, context)
        if many or in_pipeline(raw):
            # executemany pipelines its statements itself; inside a pipeline already, the
            # settings just join it.
            raw.execute(SET_SQL, _settings_for(value))
            connection.tenant_applied = value
            return execute(sql, params, many, context)
        with connection.wrap_database_errors, raw.pipeline():
            raw.execute(SET_SQL, _settings_for(value))
            result = execute(sql, params, many, context)
        connection.tenant_applied = value
        return result


def owner_connection():
    """The connection migrations and row-level-security DDL run on (see config/settings.py)."""
    return connections["owner"] if "owner" in connections else connections["default"]
