"""Settings → Events → Export as CSV: the filtered events, streamed (UTF-8 with a byte order
mark, so spreadsheets read the letters; times in the page's time zone)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.db_router import replica_reads
from organizations.audit_display import event_rows
from organizations.forms_events import EventFilterForm
from organizations.models_audit import AuditEvent
from organizations.scoping import ADMIN_ROLES, org_view
from organizations.selectors_audit import EventFilter, org_events

CSV_CHUNK = 2000


@org_view(roles=ADMIN_ROLES)
def events_export(request: HttpRequest) -> HttpResponse:
    """The filtered events as CSV (UTF-8 with a byte order mark, so spreadsheets read the
    letters; times in the page's time zone), streamed."""
    form = EventFilterForm(request.GET or None, org=request.org)
    if request.GET and not form.is_valid():
        url = reverse("organizations:events", kwargs={"org_slug": request.org.slug})
        return redirect(f"{url}?{request.GET.urlencode()}")
    org = request.org
    filters = form.filters() if request.GET else EventFilter()
    response = StreamingHttpResponse(
        _csv_lines(org, filters, timezone.get_current_timezone(), translation.get_language()),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="events-{org.slug}-{stamp}.csv"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def _csv_lines(org, filters: EventFilter, zone, language: str) -> Iterator[str]:
    """The CSV, read as it is sent: after the view has returned (TenantMiddleware keeps the
    request's organization for a streamed body), in one transaction (one snapshot), from the
    replica when there is one (config/db_router.py), in the page's language."""
    with replica_reads(), translation.override(language):
        yield from _csv_content(org, org_events(org, filters).iterator(CSV_CHUNK), zone)


def _csv_content(org, events: Iterable[AuditEvent], zone) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(
        [
            _("Time"),
            _("User"),
            _("Module"),
            _("Object type"),
            _("Object ID"),
            _("Object"),
            _("Action"),
            _("Changes"),
        ]
    )
    batch: list[AuditEvent] = []
    for event in events:
        batch.append(event)
        if len(batch) == CSV_CHUNK:
            yield from _csv_rows(org, batch, zone, writer)
            batch = []
    yield from _csv_rows(org, batch, zone, writer)


def _csv_rows(org, events: list[AuditEvent], zone, writer) -> Iterator[str]:
    for row in event_rows(org, events, links=False):
        event = row.event
        when = timezone.localtime(event.created_at, zone)
        yield writer.writerow(
            [
                when.isoformat(timespec="seconds"),
                spreadsheet_safe(row.who),
                row.module,
                event.object_type,
                event.object_id if event.object_id is not None else "",
                spreadsheet_safe(event.object_label),
                row.action,
                spreadsheet_safe(row.changes_text),
            ]
        )
