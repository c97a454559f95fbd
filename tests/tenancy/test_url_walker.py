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

from django.test import Client

from tests.factories.organizations import UserFactory
from tests.tenancy.routes import (
    NAMED_PARAMETERS,
    NOT_TENANT_PREFIXES,
    NOT_TENANT_ROUTES,
    OBJECT_PARAMETERS,
    Route,
)
from tests.tenancy.snapshot import changed_tables, database_state
from tests.tenancy.walking import (  # noqa: F401 - the fixtures
    FALLBACK_BODY,
    ROUTES,
    harvest,
    list_pages,
    media_root_fixture,
    named_values,
    request,
    resident_client,
    routes_in,
    signed_in,
    status_of,
    two_worlds,
    values_for,
)
from tests.tenancy.world import World

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


def _foreign_variants(route: Route, a: World, b: World, named: dict) -> list[dict[str, str]]:
    """Under A's slug: each object parameter with B's object (the others A's), then all B's."""
    own = values_for(route, a, named)
    theirs = values_for(route, b, named, org_slug=a.org.slug)
    variants = [{**own, p: theirs[p]} for p in route.object_params]
    if len(route.object_params) > 1:
        variants.append(theirs)
    return variants


def _body(bodies: dict[str, dict], url: str) -> dict:
    return bodies.get(url.split("?")[0], FALLBACK_BODY)


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
        for named in named_values(route):
            url = route.url(values_for(route, a, named))
            response = request(client, "GET", url, **extra)
            controls["GET", url] = response.status_code
            harvest(bodies, response, url)
    for page in list_pages(routes, a):  # the lists hold the buttons of many writes
        harvest(bodies, request(client, "GET", page, **extra), page)
    for route in routes:
        before = database_state()
        for named in named_values(route):
            own_url = route.url(values_for(route, a, named))
            for method in methods:
                body = _body(bodies, own_url) if method == "POST" else {"status": "waiting"}
                if (method, own_url) not in controls:
                    controls[method, own_url] = status_of(
                        client, method, own_url, body, rollback=True, **extra
                    )
                for values in _foreign_variants(route, a, b, named):
                    url = route.url(values)
                    foreign = status_of(client, method, url, body, rollback=False, **extra)
                    problem = _judge(method, url, controls[method, own_url], foreign)
                    if problem:
                        failures.append(problem)
        changed = changed_tables(before, database_state())
        if changed:
            failures.append(f"{route.route}: changed {', '.join(changed)}")
    return failures


def _assert_rows_are_seen() -> None:
    """The digests must see B's rows (not an empty, filtered view of them)."""
    state = database_state()
    for table in ("cases_case", "cases_task", "customers_customer", "portal_residentaccount"):
        assert state[table][0] >= 2, (table, state[table])


# --- A member of A, under A's prefix, with B's objects -------------------------------------


def test_staff_urls_answer_404_for_every_object_of_another_organization(worlds, tenant):
    a, b = worlds
    _assert_rows_are_seen()
    client = signed_in(tenant.admin)

    failures = _walk(routes_in("staff"), client, a, b, ("GET", "POST"))

    assert not failures, "\n".join(failures)


def test_resident_pages_answer_404_for_every_object_of_another_organization(worlds):
    a, b = worlds
    client = resident_client(a["resident"])

    failures = _walk(routes_in("portal"), client, a, b, ("GET", "POST"))

    assert not failures, "\n".join(failures)


def test_api_answers_404_for_every_object_of_another_organization(worlds):
    a, b = worlds
    headers = {"Authorization": f"Api-Key {a.values['api_secret']}"}

    failures = _walk(routes_in("api"), signed_in(), a, b, ("GET", "PATCH"), headers=headers)

    assert not failures, "\n".join(failures)
    # The walk had a working key: A's own case answered.
    own = f"/api/v1/cases/{a['case'].number}/"
    assert Client().get(own, headers=headers).status_code == 200


# --- Another organization's prefix, non-members, anonymous visitors -----------------------


def _all_b_urls(routes: list[Route], b: World) -> list[str]:
    return [
        route.url(values_for(route, b, named)) for route in routes for named in named_values(route)
    ]


def test_member_of_one_organization_gets_404_under_another_organizations_prefix(
    worlds, tenant, other_tenant
):
    a, b = worlds
    intruder = signed_in(tenant.admin)
    owner = signed_in(other_tenant.admin)
    failures = []
    before = database_state()
    for url in _all_b_urls(routes_in("staff"), b):
        for method in ("GET", "POST"):
            own = status_of(owner, method, url, FALLBACK_BODY, rollback=True)
            foreign = status_of(intruder, method, url, FALLBACK_BODY, rollback=False)
            problem = _judge(method, url, own, foreign)
            if problem:
                failures.append(problem)

    assert not failures, "\n".join(failures)
    assert not changed_tables(before, database_state())


def test_users_without_membership_get_404_and_visitors_the_sign_in_page(worlds, client):
    a, b = worlds
    nobody = signed_in(UserFactory(email="nobody@example.com"))
    failures = []
    before = database_state()
    for url in _all_b_urls(routes_in("staff"), b):
        for method in ("GET", "POST"):
            status = status_of(nobody, method, url, FALLBACK_BODY, rollback=False)
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
    resident = resident_client(a["resident"])
    failures = []
    for url in _all_b_urls(routes_in("portal"), b):
        for method in ("GET", "POST"):
            theirs = request(resident, method, url, FALLBACK_BODY)
            visitor = request(signed_in(), method, url, FALLBACK_BODY)
            seen = (theirs.status_code, theirs.get("Location"))
            expected = (visitor.status_code, visitor.get("Location"))
            if seen != expected:
                failures.append(f"{method} {url}: {seen}, a visitor gets {expected}")

    assert not failures, "\n".join(failures)
