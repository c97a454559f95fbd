"""The POST forms of an HTML page, as a browser would submit them, and their bodies as bytes.

A small `html.parser` reader: every `<form method="post">` with its inputs, textareas, selects
and named buttons (also those outside it that name it with `form="..."`), the value each has
as rendered, and whether it is required. Bodies are built by hand so a value can be raw bytes
(invalid UTF-8) in an application/x-www-form-urlencoded or multipart/form-data body.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote_plus, urljoin, urlsplit

Value = str | bytes

# Types whose value a person types: they get every nasty value.
TYPED = {"text", "textarea", "email", "search", "url", "tel", "password", "number", "date"}
TYPED |= {"datetime-local", "time", "month", "week", "color"}

# What a person would type into an empty required field, so the form gets past the others.
PLAUSIBLE = {
    "email": "fuzz@example.com",
    "number": "1",
    "date": datetime.date(2026, 3, 2).isoformat(),
    "datetime-local": "2026-03-02T10:00",
    "time": "10:00",
    "url": "https://example.com/",
    "tel": "+4791234567",
    "password": "Fuzz-password-2026",
}


@dataclass
class Field:
    name: str
    kind: str  # an input type, "textarea", "select" or "button"
    value: str | None  # what the browser sends as the page gave it; None: nothing
    required: bool = False
    options: list[str] = field(default_factory=list)

    @property
    def typed(self) -> bool:
        return self.kind in TYPED


@dataclass
class Form:
    action: str  # path and query string, resolved against the page's address
    multipart: bool
    form_id: str
    fields: list[Field] = field(default_factory=list)

    def field_names(self) -> tuple[str, ...]:
        return tuple(sorted({f.name for f in self.fields}))

    def pairs(self, replace: str | None = None, value: Value = "") -> list[tuple[str, Value]]:
        """The submission: every field as given (required empty ones filled plausibly), with
        field `replace` (all its occurrences, once) set to `value` instead."""
        out: list[tuple[str, Value]] = []
        seen_button = False
        for f in self.fields:
            if f.name == replace:
                if all(name != replace for name, _v in out):
                    out.append((f.name, value))
                continue
            if f.kind in ("button", "submit"):
                if seen_button or f.value is None:
                    continue  # only the clicked (first) submit button is sent
                seen_button = True
            if f.kind == "file" or f.value is None:
                continue
            sent = f.value
            if not sent and f.required:
                sent = _plausible(f)
            out.append((f.name, sent))
        return out


def _plausible(f: Field) -> str:
    if f.kind == "select":
        return next((o for o in f.options if o), "")
    if f.kind in ("checkbox", "radio"):
        return "on"
    return PLAUSIBLE.get(f.kind, "Fuzz")


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.orphans: list[tuple[str, Field]] = []  # fields with form="id", outside it
        self.current: Form | None = None
        self.textarea: Field | None = None
        self.select: Field | None = None
        self.select_form: Form | None = None
        self.option_value: str | None = None
        self.option_text = ""
        self.option_selected = False
        self.select_first: str | None = None

    def _add(self, attrs: dict, f: Field) -> None:
        if attrs.get("disabled") is not None:
            return
        if attrs.get("form"):
            self.orphans.append((attrs["form"], f))
        elif self.current is not None:
            self.current.fields.append(f)

    def handle_starttag(self, tag, attrs_list):
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        if tag == "form":
            method = attrs.get("method", "get").lower()
            action = urljoin(self.page_url, attrs.get("action") or self.page_url)
            parts = urlsplit(action)
            form = Form(
                action=parts.path + (f"?{parts.query}" if parts.query else ""),
                multipart=attrs.get("enctype", "") == "multipart/form-data",
                form_id=attrs.get("id", ""),
            )
            if form.form_id:
                self.by_id[form.form_id] = form
            self.current = form if method == "post" else None
            if method == "post":
                self.forms.append(form)
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                value = attrs.get("value", "on") if "checked" in attrs else None
                f = Field(
                    attrs["name"], kind, value, "required" in attrs, [attrs.get("value", "on")]
                )
            elif kind in ("submit", "image", "reset"):
                if kind != "submit":
                    return
                f = Field(attrs["name"], "button", attrs.get("value", ""))
            else:
                value = None if kind == "file" else attrs.get("value", "")
                f = Field(attrs["name"], kind, value, "required" in attrs)
            self._add(attrs, f)
        elif tag == "button" and attrs.get("name"):
            if attrs.get("type", "submit").lower() == "submit":
                self._add(attrs, Field(attrs["name"], "button", attrs.get("value", "")))
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = Field(attrs["name"], "textarea", "", "required" in attrs)
            self._add(attrs, self.textarea)
        elif tag == "select" and attrs.get("name"):
            self.select = Field(attrs["name"], "select", None, "required" in attrs)
            self.select_first = None
            self._add(attrs, self.select)
            self.select.multiple = "multiple" in attrs  # type: ignore[attr-defined]
        elif tag == "option" and self.select is not None:
            self.option_value = attrs.get("value")
            self.option_text = ""
            self.option_selected = "selected" in attrs

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "option" and self.select is not None:
            self._end_option()
        elif tag == "select" and self.select is not None:
            if self.option_value is not None or self.option_text:
                self._end_option()
            if self.select.value is None and not getattr(self.select, "multiple", False):
                self.select.value = self.select_first
            self.select = None

    def _end_option(self):
        value = self.option_value if self.option_value is not None else self.option_text.strip()
        self.select.options.append(value)
        if self.select_first is None:
            self.select_first = value
        if self.option_selected and self.select.value is None:
            self.select.value = value
        self.option_value, self.option_text, self.option_selected = None, "", False

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data
        elif self.select is not None and self.option_value is None:
            self.option_text += data

    def close(self):
        super().close()
        for form_id, f in self.orphans:
            if form_id in self.by_id and self.by_id[form_id] in self.forms:
                self.by_id[form_id].fields.append(f)


def post_forms(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms


def _bytes(value: Value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def urlencoded(pairs: list[tuple[str, Value]]) -> bytes:
    """Percent-encoded as a browser would, except that bytes values go in raw."""
    out = []
    for name, value in pairs:
        sent = value if isinstance(value, bytes) else quote_plus(_bytes(value)).encode()
        out.append(quote_plus(name).encode() + b"=" + sent)
    return b"&".join(out)


BOUNDARY = "fuzz-boundary-7d3f9a"


def multipart(pairs: list[tuple[str, Value]], files: list[tuple[str, str, bytes]] = ()) -> bytes:
    lines = []
    for name, value in pairs:
        lines.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n')
        lines.append(_bytes(value))
        lines.append(b"\r\n")
    for name, filename, content in files:
        lines.append(
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        lines.append(content)
        lines.append(b"\r\n")
    lines.append(f"--{BOUNDARY}--\r\n")
    return b"".join(x if isinstance(x, bytes) else _bytes(x) for x in lines)


MULTIPART_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
URLENCODED_TYPE = "application/x-www-form-urlencoded"
