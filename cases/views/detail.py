"""The case page: the header (close and reopen), the side panel of fields and links
(cases/views/detail_panel.py; edited through cases/views/detail_fields.py), the history.

Panels (notes, tasks, attachments, time, tags) have their own modules; they share the helpers
here: `render_page` for a full page (also to show a bound form's errors without JavaScript) and
`render_fragment` for htmx, which adds the new history entries out of band.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.forms_detail import HEADER_FORMS, LINK_FORMS, CloseForm, ReopenForm, apply_errors
from cases.forms_messages import ForwardForm, ReplyForm
from cases.forms_panels import (
    AttachmentForm,
    NoteForm,
    TagForm,
    TaskCompleteForm,
    TaskForm,
    TimeEntryForm,
)
from cases.models import Case, CaseEvent
from cases.selectors.detail import (
    case_contact,
    case_for_page,
    case_page_reads,
    case_timeline,
    saved_replies,
)
from cases.selectors.deviations import case_deviations
from cases.selectors.panels import case_attachments, case_tasks, case_time, org_tags
from cases.selectors.service_levels import sla_summary
from cases.services.cases import case_close, case_reopen, case_url
from cases.views.detail_nav import case_navigation
from cases.views.detail_panel import panel_context
from cases.views.merge import close_confirm_response, merged_redirect, refused_for_open_tasks
from organizations.compiled import read_ahead
from organizations.rendering import FAST_RENDERER
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import is_htmx

# --- Form rendering ----------------------------------------------------------------------------


def fast(form):
    """`form`, rendering its <select>s in Python (FAST_RENDERER): the case page has a dozen
    pickers (staff, suppliers, categories, users for time...)."""
    if form is not None:
        form.renderer = FAST_RENDERER
    return form


# --- Contexts of the page and its parts ----------------------------------------------------


def header_context(request: HttpRequest, case: Case, /, **bound) -> dict:
    """The header: title, service level, description, close and reopen (fields: the panel)."""
    return {
        "case": case,
        "close_form": fast(bound.get("close_form") or CloseForm()),
        "reopen_form": fast(bound.get("reopen_form") or ReopenForm()),
        "sla": sla_summary(case),
    }


def tasks_context(
    request: HttpRequest,
    case: Case,
    *,
    task_form=None,
    done_forms=None,
    tasks=None,
    lazy_form: bool = False,
) -> dict:
    """The tasks panel; with `lazy_form` (the page) the "Add task" form and its pickers are
    left out and loaded when opened (cases:task_form), unless `task_form` is bound."""
    done_forms = done_forms or {}
    tasks = case_tasks(request.org, case) if tasks is None else tasks
    if task_form is None and not lazy_form:
        task_form = TaskForm(org=request.org)
    return {
        "case": case,
        "tasks": [
            (task, fast(done_forms.get(task.pk) or TaskCompleteForm(task_id=task.pk)))
            for task in tasks
        ],
        "open_task_count": sum(1 for t in tasks if not t.is_done),
        "task_form": fast(task_form),
    }


def time_context(
    request: HttpRequest, case: Case, *, time_form=None, time=None, lazy_form: bool = False
) -> dict:
    """The time panel; `lazy_form` as for tasks_context (cases:time_form)."""
    if time_form is None and not lazy_form:
        time_form = TimeEntryForm(org=request.org, initial={"user": request.user})
    return {
        "case": case,
        "time": case_time(request.org, case) if time is None else time,
        "time_form": fast(time_form),
    }


def tags_context(request: HttpRequest, case: Case, *, tag_form=None) -> dict:
    return {
        "case": case,
        "tags": list(case.tags.all()),
        "org_tags": org_tags(request.org),
        "tag_form": fast(tag_form or TagForm()),
    }


def attachments_context(
    request: HttpRequest, case: Case, *, attachments=None, attachment_form=None
) -> dict:
    return {
        "case": case,
        "attachments": attachments
        if attachments is not None
        else case_attachments(request.org, case),
        "attachment_form": fast(attachment_form or AttachmentForm()),
    }


def composer_context(
    request: HttpRequest,
    case: Case,
    *,
    note_form=None,
    reply_form=None,
    forward_form=None,
    attachments=None,
    tab: str = "",
    lazy: bool = False,
) -> dict:
    """The composer: internal note, reply to the customer (e-mail and/or SMS, to the case's
    customer or the inquiry's sender by default) and forward to an external contact.

    With `lazy` (the page) the reply and forward forms are left out unless bound or named by
    `tab`: their tabs load them when opened (cases:reply_form, cases:forward_form), so the
    customer's contact and the saved replies are not read on every view of the case."""
    bound = reply_form or forward_form
    composer_tab = tab or ("reply_form" if reply_form else "forward_form" if bound else "")
    context = {
        "case": case,
        "note_form": fast(note_form or NoteForm()),
        "composer_tab": composer_tab,
    }
    with_reply = not lazy or composer_tab == "reply_form"
    with_forward = not lazy or composer_tab == "forward_form"
    if attachments is None and (with_reply or with_forward):
        attachments = case_attachments(request.org, case)
    if with_reply:
        context.update(reply_context(request, case, attachments, reply_form))
    if with_forward:
        context.update(forward_context(request, case, attachments, forward_form))
    return context


def reply_context(request: HttpRequest, case: Case, attachments, reply_form=None) -> dict:
    """The reply form (to the case's customer or the inquiry's sender by default)."""
    org = request.org
    contact = case_contact(org, case)
    if reply_form is None:
        reply_initial = {
            "send_email": bool(contact["email"]),
            "send_sms": not contact["email"] and bool(contact["phone"]),
            "email": contact["email"],
            "phone": contact["phone"],
        }
        reply_form = ReplyForm(attachments=attachments, initial=reply_initial)
    return {
        "case": case,
        "reply_form": fast(reply_form),
        "reply_contact": contact,
        "saved_replies": saved_replies(org),
    }


def forward_context(request: HttpRequest, case: Case, attachments, forward_form=None) -> dict:
    """The forward form, starting with the case's title and description."""
    if forward_form is None:
        initial = {"text": f"{case.title}\n\n{case.description}".strip()}
        forward_form = ForwardForm(attachments=attachments, initial=initial)
    return {"case": case, "forward_form": fast(forward_form)}


def render_page(request: HttpRequest, case: Case, /, **bound) -> HttpResponse:
    """The whole case page; `bound` holds forms with errors to show in place of empty ones.

    `bound` is keyed by form or field name only, and any name may appear there (the case field
    "status" is one): so this takes no other keyword argument, which a field could shadow."""
    org = request.org
    open_form = request.GET.get("form", "")  # "Add task" or "Log time" asked for without JS
    composer = request.GET.get("composer", "")  # "reply" or "forward" asked for without JS
    # The page's reads go to the database together, one round trip; the selectors below and
    # the templates are answered from them (the page only reads from here on).
    with read_ahead(case_page_reads(org, case)):
        attachments = case_attachments(org, case)
        tasks = case_tasks(org, case)
        time = case_time(org, case)
        context = {
            "case": case,
            "case_deviations": case_deviations(org, case),
            "events": case_timeline(
                org, case, attachments=attachments, tasks=tasks, time_entries=time.entries
            ),
            **header_context(request, case, **bound),
            **panel_context(request, case, **bound),
            **case_navigation(request, case),
            **tasks_context(
                request,
                case,
                task_form=bound.get("task_form"),
                done_forms=bound.get("done_forms"),
                tasks=tasks,
                lazy_form=open_form != "task",
            ),
            **time_context(
                request,
                case,
                time_form=bound.get("time_form"),
                time=time,
                lazy_form=open_form != "time",
            ),
            "open_form": open_form,
            **tags_context(request, case, tag_form=bound.get("tag_form")),
            **attachments_context(
                request, case, attachments=attachments, attachment_form=bound.get("attachment_form")
            ),
            **composer_context(
                request,
                case,
                note_form=bound.get("note_form"),
                reply_form=bound.get("reply_form"),
                forward_form=bound.get("forward_form"),
                attachments=attachments,
                tab=f"{composer}_form" if composer in ("reply", "forward") else "",
                lazy=True,
            ),
        }
        return render(request, "cases/detail/page.html", context)


def render_fragment(
    request: HttpRequest,
    case: Case,
    template: str,
    context: dict,
    *,
    events: Iterable[CaseEvent] = (),
    live: str = "",
    status: int = 200,
    extra: Iterable[tuple[str, dict]] = (),
) -> HttpResponse:
    """An htmx answer: the part that changed, the new history entries and a spoken message;
    `extra` adds (template, context) parts, which swap themselves in out of band."""
    parts = [render_to_string(template, {"case": case, **context}, request=request)]
    parts += [render_to_string(t, {"case": case, **c}, request=request) for t, c in extra]
    event_ids = [e.pk for e in events if e.pk]
    if event_ids:
        parts.append(
            render_to_string(
                "cases/detail/_timeline_append.html",
                {"case": case, "events": case_timeline(request.org, case, event_ids=event_ids)},
                request=request,
            )
        )
    parts.append(render_to_string("cases/detail/_live.html", {"live": live}, request=request))
    return HttpResponse("".join(parts), status=status)


def back_to_case(request: HttpRequest, case: Case, message: str, anchor: str = "") -> HttpResponse:
    """Without JavaScript: a message and the case page again (post/redirect/get)."""
    if message:
        messages.success(request, message)
    return redirect(case_url(case) + (f"#{anchor}" if anchor else ""))


# --- Views ------------------------------------------------------------------------------------


@org_view(roles=STAFF_ROLES)
def case_detail(request, number: int):
    """The case page; `?edit=<field>` opens that field's editor (the way in without JavaScript,
    where the panel's values are links to it)."""
    case = case_for_page(request.org, number)
    if (survivor_page := merged_redirect(request, case)) is not None:
        return survivor_page
    field = request.GET.get("edit", "")
    if field in HEADER_FORMS or field in LINK_FORMS:
        form_class = HEADER_FORMS.get(field) or LINK_FORMS[field]
        return render_page(request, case, **{field: form_class(org=request.org, case=case)})
    return render_page(request, case)


@require_POST
@org_view(roles=STAFF_ROLES)
def case_close_view(request, number: int):
    case = case_for_page(request.org, number)
    form = CloseForm(request.POST)
    events: list[CaseEvent] = []
    if form.is_valid():
        try:
            events = case_close(
                org=request.org,
                actor=request.user,
                case=case,
                resolution=form.cleaned_data["resolution"],
                notify_customer=form.cleaned_data["notify_customer"],
            )
        except ValidationError as exc:
            if refused_for_open_tasks(exc):  # confirm on a page of its own (cases/views/merge)
                return close_confirm_response(request, case, form)
            apply_errors(form, exc, default_field="resolution")
            case = case_for_page(request.org, number)  # as saved: the change was rolled back
    if form.errors:
        if not is_htmx(request):
            return render_page(request, case, close_form=form)
        return render_fragment(
            request,
            case,
            "cases/detail/_header.html",
            header_context(request, case, close_form=form),
            live=_("Not saved; see the error."),
            status=400,
        )
    return _header_saved(request, number, events, _("The case is closed."))


@require_POST
@org_view(roles=STAFF_ROLES)
def case_reopen_view(request, number: int):
    case = case_for_page(request.org, number)
    form = ReopenForm(request.POST)
    events: list[CaseEvent] = []
    if form.is_valid():
        try:
            events = case_reopen(
                org=request.org, actor=request.user, case=case, status=form.cleaned_data["status"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
    if form.errors:
        if not is_htmx(request):
            return render_page(request, case, reopen_form=form)
        return render_fragment(
            request,
            case,
            "cases/detail/_header.html",
            header_context(request, case, reopen_form=form),
            live=_("Not saved; see the error."),
            status=400,
        )
    return _header_saved(request, number, events, _("The case is open again."))


def _header_saved(request, number: int, events: list[CaseEvent], live: str) -> HttpResponse:
    """After closing or reopening: the header, and the panel out of band (its status)."""
    case = case_for_page(request.org, number)
    if not is_htmx(request):
        return back_to_case(request, case, live)
    return render_fragment(
        request,
        case,
        "cases/detail/_header.html",
        header_context(request, case),
        events=events,
        live=live,
        extra=[("cases/detail/_panel.html", {**panel_context(request, case), "oob": True})],
    )
