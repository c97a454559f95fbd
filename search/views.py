"""The search page (/<org>/search/) and its suggestions as one types (/<org>/search/suggest/).

An exact case number or container id goes straight to that case or container; otherwise the
page lists the hits grouped by kind, one query per kind (search/selectors.py).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cases.selectors.fulltext import SearchText
from config.db_router import replica_view
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import clean_search_text, search_query
from search import selectors
from search.forms import SearchForm
from search.present import present


def _target_url(org_slug: str, target: tuple[str, int]) -> str:
    kind, key = target
    if kind == "case":
        return reverse("cases:case_detail", kwargs={"org_slug": org_slug, "number": key})
    return reverse(
        "properties:container_detail", kwargs={"org_slug": org_slug, "container_pk": key}
    )


@org_view(roles=STAFF_ROLES)
@replica_view  # search: may read the replica (config/db_router.py)
def search_page(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    if "q" in params:  # NUL and other control characters become spaces, as in every search
        params["q"] = clean_search_text(params["q"])
    form = SearchForm(params or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound else {}  # the valid fields, also on an error
    text = SearchText.parse(data.get("q") or "")
    kind = data.get("kind") or ""
    open_only = bool(data.get("open"))
    if text.text and not kind and not open_only:
        target = selectors.exact_target(request.org, text)
        if target:
            return redirect(_target_url(request.org.slug, target))
    groups = selectors.search_all(request.org, text, kind=kind, open_only=open_only)
    context = {
        "form": form,
        "q": text.text,
        "text": text,
        "kind": kind,
        "open_only": open_only,
        "groups": present(groups, request.org.slug),
        "limit": selectors.KIND_LIMIT if kind else selectors.GROUP_LIMIT,
        "any_hits": any(group.total for group in groups),
    }
    return render(request, "search/results.html", context, status=200 if valid else 400)


@org_view(roles=STAFF_ROLES)
@replica_view
def search_suggest(request: HttpRequest) -> HttpResponse:
    """The suggestion list for the top bar's combobox: an HTML fragment of options."""
    text = SearchText.parse(search_query(request))
    groups = selectors.suggestions(request.org, text) if text else []
    context = {"q": text.text, "groups": present([g for g in groups if g.rows], request.org.slug)}
    return render(request, "search/_suggestions.html", context)
