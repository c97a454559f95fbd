"""HTML to PDF with WeasyPrint: the fonts, the print CSS and a URL fetcher that fetches nothing.

Everything a printout shows is in its HTML: images (logo, barcodes, QR codes) are data: URIs,
so the fetcher refuses every other URL (no file or network reads from content). Fonts are
DejaVu, installed by the system package fonts-dejavu-core (.ci/run checks it): it covers
æøå ÆØÅ äö and the rest of the Nordic alphabets.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Sequence

from django.template.loader import render_to_string
from weasyprint import HTML, default_url_fetcher
from weasyprint.text.fonts import FontConfiguration

FONT_FAMILY = '"DejaVu Sans", "Noto Sans", sans-serif'


class FetchRefused(ValueError):
    pass


def url_fetcher(url: str, *args, **kwargs):
    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    raise FetchRefused(f"printouts load nothing from outside: {url[:80]}")


def css_string(text: str) -> str:
    """`text` as a CSS string literal (for generated content such as the page footer)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return '"' + escaped.replace("<", "\\3c ").replace(">", "\\3e ") + '"'


def page_counter_content(template: str) -> str:
    """CSS `content` for a translated "Page {page} of {pages}" with the page counters."""
    parts: list[str] = []
    rest = template
    while rest:
        cut = [(rest.find(token), token) for token in ("{page}", "{pages}") if token in rest]
        if not cut:
            parts.append(css_string(rest))
            break
        index, token = min(cut)
        if index:
            parts.append(css_string(rest[:index]))
        parts.append("counter(pages)" if token == "{pages}" else "counter(page)")
        rest = rest[index + len(token) :]
    return " ".join(parts) or '""'


def logo_data_uri(org) -> str:
    """The organization's logo as a data: URI, or "" (no logo, or its file is gone)."""
    if not org.logo:
        return ""
    try:
        with org.logo.open("rb") as fh:
            data = fh.read()
    except (FileNotFoundError, OSError, ValueError):
        return ""
    content_type = mimetypes.guess_type(org.logo.name)[0] or "image/png"
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=url_fetcher, base_url="data:,").write_pdf(
        font_config=FontConfiguration()
    )


def render_documents(htmls: Sequence[str]) -> list:
    """Lay out each HTML string (progress can be reported between them)."""
    font_config = FontConfiguration()
    return [
        HTML(string=html, url_fetcher=url_fetcher, base_url="data:,").render(
            font_config=font_config
        )
        for html in htmls
    ]


def documents_to_pdf(documents: list) -> bytes:
    """One PDF of the pages of all `documents` (laid out separately), in order."""
    first = documents[0]
    pages = [page for document in documents for page in document.pages]
    return first.copy(pages).write_pdf()


def render_template(name: str, context: dict) -> str:
    return render_to_string(name, {"font_family": FONT_FAMILY, **context})
