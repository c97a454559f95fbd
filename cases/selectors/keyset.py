"""Keyset (cursor) pagination: every page costs the same, whatever its position.

A page is "the `size` rows after (or before) the cursor" in an ordering on (sort key, id). The
cursor is the sort value and id of the row at the page edge, encoded opaquely for the URL. Never
OFFSET: PostgreSQL would read and discard every earlier row.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet


@dataclass(frozen=True)
class SortKey:
    """One sortable column: `attr` is a model field or an annotation on the queryset."""

    attr: str
    kind: str  # "int", "datetime" or "date": how cursor values are read back
    nullable: bool = False
    default_descending: bool = False


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    prev_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_prev(self) -> bool:
        return self.prev_cursor is not None


def encode_cursor(value: Any, pk: int) -> str:
    if isinstance(value, datetime.date | datetime.datetime):
        value = value.isoformat()
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str | None, key: SortKey) -> tuple[Any, int] | None:
    """The (value, id) in `token`, or None when it is missing or malformed (then: first page)."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value, pk = json.loads(raw)
        if not isinstance(pk, int):
            return None
        if value is None:
            return (None, pk) if key.nullable else None
        if key.kind == "int":
            if not isinstance(value, int):
                return None
        elif key.kind == "datetime":
            value = datetime.datetime.fromisoformat(value)
        elif key.kind == "date":
            value = datetime.date.fromisoformat(value)
        return value, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None


def _after(key: SortKey, value: Any, pk: int, descending: bool, nulls_last: bool) -> Q:
    """Rows strictly after (value, pk) in the ordering (attr, id) both `descending` or not."""
    attr = key.attr
    op = "lt" if descending else "gt"
    if value is None:
        same = Q(**{f"{attr}__isnull": True, f"id__{op}": pk})
        return same if nulls_last else same | Q(**{f"{attr}__isnull": False})
    # The redundant inclusive bound lets PostgreSQL start the index scan at the cursor.
    bound = "lte" if descending else "gte"
    q = Q(**{f"{attr}__{bound}": value}) & (
        Q(**{f"{attr}__{op}": value}) | Q(**{attr: value, f"id__{op}": pk})
    )
    if key.nullable and nulls_last:
        q = q | Q(**{f"{attr}__isnull": True})
    return q


def _ordering(key: SortKey, descending: bool, nulls_last: bool) -> list:
    expr = F(key.attr)
    if key.nullable:
        nulls = {"nulls_last": True} if nulls_last else {"nulls_first": True}
        order = expr.desc(**nulls) if descending else expr.asc(**nulls)
    else:
        order = expr.desc() if descending else expr.asc()
    return [order, F("id").desc() if descending else F("id").asc()]


@dataclass
class KeysetWindow:
    """Where a page starts and how to walk: `condition` and `ordering` for the query (or for
    each part of a UNION), then `page()` turns the size+1 rows fetched into a KeysetPage."""

    key: SortKey
    size: int
    condition: Q
    ordering: list
    backwards: bool
    started_after_cursor: bool
    # The same window as data, for hand-written SQL (see sql()).
    position: tuple[Any, int] | None = None
    walk_descending: bool = False
    nulls_last: bool = True

    def sql(
        self, value_sql: str, id_sql: str, adapt: Callable[[Any], Any]
    ) -> tuple[str, list, str]:
        """(condition, params, ORDER BY list) of this window over the SQL expressions
        `value_sql` (the sort value) and `id_sql`; `adapt` turns the cursor value into a
        query parameter. Mirrors `condition` and `ordering`, which the ORM queries use."""
        desc = self.walk_descending
        direction = "DESC" if desc else "ASC"
        nulls = " NULLS LAST" if self.nulls_last else " NULLS FIRST"
        order = f"{value_sql} {direction}{nulls if self.key.nullable else ''}, {id_sql} {direction}"
        if self.position is None:
            return "1 = 1", [], order
        value, pk = self.position
        op = "<" if desc else ">"
        if value is None:
            same = f"({value_sql} IS NULL AND {id_sql} {op} %s)"
            if self.nulls_last:
                return same, [pk], order
            return f"({same} OR {value_sql} IS NOT NULL)", [pk], order
        bound = "<=" if desc else ">="
        value = adapt(value)
        condition = (
            f"({value_sql} {bound} %s AND ({value_sql} {op} %s"
            f" OR ({value_sql} = %s AND {id_sql} {op} %s)))"
        )
        params = [value, value, value, pk]
        if self.key.nullable and self.nulls_last:
            condition = f"({condition} OR {value_sql} IS NULL)"
        return condition, params, order

    def page(self, rows: list) -> KeysetPage:
        more = len(rows) > self.size
        rows = rows[: self.size]
        if self.backwards:
            rows.reverse()
        if not rows:
            return KeysetPage(rows=[], next_cursor=None, prev_cursor=None)
        if self.backwards:
            has_next, has_prev = True, more
        else:
            has_next, has_prev = more, self.started_after_cursor
        return KeysetPage(
            rows=rows,
            next_cursor=self._edge(rows[-1]) if has_next else None,
            prev_cursor=self._edge(rows[0]) if has_prev else None,
        )

    def _edge(self, row) -> str:
        return encode_cursor(getattr(row, self.key.attr), row.pk)


def keyset_window(
    key: SortKey,
    *,
    descending: bool,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
) -> KeysetWindow:
    """The page following cursor `after`, or preceding cursor `before`, or the first page.

    Empty values sort last in both directions. A page before a cursor walks the reversed
    ordering from it and turns the rows around.
    """
    before_pos = decode_cursor(before, key) if before and not after else None
    after_pos = decode_cursor(after, key) if after else None
    if before_pos is not None:
        value, pk = before_pos
        return KeysetWindow(
            key=key,
            size=size,
            condition=_after(key, value, pk, not descending, nulls_last=False),
            ordering=_ordering(key, not descending, nulls_last=False),
            backwards=True,
            started_after_cursor=False,
            position=before_pos,
            walk_descending=not descending,
            nulls_last=False,
        )
    condition = Q()
    if after_pos is not None:
        value, pk = after_pos
        condition = _after(key, value, pk, descending, nulls_last=True)
    return KeysetWindow(
        key=key,
        size=size,
        condition=condition,
        ordering=_ordering(key, descending, nulls_last=True),
        backwards=False,
        started_after_cursor=after_pos is not None,
        position=after_pos,
        walk_descending=descending,
        nulls_last=True,
    )


def keyset_page(
    queryset: QuerySet,
    key: SortKey,
    *,
    descending: bool,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
    row: Callable[[Any], Any] | None = None,
) -> KeysetPage:
    """One page of `queryset` in (key, id) order, in one query (see keyset_window).

    `row` turns each fetched item into the page's row (e.g. a dict from `.values()` into an
    object with attributes); rows need `pk` and the sort key's attribute.
    """
    window = keyset_window(key, descending=descending, after=after, before=before, size=size)
    qs = queryset.filter(window.condition).order_by(*window.ordering)
    items = list(qs[: size + 1])
    return window.page([row(item) for item in items] if row else items)
