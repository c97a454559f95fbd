"""Rendering case history: each CaseEvent as one sentence in the reader's language.

Events store raw values (choice keys, ISO dates, display names); labels are looked up here, at
render time, so a Swedish reader sees Swedish status names on a case a Norwegian changed.
"""

from __future__ import annotations

import datetime
import html

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch
from django.utils import dateformat, formats, timezone
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases.mentions import mentions_to_html
from cases.models import Case, CaseEvent, Task
from cases.services.messages import skip_reason_text
from organizations.urlcache import reverse

register = template.Library()
Kind = CaseEvent.Kind

CHOICE_LABELS = {
    "status": dict(Case.Status.choices),
    "priority": dict(Case.Priority.choices),
    "source": dict(Case.Source.choices),
    "contact_method": dict(Case.ContactMethod.choices),
}
# Long texts: the sentence names the field, the new text is shown below it.
LONG_FIELDS = {"description", "resolution"}


def field_label(name: str) -> str:
    try:
        return str(Case._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field an old event named that the model no longer has
        return name


def value_label(name: str, value: str) -> str:
    if value == "":
        return _("none")
    if name in CHOICE_LABELS:
        return str(CHOICE_LABELS[name].get(value, value))
    if name == "deadline":
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    if name == "visible_to_customer":
        return _("yes") if value == "1" else _("no")
    return value


def minutes_hm(minutes: int | str | None) -> str:
    """90 -> "1:30"."""
    try:
        minutes = int(minutes or 0)
    except (TypeError, ValueError):
        return ""
    return f"{minutes // 60}:{minutes % 60:02d}"


register.filter("minutes_hm", minutes_hm)


def _fmt(text: str, **values) -> SafeString:
    """Fill a translated "%(name)s" text with values, escaping both (values may be safe HTML)."""
    return mark_safe(  # noqa: S308 - the text and every value are escaped here
        conditional_escape(text) % {k: conditional_escape(v) for k, v in values.items()}
    )


def _quoted(value: str) -> SafeString:
    return format_html("<strong>“{}”</strong>", value)


@register.simple_tag
def event_summary(event: CaseEvent) -> SafeString:
    """What happened, as the part of a sentence that follows the actor's name."""
    kind, name = event.kind, event.field
    if kind == Kind.CREATED:
        source = (event.data or {}).get("source")
        if source:
            return _fmt(
                _("created the case (source: %(source)s)"), source=value_label("source", source)
            )
        return _fmt(_("created the case"))
    if kind == Kind.NOTE:
        return _fmt(_("added an internal note"))
    if kind == Kind.TASK_ADDED:
        return _fmt(_("added the task %(task)s"), task=_quoted(event.new_value))
    if kind == Kind.TASK_DONE:
        title = event.task.title if event.task else event.old_value
        return _fmt(_("completed the task %(task)s"), task=_quoted(title))
    if kind == Kind.FIELD and name == "service_level":
        return _service_level_summary(event)
    if kind == Kind.FIELD and name == "task_status":
        title = event.task.title if event.task else ""
        return _fmt(_("reopened the task %(task)s"), task=_quoted(title))
    if kind == Kind.ATTACHMENT:
        return _fmt(_("attached %(file)s"), file=_quoted(event.new_value))
    if kind == Kind.TIME:
        return _time_summary(event)
    if kind == Kind.CLOSED:
        return _fmt(_("closed the case"))
    if kind == Kind.REOPENED:
        return _fmt(_("reopened the case"))
    if kind == Kind.MESSAGE_OUT:
        return _message_out_summary(event)
    if kind == Kind.MESSAGE_IN:
        if (event.data or {}).get("channel") == "portal":
            return _fmt(_("wrote to the case in the resident pages"))
        return _fmt(_("wrote to the case by e-mail"))
    if kind == Kind.MERGED:
        data = event.data or {}
        if data.get("direction") == "into":
            return _fmt(_("merged this case into case #%(number)s"), number=data.get("other"))
        return _fmt(_("merged case #%(number)s into this case"), number=data.get("other"))
    if kind == Kind.NOTIFICATION and (event.data or {}).get("skipped"):
        return _skipped_summary(event)
    if name and kind != Kind.NOTIFICATION:
        return _change_summary(event)
    return _fmt(str(event.get_kind_display()))


def _channel_label(channel: str) -> str:
    return _("by SMS") if channel == "sms" else _("by e-mail")


def _message_out_summary(event: CaseEvent) -> SafeString:
    data = event.data or {}
    to = data.get("to_name") or data.get("to") or ""
    if data.get("to_name") and data.get("to"):
        to = f"{data['to_name']} <{data['to']}>"
    how = _channel_label(data.get("channel", ""))
    purpose = data.get("purpose")
    if purpose == "forward":
        text = _("forwarded the case %(how)s to %(to)s")
    elif purpose == "case_created":
        text = _("told the customer %(how)s that the case was registered (to %(to)s)")
    elif purpose == "supplier_handover":
        text = _("handed the case to the supplier %(how)s (to %(to)s)")
    elif purpose == "case_resolved":
        text = _("sent the customer the resolution %(how)s (to %(to)s)")
    else:
        text = _("replied to the customer %(how)s (to %(to)s)")
    return _fmt(text, how=how, to=format_html("<strong>{}</strong>", to))


def _skipped_summary(event: CaseEvent) -> SafeString:
    data = event.data or {}
    reason = skip_reason_text(str(data.get("skipped")))
    channel = data.get("channel", "")
    if data.get("audience") == "supplier":
        text = _("did not notify the supplier %(how)s: %(reason)s")
    else:
        text = _("did not notify the customer %(how)s: %(reason)s")
    return _fmt(text, how=_channel_label(channel), reason=reason)


def _change_summary(event: CaseEvent) -> SafeString:
    name = event.field
    label = field_label(name)
    if name in LONG_FIELDS:
        return _fmt(_("changed the %(field)s:"), field=label)
    if name == "customer" and not event.new_value:
        return _fmt(_("unlinked the customer %(customer)s"), customer=_quoted(event.old_value))
    return _fmt(
        _("changed the %(field)s from %(old)s to %(new)s"),
        field=label,
        old=format_html('<span class="old-value">{}</span>', value_label(name, event.old_value)),
        new=format_html(
            '<strong class="new-value">{}</strong>', value_label(name, event.new_value)
        ),
    )


def _due_label(value: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return _("none")
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _service_level_summary(event: CaseEvent) -> SafeString:
    """The due times recomputed after a change of priority, category or customer."""
    data = event.data or {}
    if not event.new_value:
        return _fmt(
            _("removed the service level %(policy)s: the case has no due times now"),
            policy=_quoted(event.old_value),
        )
    return _fmt(
        _(
            "applied the service level %(policy)s: first response due %(first)s,"
            " resolution due %(resolution)s"
        ),
        policy=_quoted(event.new_value),
        first=format_html("<strong>{}</strong>", _due_label(data.get("first_response_due"))),
        resolution=format_html("<strong>{}</strong>", _due_label(data.get("resolution_due"))),
    )


def _time_summary(event: CaseEvent) -> SafeString:
    entry = event.time_entry
    minutes = entry.minutes if entry else (event.data or {}).get("minutes", event.new_value)
    duration = format_html("<strong>{}</strong>", minutes_hm(minutes))
    user = entry.user if entry else None
    if user is not None and event.actor_id and user.pk != event.actor_id:
        return _fmt(_("logged %(duration)s for %(user)s"), duration=duration, user=str(user))
    return _fmt(_("logged %(duration)s"), duration=duration)


@register.simple_tag
def long_value(event: CaseEvent) -> str:
    """The new text of a long field (description, resolution), or ""."""
    return event.new_value if event.field in LONG_FIELDS else ""


@register.simple_tag
def note_html(body: str, mention_ids) -> SafeString:
    """A note's body: escaped, mentions of real members highlighted, line breaks kept."""
    html = mentions_to_html(body, set(mention_ids or ()))
    return mark_safe(html.replace("\n", "<br>"))  # noqa: S308 - escaped by mentions_to_html


@register.filter
def task_is_overdue(task: Task) -> bool:
    return bool(task.due_date and not task.is_done and task.due_date < timezone.localdate())


# --- The whole timeline in one pass -----------------------------------------------------------
# The case page shows hundreds of events. Rendering cases/detail/_event.html once per event
# (an include, a dozen variable lookups, date filters and translations each) made the history
# most of the page's time. Here each event is a few f-strings, with the labels, date formats and
# translations every event shares worked out once per page. The markup is the one the template
# had; attachment lists still render through cases/detail/_files.html (the same markup as the
# files panel), and only for events that have files.

# Messages re-read by the page while on their way, and for how long after their last change.
POLLED = {"queued", "sending"}
POLL_FOR = datetime.timedelta(minutes=10)

# Format characters that depend on nothing finer than the minute (see django.utils.dateformat):
# labels made of them are the same for every event of the same minute.
_MINUTE_FORMAT_CHARS = set("aAbdDEfFgGhHijlLmMnNPStwWyYz")


def esc(value) -> str:
    """conditional_escape without the lazy-string wrapper (called thousands of times a page)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _br(text: str) -> str:
    """The `linebreaksbr` filter (escaped)."""
    return esc(text).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


class DateLabels:
    """formats.date_format(value, <format>) for many values, each distinct minute once."""

    def __init__(self, setting: str) -> None:
        self.format = formats.get_format(setting)
        chars = {c for c in self.format if c.isalpha()}
        self.by_minute = "\\" not in self.format and chars <= _MINUTE_FORMAT_CHARS
        self.cache: dict = {}

    def __call__(self, value) -> str:
        if self.by_minute and isinstance(value, datetime.datetime):
            key = value.replace(second=0, microsecond=0)
        else:
            key = value
        label = self.cache.get(key)
        if label is None:
            label = self.cache[key] = dateformat.format(value, self.format)
        return label


class _TimelineRenderer:
    def __init__(self, context) -> None:
        self.context = context
        self.system = esc(_("System"))
        self.internal_note = _("Internal note")  # as {% translate %}: not escaped
        self.due = _("due")
        self.for_who = _("For %(who)s")  # as {% blocktranslate %}: only the values escaped
        self.for_supplier = _("For supplier %(who)s")
        self.datetime_label = DateLabels("SHORT_DATETIME_FORMAT")
        self.date_label = DateLabels("SHORT_DATE_FORMAT")
        self._files_template = None
        out_labels = {
            "reply": _("To the customer"),
            "forward": _("To an external contact"),
            "supplier_handover": _("To the supplier (automatic)"),
            "case_created": _("To the customer (automatic)"),
            "case_resolved": _("To the customer (automatic)"),
        }
        other = _("Sent to the outside")
        self.out_label = lambda purpose: out_labels.get(purpose, other)
        self.in_label = _("Message from the customer")
        self.quoted_label = _("Earlier messages quoted")
        self.files_label = _("Attached files")
        self.retry_label = _("Send again")
        self.refused_label = _("Files not kept (not allowed or too many):")

    def files(self, files) -> str:
        """cases/detail/_files.html for `files` (nothing when there are none, as the template)."""
        if not files:
            return ""
        if self._files_template is None:
            self._files_template = self.context.template.engine.get_template(
                "cases/detail/_files.html"
            )
        with self.context.push(files=files):
            return self._files_template.render(self.context)

    def detail(self, event: CaseEvent) -> str:
        kind = event.kind
        if kind == Kind.NOTE and event.note:
            note = event.note
            body = (
                f'<div class="note-body">{note_html(note.body, event.mention_ids)}</div>'
                if note.body
                else ""
            )
            return (
                f'<div class="note" id="note-{event.note_id}">'
                f'<span class="note-label">{self.internal_note}</span>'
                f"{body}{self.files(event.note_attachments)}</div>"
            )
        if kind == Kind.TASK_ADDED and event.task:
            task = event.task
            parts = []
            if task.assignee:
                parts.append(self.for_who % {"who": esc(task.assignee)})
            elif task.supplier:
                parts.append(self.for_supplier % {"who": esc(task.supplier)})
            if task.due_date:
                parts.append(f" · {self.due} {esc(self.date_label(task.due_date))}")
            if task.description:
                parts.append(f"<p>{_br(task.description)}</p>")
            return f'<div class="event-detail">{"".join(parts)}</div>'
        if kind == Kind.TASK_DONE:
            text = f"<p>{_br(event.new_value)}</p>" if event.new_value else ""
            return f'<div class="event-detail">{text}{self.files(event.task_attachments)}</div>'
        if kind == Kind.ATTACHMENT and event.attachment:
            return f'<div class="event-detail">{self.files([event.attachment])}</div>'
        if kind == Kind.TIME and event.time_entry:
            entry = event.time_entry
            note = f" · {esc(entry.note)}" if entry.note else ""
            return f'<div class="event-detail muted">{esc(self.date_label(entry.date))}{note}</div>'
        if kind == Kind.MESSAGE_OUT:
            return self.message_out(event)
        if kind == Kind.MESSAGE_IN:
            return self.message_in(event)
        long = long_value(event)
        if long:
            return f'<div class="event-detail"><p>{_br(long)}</p></div>'
        return ""

    def message_out(self, event: CaseEvent) -> str:
        """A message that left: to whom and how, its words and files, and the outbox row's
        current status; a failed one with the reason and "Send again"."""
        data = event.data or {}
        row = getattr(event, "outbound", None)
        if row is None:
            status, label = "unknown", _("Status unknown")
        else:
            status, label = row.status, row.get_status_display()
        parts = [
            f'<div class="message message-out" id="message-{event.outbound_message_id or 0}">',
            f'<span class="message-label">{esc(self.out_label(data.get("purpose")))}</span> ',
            f'<span class="pill message-status message-{esc(status)}">{esc(label)}</span>',
        ]
        if data.get("subject"):
            parts.append(f'<p class="message-subject"><strong>{esc(data["subject"])}</strong></p>')
        if data.get("text"):
            parts.append(f'<div class="message-body">{_br(data["text"])}</div>')
        parts.append(self.file_names(data.get("attachments")))
        if row is not None and status in ("failed", "bounced"):
            reason = esc(row.last_error or _("No reason was given."))
            parts.append(
                f'<p class="message-error" id="message-error-{event.pk}">'
                f"<strong>{esc(_('Not delivered:'))}</strong> {reason}</p>{self.retry_form(event)}"
            )
        parts.append("</div>")
        return "".join(parts)

    def message_in(self, event: CaseEvent) -> str:
        """A customer's e-mail, as text only: their HTML is never put on the page."""
        data = event.data or {}
        parts = [
            '<div class="message message-in">',
            f'<span class="message-label">{esc(self.in_label)}</span>',
        ]
        if data.get("subject"):
            parts.append(f'<p class="message-subject"><strong>{esc(data["subject"])}</strong></p>')
        text = data.get("text") or ""
        if not text and data.get("html"):
            # An e-mail with HTML only: its words, never its markup (stored sanitised, but a
            # customer's markup has no place on the staff page, tracking images least of all).
            text = html.unescape(strip_tags(str(data["html"]))).strip()
        if text:
            parts.append(f'<div class="message-body">{_br(text)}</div>')
        if data.get("quoted"):
            parts.append(
                f"<details><summary>{esc(self.quoted_label)}</summary>"
                f'<div class="message-quoted">{_br(data["quoted"])}</div></details>'
            )
        parts.append(self.file_names(data.get("attachments"), data.get("attachment_ids")))
        refused = data.get("refused_attachments")
        if refused and isinstance(refused, list):
            names = ", ".join(str(name) for name in refused)
            parts.append(f'<p class="message-error">{esc(self.refused_label)} {esc(names)}</p>')
        parts.append("</div>")
        return "".join(parts)

    def file_names(self, names, ids=None) -> str:
        """The files' names; linked to the case's copies when the event names them."""
        if not names or not isinstance(names, list):
            return ""
        links = isinstance(ids, list) and len(ids) == len(names)
        case = self.context.get("case")
        items = []
        for i, name in enumerate(names):
            if links and case is not None and isinstance(ids[i], int):
                url = reverse(
                    "cases:attachment_download",
                    kwargs={
                        "org_slug": case.organization.slug,
                        "number": case.number,
                        "attachment_id": ids[i],
                    },
                )
                items.append(f'<li><a href="{esc(url)}">{esc(name)}</a></li>')
            else:
                items.append(f"<li>{esc(name)}</li>")
        return (
            f'<ul class="message-files" aria-label="{esc(self.files_label)}">{"".join(items)}</ul>'
        )

    def retry_form(self, event: CaseEvent) -> str:
        case = self.context.get("case") or event.case
        url = reverse(
            "cases:message_retry",
            kwargs={
                "org_slug": case.organization.slug,
                "number": case.number,
                "message_id": event.outbound_message_id,
            },
        )
        token = esc(self.context.get("csrf_token") or "")
        return (
            f'<form method="post" action="{esc(url)}" hx-post="{esc(url)}" '
            f'hx-target="#event-{event.pk}" hx-swap="outerHTML">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<button type="submit" class="button small" '
            f'aria-describedby="message-error-{event.pk}">{esc(self.retry_label)}</button></form>'
        )

    def poll(self, event: CaseEvent) -> str:
        """htmx attributes that re-read a message still on its way (queued or sending) a few
        seconds later, so the page shows when it leaves without a reload; only for a while
        after its last change (a stalled worker is not polled for ever)."""
        row = getattr(event, "outbound", None)
        if event.kind != Kind.MESSAGE_OUT or row is None or row.status not in POLLED:
            return ""
        if timezone.now() - row.status_changed_at > POLL_FOR:
            return ""
        case = self.context.get("case") or event.case
        url = reverse(
            "cases:message_status",
            kwargs={
                "org_slug": case.organization.slug,
                "number": case.number,
                "message_id": event.outbound_message_id,
            },
        )
        return f' hx-get="{esc(url)}" hx-trigger="load delay:4s" hx-swap="outerHTML"'

    def inquiry_link(self, event: CaseEvent) -> str:
        """A case made from an inquiry links back to it (issue 14). The inquiries app sits
        above cases, so the link is by URL name only, and left out if it is not there."""
        inquiry_id = (event.data or {}).get("inquiry") if event.kind == Kind.CREATED else None
        case = self.context.get("case")
        if not isinstance(inquiry_id, int) or case is None:
            return ""
        try:
            url = reverse(
                "inquiries:inquiry_preview",
                kwargs={"org_slug": case.organization.slug, "inquiry_id": inquiry_id},
            )
        except NoReverseMatch:
            return ""
        return f' <a class="event-inquiry" href="{esc(url)}">{esc(_("from an inquiry"))}</a>'

    def event(self, event: CaseEvent) -> str:
        created = timezone.localtime(event.created_at)
        actor = esc(event.actor) if event.actor else self.system
        if event.kind == Kind.MESSAGE_IN:
            data = event.data or {}
            actor = esc(data.get("from_name") or data.get("from") or _("The customer"))
        return (
            f'<li class="event event-{esc(event.kind)}" id="event-{event.pk}"{self.poll(event)}>\n'
            f'  <div class="event-line">\n'
            f'    <span class="event-actor">{actor}</span>\n'
            f"    {event_summary(event)}{self.inquiry_link(event)}\n"
            f'    <time class="event-time muted" datetime="{created.isoformat()}">'
            f"{esc(self.datetime_label(created))}</time>\n"
            f"  </div>\n  {self.detail(event)}\n</li>"
        )


@register.simple_tag(takes_context=True)
def timeline_events(context, events) -> SafeString:
    """Every event of `events` as its <li>, in order (the inside of the timeline's list)."""
    renderer = _TimelineRenderer(context)
    return mark_safe("".join(renderer.event(event) for event in events))  # noqa: S308 - escaped


# --- The tasks panel --------------------------------------------------------------------------

_PREFIX_MARK = "done__task__"


@register.simple_tag(takes_context=True)
def done_fields(context, form) -> SafeString:
    """cases/detail/_done_fields.html (a task's completion fields) for `form`.

    Every open task has an empty completion form that differs from the others only in its
    prefix (done<task id>), and rendering form widgets through templates is slow; so an unbound
    form is rendered once per page with a marker prefix and each task gets a copy with its own.
    A bound form (one with errors and what was typed) is rendered as it is.
    """
    template = context.template.engine.get_template("cases/detail/_done_fields.html")
    if form.is_bound or form.initial:
        with context.push(done_form=form):
            return template.render(context)
    cache = context.render_context
    key = ("done_fields", type(form), id(form.renderer))
    if key not in cache:
        marked = type(form)(prefix=_PREFIX_MARK, renderer=form.renderer)
        with context.push(done_form=marked):
            cache[key] = template.render(context)
    return mark_safe(cache[key].replace(_PREFIX_MARK, form.prefix))  # noqa: S308 - rendered above
