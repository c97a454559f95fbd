"""What the database holds, as one digest per table, to show a refused request changed nothing."""

from __future__ import annotations

import hashlib

from django.apps import apps

# The project's apps (Django's own tables, sessions and the sign-in throttle's log change with
# any request and hold no organization's data).
PROJECT_APPS = (
    "organizations",
    "customers",
    "properties",
    "notifications",
    "cases",
    "printing",
    "inquiries",
    "portal",
    "privacy",
    "reports",
)
# Columns a request may touch without changing anything of an organization: when an API key
# was last used (every authenticated API call records it, refused or not).
IGNORED_COLUMNS = {("organizations", "apikey"): {"last_used_at"}}


def database_state(organization_id: int | None = None) -> dict[str, tuple[int, str]]:
    """Table -> (row count, digest of every row's values), for every table of the project's
    apps, link tables included; with `organization_id`, that organization's rows of the tables
    that have an organization."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in PROJECT_APPS or not meta.managed:
            continue
        ignored = IGNORED_COLUMNS.get((meta.app_label, meta.model_name), set())
        columns = [f.attname for f in meta.concrete_fields if f.name not in ignored]
        rows = model._base_manager.order_by("pk")
        if organization_id is not None:
            if "organization_id" not in columns:
                continue
            rows = rows.filter(organization_id=organization_id)
        rows = list(rows.values_list(*columns))
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        state[meta.db_table] = (len(rows), digest)
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
