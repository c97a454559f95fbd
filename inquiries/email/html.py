"""E-mail HTML made safe to show, and plain text made from HTML-only mail."""

from __future__ import annotations

import html as html_lib
import re

import nh3

from notifications.messages import sanitise_html

_BLOCK_END = re.compile(r"(?i)<\s*(br\s*/?|/p|/div|/li|/tr|/h[1-6]|/blockquote)\s*>")
_DROP = re.compile(r"(?is)<(script|style|head|title)[^>]*>.*?</\1\s*>")


_DATA_LINK = re.compile(r'(<a\b[^>]*?\shref=)"data:[^"]*"', re.I)


def sanitise_email_html(raw_html: str) -> str:
    """The message's HTML with only harmless markup left (no script, style, event handler or
    javascript: URL), through the project's one sanitiser. data: URLs stay for images (our
    resolved cid: pictures) but not for links, which could open a page of the sender's."""
    return _DATA_LINK.sub(r'\1"#"', sanitise_html(_DROP.sub("", raw_html)))


def html_to_text(raw_html: str) -> str:
    """Readable text of an HTML-only message: line breaks kept, tags and entities gone."""
    marked = _BLOCK_END.sub("\n", _DROP.sub("", raw_html))
    text = html_lib.unescape(nh3.clean(marked, tags=set()))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
