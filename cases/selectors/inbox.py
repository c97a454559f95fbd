"""The caseworker's inbox: one page of a tab and the count behind every tab, in two queries.

"My inbox" is the union of five sets of cases: assigned to me, created by me, mentioned in a
note, with an open task for me, and my teams' unassigned cases. Each set is read through its
own (covering) index; an OR across those joins would make PostgreSQL read every case of the
organization. The union is computed once per request, in SQL written here, and both the tab
counts and the page's ids come out of it; the rows are then read with their joins by id.

The SQL is hand-written because the ORM cannot aggregate over a UNION or reuse one twice, and
building the ten querysets it needed cost more than running them (bench/run.py).
"""

from __future__ import annotations

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


def _rank_sql(column: str, values: list[str]) -> tuple[str, list]:
    whens = " ".join(f"WHEN %s THEN {i}" for i in range(len(values)))
    return f"CASE {column} {whens} ELSE {len(values)} END", list(values)


def _sort_value_sql(sort: str) -> tuple[str, list]:
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
    return columns[sort], []


def _tab_sql(tab: str) -> tuple[str, list]:
    """The condition of inbox tab `tab` over the columns status and first_response_at."""
    if tab == "unanswered":
        marks = ", ".join(["%s"] * len(OPEN))
        return f"(status IN ({marks}) AND first_response_at IS NULL)", list(OPEN)
    if tab in ("resolved", "closed"):
        return "status = %s", [Case.Status.RESOLVED if tab == "resolved" else Case.Status.CLOSED]
    return "1 = 1", []


def _members_sql(org: Organization, user: User, sort_sql: str, sort_params: list):
    """The inbox's cases as rows (id, status, first_response_at, sort_value).

    Assigned to me, then created by me but not assigned to me: disjoint, and most of an inbox.
    Then the cases that reach me only through a mention, an open task or a team's unassigned
    list; only these few need de-duplicating (a case can reach me all three ways), so the
    thousands of rows of the first two parts never go through a UNION's hash.
    """
    cases = Case._meta.db_table
    me = [org.pk, user.pk]
    not_mine = "(c.assignee_id IS NULL OR c.assignee_id <> %s)"
    not_created = "(c.created_by_id IS NULL OR c.created_by_id <> %s)"
    assigned = (f"FROM {cases} c WHERE c.organization_id = %s AND c.assignee_id = %s", me)
    created = (
        f"FROM {cases} c WHERE c.organization_id = %s AND c.created_by_id = %s AND {not_mine}",
        [*me, user.pk],
    )
    others = [
        (
            f"FROM {cases} c JOIN {Note._meta.db_table} n ON n.case_id = c.id"
            f" JOIN {Note.mentions.through._meta.db_table} m ON m.note_id = n.id"
            f" WHERE c.organization_id = %s AND m.user_id = %s AND {not_mine} AND {not_created}",
            [*me, user.pk, user.pk],
        ),
        (
            f"FROM {cases} c JOIN {Task._meta.db_table} t ON t.case_id = c.id"
            " WHERE c.organization_id = %s AND t.organization_id = %s AND t.assignee_id = %s"
            f" AND t.status = %s AND {not_mine} AND {not_created}",
            [org.pk, *me, Task.Status.OPEN, user.pk, user.pk],
        ),
        (
            f"FROM {cases} c JOIN {Case.teams.through._meta.db_table} ct ON ct.case_id = c.id"
            f" JOIN {Team.members.through._meta.db_table} tm ON tm.team_id = ct.team_id"
            " WHERE c.organization_id = %s AND c.assignee_id IS NULL AND tm.user_id = %s"
            f" AND {not_created}",
            [*me, user.pk],
        ),
    ]
    select = f"SELECT c.id, c.status, c.first_response_at, {sort_sql} AS sort_value "

    def union(parts, glue):
        return (
            glue.join(select + source for source, _ in parts),
            [p for _, part_params in parts for p in (*sort_params, *part_params)],
        )

    head_sql, head_params = union([assigned, created], " UNION ALL ")
    rest_sql, rest_params = union(others, " UNION ")
    return f"{head_sql} UNION ALL SELECT * FROM ({rest_sql}) AS reached", [
        *head_params,
        *rest_params,
    ]


def _counts_sql() -> tuple[str, list]:
    """Every tab's count over the rows of `inbox`, in INBOX_TABS order."""
    tabs = [_tab_sql(tab) for tab in INBOX_TABS]
    sql = ", ".join(f"COUNT(*) FILTER (WHERE {condition})" for condition, _ in tabs)
    return sql, [p for _, params in tabs for p in params]


def inbox_counts(org: Organization, user: User) -> dict[str, int]:
    """Every tab's count of `user`'s inbox, without a page (one query): what
    `inbox_with_counts` counts."""
    members_sql, members_params = _members_sql(org, user, "NULL", [])
    counts_sql, counts_params = _counts_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {counts_sql} FROM ({members_sql}) AS inbox", [*counts_params, *members_params]
        )
        return dict(zip(INBOX_TABS, cursor.fetchone(), strict=True))


def _reasons_sql(user: User) -> tuple[str, list]:
    """One boolean column per reason reached through another table, for the page's case
    `page.id`: mentioned, an open task, one of my teams (assigned and created come with the
    row itself, see ROW_FIELDS).

    Worked out for the page's rows only (at most a page and one), after the LIMIT (PostgreSQL
    looks each up by the case or hashes my mentions, tasks and teams once), where carrying the
    reason through the union would cost its de-duplication on every case of the inbox.
    """
    sql = (
        f"EXISTS (SELECT 1 FROM {Note._meta.db_table} n"
        f" JOIN {Note.mentions.through._meta.db_table} m ON m.note_id = n.id"
        " WHERE n.case_id = page.id AND m.user_id = %s),"
        f" EXISTS (SELECT 1 FROM {Task._meta.db_table} t WHERE t.case_id = page.id"
        " AND t.assignee_id = %s AND t.status = %s),"
        f" EXISTS (SELECT 1 FROM {Case.teams.through._meta.db_table} ct"
        f" JOIN {Team.members.through._meta.db_table} tm ON tm.team_id = ct.team_id"
        " WHERE ct.case_id = page.id AND tm.user_id = %s)"
    )
    return sql, [user.pk, user.pk, Task.Status.OPEN, user.pk]


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
    sort_sql, sort_params = _sort_value_sql(name)
    members_sql, members_params = _members_sql(org, user, sort_sql, sort_params)
    tab_sql, tab_params = _tab_sql(tab)
    where_sql, where_params, order_sql = window.sql("sort_value", "id", _adapt(key.kind))
    *_, outer_order = window.sql("page.sort_value", "page.id", _adapt(key.kind))
    reasons_sql, reasons_params = _reasons_sql(user)
    page_sql = (
        f"page AS (SELECT id, sort_value FROM inbox WHERE {tab_sql} AND {where_sql}"
        f" ORDER BY {order_sql} LIMIT %s)"
    )
    params = [*members_params, *tab_params, *where_params, window.size + 1, *reasons_params]
    if counts is None:
        counts_sql, counts_params = _counts_sql()
        sql = (
            f"WITH inbox AS ({members_sql}), {page_sql}"
            f" SELECT tabs.*, page.id, {reasons_sql} FROM (SELECT {counts_sql} FROM inbox) AS tabs"
            f" LEFT JOIN page ON 1 = 1 ORDER BY {outer_order}"
        )
        params += counts_params
        id_at = len(INBOX_TABS)
    else:
        sql = (
            f"WITH inbox AS ({members_sql}), {page_sql}"
            f" SELECT page.id, {reasons_sql} FROM page ORDER BY {outer_order}"
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
