"""Django's PostgreSQL backend, with the per-request health check skipped for a connection
that just answered.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every request, so a
connection the database dropped while it sat idle is replaced instead of failing a request. On
a busy worker that is one round trip per request for a connection that answered milliseconds
ago. Like HikariCP's aliveBypassWindowMs, the check is skipped when the previous request used
the connection without error less than HEALTH_CHECK_BYPASS_SECONDS ago; an idle connection,
or one that saw an error, is still checked.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

HEALTH_CHECK_BYPASS_SECONDS = 0.5


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
            and time.monotonic() - self.answered_at < HEALTH_CHECK_BYPASS_SECONDS
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()


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
