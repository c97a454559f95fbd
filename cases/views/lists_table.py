"""What the inbox and the case list share: the case table, its sort links and pagination.

Links carry an `href` for a full page (works without JavaScript) and an `hx-get` for htmx to
replace just the table. In fragment mode (the table embedded in a customer or property page)
htmx fetches the fragment again and the plain `href` opens the full case list.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.selectors.keyset import KeysetPage
from cases.selectors.lists import SORT_KEYS, parse_sort
from cases.selectors.service_levels import STATE_LABELS
from cases.services.service_levels import SlaState, sla_state
from cases.templatetags.case_timeline import DateLabels, esc

CURSOR_PARAMS = ("after", "before")

# (sort key or None, heading)
COLUMNS = [
    ("number", _("No.")),
    (None, _("Title")),
    (None, _("Customer")),
    (None, _("Property")),
    ("status", _("Status")),
    ("priority", _("Priority")),
    (None, _("Assignee")),
    ("due", _("Service level")),
    ("deadline", _("Deadline")),
    ("created", _("Created")),
]


# The cells a phone's card names (the others speak for themselves: number, title, status).
CELL_LABELS = {
    "customer": _("Customer"),
    "property": _("Property"),
    "priority": _("Priority"),
    "assignee": _("Assignee"),
    "sla": _("Service level"),
    "deadline": _("Deadline"),
    "created": _("Created"),
}

# Why a case is in my inbox (cases/selectors/inbox.py REASONS), as the row's labels say it.
REASON_LABELS = {
    "assigned": _("Assigned to you"),
    "created": _("Created by you"),
    "mentioned": _("You were mentioned"),
    "task": _("Task for you"),
    "team": _("Your team"),
}


class AgeLabels:
    """A case's age as the table shows it ("3 d", with "3 days old" for screen readers), each
    distinct age worked out once per page."""

    def __init__(self, now) -> None:
        self.now = now
        self.cache: dict[tuple[str, int], str] = {}

    def __call__(self, created) -> str:
        minutes = max(int((self.now - created).total_seconds() // 60), 0)
        if minutes < 60:
            key = ("min", minutes)
        elif minutes < 60 * 24:
            key = ("h", minutes // 60)
        else:
            key = ("d", minutes // (60 * 24))
        if key not in self.cache:
            unit, n = key
            if unit == "min":
                short, long = (
                    gettext("%(n)s min"),
                    ngettext("%(n)s minute old", "%(n)s minutes old", n),
                )
            elif unit == "h":
                short, long = gettext("%(n)s h"), ngettext("%(n)s hour old", "%(n)s hours old", n)
            else:
                short, long = gettext("%(n)s d"), ngettext("%(n)s day old", "%(n)s days old", n)
            self.cache[key] = (
                f'<span class="age"><span aria-hidden="true">{esc(short % {"n": n})}</span>'
                f'<span class="visually-hidden">{esc(long % {"n": n})}</span></span>'
            )
        return self.cache[key]


@dataclass
class Link:
    href: str  # full page
    hx: str  # what htmx fetches


def query_url(path: str, params: QueryDict, **changes: str | None) -> str:
    """`path` with `params`, each of `changes` set (or removed when None)."""
    query = params.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


def _link(path: str, params: QueryDict, fragment: bool, **changes: str | None) -> Link:
    if fragment:
        return Link(
            href=query_url(path, params, fragment=None, **changes),
            hx=query_url(path, params, fragment="1", **changes),
        )
    url = query_url(path, params, **changes)
    return Link(href=url, hx=url)


def present_rows(rows: list, org_slug: str) -> None:
    """Give each row (a CaseRow) what its cells show, worked out once per page.

    A URL reversal, a translated label, a date format and the overdue check per cell add up
    to most of the rendering time of a 50-row table; here each costs a dict lookup.
    """
    url = reverse("cases:case_detail", kwargs={"org_slug": org_slug, "number": 0})
    head, tail = url.rsplit("0", 1)
    statuses = {value: str(label) for value, label in Case.Status.choices}
    priorities = {value: str(label) for value, label in Case.Priority.choices}
    today = timezone.localdate()
    select_text = gettext("Select case #%(number)s")
    short = DateLabels("SHORT_DATE_FORMAT")  # each distinct day formatted once
    short_time = DateLabels("SHORT_DATETIME_FORMAT")
    now = timezone.now()
    sla_labels = {state: str(label) for state, label in STATE_LABELS.items()}
    age = AgeLabels(now)
    reason_tags = {
        key: f'<span class="why-tag">{esc(label)}</span>' for key, label in REASON_LABELS.items()
    }
    reasons_intro = esc(gettext("In your inbox:"))
    for case in rows:
        case.href = f"{head}{case.number}{tail}"
        case.status_label = statuses.get(case.status, case.status)
        case.priority_label = priorities.get(case.priority, case.priority)
        case.overdue = bool(
            case.deadline and case.status in Case.OPEN_STATUSES and case.deadline < today
        )
        case.select_label = select_text % {"number": case.number}
        created = timezone.localtime(case.created_at)
        case.created_iso = created.isoformat()
        case.created_label = short(created.date())
        case.age_html = age(case.created_at)
        reasons = getattr(case, "reasons", None)  # the inbox's rows only
        case.reasons_html = (
            f'<span class="why"><span class="visually-hidden">{reasons_intro} </span>'
            + '<span class="visually-hidden">, </span>'.join(reason_tags[r] for r in reasons)
            + "</span>"
            if reasons
            else ""
        )
        if case.deadline:
            case.deadline_iso = case.deadline.isoformat()
            case.deadline_label = short(case.deadline)
        place = " ".join(p for p in (case.property_postcode, case.property_city) if p)
        case.property_label = ", ".join(p for p in (case.property_address, place) if p)
        case.assignee_name = case.assignee_full_name or case.assignee_email or ""
        case.sla_state = sla_state(
            status=case.status,
            next_due=case.sla_next_due,
            next_risk=case.sla_next_risk,
            paused_at=case.sla_paused_at,
            now=now,
        )
        case.sla_label = sla_labels.get(case.sla_state, "")
        if case.sla_state and case.sla_state != SlaState.PAUSED:
            due = timezone.localtime(case.sla_next_due)
            case.sla_due_iso = due.isoformat()
            case.sla_due_label = short_time(due)


def rows_html(rows: list, *, selectable: bool, checked: Collection[int]) -> SafeString:
    """The table body's <tr>s for `rows` (after present_rows): the markup the cases/_rows.html
    template had, built in Python, as a template costs ~0.3 ms a row and the inbox shows 50."""
    overdue_text = gettext("Overdue")  # as {% translate %}: the translation is not escaped
    # Phones show each row as a card, each cell after its column's name (CSS: data-label).
    label = {key: f' data-label="{esc(text)}"' for key, text in CELL_LABELS.items()}
    empty = " data-empty"  # "—": the card leaves the cell out
    out = []
    for case in rows:
        href = esc(case.href)
        select = ""
        if selectable:
            mark = " checked" if case.pk in checked else ""
            select = (
                f'<td class="select-col"><input type="checkbox" name="ids" '
                f'value="{esc(localize(case.pk))}" '
                f'aria-label="{esc(case.select_label)}"{mark}></td>'
            )
        category = (
            f'<br><span class="muted">{esc(case.category_name)}</span>'
            if case.category_name
            else ""
        )
        if case.deadline:
            overdue = f' <span class="overdue-label">{overdue_text}</span>' if case.overdue else ""
            deadline = (
                f'<time datetime="{esc(case.deadline_iso)}">{esc(case.deadline_label)}</time>'
                f"{overdue}"
            )
        else:
            deadline = "—"
        if case.sla_state:
            when = (
                f' <time datetime="{esc(case.sla_due_iso)}">{esc(case.sla_due_label)}</time>'
                if case.sla_state != SlaState.PAUSED
                else ""
            )
            sla = f'<span class="sla sla-{esc(case.sla_state)}">{esc(case.sla_label)}</span>{when}'
        else:
            sla = "—"
        row_class = ' class="overdue"' if case.overdue else ""
        out.append(
            f"\n<tr{row_class}>\n"
            f"  {select}\n"
            f'  <td><a href="{href}">#{esc(localize(case.number))}</a></td>\n'
            f'  <td class="title-col"><a href="{href}">{esc(case.title)}</a>'
            f"{category}{case.reasons_html}</td>\n"
            f"  <td{label['customer']}{'' if case.customer_name else empty}>"
            f"{esc(case.customer_name or '—')}</td>\n"
            f"  <td{label['property']}{'' if case.property_label else empty}>"
            f"{esc(case.property_label or '—')}</td>\n"
            f'  <td><span class="pill status-{esc(case.status)}">'
            f"{esc(case.status_label)}</span></td>\n"
            f'  <td{label["priority"]}><span class="pill priority-{esc(case.priority)}">'
            f"{esc(case.priority_label)}</span></td>\n"
            f"  <td{label['assignee']}{'' if case.assignee_name else empty}>"
            f"{esc(case.assignee_name or '—')}</td>\n"
            f"  <td{label['sla']}{'' if case.sla_state else empty}>{sla}</td>\n"
            f"  <td{label['deadline']}{'' if case.deadline else empty}>{deadline}</td>\n"
            f'  <td{label["created"]}><time datetime="{esc(case.created_iso)}">'
            f"{esc(case.created_label)}</time> {case.age_html}</td>\n"
            f"</tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above


def table_context(
    *, path: str, params: QueryDict, page: KeysetPage, org_slug: str, fragment: bool = False
) -> dict:
    """Columns with sort links and aria-sort, and previous/next links, for _results.html."""
    present_rows(page.rows, org_slug)
    base = params.copy()
    for key in (*CURSOR_PARAMS, "fragment"):
        base.pop(key, None)
    current, descending = parse_sort(params.get("sort"))
    columns = []
    for key, label in COLUMNS:
        column = {"label": label, "key": key, "aria_sort": None, "link": None}
        if key:
            if key == current:
                column["aria_sort"] = "descending" if descending else "ascending"
                flip_to_desc = not descending
            else:
                flip_to_desc = SORT_KEYS[key].default_descending
            column["link"] = _link(path, base, fragment, sort=f"-{key}" if flip_to_desc else key)
        columns.append(column)
    return {
        "columns": columns,
        "page": page,
        "fragment": fragment,
        "next_link": _link(path, base, fragment, after=page.next_cursor) if page.has_next else None,
        "prev_link": _link(path, base, fragment, before=page.prev_cursor)
        if page.has_prev
        else None,
        "current_url": query_url(path, params, fragment=None),
    }


def optional_url(name: str, org_slug: str) -> str | None:
    """The URL of an endpoint another app may provide (autocomplete), or None."""
    try:
        return reverse(name, kwargs={"org_slug": org_slug})
    except NoReverseMatch:
        return None
