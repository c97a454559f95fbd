"""@mentions in notes.

The composer's picker inserts a stable token, ``@[Full Name](user:<id>)``, so a mention does not
depend on names being unique or unchanged. Only the id counts; the name is what readers see.
Typing "@Someone" by hand mentions nobody: there is no id to trust.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MENTION_RE = re.compile(r"@\[(?P<name>[^\[\]\n]{1,150})\]\(user:(?P<id>\d{1,18})\)")


def mention_token(user_id: int, name: str) -> str:
    clean = re.sub(r"[\[\]\n]", " ", name).strip()[:150] or str(user_id)
    return f"@[{clean}](user:{user_id})"


def mentioned_ids(body: str) -> set[int]:
    """Every user id named by a mention token in `body` (not yet checked against members)."""
    return {int(m.group("id")) for m in MENTION_RE.finditer(body or "")}


def mentions_to_text(body: str) -> str:
    """The body as readers see it: tokens become "@Full Name"."""
    return MENTION_RE.sub(lambda m: "@" + m.group("name"), body or "")


def mentions_to_html(body: str, valid_ids: Collection[int]) -> SafeString:
    """Escape `body` and highlight the mentions of `valid_ids`; other tokens become plain text."""
    out: list[str] = []
    pos = 0
    for m in MENTION_RE.finditer(body or ""):
        out.append(escape(body[pos : m.start()]))
        name = escape("@" + m.group("name"))
        if int(m.group("id")) in valid_ids:
            out.append(f'<mark class="mention">{name}</mark>')
        else:
            out.append(name)
        pos = m.end()
    out.append(escape((body or "")[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped
