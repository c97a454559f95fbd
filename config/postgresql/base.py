"""Django's PostgreSQL backend, with the per-request health check skipped for a connection
the server has said nothing on since it last answered.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every request, so a
connection the database dropped while it sat idle is replaced instead of failing a request.
That is one round trip per request, and for a worker whose requests come seconds apart the
first round trip after idle is the dearest (0.3-0.6 ms, docs/architecture.md). A connection the
server ends (a restart, `pg_terminate_backend`, `idle_session_timeout`, a pooler closing it)
has the server's goodbye waiting on its socket: an error message and the end of the stream. So
the check is skipped when the previous request used the connection without error and its
socket has nothing to read (a `select` with no wait); a connection with anything waiting, or
one that saw an error, is still checked. What neither way catches (a peer gone without a word)
makes `SELECT 1` wait as long as the first query would.
"""

from __future__ import annotations

import select
import time

from django.db.backends.postgresql import base


class HealthCheckedDatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.answered_at: float | None = None

    def close_if_unusable_or_obsolete(self) -> None:
        # Called as a request starts and ends. At the end, health_check_done says the request
        # used the connection (ensure_connection ran) and errors_occurred whether that failed.
        used_fine = (
            self.connection is not None and self.health_check_done and not self.errors_occurred
        )
        super().close_if_unusable_or_obsolete()
        if self.connection is None:
            self.answered_at = None
        elif used_fine:
            self.answered_at = time.monotonic()

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self.answered_at is not None
            and self.server_said_nothing()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def server_said_nothing(self) -> bool:
        """Nothing is waiting to be read on the connection's socket (see the module's
        docstring); False when the socket cannot be asked."""
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable


class DatabaseWrapper(HealthCheckedDatabaseWrapper):
    """The application's connection: mirrors the tenancy scope into each transaction's settings
    for row-level security (organizations/tenancy.py). `tenant_applied` is what this
    transaction already has; it is forgotten whenever the transaction or a savepoint ends in a
    way that may have dropped it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tenant_applied: str | None = None
        if self.settings_dict.get("ROLE") != "owner":
            from organizations.tenancy import database_scope_wrapper

            self.execute_wrappers.append(database_scope_wrapper())

    def _commit(self) -> None:
        self.tenant_applied = None
        super()._commit()

    def _rollback(self) -> None:
        self.tenant_applied = None
        super()._rollback()

    def _savepoint_rollback(self, sid) -> None:
        # Forget after rolling back: forgetting first made the wrapper send the settings again
        # ahead of ROLLBACK TO SAVEPOINT, into a transaction aborted by the error being undone.
        super()._savepoint_rollback(sid)
        self.tenant_applied = None

    def _set_autocommit(self, autocommit: bool) -> None:
        self.tenant_applied = None
        super()._set_autocommit(autocommit)

    def _close(self) -> None:
        self.tenant_applied = None
        super()._close()
