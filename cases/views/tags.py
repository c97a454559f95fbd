"""Adding and removing tags on a case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.forms_detail import apply_errors
from cases.forms_panels import TagForm
from cases.models import Tag
from cases.selectors.detail import case_for_page
from cases.services.tags import case_tag_add, case_tag_remove
from cases.views.detail import back_to_case, render_fragment, render_page, tags_context
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import is_htmx

PANEL = "cases/detail/_tags.html"


@require_POST
@org_view(roles=STAFF_ROLES)
def tag_add_view(request, number: int):
    case = case_for_page(request.org, number)
    form = TagForm(request.POST)
    event = None
    if form.is_valid():
        try:
            event = case_tag_add(
                org=request.org, actor=request.user, case=case, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="name")
    if form.errors:
        if not is_htmx(request):
            return render_page(request, case, tag_form=form)
        return render_fragment(
            request,
            case,
            PANEL,
            tags_context(request, case, tag_form=form),
            live=_("The tag was not added; see the error."),
            status=400,
        )
    live = _("Tag added.") if event else _("The case already has that tag.")
    return _saved(request, number, event, live)


@require_POST
@org_view(roles=STAFF_ROLES)
def tag_remove_view(request, number: int, tag_id: int):
    case = case_for_page(request.org, number)
    tag = get_for_org_or_404(Tag, request.org, pk=tag_id)
    event = case_tag_remove(org=request.org, actor=request.user, case=case, tag=tag)
    live = _("Tag “%(tag)s” removed.") % {"tag": tag.name}
    return _saved(request, number, event, live)


def _saved(request, number: int, event, live: str):
    case = case_for_page(request.org, number)  # re-read: the tags changed
    if not is_htmx(request):
        return back_to_case(request, case, live, anchor="case-tags")
    return render_fragment(
        request,
        case,
        PANEL,
        tags_context(request, case),
        events=[event] if event else [],
        live=live,
    )
