"""Bad input on the case page's one-field forms answers a form error, never a 500 (issue 9).

Item 7: without htmx, a rejected field re-renders the whole page with the bound form; the form
for "status" used to land in `render_page`'s `status` argument and became the HTTP status code.
"""

from __future__ import annotations

import pytest

from cases.forms_detail import HEADER_FORMS, LINK_FORMS
from cases.models import Case
from tests.cases.detail_support import HX, case_url
from tests.factories.cases import make_case

FIELDS = sorted({*HEADER_FORMS, *LINK_FORMS})
NASTY = ["not-a-value", "\x00", "\u202e", "²", "9" * 5000, "-1", "1e309", "x" * 100_000]


@pytest.fixture
def case(tenant) -> Case:
    return make_case(tenant.org, tenant.caseworker, title="Vannlekkasje")


def test_invalid_status_without_htmx_shows_the_page_with_the_error(tenant, staff_client, case):
    response = staff_client.post(case_url(case, "field/status/"), {"status": "bogus"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "new"


def test_invalid_status_with_htmx_answers_400_with_the_header(tenant, staff_client, case):
    response = staff_client.post(case_url(case, "field/status/"), {"status": "bogus"}, headers=HX)

    assert response.status_code == 400
    assert 'id="case-header"' in response.content.decode()


def test_valid_status_without_htmx_redirects_back_to_the_case(tenant, staff_client, case):
    response = staff_client.post(case_url(case, "field/status/"), {"status": "in_progress"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "in_progress"


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("field", FIELDS)
def test_every_case_field_answers_nasty_values_without_a_500(
    tenant, staff_client, case, field, htmx
):
    url = case_url(case, f"field/{field}/")
    # The whole page is slow to render: a few values there, all of them through htmx.
    for value in NASTY if htmx else ["not-a-value", "\x00", "9" * 5000]:
        response = staff_client.post(url, {field: value}, headers=HX if htmx else {})
        assert response.status_code < 500, (field, value[:20], response.status_code)
        if value == "\x00":  # refused, shown in place (no redirect, nothing saved)
            assert response.status_code == (400 if htmx else 200), field
    # The empty post is rejected or a no-op, never a crash either.
    assert staff_client.post(url, {}, headers=HX if htmx else {}).status_code < 500


def test_outsider_gets_404_on_the_field_view(tenant, outsider_client, case):
    response = outsider_client.post(case_url(case, "field/status/"), {"status": "bogus"})

    assert response.status_code == 404


# --- Ids and search text elsewhere on the case pages ---------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["²", "9" * 5000, "9" * 19, "-1", "1e309", "\x00", "٣"],
    ids=["superscript-two", "5000-digits", "over-bigint", "minus-one", "1e309", "nul", "arabic"],
)
def test_case_bulk_drops_ids_that_cannot_be_ids(tenant, staff_client, case, bad):
    url = f"/{tenant.org.slug}/cases/bulk/"

    response = staff_client.post(
        url, {"ids": [bad, str(case.pk)], "action": "priority", "priority": "high"}
    )

    assert response.status_code < 500
    case.refresh_from_db()
    assert case.priority == "high"


@pytest.mark.parametrize("text", ["\x00", "Nord\x00mann", "\u202e", "x" * 100_000, "²"])
def test_new_case_search_button_with_nasty_text_answers_the_form(tenant, staff_client, text):
    response = staff_client.post(
        f"/{tenant.org.slug}/cases/new/",
        {"_refresh": "customer", "customer_search": text, "property_search": text},
    )

    assert response.status_code == 200
    assert not Case.objects.exists()
