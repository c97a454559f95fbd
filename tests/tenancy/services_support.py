"""Calling a service with organization A and one object of organization B (issue 10).

Each `Guard` names a service call: `call(a, b)` returns the service and its keyword arguments,
built from two `World`s, with exactly one object (or id) of B among A's. The service must refuse
with `refusal` (by default the services' "That belongs to another organization."; "" when the
exception carries no message) and write nothing. A guard with `refusal=None` is one where other
organizations' ids are ignored: the call succeeds and still writes nothing. Services are called
directly, never through a form whose queryset would refuse the foreign object first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Model

from tests.tenancy.snapshot import changed_tables, database_state
from tests.tenancy.world import World

BELONGS = "That belongs to another organization."


@dataclass(frozen=True)
class Guard:
    id: str
    call: Callable[[World, World], tuple[Callable, dict[str, Any]]]
    refusal: str | None = BELONGS
    error: type[Exception] = ValidationError


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
    if guard.refusal is None:
        function(**kwargs)
    else:
        with pytest.raises(guard.error) as caught:
            function(**kwargs)
        assert guard.refusal in _messages(caught.value), _messages(caught.value)
    changed = changed_tables(before, database_state())
    assert not changed, f"refused, but wrote to {changed}"


def _tables_of(kwargs: dict[str, Any]) -> set[str]:
    values = []
    for value in kwargs.values():
        values += value if isinstance(value, list) else [value]
    return {v._meta.db_table for v in values if isinstance(v, Model)}


def admin(world: World):
    return world.tenant.admin


def worker(world: World):
    return world.tenant.caseworker
