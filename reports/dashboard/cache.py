"""The dashboard's caches: the figures (for the page and the downloads) and the rendered page
body (per organization, filters, time zone and language), both for CACHE_SECONDS.

A cached request reads the rendered body and draws the small page around it. The default views
(the presets with no team or property) of an organization whose dashboard was opened within the
last hour are recomputed in the background every REFRESH_SECONDS (reports/tasks.py), with a
lifetime that outlasts the next refresh, so their first request after the cache would have
expired is still a cache read. The page says when its figures were computed. Filtered views and
chosen dates are computed on demand.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from organizations.models import Organization
from reports.dashboard.filters import PRESETS, DashboardFilters, preset_period
from reports.dashboard.page import dashboard_sections
from reports.dashboard.queries import Dashboard, dashboard_figures
from reports.dashboard.tables import report_table

CACHE_SECONDS = 120
# The beat job's interval (config/settings.py, "refresh-dashboards") and the lifetime of what
# it computes: longer than the interval, so a refreshed view never expires between two runs.
REFRESH_SECONDS = 120
REFRESHED_SECONDS = REFRESH_SECONDS + 60
OPENED_SECONDS = 3600  # "opened within the last hour"
OPENED_NOTE_EVERY = 300  # the mark is rewritten at most this often per language


@dataclass(frozen=True)
class CachedPage:
    """The rendered body of the dashboard and what the page's header says about it."""

    computed_at: dt.datetime
    start: dt.datetime
    end: dt.datetime
    html: str

    @property
    def body(self) -> SafeString:
        # render_page rendered it through the (escaping) templates.
        return mark_safe(self.html)  # noqa: S308


def figures_key(org_id: int, filters: DashboardFilters) -> str:
    return f"reports:dashboard:{org_id}:{filters.cache_key()}"


def page_key(org_id: int, filters: DashboardFilters, language: str) -> str:
    return f"reports:dashboard:page:{org_id}:{language}:{filters.cache_key()}"


def opened_key(org_id: int) -> str:
    return f"reports:dashboard-opened:{org_id}"


def cached_figures(org: Organization, filters: DashboardFilters) -> Dashboard:
    key = figures_key(org.pk, filters)
    figures = cache.get(key)
    if figures is None:
        figures = dashboard_figures(org, filters)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def render_page(org: Organization, filters: DashboardFilters, figures: Dashboard) -> CachedPage:
    """The body (summary and every report) in the active language and time zone."""
    summary = report_table(figures, "summary")
    html = render_to_string(
        "reports/_dashboard_body.html",
        {
            "org": org,
            "filters": filters,
            "summary": summary,
            "kpis": list(zip(summary.header, summary.rows[0], strict=True)),
            "sections": dashboard_sections(figures),
            "query": filters.query(),
        },
    )
    return CachedPage(figures.computed_at, figures.start, figures.end, html)


def _note_opened(org_id: int, language: str, mark: dict[str, float] | None) -> None:
    """Remember that this organization's default view was opened in `language` (the beat job
    keeps those fresh for an hour)."""
    now = time.time()
    mark = dict(mark or {})
    if now - mark.get(language, 0) < OPENED_NOTE_EVERY:
        return
    mark = {lang: at for lang, at in mark.items() if now - at < OPENED_SECONDS}
    mark[language] = now
    cache.set(opened_key(org_id), mark, OPENED_SECONDS)


def dashboard_page(
    org: Organization, filters: DashboardFilters
) -> tuple[CachedPage, Dashboard | None]:
    """The page body from the cache (one read), else rendered from the figures (cached or
    computed); with the figures when they were needed."""
    language = translation.get_language()
    key = page_key(org.pk, filters, language)
    keys = [key, opened_key(org.pk)] if filters.is_default_view else [key]
    found = cache.get_many(keys)
    if filters.is_default_view:
        _note_opened(org.pk, language, found.get(opened_key(org.pk)))
    if key in found:
        return found[key], None
    figures = cached_figures(org, filters)
    page = render_page(org, filters, figures)
    # No longer than the figures it shows are kept.
    age = (timezone.now() - figures.computed_at).total_seconds()
    cache.set(key, page, max(1, int(CACHE_SECONDS - age)))
    return page, figures


def opened_languages(org_ids: list[int]) -> dict[int, list[str]]:
    """The organizations whose default dashboard was opened within the last hour, with the
    languages it was shown in (one cache read)."""
    keys = {opened_key(org_id): org_id for org_id in org_ids}
    known = {code for code, _name in settings.LANGUAGES}
    now = time.time()
    out = {}
    for key, mark in cache.get_many(list(keys)).items():
        languages = sorted(
            lang for lang, at in mark.items() if lang in known and now - at < OPENED_SECONDS
        )
        if languages:
            out[keys[key]] = languages
    return out


def refresh_default_views(org: Organization, languages: list[str]) -> int:
    """Compute the default views (every preset, no team or property) in the organization's time
    zone and cache their figures and bodies in `languages` until after the next refresh.
    Returns how many views were refreshed."""
    with timezone.override(org.time_zone):
        now = timezone.now()
        for preset, weeks in PRESETS.items():
            start, end = preset_period(weeks, now)
            filters = DashboardFilters(start, end, preset=preset)
            figures = dashboard_figures(org, filters, now=now)
            entries = {figures_key(org.pk, filters): figures}
            for language in languages:
                with translation.override(language):
                    entries[page_key(org.pk, filters, language)] = render_page(
                        org, filters, figures
                    )
            cache.set_many(entries, REFRESHED_SECONDS)
    return len(PRESETS)
