"""Calling a service with organization A and one object of organization B (issue 10).

Each `Guard` names a service call: `call(a, b)` returns the service and its keyword arguments,
built from two `World`s, with exactly one object (or id) of B among A's. The service must refuse
with `refusal` (by default the services' "That belongs to another organization."; "" when the
exception carries no message) before it writes anything: no INSERT, UPDATE or DELETE is even
sent, so a later wall such as the audit trail's own check cannot stand in for the guard. A guard
with `refusal=None` is one where other organizations' ids are ignored: the call succeeds and
still changes nothing. Services are called directly, never through a form whose queryset would
refuse the foreign object first.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from organizations import audit
from tests.tenancy.snapshot import changed_tables, database_state
from tests.tenancy.world import World

BELONGS = "That belongs to another organization."
WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Guard:
    id: str
    call: Callable[[World, World], tuple[Callable, dict[str, Any]]]
    refusal: str | None = BELONGS
    error: type[Exception] = ValidationError
    # The audit trail's own check (audit_build refuses an event about another organization's
    # object) is switched off, so the service's guard is tried alone, not hidden behind the
    # event a service records before it deletes. The audit module's guards keep it on.
    audit_check: bool = False


def guards(*items: Guard):
    ids = [g.id for g in items]
    assert len(set(ids)) == len(ids), "guard ids must be unique"
    return pytest.mark.parametrize("guard", items, ids=ids)


@pytest.fixture(name="a")
def world_a(tenant, settings, tmp_path) -> World:
    """Organization A's objects: the services are called for A."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return World(tenant, label="a")


@pytest.fixture(name="b")
def world_b(other_tenant, a) -> World:
    """Organization B's objects, one of which each call slips in."""
    return World(other_tenant, first_case_number=5001, label="b")


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def assert_refused(guard: Guard, a: World, b: World) -> None:
    """The call with B's object is refused (or B's ids ignored) and nothing is written."""
    function, kwargs = guard.call(a, b)  # makes the objects the call needs
    before = database_state()
    for table in _tables_of(kwargs):  # the digests see the rows (no filtered, empty view)
        assert before[table][0] >= 1, table
    walls = contextlib.nullcontext() if guard.audit_check else _without_audit_check()
    if guard.refusal is None:
        with walls:
            function(**kwargs)
    else:
        with (
            walls,
            CaptureQueriesContext(connection) as queries,
            pytest.raises(guard.error) as caught,
        ):
            function(**kwargs)
        assert guard.refusal in _messages(caught.value), _messages(caught.value)
        # Refused before writing: a later wall (the audit trail's own check, a constraint)
        # that rolls a write back must not be what refuses.
        writes = [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]
        assert not writes, f"refused only after writing: {writes}"
    changed = changed_tables(before, database_state())
    assert not changed, f"refused, but wrote to {changed}"


def _without_audit_check():
    return mock.patch.object(audit, "check_same_org", lambda org, *objects: None)


def _tables_of(kwargs: dict[str, Any]) -> set[str]:
    values = []
    for value in kwargs.values():
        values += value if isinstance(value, list) else [value]
    return {v._meta.db_table for v in values if isinstance(v, Model)}


def admin(world: World):
    return world.tenant.admin


def worker(world: World):
    return world.tenant.caseworker
