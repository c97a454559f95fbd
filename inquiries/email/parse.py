"""Reading a raw e-mail with the standard library (`email`), defensively.

The MIME tree is split by the standard parser with the compat32 policy, which keeps header
values as sent, and the headers that need decoding (From, To, Cc, Subject) are read through
policy default's header factory — the same objects `policy.default` would give, made only
for those headers: building them for every header of every part is what makes policy default
ten times slower, and the pipeline's throughput target leaves no room for that.

Real mail is often wrong: charsets that are not what they say (Windows-1252 labelled ISO-8859-1,
UTF-8 labelled US-ASCII, no charset at all), broken encoded words, unknown transfer encodings,
headers the strict parser refuses. Every read here has a fallback, so a message that can be
split into headers and body always yields sender, subject, text and files; `parse` raises
`UnparseableEmail` only when there is nothing to read.
"""

from __future__ import annotations

import base64
import contextlib
import email
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message

from inquiries.email.headers import (
    addresses,
    decode_bytes,
    decode_words,
    header,
    message_id_of,
    message_ids,
)
from inquiries.email.html import html_to_text, sanitise_email_html
from inquiries.email.quotes import split_quoted

# Inline images up to this size are shown in the HTML as data: URLs (cid: resolved).
INLINE_IMAGE_MAX_BYTES = 256 * 1024
INLINE_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}

_OBS_NAME = re.compile(rb"(?m)^([!-9;-~]+)[ \t]+:")


class UnparseableEmail(Exception):
    """The bytes are not an e-mail we can read; the message says why."""


@dataclass
class EmailFile:
    name: str
    content_type: str
    data: bytes
    content_id: str = ""
    inline: bool = False


@dataclass
class DeliveryReport:
    """What a bounce (DSN) says: the message it reports on and whether delivery failed."""

    original_message_ids: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    failed: bool = True
    diagnostic: str = ""


@dataclass
class ParsedEmail:
    message_id: str
    from_address: str
    from_name: str
    to: list[str]
    subject: str
    text: str
    quoted: str
    html: str
    files: list[EmailFile]
    in_reply_to: list[str]
    references: list[str]
    headers: dict[str, str]
    report: DeliveryReport | None = None
    defects: list[str] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """In-Reply-To first, then References newest first: the likeliest parent first."""
        seen: dict[str, None] = {}
        for mid in [*self.in_reply_to, *reversed(self.references)]:
            seen.setdefault(mid, None)
        return list(seen)


# --- Bodies ---------------------------------------------------------------------------------


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    if not name:
        try:
            name = part.get_param("name", header="content-type") or ""
            if isinstance(name, tuple):  # RFC 2231 (charset, language, value)
                name = email.utils.collapse_rfc2231_value(name)
        except Exception:
            name = ""
    name = decode_words(str(name)) if "=?" in str(name) else str(name)
    return name.replace("\x00", "").strip()


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def _disposition(part: Message) -> str:
    try:
        return part.get_content_disposition() or ""
    except Exception:
        return ""


EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "application/pdf": "pdf",
    "text/plain": "txt",
    "text/html": "html",
    "message/rfc822": "eml",
}


@dataclass
class _Walk:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    files: list[EmailFile] = field(default_factory=list)
    report: DeliveryReport | None = None


def _walk(part: Message, found: _Walk, depth: int = 0) -> None:
    if depth > 30:  # a message nested absurdly deep ("stack level too deep")
        return
    ctype = _content_type(part)
    if found.report is not None and ctype in (
        "message/delivery-status",
        "text/rfc822-headers",
        "message/rfc822-headers",
    ):
        _read_report(part, ctype, found.report)
        return
    if found.report is not None and ctype == "message/rfc822":
        _read_report(part, ctype, found.report)
    if part.is_multipart() and ctype not in ("message/rfc822", "message/delivery-status"):
        if ctype == "multipart/report":
            found.report = found.report or DeliveryReport()
        payload = part.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, Message):
                    _walk(sub, found, depth + 1)
        return
    disposition = _disposition(part)
    name = _filename(part)
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not name:
        text = decode_bytes(_payload_bytes(part), part.get_content_charset())
        (found.texts if ctype == "text/plain" else found.htmls).append(text)
        return
    if ctype == "message/rfc822":
        data = b""
        payload = part.get_payload()
        if isinstance(payload, list) and payload:
            try:
                data = payload[0].as_bytes(policy=policy.compat32)
            except Exception:
                data = _payload_bytes(part)
        else:
            data = _payload_bytes(part)
        name = name or "message.eml"
    else:
        data = _payload_bytes(part)
    if not data:
        return
    if not name:
        extension = EXTENSIONS.get(ctype, "bin")
        name = f"attachment-{len(found.files) + 1}.{extension}"
    content_id = header(part, "Content-ID", decode=False).strip()
    found.files.append(
        EmailFile(
            name=name[:255],
            content_type=ctype,
            data=data,
            content_id=content_id.strip("<>"),
            inline=disposition == "inline" or bool(content_id and disposition != "attachment"),
        )
    )


def _read_report(part: Message, ctype: str, report: DeliveryReport) -> None:
    if ctype == "message/delivery-status":
        blocks = part.get_payload()
        text = ""
        if isinstance(blocks, list):
            text = "\n".join(str(b) for b in blocks)
        else:
            text = decode_bytes(_payload_bytes(part), None)
        actions = re.findall(r"^Action:\s*(\S+)", text, re.I | re.M)
        statuses = re.findall(r"^Status:\s*(\S+)", text, re.I | re.M)
        report.recipients += [
            r.strip() for r in re.findall(r"^Final-Recipient:\s*[^;]*;\s*(.+)$", text, re.I | re.M)
        ]
        diagnostics = re.findall(r"^Diagnostic-Code:\s*(.+)$", text, re.I | re.M)
        report.diagnostic = "; ".join(d.strip() for d in diagnostics)[:1000] or ", ".join(statuses)
        if actions:
            report.failed = any(a.lower() == "failed" for a in actions)
        elif statuses:
            report.failed = any(s.startswith("5") for s in statuses)
        return
    # The returned message or its headers: its Message-ID is ours.
    headers_text = ""
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        report.original_message_ids += message_ids(header(payload[0], "Message-ID", decode=False))
        return
    headers_text = decode_bytes(_payload_bytes(part), None)
    match = re.search(r"^Message-ID:\s*(<[^>\s]+>)", headers_text, re.I | re.M)
    if match:
        report.original_message_ids.append(match.group(1))


def _resolve_cids(html: str, files: list[EmailFile]) -> str:
    """`cid:` images shown inline: small ones become data: URLs; the rest lose their src."""
    by_cid = {f.content_id: f for f in files if f.content_id}

    def replace(match: re.Match) -> str:
        cid = match.group(2)
        item = by_cid.get(cid)
        if (
            item is None
            or item.content_type not in INLINE_IMAGE_TYPES
            or len(item.data) > INLINE_IMAGE_MAX_BYTES
        ):
            return f'{match.group(1)}""'
        encoded = base64.b64encode(item.data).decode("ascii")
        return f'{match.group(1)}"data:{item.content_type};base64,{encoded}"'

    if not by_cid or "cid:" not in html:
        return html
    return re.sub(r"""(src\s*=\s*)["']?cid:([^"'\s>]+)["']?""", replace, html, flags=re.I)


# --- The message ----------------------------------------------------------------------------

FLAG_HEADERS = (
    "Auto-Submitted",
    "Precedence",
    "X-Precedence",
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Response-Suppress",
    "List-Id",
    "List-Unsubscribe",
    "Mailing-List",
    "X-Loop",
    "Return-Path",
    "Content-Type",
    "X-Failed-Recipients",
    "X-Saksflyt-Organization",
)


def parse(raw: bytes, *, message_id: str = "") -> ParsedEmail:
    """Sender, subject, new and quoted text, sanitised HTML and files of one raw message."""
    if not raw or not raw.strip():
        raise UnparseableEmail("The message is empty.")
    try:
        msg = email.message_from_bytes(raw, policy=policy.compat32)
    except Exception as exc:  # the parser gives up only on truly hopeless input
        raise UnparseableEmail(f"{type(exc).__name__}: {exc}") from exc
    if not list(msg.keys()):
        # Obsolete syntax (RFC 2822 section 4.5): white space before a header's colon.
        head, sep, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
        fixed = _OBS_NAME.sub(rb"\1:", head)
        if fixed != head:
            msg = email.message_from_bytes(fixed + sep + body, policy=policy.compat32)
    if not list(msg.keys()):
        raise UnparseableEmail("No e-mail headers found.")

    senders = addresses(msg, "From") or addresses(msg, "Sender") or addresses(msg, "Reply-To")
    from_name, from_address = senders[0] if senders else ("", "")
    if not from_address:
        from_name = header(msg, "From")[:200]
    recipients = [
        address for name in ("To", "Cc") for _n, address in addresses(msg, name, structured=False)
    ]
    found = _Walk()
    with contextlib.suppress(RecursionError):  # depth is bounded; this is belt and braces
        _walk(msg, found)
    html_raw = "\n".join(found.htmls)
    text = "\n\n".join(t.strip("\n") for t in found.texts).strip()
    if not text and html_raw:
        text = html_to_text(html_raw)
    html = sanitise_email_html(_resolve_cids(html_raw, found.files)) if html_raw else ""
    new_text, quoted = split_quoted(text)

    report = found.report
    if report is not None and not report.original_message_ids:
        report.original_message_ids = message_ids(header(msg, "In-Reply-To", decode=False))
    headers = {name.lower(): header(msg, name, decode=False) for name in FLAG_HEADERS}
    return ParsedEmail(
        message_id=message_id or message_id_of(raw),
        from_address=from_address[:320],
        from_name=from_name[:200],
        to=list(dict.fromkeys(recipients)),
        subject=header(msg, "Subject")[:300],
        text=new_text,
        quoted=quoted,
        html=html,
        files=found.files,
        in_reply_to=message_ids(header(msg, "In-Reply-To", decode=False)),
        references=message_ids(header(msg, "References", decode=False)),
        headers=headers,
        report=report,
        defects=[type(d).__name__ for d in getattr(msg, "defects", [])],
    )
