"""The search page and its suggestions: grouped results, filters, the exact jump, the top bar's
box, a fixed number of queries, and outsiders who get 404 and never see A's rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from tests.factories.cases import make_case

pytestmark = pytest.mark.django_db


def _url(tenant, path="") -> str:
    return f"/{tenant.org.slug}/search/{path}"


def test_outsider_gets_404_everywhere(world, nb_tenant, outsider_client):
    for url in (
        _url(nb_tenant),
        _url(nb_tenant, "?q=vindu"),
        _url(nb_tenant, f"?q={world['leak'].number}"),
        _url(nb_tenant, "suggest/?q=vindu"),
    ):
        assert outsider_client.get(url).status_code == 404, url


def test_outsider_searching_their_own_organization_never_sees_ours(world, other_tenant):
    client = other_tenant.client_for(other_tenant.caseworker)
    for q in ("vindu", "solsidevegen", "ingrid", "bx-778", "dugger"):
        body = client.get(f"/{other_tenant.org.slug}/search/", {"q": q}).content.decode()
        assert "Solsidevegen 12" not in body and "Ingrid Solberg" not in body
        assert "BX-7781" not in body and "Vinduer som dugger" not in body
        body = client.get(f"/{other_tenant.org.slug}/search/suggest/", {"q": q}).content.decode()
        assert "Solsidevegen 12" not in body and "Ingrid Solberg" not in body
    body = client.get(f"/{other_tenant.org.slug}/search/", {"q": "vindu"}).content.decode()
    assert "Vinduer i kjelleren lekker" in body


def test_anonymous_is_sent_to_sign_in_and_suppliers_refused(nb_tenant, client):
    response = client.get(_url(nb_tenant, "?q=x"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    supplier = nb_tenant.client_for(nb_tenant.supplier)
    assert supplier.get(_url(nb_tenant, "?q=x")).status_code == 403
    assert supplier.get(_url(nb_tenant, "suggest/?q=x")).status_code == 403


def test_results_grouped_by_kind(world, nb_tenant, staff_client):
    response = staff_client.get(_url(nb_tenant), {"q": "solsidevegen"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="search-group-cases"' in body and 'id="search-group-properties"' in body
    assert "Solsidevegen 12" in body and "Solsidevegen 99" not in body
    response = staff_client.get(_url(nb_tenant), {"q": "vindu"})
    body = response.content.decode()
    assert f"#{world['window'].number} Vinduer som dugger" in body
    assert f"/cases/{world['window'].number}/" in body


def test_kind_and_open_filters(world, nb_tenant, staff_client):
    from cases.services.cases import case_change

    case_change(
        org=nb_tenant.org, actor=nb_tenant.caseworker, case=world["window"], status="closed"
    )
    body = staff_client.get(_url(nb_tenant), {"q": "vindu", "kind": "cases"}).content.decode()
    assert "Vinduer som dugger" in body and 'id="search-group-customers"' not in body
    body = staff_client.get(
        _url(nb_tenant), {"q": "vindu", "kind": "cases", "open": "on"}
    ).content.decode()
    assert "Vinduer som dugger" not in body


def test_bad_filter_is_a_400_with_a_message_never_a_500(world, nb_tenant, staff_client):
    response = staff_client.get(_url(nb_tenant), {"q": "vindu", "kind": "nonsense"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body  # the form's message
    assert "Vinduer som dugger" in body  # the search itself is kept
    for q in ("\x00", "'&|!", "x" * 5000, "%"):
        assert staff_client.get(_url(nb_tenant), {"q": q}).status_code == 200
        assert staff_client.get(_url(nb_tenant, "suggest/"), {"q": q}).status_code == 200


def test_exact_case_number_or_container_id_jumps(world, nb_tenant, staff_client):
    number = world["leak"].number
    for q in (str(number), f"#{number}", f" {number} "):
        response = staff_client.get(_url(nb_tenant), {"q": q})
        assert response.status_code == 302
        assert response["Location"] == f"/{nb_tenant.org.slug}/cases/{number}/"
    response = staff_client.get(_url(nb_tenant), {"q": "bx-7781"})
    assert response.status_code == 302
    assert response["Location"] == (
        f"/{nb_tenant.org.slug}/properties/containers/{world['container'].pk}/"
    )
    # B's container id and a number no case has: the results page, not a jump.
    assert staff_client.get(_url(nb_tenant), {"q": "BX-7782"}).status_code == 200
    assert staff_client.get(_url(nb_tenant), {"q": "987654"}).status_code == 200


def test_suggestions_are_a_listbox_fragment(world, nb_tenant, staff_client):
    body = staff_client.get(_url(nb_tenant, "suggest/"), {"q": "vin"}).content.decode()
    assert 'role="option"' in body and "Vinduer som dugger" in body
    assert 'aria-selected="false"' in body
    # The organization is Norwegian, so the page is too.
    with translation.override("nb"):
        assert gettext("All results for “%(q)s”") % {"q": "vin"} in body
    assert staff_client.get(_url(nb_tenant, "suggest/"), {"q": ""}).content.strip() == b""


def test_top_bar_box_on_staff_pages(nb_tenant, staff_client):
    body = staff_client.get(f"/{nb_tenant.org.slug}/").content.decode()
    assert 'class="topbar-search"' in body
    assert 'role="combobox"' in body and 'aria-controls="topbar-search-list"' in body
    assert f'action="/{nb_tenant.org.slug}/search/"' in body
    assert "js/search.js" in body
    supplier = nb_tenant.client_for(nb_tenant.supplier)
    body = supplier.get(f"/{nb_tenant.org.slug}/my-work/", follow=True).content.decode()
    assert 'class="topbar-search"' not in body


def _queries(client, url: str, params: dict) -> int:
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_query_count_is_fixed_for_1_and_50_hits(nb_tenant, staff_client):
    org, actor = nb_tenant.org, nb_tenant.caseworker
    make_case(org, actor, title="Fuktskade i kjeller")
    one = _queries(staff_client, _url(nb_tenant), {"q": "fuktskade"})
    one_suggest = _queries(staff_client, _url(nb_tenant, "suggest/"), {"q": "fuktskade"})
    one_cases = _queries(staff_client, _url(nb_tenant), {"q": "fuktskade", "kind": "cases"})
    for _ in range(49):
        make_case(org, actor, title="Fuktskade i bod")
    assert _queries(staff_client, _url(nb_tenant), {"q": "fuktskade"}) == one
    assert _queries(staff_client, _url(nb_tenant, "suggest/"), {"q": "fuktskade"}) == one_suggest
    many = _queries(staff_client, _url(nb_tenant), {"q": "fuktskade", "kind": "cases"})
    assert many == one_cases
    body = staff_client.get(_url(nb_tenant), {"q": "fuktskade", "kind": "cases"}).content
    assert body.decode().count("Fuktskade i") == 50
