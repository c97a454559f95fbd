"""Container labels: one container, a case's containers, or a selection or search of the
container list. Up to a sheet renders at once; more goes to the worker as a job."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cases.selectors.detail import case_get
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import clean_search_text, parse_ids
from printing.selectors import (
    case_container_ids,
    container_ids_matching,
    containers_for_labels,
    org_label_format,
)
from printing.services.jobs import labels_job_create
from printing.services.labels import labels_pdf_render
from printing.views.common import pdf_response, to_job
from properties.models import Container

# Up to this many labels render in the request (one sheet: well under a second).
INLINE_LABELS = 24


def _print(request: HttpRequest, ids: list[int], back: str) -> HttpResponse:
    org = request.org
    if not ids:
        messages.error(request, _no_containers())
        return redirect(back)
    if len(ids) <= INLINE_LABELS:
        containers = list(containers_for_labels(org, ids))
        if len(containers) != len(set(ids)):
            messages.error(request, _no_containers())
            return redirect(back)
        content = labels_pdf_render(
            org, containers, org_label_format(org), language=translation.get_language()
        )
        name = f"label-{containers[0].container_id}.pdf" if len(containers) == 1 else "labels.pdf"
        return pdf_response(content, name)
    try:
        job = labels_job_create(
            org=org, actor=request.user, container_ids=ids, language=translation.get_language()
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    return to_job(request, job)


def _no_containers() -> str:
    return _("Choose at least one container to print labels for.")


def _container_list_url(request: HttpRequest) -> str:
    return reverse("properties:container_list", kwargs={"org_slug": request.org.slug})


@org_view(roles=STAFF_ROLES)
@require_safe
def container_label(request: HttpRequest, container_pk: int) -> HttpResponse:
    container = get_for_org_or_404(Container, request.org, pk=container_pk)
    return _print(request, [container.pk], _container_list_url(request))


@org_view(roles=STAFF_ROLES)
@require_POST
def case_labels(request: HttpRequest, number: int) -> HttpResponse:
    case = case_get(request.org, number)
    back = reverse("cases:case_detail", kwargs={"org_slug": request.org.slug, "number": number})
    return _print(request, case_container_ids(request.org, case), back)


@org_view(roles=STAFF_ROLES)
@require_POST
def container_labels(request: HttpRequest) -> HttpResponse:
    """POST `containers` (ids ticked in the list), or `scope=filtered` and `q` (everything the
    list's search finds)."""
    if request.POST.get("scope") == "filtered":
        q = clean_search_text(request.POST.get("q") or "")
        ids = container_ids_matching(request.org, q)
    else:
        ids = parse_ids(request.POST.getlist("containers"))
    return _print(request, ids, _container_list_url(request))
