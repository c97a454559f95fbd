"""Every URL that names an object, tried with another organization's real objects (issue 10).

Two organizations get one of everything a URL can name (tests/tenancy/world.py). Then, for every
route found in the URL patterns that takes an id, a number or a token (tests/tenancy/routes.py):

- an *active admin of organization A*, under A's own prefix, requests it with organization B's
  object in each object parameter in turn (the others A's own, so every lookup is reached, not
  only the first), and with all of B's: GET, and POST with the body A's own page would send.
  Each must answer 404 (405 where A's own object answers 405 too: the method is not taken), and
  the database must not change. The same URL with A's own objects must not answer 404, so a 404
  proves the lookup refused B's object, not that the URL was wrong;
- the same for residents signed in to A's portal, and for A's API key;
- A's admin with B's slug and B's objects gets 404; a user with no membership gets 404 and an
  anonymous visitor the sign-in page; a resident of A gets at B's portal what a visitor gets.

The older walk in tests/organizations/test_tenancy.py (sample ids, roles) stays as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client

from organizations.models_audit import EVENT_TAB_DEFAULTS
from portal.auth import SESSION_KEY
from tests.factories.organizations import UserFactory
from tests.fuzz.html_forms import post_forms
from tests.tenancy.routes import (
    NAMED_PARAMETERS,
    NOT_TENANT_PREFIXES,
    NOT_TENANT_ROUTES,
    OBJECT_PARAMETERS,
    Route,
    all_routes,
)
from tests.tenancy.snapshot import changed_tables, database_state
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


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def worlds(tenant, other_tenant) -> tuple[World, World]:
    for t in (tenant, other_tenant):  # every module's Events tab on, so its URLs answer too
        t.org.event_tabs = dict.fromkeys(EVENT_TAB_DEFAULTS, True)
        t.org.save(update_fields=["event_tabs"])
    a = build_world(tenant, first_case_number=1, label="a")
    b = build_world(other_tenant, first_case_number=5001, label="b")
    return a, b


# --- The registry covers every route ------------------------------------------------------


def test_every_route_parameter_is_known_to_the_walker():
    """A new route whose parameter the registry does not know fails here: add how to make
    that object in tests/tenancy/world.py and routes.py (or name it in NAMED_PARAMETERS)."""
    unknown = []
    for route in ROUTES:
        exempt = route.route in NOT_TENANT_ROUTES or route.route.startswith(
            tuple(NOT_TENANT_PREFIXES)
        )
        if exempt or not set(route.params) - {"org_slug"}:
            continue
        if route.area == "other":
            unknown.append(f"{route.route}: outside /<org>/, /portal/<org>/ and /api/v1/")
            continue
        assert not route.regex, f"use path(), not re_path(): {route.route}"
        for param in route.params:
            if param != "org_slug" and param not in OBJECT_PARAMETERS | NAMED_PARAMETERS:
                unknown.append(f"{route.route}: <{param}>")
    assert not unknown, "parameters the tenancy walker cannot fill:\n" + "\n".join(unknown)


def test_the_walk_reaches_every_kind_of_route():
    areas = {r.area for r in ROUTES if r.object_params} - {"other"}
    assert areas == {"staff", "portal", "api"}
    names = {p for r in ROUTES for p in r.object_params}
    assert names == set(OBJECT_PARAMETERS), set(OBJECT_PARAMETERS) - names


# --- Requests -------------------------------------------------------------------------------


def _request(client: Client, method: str, url: str, body=None, *, rollback=True, **extra):
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


def _status(client: Client, method: str, url: str, body=None, *, rollback=True, **extra) -> int:
    return _request(client, method, url, body, rollback=rollback, **extra).status_code


def _named_values(route: Route) -> Iterator[dict[str, str]]:
    combos: list[dict[str, str]] = [{}]
    for param in route.params:
        if param in NAMED_PARAMETERS:
            combos = [{**c, param: v} for c in combos for v in NAMED_PARAMETERS[param]()]
    yield from combos


def _values(route: Route, world: World, named: dict[str, str], **override) -> dict[str, str]:
    values = {"org_slug": world.org.slug, **named}
    for param in route.object_params:
        values[param] = OBJECT_PARAMETERS[param](world, route)
    values.update(override)
    return values


def _foreign_variants(route: Route, a: World, b: World, named: dict) -> list[dict[str, str]]:
    """Under A's slug: each object parameter with B's object (the others A's), then all B's."""
    own = _values(route, a, named)
    theirs = _values(route, b, named, org_slug=a.org.slug)
    variants = [{**own, p: theirs[p]} for p in route.object_params]
    if len(route.object_params) > 1:
        variants.append(theirs)
    return variants


def _list_pages(routes: list[Route], a: World) -> list[str]:
    """A's pages of the same area that name no object (lists, settings)."""
    area = routes[0].area if routes else ""
    return [
        route.url(_values(route, a, named))
        for route in ROUTES
        if route.area == area and not route.object_params and not route.regex
        for named in _named_values(route)
    ]


def _body(bodies: dict[str, dict], url: str) -> dict:
    return bodies.get(url.split("?")[0], FALLBACK_BODY)


def _harvest(bodies: dict, response, url: str) -> None:
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


def _judge(method: str, url: str, control: int, foreign: int) -> str | None:
    if control == 404 or control >= 500:
        return f"{method} {url}: A's own object answers {control}, so the walk proves nothing"
    if foreign == 404 or (foreign == 405 and control == 405):
        return None
    return f"{method} {url}: {foreign} with another organization's object (own: {control})"


def _walk(routes: list[Route], client: Client, a: World, b: World, methods, **extra) -> list[str]:
    """Every route's foreign variants as `client` (a member of A); the failures."""
    failures: list[str] = []
    bodies: dict[str, dict] = {}
    controls: dict[tuple[str, str], int] = {}
    for route in routes:  # first A's own pages: they must work, and they give the bodies
        for named in _named_values(route):
            url = route.url(_values(route, a, named))
            response = _request(client, "GET", url, **extra)
            controls["GET", url] = response.status_code
            _harvest(bodies, response, url)
    for page in _list_pages(routes, a):  # the lists hold the buttons of many writes
        _harvest(bodies, _request(client, "GET", page, **extra), page)
    for route in routes:
        before = database_state()
        for named in _named_values(route):
            own_url = route.url(_values(route, a, named))
            for method in methods:
                body = _body(bodies, own_url) if method == "POST" else {"status": "waiting"}
                if (method, own_url) not in controls:
                    controls[method, own_url] = _status(
                        client, method, own_url, body, rollback=True, **extra
                    )
                for values in _foreign_variants(route, a, b, named):
                    url = route.url(values)
                    foreign = _status(client, method, url, body, rollback=False, **extra)
                    problem = _judge(method, url, controls[method, own_url], foreign)
                    if problem:
                        failures.append(problem)
        changed = changed_tables(before, database_state())
        if changed:
            failures.append(f"{route.route}: changed {', '.join(changed)}")
    return failures


def _client(user=None) -> Client:
    """A client that answers a 500 instead of raising, so the walk reports every route."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _resident_client(account) -> Client:
    client = _client()
    session = client.session
    session[SESSION_KEY] = {str(account.organization_id): account.pk}
    session.save()
    return client


def _routes(area: str) -> list[Route]:
    return [r for r in ROUTES if r.area == area and r.object_params]


def _assert_rows_are_seen() -> None:
    """The digests must see B's rows (not an empty, filtered view of them)."""
    state = database_state()
    for table in ("cases_case", "cases_task", "customers_customer", "portal_residentaccount"):
        assert state[table][0] >= 2, (table, state[table])


# --- A member of A, under A's prefix, with B's objects -------------------------------------


def test_staff_urls_answer_404_for_every_object_of_another_organization(worlds, tenant):
    a, b = worlds
    _assert_rows_are_seen()
    client = _client(tenant.admin)

    failures = _walk(_routes("staff"), client, a, b, ("GET", "POST"))

    assert not failures, "\n".join(failures)


def test_resident_pages_answer_404_for_every_object_of_another_organization(worlds):
    a, b = worlds
    client = _resident_client(a["resident"])

    failures = _walk(_routes("portal"), client, a, b, ("GET", "POST"))

    assert not failures, "\n".join(failures)


def test_api_answers_404_for_every_object_of_another_organization(worlds):
    a, b = worlds
    headers = {"Authorization": f"Api-Key {a.values['api_secret']}"}

    failures = _walk(_routes("api"), _client(), a, b, ("GET", "PATCH"), headers=headers)

    assert not failures, "\n".join(failures)
    # The walk had a working key: A's own case answered.
    own = f"/api/v1/cases/{a['case'].number}/"
    assert Client().get(own, headers=headers).status_code == 200


# --- Another organization's prefix, non-members, anonymous visitors -----------------------


def _all_b_urls(routes: list[Route], b: World) -> list[str]:
    return [
        route.url(_values(route, b, named)) for route in routes for named in _named_values(route)
    ]


def test_member_of_one_organization_gets_404_under_another_organizations_prefix(
    worlds, tenant, other_tenant
):
    a, b = worlds
    intruder = _client(tenant.admin)
    owner = _client(other_tenant.admin)
    failures = []
    before = database_state()
    for url in _all_b_urls(_routes("staff"), b):
        for method in ("GET", "POST"):
            own = _status(owner, method, url, FALLBACK_BODY, rollback=True)
            foreign = _status(intruder, method, url, FALLBACK_BODY, rollback=False)
            problem = _judge(method, url, own, foreign)
            if problem:
                failures.append(problem)

    assert not failures, "\n".join(failures)
    assert not changed_tables(before, database_state())


def test_users_without_membership_get_404_and_visitors_the_sign_in_page(worlds, client):
    a, b = worlds
    nobody = _client(UserFactory(email="nobody@example.com"))
    failures = []
    before = database_state()
    for url in _all_b_urls(_routes("staff"), b):
        for method in ("GET", "POST"):
            status = _status(nobody, method, url, FALLBACK_BODY, rollback=False)
            if status not in (404, 405):
                failures.append(f"non-member {method} {url}: {status}")
            response = getattr(client, method.lower())(url, FALLBACK_BODY)
            location = response.get("Location", "")
            if response.status_code != 405 and not (
                response.status_code == 302 and location.startswith("/accounts/login/")
            ):
                failures.append(f"anonymous {method} {url}: {response.status_code} {location}")

    assert not failures, "\n".join(failures)
    assert not changed_tables(before, database_state())


def test_a_resident_gets_at_another_organizations_portal_only_what_a_visitor_gets(worlds):
    """A resident's session is per organization: at B's resident pages, A's resident is a
    visitor (sent to B's sign-in), whatever B's objects the address names."""
    a, b = worlds
    resident = _resident_client(a["resident"])
    failures = []
    for url in _all_b_urls(_routes("portal"), b):
        for method in ("GET", "POST"):
            theirs = _request(resident, method, url, FALLBACK_BODY)
            visitor = _request(_client(), method, url, FALLBACK_BODY)
            seen = (theirs.status_code, theirs.get("Location"))
            expected = (visitor.status_code, visitor.get("Location"))
            if seen != expected:
                failures.append(f"{method} {url}: {seen}, a visitor gets {expected}")

    assert not failures, "\n".join(failures)
