"""Working through the tray: after a case is made from an inquiry the caseworker is back at
the tray with the next inquiry open, never on a page in between (issue 14)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cases.models import Case
from inquiries.forms.lists import InquiryFilterForm
from inquiries.models import Inquiry

FILTERS = ("channel", "date_from", "date_to")


def tray_query(params: QueryDict) -> str:
    """The tray's filters among `params` (a query string or POST), to carry them along."""
    return urlencode([(k, params[k]) for k in FILTERS if params.get(k)])


def tray_filters(params: QueryDict) -> dict:
    """The tray's valid filters among `params` (status aside: the tray is the new inquiries)."""
    form = InquiryFilterForm({k: params[k] for k in FILTERS if params.get(k)} or None)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    filters.pop("status")
    return filters


def tray_url(org_slug: str, query: str, preview: Inquiry | None) -> str:
    """The tray, filtered as it was, with `preview` open beside the list."""
    url = reverse("inquiries:inquiry_list", kwargs={"org_slug": org_slug})
    parts = [query] if query else []
    if preview is not None:
        parts.append(f"preview={preview.pk}")
    return f"{url}?{'&'.join(parts)}" if parts else url


def case_created_text(case: Case, org_slug: str) -> SafeString:
    """ "Case #12 was created." with a link to it (the tray stays where it is)."""
    url = reverse("cases:case_detail", kwargs={"org_slug": org_slug, "number": case.number})
    return format_html(
        '{} <a href="{}">{}</a>',
        _("Case #%(number)s was created.") % {"number": case.number},
        url,
        _("Open case #%(number)s") % {"number": case.number},
    )
