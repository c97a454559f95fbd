from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def new_case_url(org_slug: str) -> str:
    """The "create a case directly" page when the cases app has it, else the case list."""
    try:
        return reverse("cases:case_new", kwargs={"org_slug": org_slug})
    except NoReverseMatch:
        return reverse("cases:case_list", kwargs={"org_slug": org_slug})
