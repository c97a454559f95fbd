"""Another organization's ids in the fields of every form of an organization's own pages.

Organization A's admin (and A's resident on A's portal) opens every page of A's that the walker
knows, and sends each POST form with one field that names an object (customer, property,
supplier, category, team, container, assignee...) set to organization B's object of that kind,
the rest as the page gave it. Whatever the answer (a form error is right), no row may end up
linking to another organization's row (tests/tenancy/links.py), B's rows stay as they were, and
nothing answers 500.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from cases.models import Case
from tests.fuzz.html_forms import post_forms
from tests.tenancy.links import cross_organization_links
from tests.tenancy.snapshot import changed_tables, database_state
from tests.tenancy.walking import (  # noqa: F401 - the fixtures
    list_pages,
    media_root_fixture,
    named_values,
    request,
    resident_client,
    routes_in,
    signed_in,
    two_worlds,
    values_for,
)
from tests.tenancy.world import World

# A form field's name -> B's object (its id) of the kind the field names, for a form posting
# to `action`.
FOREIGN: dict[str, Callable[[World, str], object]] = {
    "customer": lambda b, action: b["customer"].pk,
    "property": lambda b, action: b["property"].pk,
    "parent": lambda b, action: b["property"].pk,
    "supplier": lambda b, action: b["supplier"].pk,
    "category": lambda b, action: b["category"].pk,
    "team": lambda b, action: b["team"].pk,
    "teams": lambda b, action: b["team"].pk,
    "container": lambda b, action: b["container"].pk,
    "containers": lambda b, action: b["container"].pk,
    "container_ids": lambda b, action: b["container"].pk,
    "assignee": lambda b, action: b.tenant.caseworker.pk,
    "assignees": lambda b, action: b.tenant.caseworker.pk,
    "user": lambda b, action: b.tenant.caseworker.pk,
    "members": lambda b, action: b.tenant.caseworker.pk,
    "users": lambda b, action: b["supplier_user"].pk,
    "tag": lambda b, action: b["tag"].pk,
    "ids": lambda b, action: (b["inquiry"] if "/inquiries/" in action else b["case"]).pk,
    "attachments": lambda b, action: b["attachment"].pk,
    "attachment": lambda b, action: b["attachment"].pk,
    "inquiry": lambda b, action: b["inquiry"].pk,
    "case": lambda b, action: b["case"].pk,
}


def _forms(client, urls: list[str]) -> dict[str, list[tuple[str, object]]]:
    """Action (path and query) -> the form's submission, from each page of `urls`."""
    forms: dict[str, list] = {}
    for url in urls:
        response = request(client, "GET", url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in post_forms(response.content.decode(), url):
            forms.setdefault(form.action, form.pairs())
    return forms


def _try_foreign_ids(client, forms: dict, b: World) -> tuple[list[str], int]:
    """Each form with each object field set to B's; (failures, how many posts)."""
    failures, posts = [], 0
    before = database_state(b.org.pk)
    for action, pairs in forms.items():
        names = {name for name, _value in pairs if name in FOREIGN}
        for name in sorted(names):
            body: dict[str, list] = {}
            for field, value in pairs:
                if field != name:
                    body.setdefault(field, []).append(value)
            body[name] = [str(FOREIGN[name](b, action))]
            posts += 1
            with transaction.atomic():
                response = request(client, "POST", action, body, rollback=False)
                links = cross_organization_links()
                changed = changed_tables(before, database_state(b.org.pk))
                transaction.set_rollback(True)
            if response.status_code >= 500:
                failures.append(f"{action} {name}: {response.status_code}")
            if links:
                failures.append(f"{action} {name}: links across organizations {links}")
            if changed:
                failures.append(f"{action} {name}: changed B's {changed}")
    return failures, posts


def _own_pages(area: str, a: World) -> list[str]:
    routes = routes_in(area)
    own = [route.url(values_for(route, a, n)) for route in routes for n in named_values(route)]
    return own + list_pages(routes, a)


def test_the_worlds_link_nothing_across_organizations_and_a_planted_link_is_found(worlds):
    a, b = worlds

    assert cross_organization_links() == []

    # A user of the other organization only: no foreign key can refuse it, the services do.
    Case.objects.filter(pk=a["case"].pk).update(assignee=b.tenant.caseworker)

    assert cross_organization_links() == ["cases_case.assignee_id: 1 rows"]


def test_staff_forms_with_another_organizations_ids_link_nothing_across(worlds, tenant):
    a, b = worlds
    client = signed_in(tenant.admin)
    forms = _forms(client, _own_pages("staff", a))

    failures, posts = _try_foreign_ids(client, forms, b)

    assert posts >= 20, posts  # the object fields of A's forms were found and tried
    assert not failures, "\n".join(failures)


def test_resident_forms_with_another_organizations_ids_link_nothing_across(worlds):
    a, b = worlds
    client = resident_client(a["resident"])
    forms = _forms(client, _own_pages("portal", a))

    failures, _posts = _try_foreign_ids(client, forms, b)

    assert not failures, "\n".join(failures)
