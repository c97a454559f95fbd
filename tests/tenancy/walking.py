"""What the tenancy walks share: the routes, two organizations' worlds, requests that change
nothing, and the POST forms of an organization's own pages (the bodies a browser would send)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client

from organizations.models_audit import EVENT_TAB_DEFAULTS
from portal.auth import SESSION_KEY
from tests.fuzz.html_forms import post_forms
from tests.tenancy.routes import NAMED_PARAMETERS, OBJECT_PARAMETERS, Route, all_routes
from tests.tenancy.world import World, build_world

ROUTES = all_routes()
# Sent where no page of A's has a form posting to the URL (writes reached by a button or htmx).
FALLBACK_BODY = {
    "title": "Taken over",
    "name": "Taken over",
    "body": "Taken over",
    "text": "Taken over",
    "note": "Taken over",
    "reason": "Taken over",
    "role": "admin",
    "active": "0",
    "status": "waiting",
    "minutes": "30",
    "password": "Correct-horse-2026",
    "repeat": "Correct-horse-2026",
}


@pytest.fixture(autouse=True, name="media_root")
def media_root_fixture(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(name="worlds")
def two_worlds(tenant, other_tenant) -> tuple[World, World]:
    for t in (tenant, other_tenant):  # every module's Events tab on, so its URLs answer too
        t.org.event_tabs = dict.fromkeys(EVENT_TAB_DEFAULTS, True)
        t.org.save(update_fields=["event_tabs"])
    a = build_world(tenant, first_case_number=1, label="a")
    b = build_world(other_tenant, first_case_number=5001, label="b")
    return a, b


def request(client: Client, method: str, url: str, body=None, *, rollback=True, **extra):
    """One request, in a savepoint; with `rollback` the savepoint is rolled back and the
    client's cookies restored after it, so it changes nothing for the next request."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url, **extra)
            elif method == "PATCH":
                response = client.patch(
                    url, json.dumps(body), content_type="application/json", **extra
                )
            else:
                response = client.post(url, body or {}, **extra)
            transaction.set_rollback(rollback)
    finally:
        if rollback:
            client.cookies = cookies
    return response


def status_of(client: Client, method: str, url: str, body=None, *, rollback=True, **extra) -> int:
    return request(client, method, url, body, rollback=rollback, **extra).status_code


def named_values(route: Route) -> Iterator[dict[str, str]]:
    combos: list[dict[str, str]] = [{}]
    for param in route.params:
        if param in NAMED_PARAMETERS:
            combos = [{**c, param: v} for c in combos for v in NAMED_PARAMETERS[param]()]
    yield from combos


def values_for(route: Route, world: World, named: dict[str, str], **override) -> dict[str, str]:
    values = {"org_slug": world.org.slug, **named}
    for param in route.object_params:
        values[param] = OBJECT_PARAMETERS[param](world, route)
    values.update(override)
    return values


def list_pages(routes: list[Route], a: World) -> list[str]:
    """A's pages of the same area that name no object (lists, settings)."""
    area = routes[0].area if routes else ""
    return [
        route.url(values_for(route, a, named))
        for route in ROUTES
        if route.area == area and not route.object_params and not route.regex
        for named in named_values(route)
    ]


def harvest(bodies: dict, response, url: str) -> None:
    """The POST forms of an HTML page, as a browser would send them, by the URL they post to."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return
    for form in post_forms(response.content.decode(), url):
        typed = {f.name for f in form.fields if f.kind in ("text", "textarea")}
        pairs: dict[str, list] = {}
        for name, value in form.pairs():
            # What a person would write into an empty text field, so the write gets through.
            pairs.setdefault(name, []).append(value or ("Taken over" if name in typed else ""))
        bodies.setdefault(form.action.split("?")[0], pairs)


def signed_in(user=None) -> Client:
    """A client that answers a 500 instead of raising, so the walk reports every route."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def resident_client(account) -> Client:
    client = signed_in()
    session = client.session
    session[SESSION_KEY] = {str(account.organization_id): account.pk}
    session.save()
    return client


def routes_in(area: str) -> list[Route]:
    return [r for r in ROUTES if r.area == area and r.object_params]
