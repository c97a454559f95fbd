"""Reading e-mail headers leniently: the Message-ID, decoded values, addresses, charsets.

Header values are kept as sent by the compat32 parser; the ones that need decoding (From,
Subject) are read through policy default's header factory — the objects `policy.default`
would give — unless they are plain ASCII without encoded words, where it would give the same
text back. Raw 8-bit bytes are read as UTF-8, else Windows-1252.
"""

from __future__ import annotations

import hashlib
import re
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr

MESSAGE_ID_RE = re.compile(r"<[^<>\s]+>")


_MESSAGE_ID_HEADER = re.compile(rb"(?im)^message-id[ \t]*:([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)")
_HEADERS_END = re.compile(rb"\r?\n\r?\n")


def message_id_of(raw: bytes) -> str:
    """The Message-ID from the header block (a regular expression over the headers: no MIME
    parsing), or a hash of the raw bytes when there is none, so every stored message has a
    key to be unique on."""
    end = _HEADERS_END.search(raw, 0, 262144)
    head = raw[: end.start()] if end else raw[:262144]
    match = _MESSAGE_ID_HEADER.search(head)
    value = match.group(1).decode("utf-8", "replace") if match else ""
    found = MESSAGE_ID_RE.search(value)
    if found and len(found.group(0)) <= 250:
        return found.group(0)
    value = " ".join(value.split())
    if value and len(value) <= 250 and " " not in value:
        return value
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def decode_words(value: str) -> str:
    """RFC 2047 words decoded however broken they are; undecodable bytes are replaced."""
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        parts = []
        try:
            chunks = decode_header(value)
        except Exception:
            return value
        for chunk, charset in chunks:
            if isinstance(chunk, bytes):
                parts.append(decode_bytes(chunk, charset))
            else:
                parts.append(chunk)
        return "".join(parts)


def _index(msg: Message) -> dict[str, list[str]]:
    """The message's headers by lower-cased name, as sent (built once per message)."""
    index = getattr(msg, "_saksflyt_headers", None)
    if index is None:
        index = {}
        for key, raw in msg.raw_items():
            index.setdefault(key.lower(), []).append(str(raw))
        msg._saksflyt_headers = index
    return index


def raw_header(msg: Message, name: str) -> str:
    """The header as it arrived (8-bit bytes kept as surrogates), "" when absent."""
    values = _index(msg).get(name.lower())
    return values[0] if values else ""


def _raw_headers(msg: Message, name: str) -> list[str]:
    return _index(msg).get(name.lower(), [])


def _structured(name: str, raw: str):
    """The header object policy default makes of `raw` (RFC 2047 words, address lists...)."""
    return policy.default.header_factory(name, raw)


_SIMPLE_ADDRESS = re.compile(
    r"^\s*(?:([\w .'-]*?)\s*<([^<>@\s\"(),;:]+@[\w.-]+)>|([^<>@\s\"(),;:]+@[\w.-]+))\s*$"
)


def _plain(raw: str) -> bool:
    """ASCII with no encoded word: policy default would give the same text back unfolded."""
    return raw.isascii() and "=?" not in raw


def header(msg: Message, name: str, *, decode: bool = True) -> str:
    """A header's value, "" when absent. With `decode` it is read as policy default reads it
    (encoded words decoded), else kept as sent (tokens, Message-IDs); raw 8-bit bytes are read
    as UTF-8, else Windows-1252, and a value the strict parser refuses is decoded leniently."""
    raw = raw_header(msg, name)
    if not raw:
        return ""
    if not decode or _plain(raw):
        text = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return " ".join(text.replace("\x00", "").split())
    try:
        text = str(_structured(name, raw))
    except Exception:
        text = decode_words(raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
    if "=?" in text:  # encoded words the parser left alone (inside quotes, say)
        text = decode_words(text)
    if "\ufffd" in text or any("\udc80" <= ch <= "\udcff" for ch in text):
        text = decode_words(decode_bytes(raw.encode("utf-8", "surrogateescape"), "utf-8"))
    return " ".join(text.replace("\x00", "").split())


def addresses(msg: Message, name: str, *, structured: bool = True) -> list[tuple[str, str]]:
    """(name, address) pairs as policy default reads them (`structured`; the sender), else as
    `getaddresses` does (recipients: only their addresses matter); addresses lower-cased, only
    those with an @; what the strict parser refuses is read by `getaddresses`."""
    found: list[tuple[str, str]] = []
    values = []
    for raw in _raw_headers(msg, name):
        text = raw.encode("utf-8", "surrogateescape")
        values.append(decode_bytes(text, "utf-8") if not text.isascii() else raw)
    if structured and len(values) == 1 and _plain(values[0]):
        # The common "Name <a@b>" or "a@b": what the structured parser would find.
        simple = _SIMPLE_ADDRESS.match(values[0])
        if simple:
            display = (simple.group(1) or "").strip()
            return [(display, (simple.group(2) or simple.group(3)).lower())]
    for value in values if structured else ():
        try:
            for item in _structured(name, value).addresses:
                address = (item.addr_spec or "").strip().lower()
                if "@" in address and " " not in address:
                    found.append((decode_words(item.display_name or "").strip(), address))
        except Exception:
            continue
    if found:
        return found
    for display, address in getaddresses([decode_words(v) for v in values]):
        address = address.strip().strip("<>").lower()
        if "@" in address and " " not in address:
            found.append((display.strip(), address))
    if not found and values:  # "Name <a@b>" that getaddresses gave up on
        joined = " ".join(values)
        display, address = parseaddr(joined)
        if "@" in address:
            found.append((display, address.lower()))
        else:
            match = re.search(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+", joined)
            if match:
                found.append(("", match.group(0).lower()))
    return found


def message_ids(value: str) -> list[str]:
    return MESSAGE_ID_RE.findall(value or "")


_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",  # Windows-1252 is a superset, and what such mail really is
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "us-ascii": "utf-8",  # 8-bit text labelled ASCII is nearly always UTF-8
    "ascii": "utf-8",
    "ansi_x3.4-1968": "utf-8",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift-jis": "shift_jis",
    "x-sjis": "shift_jis",
}


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text in its declared charset, corrected for what mailers commonly get wrong; never
    raises (undecodable bytes become U+FFFD)."""
    declared = (charset or "").strip().strip('"').lower()
    tried = []
    for candidate in (_CHARSET_ALIASES.get(declared, declared), declared, "utf-8"):
        if not candidate or candidate in tried:
            continue
        tried.append(candidate)
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")
