"""Reports, exports and search read from a streaming replica (DATABASE_REPLICA_URL).

A read goes to the replica only when the code asks for it and it is safe:

- *Asked for.* Only inside `using_replica()` (or a view wrapped in `replica_view`, a streamed
  body in `replica_reads()`): the customer search and pickers, the events CSV and the deviation
  CSV. Everything else reads the primary; a replica lags behind it, which those pages tolerate
  and the rest of the application would not.
- *Safe.* Never while the primary's connection is inside a transaction (a read there must see
  that transaction's own writes and locks), and never after this request or task wrote to the
  primary (read your own writes: the replica may not have them yet). Writes always go to the
  primary, also for rows that were read from the replica.

So a page that reads from the replica must not run in the request's transaction:
`replica_view` (when a replica is configured) marks it `non_atomic_requests` and runs it in one
read transaction on the replica (`replica_reads()`), where the tenancy setting is sent as on the
primary (organizations/tenancy.py). The replica connects as the application's role, so
row-level security holds there too.

Writes are noticed by an execute wrapper on the primary's connection (any statement but a plain
SELECT, SHOW or savepoint handling; saving the session does not count), reset when a request or
a Celery task starts. Without DATABASE_REPLICA_URL the router is not installed and
`using_replica()` changes nothing.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created

REPLICA = "replica"

_asked: ContextVar[bool] = ContextVar("replica_reads", default=False)

# A statement that only reads: SELECT (without a row lock), SHOW, and savepoint handling.
_READ_ONLY = re.compile(
    r"\s*(\(\s*)*(SELECT\b|SHOW\b|SAVEPOINT\b|RELEASE\b|ROLLBACK\s+TO\b)", re.IGNORECASE
)
_ROW_LOCK = re.compile(r"\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)
# Writes that do not count: the session, saved after the view of many a request (the sign-in
# time it keeps), is never read from the replica.
_BOOKKEEPING = re.compile(
    r'\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"django_session"', re.IGNORECASE
)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def is_write(sql: str) -> bool:
    """Whether a statement may change data (or lock rows) that a replica read could miss:
    anything but a plain read or a write of the session."""
    if _READ_ONLY.match(sql):
        return bool(_ROW_LOCK.search(sql))
    return not _BOOKKEEPING.match(sql)


# --- What the primary's connection has done --------------------------------------------------


class _NoticeWrites:
    """Execute wrapper on the primary: marks the connection `wrote_to_primary` on a write."""

    def __call__(self, execute, sql, params, many, context):
        if is_write(sql):
            context["connection"].wrote_to_primary = True
        return execute(sql, params, many, context)


def _track(connection) -> None:
    if connection.alias == DEFAULT_DB_ALIAS and not getattr(connection, "_notices_writes", False):
        connection.execute_wrappers.append(_NoticeWrites())
        connection._notices_writes = True


def _on_connection_created(sender, connection, **kwargs) -> None:
    _track(connection)


def forget_writes(**kwargs) -> None:
    """A request or task starts: what earlier ones on this thread wrote no longer keeps its
    reads on the primary (read-your-writes holds within one request or task)."""
    primary = connections[DEFAULT_DB_ALIAS]
    _track(primary)
    primary.wrote_to_primary = False


def _install() -> None:
    connection_created.connect(_on_connection_created, dispatch_uid="replica-router-track")
    request_started.connect(forget_writes, dispatch_uid="replica-router-request")
    from celery.signals import task_prerun

    task_prerun.connect(forget_writes, dispatch_uid="replica-router-task", weak=False)


# --- Where a read goes -----------------------------------------------------------------------


def read_alias() -> str:
    """The alias a read made now goes to: the replica when asked for and safe, else the
    primary."""
    if not (_asked.get() and replica_configured()):
        return DEFAULT_DB_ALIAS
    primary = connections[DEFAULT_DB_ALIAS]
    _track(primary)
    if primary.in_atomic_block or getattr(primary, "wrote_to_primary", False):
        return DEFAULT_DB_ALIAS
    return REPLICA


@contextlib.contextmanager
def using_replica() -> Iterator[None]:
    """Reads in this block may go to the replica (see the module's rules). Evaluate querysets
    inside it: one evaluated after the block reads the primary."""
    token = _asked.set(True)
    try:
        yield
    finally:
        _asked.reset(token)


@contextlib.contextmanager
def replica_reads() -> Iterator[str]:
    """`using_replica()` plus one transaction on the alias the reads go to, so a long export
    reads one consistent snapshot; yields that alias. For a streamed body, which runs after the
    request's transaction ended."""
    with using_replica():
        alias = read_alias()
        with transaction.atomic(using=alias):
            yield alias


def replica_view(view: Callable) -> Callable:
    """A read-only page whose reads may go to the replica. With a replica configured, the page
    runs outside the request's transaction on the primary (ATOMIC_REQUESTS would keep every
    read there) and inside `replica_reads()`: one read transaction, on the replica. Without
    one, the view is left as it is (one transaction on the primary, no extra statements)."""
    if not replica_configured():
        return view

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with replica_reads():
            return view(request, *args, **kwargs)

    return transaction.non_atomic_requests(wrapped)


class ReplicaRouter:
    """DATABASE_ROUTERS when DATABASE_REPLICA_URL is set (config/settings.py)."""

    def __init__(self) -> None:
        _install()

    def db_for_read(self, model, **hints) -> str:
        # Not the hinted row's database: a row read from the replica, used later inside a
        # transaction or after a write, must lead to the primary.
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        _track(connections[DEFAULT_DB_ALIAS])
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints) -> bool | None:
        return False if db == REPLICA else None
