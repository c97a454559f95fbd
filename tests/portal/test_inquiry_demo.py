"""The demo inquiry forms: a general form and one of the organization's trade, made once."""

from __future__ import annotations

from cases.services.categories import category_ensure_defaults
from organizations import demo as organizations_demo
from portal import demo as portal_demo
from portal.inquiry.selectors import inquiry_forms_for_portal
from portal.inquiry_forms import asked_fields


def test_demo_forms_are_made_once_with_their_case_type(db):
    for _ in range(2):
        context: dict = {}
        organizations_demo.seed(context)
        for demo in context["orgs"].values():
            category_ensure_defaults(demo.org)
        portal_demo.seed(context)
    for slug, demo in context["orgs"].items():
        forms = inquiry_forms_for_portal(demo.org)
        assert len(forms) == 2
        assert all(f.pk for f in forms)
        own = next(f for f in forms if f.name == portal_demo.FORMS[slug][0])
        assert own.category.key == portal_demo.FORMS[slug][2]
        assert asked_fields(own.fields)["property"].required
