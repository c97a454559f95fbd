"""Separating a reply's new text from the message it quotes."""

from __future__ import annotations

import re

# A line that starts the quoted part: an attribution ("On … wrote:", "Den … skrev …:"),
# a forwarded/original-message marker, or Outlook's separator line.
_STARTS = [
    re.compile(p, re.I)
    for p in (
        r"^(on|den|d\.|am|le|el|op)\b.{0,200}\b"
        r"(wrote|skrev|schrieb|a écrit|escribió|schreef)\s*:?\s*$",
        r"^.{0,200}\b(wrote|skrev|schrieb)\s*:\s*$",
        r"^-{2,}\s*(original message|opprinnelig melding|oprindelig meddelelse|"
        r"ursprungligt meddelande|videresendt melding|forwarded message|"
        r"vidarebefordrat meddelande)\s*-{2,}",
        r"^_{20,}\s*$",
    )
]
# Outlook's header block: "From:/Fra:/Från:" followed within a few lines by a date line.
_FROM = re.compile(r"^\*?(from|fra|från|von)\s*:\*?\s", re.I)
_SENT = re.compile(r"^\*?(sent|sendt|skickat|date|dato|datum|gesendet)\s*:", re.I)


# "man. 1. jan. 2026 kl. 10:00 skrev Kari <kari@example.no>:": a date and an address around
# the verb, so that "Jeg skrev til dere i går:" in the new text is not taken for one.
_VERB = re.compile(r"\b(wrote|skrev|schrieb)\b", re.I)


def _is_attribution(line: str) -> bool:
    return (
        line.endswith(":")
        and bool(_VERB.search(line))
        and any(ch.isdigit() for ch in line)
        and ("@" in line or "<" in line)
    )


def _quote_start(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        stripped = line.strip()
        if any(p.match(stripped) for p in _STARTS) or _is_attribution(stripped):
            return i
        if _FROM.match(stripped) and any(_SENT.match(n.strip()) for n in lines[i + 1 : i + 5]):
            return i
        if stripped.startswith(">") and all(
            not rest.strip() or rest.lstrip().startswith(">") for rest in lines[i:]
        ):
            return i
    return None


def split_quoted(text: str) -> tuple[str, str]:
    """(new text, quoted part). When nothing is new (a bare forward), everything is new."""
    lines = text.splitlines()
    start = _quote_start(lines)
    if start is None:
        return text.strip(), ""
    new = "\n".join(lines[:start]).strip()
    quoted = "\n".join(lines[start:]).strip()
    if not new:
        return text.strip(), ""
    return new, quoted
