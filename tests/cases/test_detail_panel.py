"""The case page's side panel: values rendered plain, editors loaded on demand (htmx GET), saving
on change with an Undo toast, refusals that say why and keep the saved value, the assignee
search, "assign to me", next/previous case, and the page's fixed query cost."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from cases.models import Case, CaseEvent
from cases.services.cases import case_change, case_close
from tests.cases.detail_support import HX, case_url, rich_case
from tests.factories.cases import make_case
from tests.factories.organizations import TeamFactory

PANEL_FIELDS = (
    "status",
    "priority",
    "assignee",
    "teams",
    "category",
    "deadline",
    "supplier",
    "source",
    "external_reference",
    "title",
    "customer",
    "property",
    "containers",
)


@pytest.fixture
def case(tenant) -> Case:
    return make_case(tenant.org, tenant.caseworker, title="Vannlekkasje")


def _panel(html: str) -> str:
    return html.split('<aside id="case-panel"')[1].split("</aside>")[0]


def _post(client, case, field, data):
    return client.post(case_url(case, f"field/{field}/"), data, headers=HX)


# --- Values on the page, editors on demand ------------------------------------------------


def test_page_shows_plain_values_with_an_editor_link_for_every_field(tenant, staff_client):
    case = rich_case(tenant, external_reference="REF-77")

    panel = _panel(staff_client.get(case_url(case)).content.decode())

    assert "<select" not in panel and 'type="checkbox"' not in panel
    assert "Save " not in panel
    for field in PANEL_FIELDS:
        assert f'hx-get="{case_url(case, f"field/{field}/")}"' in panel, field
        assert f'href="{case_url(case)}?edit={field}#prop-{field}"' in panel, field
    assert 'aria-label="Status: New. Change"' in panel
    assert 'aria-label="Assignee: Nobody. Change"' in panel


def test_editor_loads_with_its_options_and_saves_on_change_without_a_save_button(
    tenant, staff_client, case
):
    response = staff_client.get(case_url(case, "field/status/"), headers=HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<form") == 1 and "data-autosave" in html
    assert f'hx-post="{case_url(case, "field/status/")}"' in html
    assert '<select name="status"' in html and 'value="waiting"' in html
    assert 'value="closed"' not in html  # closing needs a resolution: the header's form
    assert "Save Status" not in html


def test_assignee_editor_offers_a_search_of_staff(tenant, staff_client, case):
    html = staff_client.get(case_url(case, "field/assignee/"), headers=HX).content.decode()

    assert f'hx-get="{case_url(case, "field/assignee/options/")}"' in html
    assert tenant.admin.full_name in html and tenant.caseworker.full_name in html


def test_assignee_search_finds_staff_of_this_organization_only(
    tenant, other_tenant, staff_client, case
):
    url = case_url(case, "field/assignee/options/")

    found = staff_client.get(url, {"q": "Admin"}).content.decode()
    everyone = staff_client.get(url).content.decode()

    assert tenant.admin.full_name in found and tenant.caseworker.full_name not in found
    assert tenant.caseworker.full_name in everyone
    assert other_tenant.admin.full_name not in everyone
    assert tenant.supplier.full_name not in everyone


@pytest.mark.parametrize(("field", "label"), [("priority", "Priority"), ("customer", "Customer")])
def test_without_htmx_the_editor_opens_on_the_page_with_a_save_button(
    staff_client, case, field, label
):
    response = staff_client.get(case_url(case, f"field/{field}/"))

    assert response.status_code == 302
    assert response["Location"] == f"{case_url(case)}?edit={field}#prop-{field}"
    panel = _panel(staff_client.get(response["Location"]).content.decode())
    assert f'class="prop editing" id="prop-{field}"' in panel
    assert f'<select name="{field}"' in panel
    assert f"Save {label}" in panel
    assert panel.count("<select") == 1  # only the field asked for


def test_unknown_field_and_closed_status_have_no_editor(tenant, staff_client, case):
    assert staff_client.get(case_url(case, "field/organization/"), headers=HX).status_code == 404
    case_close(org=tenant.org, actor=tenant.caseworker, case=case, resolution="Fikset")

    closed = staff_client.get(case_url(case, "field/status/"), headers=HX).content.decode()
    assert "<form" not in closed and "reopened" in closed
    panel = _panel(staff_client.get(case_url(case)).content.decode())
    assert 'hx-get="' + case_url(case, "field/status/") not in panel
    assert "Closed" in panel


# --- Save, undo, refusals -----------------------------------------------------------------


def test_a_save_answers_a_toast_whose_undo_posts_the_old_value(tenant, staff_client, case):
    response = _post(staff_client, case, "priority", {"priority": "high"})

    html = response.content.decode()
    toast = html.split('<div id="case-toast"')[1]
    assert "Priority saved." in toast
    assert '<input type="hidden" name="priority" value="normal">' in toast
    assert '<input type="hidden" name="undo" value="1">' in toast
    assert "data-focus>High</a>" in _panel(html)

    undo = _post(staff_client, case, "priority", {"priority": "normal", "undo": "1"})

    assert undo.status_code == 200
    html = undo.content.decode()
    assert "Priority changed back." in html and "data-undo" not in html
    case.refresh_from_db()
    assert case.priority == "normal"
    events = CaseEvent.objects.filter(case=case, kind="priority").order_by("id")
    assert [(e.old_value, e.new_value) for e in events] == [
        ("normal", "high"),
        ("high", "normal"),
    ]


def test_undo_of_teams_and_assignee_holds_every_old_value(tenant, staff_client, case):
    drift, vakt = TeamFactory(organization=tenant.org), TeamFactory(organization=tenant.org)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, teams=[drift, vakt])

    teams = _post(staff_client, case, "teams", {"teams": [drift.pk]}).content.decode()
    assignee = _post(staff_client, case, "assignee", {"assignee": tenant.admin.pk})

    undo_teams = re.findall(r'name="teams" value="(\d+)"', teams.split('id="case-toast"')[1])
    assert sorted(map(int, undo_teams)) == sorted([drift.pk, vakt.pk])
    toast = assignee.content.decode().split('id="case-toast"')[1]
    assert '<input type="hidden" name="assignee" value="">' in toast
    _post(staff_client, case, "teams", {"teams": undo_teams, "undo": "1"})
    case.refresh_from_db()
    assert set(case.teams.all()) == {drift, vakt}


def test_nothing_changed_offers_no_undo(staff_client, case):
    html = _post(staff_client, case, "priority", {"priority": "normal"}).content.decode()

    assert "Nothing changed." in html and "data-undo" not in html


def test_a_refused_value_says_why_and_keeps_the_saved_value(tenant, staff_client, case):
    response = _post(staff_client, case, "assignee", {"assignee": tenant.supplier.pk})

    assert response.status_code == 400
    html = response.content.decode()
    toast = html.split('id="case-toast"')[1]
    assert "toast-error" in toast and "Assignee not saved:" in toast and "data-undo" not in toast
    panel = _panel(html)
    assert 'class="prop editing" id="prop-assignee"' in panel
    assert 'aria-label="Assignee: Nobody. Change"' in panel  # the saved value, still shown
    assert 'role="alert"' in panel.split('id="prop-assignee"')[1]
    case.refresh_from_db()
    assert case.assignee is None
    assert not CaseEvent.objects.filter(case=case, kind="assignee").exists()


def test_a_bad_date_keeps_what_was_typed_in_the_open_editor(staff_client, case):
    response = _post(staff_client, case, "deadline", {"deadline": "31.02.2030"})

    assert response.status_code == 400
    editor = _panel(response.content.decode()).split('id="prop-deadline"')[1]
    assert 'value="31.02.2030"' in editor and "Enter a valid date." in editor


# --- Assign to me, next and previous ---------------------------------------------------


def test_assign_to_me_posts_my_id_and_disappears_once_i_am_the_assignee(tenant, staff_client, case):
    page = staff_client.get(case_url(case)).content.decode()
    form = page.split('class="assign-me"')[1].split("</form>")[0]
    assert f'name="assignee" value="{tenant.caseworker.pk}"' in form

    _post(staff_client, case, "assignee", {"assignee": tenant.caseworker.pk})

    assert 'id="assign-me"' not in staff_client.get(case_url(case)).content.decode()


def test_next_and_previous_walk_my_open_cases_by_number(tenant, staff_client):
    me, other = tenant.caseworker, tenant.admin
    first = make_case(tenant.org, me, assignee=me)
    make_case(tenant.org, me, assignee=other)  # someone else's
    closed = make_case(tenant.org, me, assignee=me)
    case_close(org=tenant.org, actor=me, case=closed, resolution="Ferdig")
    last = make_case(tenant.org, me, assignee=me)

    assert staff_client.get(case_url(first, "next/"))["Location"] == case_url(last)
    assert staff_client.get(case_url(last, "previous/"))["Location"] == case_url(first)
    assert staff_client.get(case_url(closed, "next/"))["Location"] == case_url(last)
    at_end = staff_client.get(case_url(last, "next/"), follow=True)
    assert at_end.redirect_chain[-1][0] == case_url(last)
    assert "This is the last of your open cases." in at_end.content.decode()


def test_page_links_next_previous_and_lists_the_shortcuts(staff_client, case):
    html = staff_client.get(case_url(case)).content.decode()

    assert f'href="{case_url(case, "next/")}" id="case-next"' in html
    assert f'href="{case_url(case, "previous/")}" id="case-previous"' in html
    dialog = html.split('<dialog id="case-shortcuts"')[1].split("</dialog>")[0]
    for key in ("r", "n", "a", "s", "u", "j", "k", "?"):
        assert f"<kbd>{key}</kbd>" in dialog


# --- "Add task" and "Log time": loaded when opened ------------------------------------------


@pytest.mark.parametrize(
    ("kind", "anchor", "field"),
    [("task", "case-tasks", "task-assignee"), ("time", "case-time", "time-user")],
)
def test_task_and_time_forms_load_when_opened(tenant, staff_client, case, kind, anchor, field):
    page = staff_client.get(case_url(case)).content.decode()
    assert f'name="{field}"' not in page
    assert f'hx-get="{case_url(case, f"forms/{kind}/")}"' in page

    form = staff_client.get(case_url(case, f"forms/{kind}/"), headers=HX).content.decode()
    assert f'<select name="{field}"' in form and tenant.admin.full_name in form

    response = staff_client.get(case_url(case, f"forms/{kind}/"))
    assert response["Location"] == f"{case_url(case)}?form={kind}#{anchor}"
    opened = staff_client.get(response["Location"]).content.decode()
    assert f'<select name="{field}"' in opened
    section = opened.split(f'id="{anchor}"')[1]
    assert "<details" in section and " open>" in section.split("<summary")[0]


# --- Cost, outsiders, the service's guard --------------------------------------------------

PAGE_QUERIES = 21  # the case page of a case with a customer and a property (incl. the savepoint;
# the reply and forward forms load with their tabs: no saved replies, no inquiry sender; the
# bell's count is cached after the first visit)


def test_case_page_costs_a_fixed_number_of_queries(tenant, staff_client, django_assert_num_queries):
    case = rich_case(tenant)
    for _ in range(2):  # the first visit records the organization in the session
        staff_client.get(case_url(case))

    with django_assert_num_queries(PAGE_QUERIES):
        assert staff_client.get(case_url(case)).status_code == 200


def test_an_editor_costs_the_same_whatever_the_field_holds(
    tenant, staff_client, django_assert_num_queries
):
    case = rich_case(tenant)
    staff_client.get(case_url(case))
    drift = TeamFactory(organization=tenant.org)

    with django_assert_num_queries(11) as before:
        staff_client.get(case_url(case, "field/teams/"), headers=HX)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, teams=[drift])
    with django_assert_num_queries(len(before.captured_queries)):
        staff_client.get(case_url(case, "field/teams/"), headers=HX)


@pytest.mark.parametrize(
    "path",
    [
        "field/status/",
        "field/customer/",
        "field/assignee/options/",
        "next/",
        "previous/",
        "forms/task/",
        "forms/time/",
    ],
)
def test_outsider_gets_404_on_the_panel_urls(outsider_client, case, path):
    assert outsider_client.get(case_url(case, path), headers=HX).status_code == 404
    assert outsider_client.get(case_url(case, path)).status_code == 404


def test_outsider_cannot_undo_into_a_case(outsider_client, case):
    data = {"priority": "critical", "undo": "1"}
    response = outsider_client.post(case_url(case, "field/priority/"), data, headers=HX)

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.priority == "normal"


def test_the_service_refuses_another_organizations_assignee(tenant, other_tenant, case):
    with pytest.raises(ValidationError):
        case_change(
            org=tenant.org, actor=tenant.caseworker, case=case, assignee=other_tenant.caseworker
        )
    case.refresh_from_db()
    assert case.assignee is None
