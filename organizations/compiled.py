"""Compiled once, run many times: a hot read of fixed shape reuses its SQL with new values.

Django builds a queryset's SQL afresh on every evaluation: resolving the lookups, joining the
select_related tables, quoting every column. For the small reads a page makes per request
(the case page makes twenty) that was most of each query's cost on bench-200k, about 2 ms of
Python per query against well under 1 ms in PostgreSQL. A read registered here is built and
compiled the first time its key is seen, with placeholder values standing for the call's
arguments; later calls run the same SQL with the placeholders swapped for their values, and the
rows come back through Django's own iterables (model instances with their select_related
objects and prefetches, or values) exactly as the plain queryset's would.

The tenancy wall stays where it is: a tenant model's manager adds the current scope's
organization filter while the query is built (organizations/tenancy.py); here that filter is
built for a placeholder organization and filled in from the scope active at each run. With no
scope, or a cross-organization one, a call runs the plain queryset, which refuses or widens as
it always does.

    def case_tasks(org, case):
        return compiled_list("case_tasks", _case_tasks, org.pk, case.pk)

    def _case_tasks(org_id, case_id):  # the arguments' only use is as filter values
        return Task.objects.filter(organization_id=org_id, case_id=case_id).order_by("id")

Rules for a builder: the same code path for any arguments (no branching on them); each argument
used as a plain value (an int, a string, a date or a datetime compared with =, <, >=...;
not inside `__in`, `__contains` or an expression that changes it). The first compile checks
that each argument reaches the SQL unchanged and refuses the builder otherwise.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI
from django.db.models.sql.query import Query
from django_scopes import scope, scopes_disabled
from django_scopes.state import get_scope

from organizations.tenancy import in_pipeline

# Placeholders no constant of a builder takes. Integers stay within the 32-bit range every
# integer field accepts (Django answers a lookup outside a field's range with no query at all).
_INT_BASE = 2_147_480_000
_SCOPE = _INT_BASE - 1  # the scope's organization
_TEXT = "\x00compiled-argument-{}\x00"
_DAY0 = dt.date(1, 1, 1)
_MOMENT0 = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
_ARG, _IN_SCOPE, _VALUE = "argument", "scope", "value"  # where a parameter comes from

# What as_sql leaves on a compiler besides its query and connection: the select list, the
# model and related-object layout, column counts. Copied onto each run's compiler.
_OWN = frozenset({"query", "connection", "using", "elide_empty"})


def _placeholder(value: Any, index: int) -> Any:
    if isinstance(value, bool) or value is None:
        raise TypeError("compiled_list: booleans and None belong in the key, not the arguments")
    if isinstance(value, int):
        return _INT_BASE + index
    if isinstance(value, str):
        return _TEXT.format(index)
    if isinstance(value, dt.datetime):
        return _MOMENT0 + dt.timedelta(days=index)
    if isinstance(value, dt.date):
        return _DAY0 + dt.timedelta(days=index)
    raise TypeError(f"compiled_list: unsupported argument type {type(value).__name__}")


def _same(param: Any, placeholder: Any) -> bool:
    """`param` is `placeholder`, possibly in the backend's wrapper type (psycopg's Int4 is an
    int subclass)."""
    if isinstance(placeholder, int):
        return isinstance(param, int) and not isinstance(param, bool) and param == placeholder
    return type(param) is type(placeholder) and param == placeholder


class _Plan:
    """One key's SQL, where each parameter comes from, the compiler's state after as_sql, and
    the converters of its columns per connection alias (found on the first run: Django looks
    them up column by column on every run, a quarter of a millisecond for a case's row)."""

    __slots__ = ("converters", "queryset", "sql", "sources", "state")

    def __init__(self, queryset: QuerySet, sql: str, sources: list, state: dict) -> None:
        self.queryset = queryset
        self.sql = sql
        # Per parameter: (_ARG, i, wrap), (_IN_SCOPE, None, None) or (_VALUE, v, None); wrap is
        # the type the backend gave the value (psycopg's Int4 for an integer field) or None.
        self.sources = sources
        self.state = state
        self.converters: dict[str, dict] = {}

    def params(self, args: tuple, org_id: int) -> tuple:
        return tuple(
            (args[v] if wrap is None else wrap(args[v]))
            if kind is _ARG
            else org_id
            if kind is _IN_SCOPE
            else v
            for kind, v, wrap in self.sources
        )


class _ReusedQuery(Query):
    """A query whose compiler answers as_sql from the plan instead of compiling, and, when its
    rows were read already (`compiled_lists`), execute_sql with those rows."""

    _plan: _Plan
    _run: tuple
    _rows: list | None = None

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = super().get_compiler(using, connection, elide_empty)
        plan, params, rows = self._plan, self._run, self._rows

        def as_sql(with_limits=True, with_col_aliases=False):
            compiler.__dict__.update(plan.state)
            return plan.sql, params

        compiler.as_sql = as_sql
        find_converters = compiler.get_converters

        def get_converters(expressions):
            # The plan's select list is the same objects on every run (its state).
            known = plan.converters.get(compiler.using)
            if known is None:
                known = plan.converters[compiler.using] = find_converters(expressions)
            return known

        compiler.get_converters = get_converters
        if rows is not None:

            def execute_sql(result_type=MULTI, chunked_fetch=False, chunk_size=None):
                assert result_type == MULTI, "read rows answer a list's query only"
                as_sql()  # the compiler's state, as running the query leaves it
                if compiler.has_extra_select:  # as cursor_iter trims them
                    return [[row[: compiler.col_count] for row in rows]]
                return [rows]  # MULTI's shape: the rows in chunks, here one

            compiler.execute_sql = execute_sql
        return compiler


_plans: dict[tuple[Hashable, str], _Plan] = {}


def _compile(
    key: Hashable, build: Callable[..., QuerySet], args: tuple, vendor: str, scoped: bool
) -> _Plan:
    placeholders = tuple(_placeholder(value, i) for i, value in enumerate(args))
    with scope(organization=_SCOPE) if scoped else scopes_disabled():
        queryset = build(*placeholders)
    alias = queryset.db
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    sources, seen = [], set()
    for param in params:
        if scoped and _same(param, _SCOPE):
            sources.append((_IN_SCOPE, None, None))
            continue
        for i, placeholder in enumerate(placeholders):
            if _same(param, placeholder):
                wrap = None if type(param) is type(placeholder) else type(param)
                sources.append((_ARG, i, wrap))
                seen.add(i)
                break
        else:
            if isinstance(param, str) and "\x00compiled-argument-" in param:
                raise ValueError(f"compiled_list {key!r}: an argument was changed on its way in")
            sources.append((_VALUE, param, None))
    if seen != set(range(len(args))):
        raise ValueError(f"compiled_list {key!r}: an argument does not reach the SQL as given")
    state = {name: value for name, value in compiler.__dict__.items() if name not in _OWN}
    query = queryset.query
    query.__class__ = type("Reused" + type(query).__name__, (_ReusedQuery, type(query)), {})
    plan = _Plan(queryset, sql, sources, state)
    query._plan = plan  # clones carry the plan; each run sets its parameters (_run)
    _plans[(key, vendor)] = plan
    return plan


def _scope_organization() -> int | None:
    """The single organization of the active scope, or None (no scope, disabled, several)."""
    current = get_scope()
    if not current.get("_enabled", True):
        return None
    value = current.get("organization")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def compiled_list(
    key: Hashable, build: Callable[..., QuerySet], *args: Any, scoped: bool = True
) -> list:
    """`list(build(*args))`, with the SQL compiled only the first time `key` is seen.

    `scoped=False` is for reads of models without an organization (users, the signed-in user's
    own memberships read across organizations): they run under whatever scope is active, and
    their builder must not depend on it."""
    org_id = _scope_organization() if scoped else 0
    if org_id is None:
        return list(build(*args))
    ahead = _read_ahead.get()
    if ahead and scoped:
        rows = ahead.pop((key, args, org_id), None)
        if rows is not None:
            return rows
    return list(_planned(key, build, args, org_id, scoped))


def _planned(
    key: Hashable, build: Callable[..., QuerySet], args: tuple, org_id: int, scoped: bool
) -> QuerySet:
    """The key's compiled queryset (compiled now if new) with this call's parameters."""
    # The SQL is the backend's: every alias of a deployment (primary, replica) is one vendor.
    vendor = connections["default"].vendor
    plan = _plans.get((key, vendor))
    if plan is None:
        plan = _compile(key, build, args, vendor, scoped)
    queryset = plan.queryset._chain()
    queryset.query._run = plan.params(args, org_id)
    return queryset


Read = tuple[Hashable, Callable[..., QuerySet], tuple]  # (key, build, args) of compiled_list


def read_list(read: Read) -> list:
    """`compiled_list(key, build, *args)` of one Read: a selector that also offers its Read to
    `read_ahead` runs it through here, so both name the same read."""
    key, build, args = read
    return compiled_list(key, build, *args)


def compiled_lists(reads: Sequence[Read]) -> list[list]:
    """`[compiled_list(key, build, *args) for key, build, args in reads]`, with the statements
    sent to PostgreSQL together: one round trip for all of them (a psycopg pipeline) instead of
    one each. Each still goes through the connection's cursor (the tenancy wrapper, Django's
    query log) and its rows through Django's iterables. Elsewhere (SQLite, no single
    organization in scope, one read, no transaction) they run one after another."""
    org_id = _scope_organization()
    if org_id is None or len(reads) < 2:
        return [compiled_list(key, build, *args) for key, build, args in reads]
    querysets = [_planned(key, build, args, org_id, True) for key, build, args in reads]
    aliases = {queryset.db for queryset in querysets}
    connection = connections[aliases.pop()]
    if connection.vendor != "postgresql" or aliases:
        return [list(queryset) for queryset in querysets]
    connection.ensure_connection()
    raw = connection.connection
    if connection.get_autocommit() or in_pipeline(raw):
        # Outside a transaction each statement is its own (with its tenancy settings); inside
        # a pipeline already, its statements are batched anyway.
        return [list(queryset) for queryset in querysets]
    cursors = []
    try:
        with connection.wrap_database_errors, raw.pipeline():
            for queryset in querysets:
                sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
                cursors.append(connection.cursor())
                cursors[-1].execute(sql, params)
        rows = [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()
    for queryset, read in zip(querysets, rows, strict=True):
        queryset.query._rows = read
    return [list(queryset) for queryset in querysets]


_read_ahead: ContextVar[dict | None] = ContextVar("compiled_read_ahead", default=None)


@contextlib.contextmanager
def read_ahead(reads: Sequence[Read]) -> Iterator[None]:
    """Run `reads` now, together (`compiled_lists`); inside the block, `compiled_list` answers
    each of them once from what was read, for the organization in scope now. For a page that
    only reads: a write inside the block would not be seen by a read answered from here."""
    org_id = _scope_organization()
    results = compiled_lists(reads)
    token = _read_ahead.set(
        {(key, args, org_id): rows for (key, _b, args), rows in zip(reads, results, strict=True)}
    )
    try:
        yield
    finally:
        _read_ahead.reset(token)


def set_prefetched(instance, name: str, rows: list) -> None:
    """As prefetch_related would: `instance.<name>.all()` answers `rows` without a query (for
    a many-to-many read with compiled_list instead of a prefetch, whose SQL varies with the
    number of instances and so is compiled every time)."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[manager.prefetch_cache_name] = queryset
