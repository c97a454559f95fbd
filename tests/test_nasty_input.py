"""Nasty input in query strings never gives a 500 (issue 9, items 5 and 8).

Every list, autocomplete and form page under /<org>/ that reads `q` or an id from the query
string gets a fixed set of values an attacker (or a confused browser) sends: NUL, which
PostgreSQL text cannot hold; a lone surrogate as invalid UTF-8; a right-to-left override; 100 KB;
"²" (a digit to `str.isdigit()`, not to `int()`); 5,000 digits (beyond `int()`'s limit and any
bigint); "-1"; "1e309" (infinity as a float). A signed-in caseworker gets an answer below 500; a
member of another organization gets 404 before any of it is read.
"""

from __future__ import annotations

import inspect
import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories.cases import make_case

ORG_PREFIX = "<slug:org_slug>/"

# Percent-encoded as they travel; "%ED%B3%BF" is the UTF-8 form of the lone surrogate U+DCFF.
NASTY = {
    "nul": quote("\x00"),
    "lone-surrogate": "%ED%B3%BF",
    "rtl-override": quote("\u202e"),
    "100kb": "x" * 100_000,
    "superscript-two": quote("²"),
    "5000-digits": "9" * 5000,
    "minus-one": "-1",
    "1e309": "1e309",
}

# url name -> the query parameters it reads (q, ids, filters, paging).
ENDPOINTS: dict[str, list[str]] = {
    "cases:inbox": ["q", "tab", "customer", "property", "assignee", "team", "page", "after"],
    "cases:case_list": [
        *("q", "status", "priority", "category", "assignee", "team", "supplier", "tag"),
        *("source", "created_from", "customer", "property", "sort", "after", "before"),
    ],
    "cases:case_new": ["customer", "property"],
    "cases:case_new_property": ["customer"],
    "cases:case_detail": ["edit", "form", "composer"],
    "cases:assignee_options": ["q"],
    "cases:case_merge": ["into"],
    "cases:supplier_work": ["show"],
    "cases:mention_candidates": ["q"],
    "customers:customer_list": ["q", "page"],
    "customers:customer_autocomplete": ["q"],
    "customers:customer_options": ["q"],
    "customers:contact_role_add": ["customer", "property", "anchor"],
    "customers:supplier_list": ["q", "page"],
    "properties:property_list": ["q", "page"],
    "properties:property_autocomplete": ["q"],
    "properties:property_options": ["q"],
    "properties:property_create": ["parent"],
    "properties:container_list": ["q", "page"],
    "properties:container_autocomplete": ["q", "property"],
    "properties:container_create": ["property"],
    "properties:agreement_create": ["property", "customer"],
    "inquiries:inquiry_list": ["status", "channel", "date_from", "date_to", "page", "preview"],
    "inquiries:received_emails": ["status", "page"],
    "privacy:settings": ["page"],
    "organizations:events": ["module", "user", "date_from", "date_to", "after"],
    "organizations:events_export": ["module", "user", "date_from", "date_to"],
    "cases:deviation_list": [
        *("q", "status", "type", "severity", "property", "responsible", "overdue", "page"),
    ],
    "cases:deviation_new": ["case"],
    "search:search": ["q", "kind", "open"],
    "search:suggest": ["q"],
    "reports:case_export": ["format", "q", "status", "assignee", "sort", "after"],
    "reports:saved_view_new": ["query"],
}
# Views that read the query string but only as a yes/no flag, or only on POST.
NOT_LISTED = {
    "cases:attachment_download": "?download= is only tested for being set",
    "inquiries:inquiry_attachment": "?download= is only tested for being set",
    "cases:deviation_file": "?download= is only tested for being set",
    "inquiries:inquiry_bulk": "POST only; its ids are covered by the bulk tests",
    # The tray's filters carried along by the preview and conversion pages: read through
    # inquiries/views/tray.py's tray_filters (InquiryFilterForm), as the tray itself reads them.
    "inquiries:inquiry_preview": "tray filters only, parsed as inquiries:inquiry_list's",
    "inquiries:inquiry_convert": "tray filters only, parsed as inquiries:inquiry_list's",
    "inquiries:inquiry_convert_now": "tray filters only, parsed as inquiries:inquiry_list's",
}


def _org_patterns() -> list[tuple[str, str, object]]:
    """(url name with namespace, route, view) of every URL below /<org_slug>/."""
    org = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and str(p.pattern) == ORG_PREFIX
    )
    found: list[tuple[str, str, object]] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern):
                found.append((f"{namespace}:{p.name}", prefix + str(p.pattern), p.callback))

    walk(org.url_patterns, "", "")
    return found


ROUTES = {name: route for name, route, _view in _org_patterns()}


@pytest.fixture
def case(tenant):
    return make_case(tenant.org, tenant.caseworker, title="Vannlekkasje")


def _url(org, name: str, case) -> str:
    route = ROUTES[name].replace("<int:number>", str(case.number))
    assert "<" not in route, route
    return f"/{org.slug}/{route}"


def test_every_view_reading_the_query_string_is_fuzzed():
    """A new view reading `request.GET` joins ENDPOINTS (or NOT_LISTED, saying why)."""
    readers = set()
    for name, _route, view in _org_patterns():
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue
        if "request.GET" in source or "search_query(" in source:
            readers.add(name)
    assert readers, "the source scan found nothing"
    assert readers <= set(ENDPOINTS) | set(NOT_LISTED), readers - set(ENDPOINTS) - set(NOT_LISTED)
    assert set(ENDPOINTS) <= set(ROUTES), set(ENDPOINTS) - set(ROUTES)


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_nasty_query_values_never_give_a_500(tenant, staff_client, case, name):
    url = _url(tenant.org, name, case)
    failures = []
    for param in ENDPOINTS[name]:
        for label, value in NASTY.items():
            status = staff_client.get(f"{url}?{param}={value}").status_code
            if status >= 500:
                failures.append((param, label, status))
    assert not failures, failures


@pytest.mark.parametrize("label", sorted(NASTY))
def test_every_page_under_the_organization_survives_a_nasty_value_in_every_parameter(
    tenant, staff_client, case, label
):
    """Discovery: each GET route (no path parameters, plus the case's mention picker) with every
    parameter name any of them reads set to the same nasty value at once."""
    params = sorted({p for names in ENDPOINTS.values() for p in names})
    query = "&".join(f"{p}={NASTY[label]}" for p in params)
    failures = []
    for name, route in ROUTES.items():
        if "<" in route.replace("<int:number>", ""):
            continue  # other path parameters: their views read no query string
        status = staff_client.get(f"{_url(tenant.org, name, case)}?{query}").status_code
        if status >= 500:
            failures.append((name, status))
    assert not failures, failures


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_outsider_gets_404_with_nasty_values(tenant, outsider_client, case, name):
    url = _url(tenant.org, name, case)
    for param in ENDPOINTS[name]:
        for value in (NASTY["nul"], NASTY["5000-digits"], NASTY["superscript-two"]):
            assert outsider_client.get(f"{url}?{param}={value}").status_code == 404, param


# --- What the answers say -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "customers:customer_autocomplete",
        "properties:property_autocomplete",
        "properties:container_autocomplete",
    ],
)
def test_autocomplete_with_nul_in_q_answers_an_empty_json_list(tenant, staff_client, case, name):
    response = staff_client.get(f"{_url(tenant.org, name, case)}?q=%00")

    assert response.status_code == 200
    assert response.json() == []


def test_mention_candidates_ignore_nul_and_still_match(tenant, staff_client, case):
    response = staff_client.get(f"{_url(tenant.org, 'cases:mention_candidates', case)}?q=Adm%00")

    assert response.status_code == 200
    names = [r["name"] for r in response.json()["results"]]
    assert names == [] or all(re.search("adm", n, re.I) for n in names)


@pytest.mark.parametrize(
    "value",
    ["²", "9" * 5000, "9" * 20, "-1", "1e309", " 1", "1_0"],
    ids=["superscript", "5000-digits", "20-digits", "minus", "1e309", "space", "underscore"],
)
def test_container_autocomplete_with_a_malformed_property_answers_empty(
    tenant, staff_client, case, value
):
    url = _url(tenant.org, "properties:container_autocomplete", case)

    response = staff_client.get(url, {"property": value})

    assert response.status_code == 200
    assert response.json() == []
