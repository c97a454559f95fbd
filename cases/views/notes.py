"""The composer: internal notes with @mentions, and the mention picker's candidates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.forms_detail import apply_errors
from cases.forms_panels import NoteForm
from cases.mentions import mention_token
from cases.selectors.detail import case_for_page, case_get, latest_event_about, mention_candidates
from cases.services.notes import note_add
from cases.views.detail import (
    attachments_context,
    back_to_case,
    composer_context,
    is_htmx,
    render_fragment,
    render_page,
)
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import search_query


@require_POST
@org_view(roles=STAFF_ROLES)
def note_add_view(request, number: int):
    case = case_for_page(request.org, number)
    form = NoteForm(request.POST, request.FILES)
    note = None
    if form.is_valid():
        try:
            note = note_add(
                org=request.org,
                actor=request.user,
                case=case,
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="files")
    if note is None:
        if not is_htmx(request):
            return render_page(request, case, note_form=form)
        return render_fragment(
            request,
            case,
            "cases/detail/_composer.html",
            composer_context(request, case, note_form=form),
            live=_("The note was not saved; see the error."),
            status=400,
        )
    if not is_htmx(request):
        return back_to_case(request, case, _("Internal note added."), anchor=f"note-{note.pk}")
    response = render_fragment(
        request,
        case,
        "cases/detail/_composer.html",
        composer_context(request, case),
        events=latest_event_about(request.org, case, note=note),
        live=_("Internal note added."),
    )
    if form.cleaned_data["files"]:
        # The note's files are the case's files too: the Files panel follows (out of band).
        context = {**attachments_context(request, case), "case": case, "oob": True}
        panel = render_to_string("cases/detail/_attachments.html", context, request=request)
        response.content += panel.encode()
    return response


@require_GET
@org_view(roles=STAFF_ROLES)
def mention_candidates_view(request, number: int):
    """JSON for the @ picker: the organization's staff matching `q`, with the token to insert."""
    case_get(request.org, number)  # 404 for numbers outside the organization
    users = mention_candidates(request.org, search_query(request, max_length=50))
    return JsonResponse(
        {
            "results": [
                {
                    "id": u.pk,
                    "name": u.get_full_name(),
                    "email": u.email,
                    "token": mention_token(u.pk, u.get_full_name()),
                }
                for u in users
            ]
        }
    )
