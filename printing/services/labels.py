"""Container labels: Code 128 of the container ID (vector SVG, python-barcode) with the ID in
text beneath, a QR code (segno) of the container page's address, and the container's details,
laid out on the organization's label format.

Large runs are laid out in chunks of whole pages so the worker can report progress between
them; the pages are joined into one PDF at the end.
"""

from __future__ import annotations

import base64
import io
import zoneinfo
from collections.abc import Callable, Sequence

import barcode
import segno
from barcode.errors import IllegalCharacterError
from barcode.writer import SVGWriter
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from organizations.models import Organization
from printing.formats import LabelFormat
from printing.services.render import (
    documents_to_pdf,
    logo_data_uri,
    render_documents,
    render_template,
)
from properties.models import Container

QUIET_ZONE_MODULES = 10  # Code 128 wants ten modules of white on each side
MAX_MODULE_MM = 0.33
QR_MASK = 2
CHUNK_LABELS = 120  # labels laid out per WeasyPrint document (rounded to whole pages)


def container_url(container: Container, org: Organization) -> str:
    """The absolute address of the container's page: what the QR code opens (after sign-in)."""
    path = reverse(
        "properties:container_detail",
        kwargs={"org_slug": org.slug, "container_pk": container.pk},
    )
    return f"{settings.SITE_URL}{path}"


class BarsSVGWriter(SVGWriter):
    """python-barcode's SVG writer drawing all bars as one path in a scalable viewBox (mm).

    The stock writer makes one <rect> with mm units per bar; WeasyPrint styles and draws each
    separately, which made the SVGs most of a 500-label run's layout time."""

    def _init(self, code):
        self._bars: list[str] = []
        super()._init(code)

    def _create_module(self, xpos, ypos, width, color):
        if color == self.foreground:
            height = self.module_height
            self._bars.append(f"M{xpos:.3f} {ypos:.3f}h{width:.3f}v{height:.3f}H{xpos:.3f}Z")

    def _finish(self):
        width = float(self._root.getAttribute("width").removesuffix("mm"))
        height = float(self._root.getAttribute("height").removesuffix("mm"))
        self._root.setAttribute("viewBox", f"0 0 {width:.3f} {height:.3f}")
        path = self._document.createElement("path")
        path.setAttribute("d", "".join(self._bars))
        path.setAttribute("fill", self.foreground)
        self._group.appendChild(path)
        return super()._finish()


def code128_modules(text: str) -> str:
    """The bars of `text` in Code 128 as a string of 1 (bar) and 0 (space) modules."""
    return barcode.get("code128", text).build()[0]


def barcode_svg(text: str, *, width_mm: float, height_mm: float) -> tuple[str, float]:
    """(SVG, its width in mm) of the Code 128 of `text`, at most `width_mm` wide when the
    modules allow it (narrower modules than 0.19 mm are hard to scan; long IDs get them
    anyway rather than a barcode cut off)."""
    modules = len(code128_modules(text)) + 2 * QUIET_ZONE_MODULES
    module = max(0.12, min(MAX_MODULE_MM, width_mm / modules))
    code = barcode.get("code128", text, writer=BarsSVGWriter())
    buffer = io.BytesIO()
    code.write(
        buffer,
        options={
            "module_width": module,
            "module_height": height_mm,
            "quiet_zone": QUIET_ZONE_MODULES * module,
            "write_text": False,
            "background": None,
            "margin_top": 0,
            "margin_bottom": 0,
            "compress": False,
        },
    )
    return buffer.getvalue().decode("utf-8"), modules * module


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def qr_data_uri(url: str) -> str:
    """The QR code as a PNG of one pixel per module, printed with crisp edges: as sharp as a
    vector drawing at any size, and far cheaper for WeasyPrint than an SVG path of hundreds
    of segments (the labels' main cost at 500 a run)."""
    # A fixed mask: scanners read every mask, and scoring all eight cost more than the rest of
    # the label (segno evaluates them in pure Python).
    qr = segno.make(url, error="m", micro=False, mask=QR_MASK, boost_error=False)
    return qr.png_data_uri(scale=1, border=0)


def _layout(fmt: LabelFormat) -> dict:
    """Sizes of the label's parts in mm, from the label's size."""
    padding = 2.5 if fmt.height >= 40 else 2.0
    inner_h = fmt.height - 2 * padding
    qr = min(inner_h * 0.62, fmt.width * 0.3)
    bar_h = max(6.0, min(inner_h * 0.32, 14.0))
    return {
        "padding": padding,
        "qr": round(qr, 2),
        "bar_width": round(fmt.width - 2 * padding - qr - 2, 2),
        "bar_height": round(bar_h, 2),
        "font": 7 if fmt.height < 40 else 8.5,
    }


def label_items(org: Organization, containers: Sequence[Container], fmt: LabelFormat) -> list:
    sizes = _layout(fmt)
    items = []
    for container in containers:
        try:
            svg, width = barcode_svg(
                container.container_id, width_mm=sizes["bar_width"], height_mm=sizes["bar_height"]
            )
        except IllegalCharacterError:
            # Code 128 has ASCII only: an ID with æ, ø, å... gets its text and QR code.
            svg, width = "", 0.0
        items.append(
            {
                "container": container,
                "barcode": svg_data_uri(svg) if svg else "",
                "barcode_width": round(width, 3),
                "qr": qr_data_uri(container_url(container, org)),
                "address": container.placement_address or container.property.full_address,
            }
        )
    return items


def _pages(fmt: LabelFormat, items: list) -> list[list[dict]]:
    positions = fmt.positions()
    pages = []
    for start in range(0, len(items), fmt.per_page):
        chunk = items[start : start + fmt.per_page]
        pages.append(
            [
                {**item, "left": left, "top": top}
                for item, (left, top) in zip(chunk, positions, strict=False)
            ]
        )
    return pages


def labels_html(
    org: Organization, containers: Sequence[Container], fmt: LabelFormat, *, logo: str = ""
) -> str:
    items = label_items(org, containers, fmt)
    return render_template(
        "printing/labels_pdf.html",
        {
            "org": org,
            "logo": logo,
            "fmt": fmt,
            "sizes": _layout(fmt),
            "pages": _pages(fmt, items),
            "language": translation.get_language(),
        },
    )


def labels_pdf_render(
    org: Organization,
    containers: Sequence[Container],
    fmt: LabelFormat,
    *,
    language: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """One PDF with a label per container; `progress(done)` is called after each chunk."""
    logo = logo_data_uri(org)
    chunk = max(fmt.per_page, CHUNK_LABELS // fmt.per_page * fmt.per_page)
    documents = []
    zone = zoneinfo.ZoneInfo(org.time_zone)
    with translation.override(language or org.default_language), timezone.override(zone):
        for start in range(0, len(containers), chunk):
            part = containers[start : start + chunk]
            documents.extend(render_documents([labels_html(org, part, fmt, logo=logo)]))
            if progress is not None:
                progress(start + len(part))
    if not documents:
        raise ValueError("no containers to print")
    return documents_to_pdf(documents)
