"""Settings → Events → Export as CSV: the filtered events, streamed (UTF-8 with a byte order
mark, so spreadsheets read the letters; times in the page's time zone)."""

from __future__ import annotations

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
from organizations.tabular import csv_lines

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


def _csv_lines(org, filters: EventFilter, zone, language: str) -> Iterator[str]:
    """The CSV, read as it is sent: after the view has returned (TenantMiddleware keeps the
    request's organization for a streamed body), in one transaction (one snapshot), from the
    replica when there is one (config/db_router.py), in the page's language."""
    with replica_reads(), translation.override(language):
        header = [
            _("Time"),
            _("User"),
            _("Module"),
            _("Object type"),
            _("Object ID"),
            _("Object"),
            _("Action"),
            _("Changes"),
        ]
        events = org_events(org, filters).iterator(CSV_CHUNK)
        yield from csv_lines(header, _csv_rows(org, events, zone))


def _csv_rows(org, events: Iterable[AuditEvent], zone) -> Iterator[list[object]]:
    batch: list[AuditEvent] = []
    for event in events:
        batch.append(event)
        if len(batch) == CSV_CHUNK:
            yield from _batch_rows(org, batch, zone)
            batch = []
    yield from _batch_rows(org, batch, zone)


def _batch_rows(org, events: list[AuditEvent], zone) -> Iterator[list[object]]:
    for row in event_rows(org, events, links=False):
        event = row.event
        yield [
            timezone.localtime(event.created_at, zone).isoformat(timespec="seconds"),
            row.who,
            row.module,
            event.object_type,
            event.object_id,
            event.object_label,
            row.action,
            row.changes_text,
        ]
