"""The case page: what it shows, its fixed query cost, and who may open it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from cases.services.cases import case_change
from cases.services.notes import note_add
from tests.cases.detail_support import case_url, rich_case
from tests.factories.cases import make_case


def test_case_page_shows_the_fields_customer_and_property_in_the_side_panel(tenant, staff_client):
    case = rich_case(tenant, title="Lekkasje på badet", external_reference="REF-77")

    response = staff_client.get(case_url(case))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"#{case.number}" in html
    assert "Lekkasje på badet" in html
    panel = html.split('id="case-panel"')[1].split("</aside>")[0]
    assert "REF-77" in panel and "Kari Nordmann" in panel and "Solbakken 12" in panel
    # Containers (seed 001): id, fraction, type/size, address
    assert "B-4711" in panel and "Plast" in panel and "240 litres" in panel
    # Property with its parent chain, agreement with the price, contacts at the property
    assert "Solbakken 12" in html and "Solbakken borettslag" in html and "Rekkehus" in html
    assert "1,250.00" in html or "1250.00" in html
    assert "Kari Nordmann" in html and "Owner" in html


def test_case_page_marks_an_overdue_deadline(tenant, staff_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    case = make_case(tenant.org, tenant.caseworker, deadline=yesterday)

    html = staff_client.get(case_url(case)).content.decode()

    assert "Overdue since" in html
    assert 'class="prop is-overdue" id="prop-deadline"' in html


def test_case_page_does_not_mark_a_future_deadline(tenant, staff_client):
    case = make_case(
        tenant.org, tenant.caseworker, deadline=timezone.localdate() + datetime.timedelta(days=3)
    )

    html = staff_client.get(case_url(case)).content.decode()

    assert "Overdue since" not in html


def test_case_page_composer_separates_internal_notes_from_replies(tenant, staff_client):
    case = make_case(tenant.org, tenant.caseworker)

    html = staff_client.get(case_url(case)).content.decode()

    assert "Internal note: only your colleagues can see it, never the customer." in html
    reply_tab = html[html.index('id="composer-tab-reply"') :].split(">")[0]
    assert "disabled" not in reply_tab
    # The reply and forward forms load when their tab opens (issue 14).
    base = f"/{tenant.org.slug}/cases/{case.number}"
    assert f'hx-get="{base}/forms/reply/"' in html and f'hx-get="{base}/forms/forward/"' in html
    assert f'action="{base}/reply/"' not in html
    hx = {"HX-Request": "true"}
    reply = staff_client.get(case_url(case, "forms/reply/"), headers=hx).content.decode()
    assert f'action="{base}/reply/"' in reply
    forward = staff_client.get(case_url(case, "forms/forward/"), headers=hx).content.decode()
    assert f'action="{base}/forward/"' in forward


@pytest.mark.parametrize("kind", ["reply", "forward"])
def test_without_javascript_the_composer_tab_opens_on_the_page(tenant, staff_client, kind):
    case = make_case(tenant.org, tenant.caseworker)

    response = staff_client.get(case_url(case, f"forms/{kind}/"))

    assert response.status_code == 302
    assert response["Location"] == case_url(case) + f"?composer={kind}#composer-{kind}"
    html = staff_client.get(response["Location"]).content.decode()
    assert f'action="/{tenant.org.slug}/cases/{case.number}/{kind}/"' in html
    assert f'data-composer-tab="{kind}_form"' in html


@pytest.mark.parametrize("kind", ["reply", "forward"])
def test_composer_forms_are_refused_to_outsiders_and_suppliers(tenant, outsider_client, kind):
    case = make_case(tenant.org, tenant.caseworker)
    hx = {"HX-Request": "true"}

    assert outsider_client.get(case_url(case, f"forms/{kind}/"), headers=hx).status_code == 404
    supplier = tenant.client_for(tenant.supplier)
    assert supplier.get(case_url(case, f"forms/{kind}/"), headers=hx).status_code == 403


def test_case_page_lists_history_oldest_first_with_the_composer_below(tenant, staff_client):
    case = make_case(tenant.org, tenant.caseworker)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, priority="high")
    note_add(org=tenant.org, actor=tenant.caseworker, case=case, body="Ringte kunden")

    html = staff_client.get(case_url(case)).content.decode()

    created = html.index("created the case")
    priority = html.index("changed the priority")
    note = html.index("Ringte kunden")
    composer = html.index('id="composer"')
    assert created < priority < note < composer


def _history(tenant, case: Case, count: int) -> None:
    """Grow the case's history to `count` events of mixed kinds."""
    statuses = ["in_progress", "waiting", "new"]
    i = 0
    while case.events.count() < count:
        if i % 2:
            note_add(org=tenant.org, actor=tenant.caseworker, case=case, body=f"Note {i}")
        else:
            case_change(org=tenant.org, actor=tenant.caseworker, case=case, status=statuses[i % 3])
        i += 1


def _page_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(case_url(case))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_case_page_costs_the_same_queries_for_1_and_50_events(
    tenant, staff_client, django_assert_num_queries
):
    small = rich_case(tenant, container_id="S-1")
    big = rich_case(tenant, container_id="B-1")
    _history(tenant, big, 50)
    assert small.events.count() == 1
    assert big.events.count() == 50

    staff_client.get(case_url(small))  # the first visit records the organization in the session
    expected = _page_queries(staff_client, small)

    with django_assert_num_queries(expected):
        response = staff_client.get(case_url(big))
    assert response.content.decode().count('class="event ') == 50


@pytest.mark.parametrize("path", ["", "field/status/", "notes/", "tasks/", "time/", "tags/"])
def test_supplier_user_gets_403_on_staff_case_page_urls(tenant, path):
    case = make_case(tenant.org, tenant.caseworker)
    client = tenant.client_for(tenant.supplier)

    response = client.post(case_url(case, path)) if path else client.get(case_url(case))

    assert response.status_code == 403


def test_unknown_case_number_gives_404(tenant, staff_client):
    assert staff_client.get(f"/{tenant.org.slug}/cases/999999/").status_code == 404


def test_anonymous_user_is_sent_to_sign_in(tenant, client):
    case = make_case(tenant.org, tenant.caseworker)

    response = client.get(case_url(case))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_case_page_has_unique_element_ids_and_labelled_fields(tenant, staff_client):
    import re
    from collections import Counter

    from cases.services.tasks import task_add

    case = rich_case(tenant)
    task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Strø")

    html = staff_client.get(case_url(case)).content.decode()

    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        field_id = re.search(r'\sid="([^"]+)"', tag)
        if field_id is None or 'type="hidden"' in tag or "aria-label=" in tag:
            continue
        field_id = field_id.group(1)
        # A <label for>, or (checkboxes of a multiple choice) a <label> around the input.
        assert f'for="{field_id}"' in html or re.search(
            rf'<label[^>]*>\s*<input[^>]*id="{re.escape(field_id)}"', html
        ), field_id


def test_contacts_at_the_property_leave_out_ended_roles(tenant, staff_client):
    import datetime as dt

    from tests.factories.customers import ContactRoleFactory, CustomerFactory

    case = rich_case(tenant)
    former = CustomerFactory(organization=tenant.org, name="Tidligere Eier")
    ContactRoleFactory(
        customer=former,
        property=case.property,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2021, 1, 1),
    )

    html = staff_client.get(case_url(case)).content.decode()
    contacts = html.split('<ul class="contact-list"')[1].split("</ul>")[0]

    assert "Kari Nordmann" in contacts
    assert "Tidligere Eier" not in contacts
