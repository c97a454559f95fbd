"""Reads for the search: one query per kind, whatever the number of hits.

PostgreSQL: cases (with their notes and messages) and inquiries by full-text search in the
organization's language (`search_vector`, kept by triggers: cases/migrations/0013_search.py),
ranked by `ts_rank`; customers, properties and containers by their names and numbers, every
word contained (UPPER(...) LIKE, served by GIN trigram indexes), ranked by trigram
similarity to the whole text. Every statement names the organization, and the tables are
under row-level security as well. SQLite (`make run`) has neither: `fallback.py` answers
with `icontains`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connections

from cases.selectors.fulltext import SearchText, search_config
from config.db_router import read_alias
from organizations.models import Organization
from search import fallback

KINDS = ("cases", "inquiries", "customers", "properties", "containers")
GROUP_LIMIT = 5  # per kind on the "everything" page
KIND_LIMIT = 50  # on a page filtered to one kind
SUGGEST_LIMIT = 3  # per kind in the suggestions


@dataclass
class Group:
    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0


def _fetch(sql: str, params: list | dict) -> list[dict[str, Any]]:
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _postgres() -> bool:
    return connections[read_alias()].vendor == "postgresql"


def _total(rows: list[dict[str, Any]]) -> int:
    return rows[0].pop("total") if rows else 0


# --- Cases, with their notes and messages ------------------------------------------------------

# The hits are ranked and cut to `limit` before anything is joined: only those rows read the
# case, customer and property. An exact case number ranks first (its number is in the vector).
_CASES = """
WITH hits AS (
    SELECT c.id AS case_id, ts_rank(c.search_vector, {tsq}) + (c.number = %(number)s)::int AS rank
    FROM cases_case c WHERE c.organization_id = %(org)s AND c.search_vector @@ {tsq} {status}
    UNION ALL
    SELECT n.case_id, ts_rank(n.search_vector, {tsq}) * 0.5
    FROM cases_note n WHERE n.organization_id = %(org)s AND n.search_vector @@ {tsq}
    UNION ALL
    SELECT e.case_id, ts_rank(e.search_vector, {tsq}) * 0.5
    FROM cases_caseevent e WHERE e.organization_id = %(org)s AND e.search_vector @@ {tsq}
), best AS (
    SELECT h.case_id, max(h.rank) AS rank, count(*) OVER () AS total FROM hits h {open_join}
    GROUP BY h.case_id ORDER BY max(h.rank) DESC, h.case_id DESC LIMIT %(limit)s
)
SELECT c.id, c.number, c.title, c.status, c.created_at, cu.name AS customer,
       p.address AS property, b.total
FROM best b
JOIN cases_case c ON c.id = b.case_id AND c.organization_id = %(org)s
LEFT JOIN customers_customer cu ON cu.id = c.customer_id
LEFT JOIN properties_property p ON p.id = c.property_id
ORDER BY b.rank DESC, c.id DESC
"""
_OPEN = "('new', 'in_progress', 'waiting')"

_TSQ = "to_tsquery(%(cfg)s::regconfig, %(tsq)s)"


def search_cases(
    org: Organization, text: SearchText, *, limit: int, open_only: bool = False, prefix=False
) -> Group:
    if not text:
        return Group("cases")
    if not _postgres():
        return fallback.cases(org, text, limit=limit, open_only=open_only)
    status = open_join = ""
    if open_only:  # notes' and messages' cases are checked in the join
        status = f"AND c.status IN {_OPEN}"
        open_join = (
            "JOIN cases_case oc ON oc.id = h.case_id AND oc.organization_id = %(org)s"
            f" AND oc.status IN {_OPEN}"
        )
    rows = _fetch(
        _CASES.format(tsq=_TSQ, status=status, open_join=open_join),
        {
            "org": org.pk,
            "cfg": search_config(org.default_language),
            "tsq": text.tsquery(prefix=prefix),
            "number": text.case_number or 0,
            "limit": limit,
        },
    )
    return Group("cases", rows, _total(rows))


# --- Inquiries -------------------------------------------------------------------------------

_INQUIRIES = f"""
SELECT i.id, i.subject, i.sender_name, i.sender_email, i.status, i.created_at,
       count(*) OVER () AS total
FROM inquiries_inquiry i
WHERE i.organization_id = %(org)s AND i.search_vector @@ {_TSQ} AND i.status <> 'deleted'
ORDER BY ts_rank(i.search_vector, {_TSQ}) DESC, i.id DESC
LIMIT %(limit)s
"""


def search_inquiries(org: Organization, text: SearchText, *, limit: int, prefix=False) -> Group:
    if not text:
        return Group("inquiries")
    if not _postgres():
        return fallback.inquiries(org, text, limit=limit)
    params = {
        "org": org.pk,
        "cfg": search_config(org.default_language),
        "tsq": text.tsquery(prefix=prefix),
        "limit": limit,
    }
    rows = _fetch(_INQUIRIES, params)
    return Group("inquiries", rows, _total(rows))


# --- Customers, properties, containers: names and numbers by trigrams -----------------------


def _words_match(text: SearchText, expressions: list[str], params: dict) -> str:
    """Every word contained in one of `expressions` (each an indexed UPPER(...) expression)."""
    clauses = []
    for i, pattern in enumerate(text.like_patterns()):
        params[f"w{i}"] = pattern
        clauses.append("(" + " OR ".join(f"{e} LIKE %(w{i})s" for e in expressions) + ")")
    return " AND ".join(clauses)


def _trigram_search(
    kind: str, table: str, columns: str, expressions: list[str], similar: str, text, limit
) -> Group:
    """`table`'s rows where every word is in one of `expressions` (served by their GIN
    trigram indexes), the most similar to the whole text by `similar` (a name or number) first.

    Not also "any name similar to the text" (pg_trgm's `%`): at 5,000 customers an
    organization whose names share most trigrams ("Kunde Nummer 1…5000") had every row
    similar, and ranking them all cost 40-100 ms (bench/search.py). So a misspelt name finds
    nothing; a part of it, the e-mail or the phone number does."""
    params: dict[str, Any] = {"org": None, "text": text.text.upper(), "limit": limit}
    words = _words_match(text, expressions, params)
    sql = f"""
        SELECT {columns}, count(*) OVER () AS total FROM {table}
        WHERE organization_id = %(org)s AND {words}
        ORDER BY similarity({similar}, %(text)s) DESC, id DESC
        LIMIT %(limit)s
    """
    return sql, params


# kind: (table, columns read, expressions every word must be in, the one ranked by similarity)
TRIGRAM_KINDS = {
    "customers": (
        "customers_customer",
        "id, name, email, phone, address",
        ["UPPER(name::text)", "UPPER(email::text)", "REPLACE(phone, ' ', '')"],
        "UPPER(name::text)",
    ),
    "properties": (
        "properties_property",
        "id, name, address, postcode, city, property_number",
        ["UPPER(address::text)", "UPPER(name::text)", "UPPER(property_number::text)"],
        "UPPER(address::text)",
    ),
    "containers": (
        "properties_container",
        "id, container_id, fraction, placement_address",
        ["UPPER(container_id::text)"],
        "UPPER(container_id::text)",
    ),
}


def _trigram_group(kind: str, org: Organization, text: SearchText, limit: int) -> Group:
    if not text:
        return Group(kind)
    if not _postgres():
        return getattr(fallback, kind)(org, text, limit=limit)
    sql, params = _trigram_search(kind, *TRIGRAM_KINDS[kind], text, limit)
    params["org"] = org.pk
    rows = _fetch(sql, params)
    return Group(kind, rows, _total(rows))


def search_customers(org: Organization, text: SearchText, *, limit: int) -> Group:
    return _trigram_group("customers", org, text, limit)


def search_properties(org: Organization, text: SearchText, *, limit: int) -> Group:
    return _trigram_group("properties", org, text, limit)


def search_containers(org: Organization, text: SearchText, *, limit: int) -> Group:
    return _trigram_group("containers", org, text, limit)


# --- The page, the suggestions and the exact jump ---------------------------------------------


def search_all(
    org: Organization, text: SearchText, *, kind: str = "", open_only: bool = False
) -> list[Group]:
    """One group per kind (or only `kind`'s, with more rows): one query each."""
    kinds = [kind] if kind in KINDS else list(KINDS)
    limit = KIND_LIMIT if kind in KINDS else GROUP_LIMIT
    groups = []
    for name in kinds:
        if name == "cases":
            groups.append(search_cases(org, text, limit=limit, open_only=open_only))
        elif name == "inquiries":
            groups.append(search_inquiries(org, text, limit=limit))
        else:
            groups.append(SEARCHERS[name](org, text, limit=limit))
    return groups


def suggestions(org: Organization, text: SearchText) -> list[Group]:
    """A few of each kind as one types: the last word also matches longer words."""
    return [
        search_cases(org, text, limit=SUGGEST_LIMIT, prefix=True),
        search_inquiries(org, text, limit=SUGGEST_LIMIT, prefix=True),
        search_customers(org, text, limit=SUGGEST_LIMIT),
        search_properties(org, text, limit=SUGGEST_LIMIT),
        search_containers(org, text, limit=SUGGEST_LIMIT),
    ]


SEARCHERS = {
    "customers": search_customers,
    "properties": search_properties,
    "containers": search_containers,
}

_EXACT = """
SELECT 'case' AS kind, number AS key FROM cases_case
WHERE organization_id = %(org)s AND number = %(number)s
UNION ALL
SELECT 'container', id FROM properties_container
WHERE organization_id = %(org)s AND UPPER(container_id::text) = %(text)s
LIMIT 2
"""


def exact_target(org: Organization, text: SearchText) -> tuple[str, int] | None:
    """("case", number) or ("container", pk) when the text is exactly one case number or
    container id of `org` (and not both): the search goes straight there. One query."""
    raw = text.text.strip()
    if not raw:
        return None
    if not _postgres():
        return fallback.exact_target(org, text)
    rows = _fetch(_EXACT, {"org": org.pk, "number": text.case_number or 0, "text": raw.upper()})
    if len(rows) != 1:
        return None
    return rows[0]["kind"], rows[0]["key"]
