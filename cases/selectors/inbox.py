"""The caseworker's inbox: one page of a tab and the count behind every tab, in two queries.

"My inbox" is the union of five sets of cases: assigned to me, created by me, mentioned in a
note, with an open task for me, and my teams' unassigned cases. Each set is read through its
own (covering) index; an OR across those joins would make PostgreSQL read every case of the
organization. The union is computed once per request, in SQL written here, and both the tab
counts and the page's ids come out of it; the rows are then read with their joins by id.

The SQL is hand-written because the ORM cannot aggregate over a UNION or reuse one twice, and
building the ten querysets it needed cost more than running them (bench/run.py).

**Values written into the SQL.** The organization, the user, the statuses, the sort's ranks and
the page size are written into the statement as literals (`_literal`: integers, and the code's
own choice values); only a later page's keyset values are parameters. Planning this union takes
PostgreSQL about as long as running it, and with parameters every run either planned it again
(a custom plan) or ran a plan made without knowing the user (a generic plan, half as slow again).
Written in, each user's inbox is one statement text, which psycopg prepares on a connection at
its second run (config/settings.py; it keeps the 100 last used), and PostgreSQL keeps the plan it
made for those very values: 2.1 ms a run instead of 4.6 (bench-200k: the statement run through
psycopg, prepared, against the same with parameters under PostgreSQL's default plan choice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection

from cases.models import Case, Note, Task
from cases.selectors.keyset import KeysetPage, keyset_window
from cases.selectors.lists import (
    PAGE_SIZE,
    PRIORITY_ORDER,
    SORT_KEYS,
    STATUS_ORDER,
    CaseRow,
    case_rows,
    parse_sort,
)
from organizations.models import Organization, Team, User

INBOX_TABS = ("unanswered", "resolved", "closed", "all")
OPEN = list(Case.OPEN_STATUSES)


# Why a case is in my inbox, in the order the row shows them.
REASONS = ("assigned", "created", "mentioned", "task", "team")


@dataclass
class Inbox:
    page: KeysetPage  # each row has `reasons`: the REASONS that bring it to me
    counts: dict[str, int]  # tab -> number of cases behind it


_CODE_VALUE = re.compile(r"[a-z_]+")


def _literal(value: int | str) -> str:
    """`value` as an SQL literal (see the module's docstring): an integer (a primary key or a
    size), or one of the code's choice values, lower-case letters and underscores only.
    Nothing a user typed comes here; anything else is refused rather than quoted."""
    if isinstance(value, bool):
        raise TypeError(f"not an SQL literal: {value!r}")
    if isinstance(value, int):
        return str(int(value))
    text = str(value)
    if not _CODE_VALUE.fullmatch(text):
        raise ValueError(f"not an SQL literal: {value!r}")
    return f"'{text}'"


def _literals(values) -> str:
    return ", ".join(_literal(value) for value in values)


def _rank_sql(column: str, values: list[str]) -> str:
    whens = " ".join(f"WHEN {_literal(value)} THEN {i}" for i, value in enumerate(values))
    return f"CASE {column} {whens} ELSE {len(values)} END"


def _sort_value_sql(sort: str) -> str:
    """The SQL of sort key `sort` over a case aliased `c` (matching SORT_KEYS)."""
    if sort == "priority":
        return _rank_sql("c.priority", PRIORITY_ORDER)
    if sort == "status":
        return _rank_sql("c.status", STATUS_ORDER)
    columns = {
        "number": "c.number",
        "created": "c.created_at",
        "deadline": "c.deadline",
        "due": "c.sla_next_due",
    }
    return columns[sort]


def _tab_sql(tab: str) -> str:
    """The condition of inbox tab `tab` over the columns status and first_response_at."""
    if tab == "unanswered":
        return f"(status IN ({_literals(OPEN)}) AND first_response_at IS NULL)"
    if tab in ("resolved", "closed"):
        status = Case.Status.RESOLVED if tab == "resolved" else Case.Status.CLOSED
        return f"status = {_literal(status)}"
    return "1 = 1"


def _members_sql(org: Organization, user: User, sort_sql: str) -> str:
    """The inbox's cases as rows (id, status, first_response_at, sort_value).

    Assigned to me, then created by me but not assigned to me: disjoint, and most of an inbox.
    Then the cases that reach me only through a mention, an open task or a team's unassigned
    list; only these few need de-duplicating (a case can reach me all three ways), so the
    thousands of rows of the first two parts never go through a UNION's hash.
    """
    cases = Case._meta.db_table
    org_id, user_id = _literal(org.pk), _literal(user.pk)
    not_mine = f"(c.assignee_id IS NULL OR c.assignee_id <> {user_id})"
    not_created = f"(c.created_by_id IS NULL OR c.created_by_id <> {user_id})"
    mine = f"c.organization_id = {org_id}"
    assigned = f"FROM {cases} c WHERE {mine} AND c.assignee_id = {user_id}"
    created = f"FROM {cases} c WHERE {mine} AND c.created_by_id = {user_id} AND {not_mine}"
    others = [
        f"FROM {cases} c JOIN {Note._meta.db_table} n ON n.case_id = c.id"
        f" JOIN {Note.mentions.through._meta.db_table} m ON m.note_id = n.id"
        f" WHERE {mine} AND m.user_id = {user_id} AND {not_mine} AND {not_created}",
        f"FROM {cases} c JOIN {Task._meta.db_table} t ON t.case_id = c.id"
        f" WHERE {mine} AND t.organization_id = {org_id} AND t.assignee_id = {user_id}"
        f" AND t.status = {_literal(Task.Status.OPEN)} AND {not_mine} AND {not_created}",
        f"FROM {cases} c JOIN {Case.teams.through._meta.db_table} ct ON ct.case_id = c.id"
        f" JOIN {Team.members.through._meta.db_table} tm ON tm.team_id = ct.team_id"
        f" WHERE {mine} AND c.assignee_id IS NULL AND tm.user_id = {user_id} AND {not_created}",
    ]
    select = f"SELECT c.id, c.status, c.first_response_at, {sort_sql} AS sort_value "
    head = " UNION ALL ".join(select + source for source in (assigned, created))
    rest = " UNION ".join(select + source for source in others)
    return f"{head} UNION ALL SELECT * FROM ({rest}) AS reached"


def _counts_sql() -> str:
    """Every tab's count over the rows of `inbox`, in INBOX_TABS order."""
    return ", ".join(f"COUNT(*) FILTER (WHERE {_tab_sql(tab)})" for tab in INBOX_TABS)


def inbox_counts(org: Organization, user: User) -> dict[str, int]:
    """Every tab's count of `user`'s inbox, without a page (one query): what
    `inbox_with_counts` counts."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_counts_sql()} FROM ({_members_sql(org, user, 'NULL')}) AS inbox")
        return dict(zip(INBOX_TABS, cursor.fetchone(), strict=True))


def _reasons_sql(user: User) -> str:
    """One boolean column per reason reached through another table, for the page's case
    `page.id`: mentioned, an open task, one of my teams (assigned and created come with the
    row itself, see ROW_FIELDS).

    Worked out for the page's rows only (at most a page and one), after the LIMIT (PostgreSQL
    looks each up by the case or hashes my mentions, tasks and teams once), where carrying the
    reason through the union would cost its de-duplication on every case of the inbox.
    """
    user_id = _literal(user.pk)
    return (
        f"EXISTS (SELECT 1 FROM {Note._meta.db_table} n"
        f" JOIN {Note.mentions.through._meta.db_table} m ON m.note_id = n.id"
        f" WHERE n.case_id = page.id AND m.user_id = {user_id}),"
        f" EXISTS (SELECT 1 FROM {Task._meta.db_table} t WHERE t.case_id = page.id"
        f" AND t.assignee_id = {user_id} AND t.status = {_literal(Task.Status.OPEN)}),"
        f" EXISTS (SELECT 1 FROM {Case.teams.through._meta.db_table} ct"
        f" JOIN {Team.members.through._meta.db_table} tm ON tm.team_id = ct.team_id"
        f" WHERE ct.case_id = page.id AND tm.user_id = {user_id})"
    )


def _reasons(row: CaseRow, user: User, mentioned: bool, task: bool, team: bool) -> list[str]:
    """The REASONS of `row`, in order; a team's case counts only while nobody has it, as in
    the inbox itself."""
    found = {
        "assigned": row.assignee_id == user.pk,
        "created": row.created_by_id == user.pk,
        "mentioned": mentioned,
        "task": task,
        "team": team and row.assignee_id is None,
    }
    return [reason for reason in REASONS if found[reason]]


def _adapt(kind: str):
    ops = connection.ops
    if kind == "datetime":
        return ops.adapt_datetimefield_value
    if kind == "date":
        return ops.adapt_datefield_value
    return lambda value: value


def inbox_with_counts(
    org: Organization,
    user: User,
    tab: str = "all",
    *,
    sort: str | None = None,
    after: str | None = None,
    before: str | None = None,
    size: int | None = None,
    counts: dict[str, int] | None = None,
) -> Inbox:
    """Page `after`/`before` of `user`'s inbox tab `tab`, keyset-paginated like the case list,
    with every tab's count. Two queries, whatever the page or the size of the inbox.

    `counts` (the tab counts read earlier, see inbox_counts.py) skips counting: only the
    tab's page is read, which PostgreSQL narrows by the tab's condition in every part."""
    name, descending = parse_sort(sort)
    key = SORT_KEYS[name]
    window = keyset_window(
        key, descending=descending, after=after, before=before, size=size or PAGE_SIZE
    )
    members_sql = _members_sql(org, user, _sort_value_sql(name))
    # A later page's keyset values are the statement's only parameters.
    where_sql, params, order_sql = window.sql("sort_value", "id", _adapt(key.kind))
    *_, outer_order = window.sql("page.sort_value", "page.id", _adapt(key.kind))
    page_sql = (
        f"page AS (SELECT id, sort_value FROM inbox WHERE {_tab_sql(tab)} AND {where_sql}"
        f" ORDER BY {order_sql} LIMIT {_literal(window.size + 1)})"
    )
    if counts is None:
        sql = (
            f"WITH inbox AS ({members_sql}), {page_sql}"
            f" SELECT tabs.*, page.id, {_reasons_sql(user)}"
            f" FROM (SELECT {_counts_sql()} FROM inbox) AS tabs"
            f" LEFT JOIN page ON 1 = 1 ORDER BY {outer_order}"
        )
        id_at = len(INBOX_TABS)
    else:
        sql = (
            f"WITH inbox AS ({members_sql}), {page_sql}"
            f" SELECT page.id, {_reasons_sql(user)} FROM page ORDER BY {outer_order}"
        )
        id_at = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result = cursor.fetchall()
    ids = [row[id_at] for row in result if row[id_at] is not None]
    reached = {row[id_at]: row[id_at + 1 :] for row in result if row[id_at] is not None}
    found = (
        {
            values["id"]: CaseRow(**values)
            for values in case_rows(Case.objects.filter(organization=org, pk__in=ids), name)
        }
        if ids
        else {}
    )
    for pk, row in found.items():
        row.reasons = _reasons(row, user, *reached[pk])
    return Inbox(
        page=window.page([found[pk] for pk in ids if pk in found]),
        counts=counts
        if counts is not None
        else dict(zip(INBOX_TABS, result[0][: len(INBOX_TABS)], strict=True)),
    )
