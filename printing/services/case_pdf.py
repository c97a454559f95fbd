"""The case as a PDF: what a housing company would send, or keep, about a case.

A customer-facing printout never contains internal notes, whatever is asked; a staff printout
contains them only when asked for.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from organizations.models import Organization
from printing.selectors import case_printout
from printing.services.render import (
    css_string,
    html_to_pdf,
    logo_data_uri,
    page_counter_content,
    render_template,
)

CUSTOMER, STAFF = "customer", "staff"
AUDIENCES = (CUSTOMER, STAFF)


@dataclass
class RenderedPdf:
    filename: str
    content: bytes


def case_pdf_html(
    org: Organization,
    number: int,
    *,
    audience: str = CUSTOMER,
    include_notes: bool = False,
    language: str | None = None,
) -> tuple[str, str]:
    """(file name, HTML) of the printout of case `number` of `org`, in `language`."""
    include_notes = bool(include_notes) and audience == STAFF
    zone = zoneinfo.ZoneInfo(org.time_zone)
    with translation.override(language or org.default_language), timezone.override(zone):
        printout = case_printout(org, number, include_notes=include_notes)
        now = timezone.localtime(timezone.now(), zone)
        context = {
            "org": org,
            "logo": logo_data_uri(org),
            "p": printout,
            "case": printout.case,
            "audience": audience,
            "printed_at": date_format(now, "DATETIME_FORMAT"),
            # CSS values built by css_string (quotes, backslashes and < > escaped).
            "page_content": mark_safe(page_counter_content(_("Page {page} of {pages}"))),  # noqa: S308
            "footer_left": mark_safe(css_string(org.name)),  # noqa: S308
            "language": translation.get_language(),
        }
        html = render_template("printing/case_pdf.html", context)
        filename = _("case-%(number)s.pdf") % {"number": printout.case.number}
    return filename, html


def case_pdf_render(
    org: Organization,
    number: int,
    *,
    audience: str = CUSTOMER,
    include_notes: bool = False,
    language: str | None = None,
) -> RenderedPdf:
    filename, html = case_pdf_html(
        org, number, audience=audience, include_notes=include_notes, language=language
    )
    return RenderedPdf(filename=filename, content=html_to_pdf(html))
