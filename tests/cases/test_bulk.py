"""Bulk actions on checked cases: assign, status, priority, tag; only within the organization."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CaseEvent, Tag
from cases.services.bulk import cases_bulk_change, parse_ids
from cases.services.cases import case_change
from notifications.models import Notification
from tests.cases.lists_support import rich_cases
from tests.factories.cases import TagFactory, make_case
from tests.factories.organizations import MembershipFactory, UserFactory
from tests.markers import BATCHED_WRITES, postgresql_only

pytestmark = pytest.mark.django_db


def bulk_url(org) -> str:
    return reverse("cases:case_bulk", kwargs={"org_slug": org.slug})


def list_url(org) -> str:
    return reverse("cases:case_list", kwargs={"org_slug": org.slug})


def post_bulk(client, org, cases_or_ids, *, next_url=None, headers=None, **data):
    ids = [getattr(c, "pk", c) for c in cases_or_ids]
    payload = {"ids": [str(i) for i in ids], "next": next_url or list_url(org), **data}
    return client.post(bulk_url(org), payload, headers=headers or {})


def events(case, kind=None):
    qs = CaseEvent.objects.filter(case=case).exclude(kind=CaseEvent.Kind.CREATED)
    return list(qs.filter(kind=kind) if kind else qs)


# --- The service --------------------------------------------------------------------------


def test_status_change_writes_one_event_per_changed_case(tenant):
    org, me = tenant.org, tenant.caseworker
    fresh = make_case(org, me)
    already = make_case(org, me)
    case_change(org=org, actor=me, case=already, status=Case.Status.WAITING)

    result = cases_bulk_change(
        org=org, actor=me, case_ids=[fresh.pk, already.pk], status=Case.Status.WAITING
    )

    assert result.changed == 1
    [event] = events(fresh)
    assert (event.kind, event.field, event.old_value, event.new_value) == (
        CaseEvent.Kind.STATUS,
        "status",
        "new",
        "waiting",
    )
    assert event.actor == me
    assert len(events(already)) == 1  # only the earlier single change


def test_status_change_has_the_same_side_effects_as_case_change(tenant):
    org, me = tenant.org, tenant.caseworker
    taken, done = make_case(org, me), make_case(org, me)

    cases_bulk_change(org=org, actor=me, case_ids=[taken.pk], status=Case.Status.IN_PROGRESS)
    cases_bulk_change(org=org, actor=me, case_ids=[done.pk], status=Case.Status.RESOLVED)

    taken.refresh_from_db()
    done.refresh_from_db()
    # Only a reply to the customer is a first response (cases/services/messages.py), not a
    # status change: a case taken in hand but not answered stays "Unanswered".
    assert taken.first_response_at is None
    assert done.resolved_at is not None and done.first_response_at is None


def test_assign_notifies_the_new_assignee_and_records_the_old_one(tenant):
    org, me, admin = tenant.org, tenant.caseworker, tenant.admin
    case = make_case(org, me, assignee=me)

    cases_bulk_change(org=org, actor=me, case_ids=[case.pk], assignee=admin)

    case.refresh_from_db()
    assert case.assignee == admin
    [event] = events(case, CaseEvent.Kind.ASSIGNEE)
    assert (event.old_value, event.new_value) == (str(me), str(admin))
    assert Notification.objects.filter(recipient=admin, kind=Notification.Kind.ASSIGNED).exists()


def test_priority_change(tenant):
    case = make_case(tenant.org, tenant.caseworker)

    cases_bulk_change(
        org=tenant.org, actor=tenant.caseworker, case_ids=[case.pk], priority="critical"
    )

    case.refresh_from_db()
    assert case.priority == "critical"
    assert len(events(case, CaseEvent.Kind.PRIORITY)) == 1


def test_add_tag_links_it_once_and_records_old_and_new_tags(tenant):
    org, me = tenant.org, tenant.caseworker
    old_tag = TagFactory(organization=org, name="bad")
    tag = TagFactory(organization=org, name="fukt")
    untagged, has_other, has_it = make_case(org, me), make_case(org, me), make_case(org, me)
    has_other.tags.add(old_tag)
    has_it.tags.add(tag)

    result = cases_bulk_change(
        org=org, actor=me, case_ids=[untagged.pk, has_other.pk, has_it.pk], add_tag=tag
    )

    assert result.changed == 2
    assert set(has_other.tags.all()) == {old_tag, tag}
    [event] = events(has_other, CaseEvent.Kind.TAGS)
    assert (event.old_value, event.new_value) == ("bad", "bad, fukt")
    assert events(has_it) == []


def test_ids_of_another_organization_are_ignored_and_reported(tenant, other_tenant):
    ours = make_case(tenant.org, tenant.caseworker)
    theirs = make_case(other_tenant.org, other_tenant.caseworker)

    result = cases_bulk_change(
        org=tenant.org,
        actor=tenant.caseworker,
        case_ids=[ours.pk, theirs.pk],
        priority="high",
    )

    assert result.ignored_ids == [theirs.pk]
    theirs.refresh_from_db()
    assert theirs.priority == "normal"
    assert events(theirs) == []


def test_closing_in_bulk_is_refused_because_closing_needs_a_resolution(tenant):
    case = make_case(tenant.org, tenant.caseworker)

    with pytest.raises(ValidationError):
        cases_bulk_change(
            org=tenant.org, actor=tenant.caseworker, case_ids=[case.pk], status="closed"
        )


def test_assigning_to_a_supplier_user_or_outsider_is_refused(tenant, outsider):
    case = make_case(tenant.org, tenant.caseworker)

    for user in (tenant.supplier, outsider):
        with pytest.raises(ValidationError):
            cases_bulk_change(
                org=tenant.org, actor=tenant.caseworker, case_ids=[case.pk], assignee=user
            )


def test_tag_of_another_organization_is_refused(tenant, other_tenant):
    case = make_case(tenant.org, tenant.caseworker)
    foreign = TagFactory(organization=other_tenant.org)

    with pytest.raises(ValidationError):
        cases_bulk_change(
            org=tenant.org, actor=tenant.caseworker, case_ids=[case.pk], add_tag=foreign
        )


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "in_progress"},
        {"priority": "high"},
        {"assignee": "admin"},
        {"add_tag": "tag"},
        {"status": "waiting", "priority": "low", "assignee": "admin", "add_tag": "tag"},
    ],
)
@postgresql_only(BATCHED_WRITES)
def test_bulk_change_costs_the_same_queries_for_1_and_50_cases(tenant, changes):
    org, me = tenant.org, tenant.caseworker
    tag = TagFactory(organization=org)
    values = {
        k: tenant.admin if v == "admin" else tag if v == "tag" else v for k, v in changes.items()
    }
    counts = []
    for n in (1, 50):
        cases = rich_cases(org, me, n, assignee=me)
        with CaptureQueriesContext(connection) as ctx:
            result = cases_bulk_change(org=org, actor=me, case_ids=[c.pk for c in cases], **values)
        assert result.changed == n
        counts.append(len(ctx.captured_queries))

    assert counts[0] == counts[1]
    # + 2 when the new assignee gets an e-mail too: the reply address and one outbox insert;
    # + 1 for the service-level policies when a status or priority changes (+ 2 for the
    # business calendar when a policy applies).
    assert counts[1] <= 13


def test_parse_ids_drops_junk_and_duplicates():
    assert parse_ids(["3", "x", "", "-1", "3", "12", None]) == [3, 12]


# --- The view ----------------------------------------------------------------------------


def test_bulk_assign_from_the_list_redirects_back_with_a_summary(tenant, staff_client):
    cases = [make_case(tenant.org, tenant.caseworker) for _ in range(3)]
    back = list_url(tenant.org) + "?status=open&sort=number"

    response = post_bulk(
        staff_client,
        tenant.org,
        cases,
        next_url=back,
        action="assign",
        assignee=tenant.admin.pk,
    )

    assert response.status_code == 302 and response["Location"] == back
    assert Case.objects.filter(assignee=tenant.admin).count() == 3
    page = staff_client.get(back).content.decode()
    assert "3 cases changed." in page


def test_bulk_from_the_inbox_returns_to_the_inbox(tenant, staff_client):
    case = make_case(tenant.org, tenant.caseworker)
    inbox = reverse("cases:inbox", kwargs={"org_slug": tenant.org.slug}) + "?tab=all"

    response = post_bulk(
        staff_client, tenant.org, [case], next_url=inbox, action="priority", priority="high"
    )

    assert response["Location"] == inbox


def test_next_pointing_elsewhere_falls_back_to_the_case_list(tenant, other_tenant, staff_client):
    case = make_case(tenant.org, tenant.caseworker)
    elsewhere = reverse("cases:case_list", kwargs={"org_slug": other_tenant.org.slug})

    for target in ("https://evil.example/", elsewhere, "/accounts/login/"):
        response = post_bulk(
            staff_client, tenant.org, [case], next_url=target, action="priority", priority="low"
        )
        assert response["Location"] == list_url(tenant.org)


def test_bulk_tag_creates_the_tag_once(tenant, staff_client):
    cases = [make_case(tenant.org, tenant.caseworker) for _ in range(2)]

    post_bulk(staff_client, tenant.org, cases, action="tag", tag="Garanti")
    post_bulk(staff_client, tenant.org, cases, action="tag", tag="garanti")

    tag = Tag.objects.get(organization=tenant.org)
    assert tag.name == "Garanti"
    assert all(list(c.tags.all()) == [tag] for c in cases)


def test_htmx_bulk_on_the_list_returns_the_refreshed_table(tenant, staff_client):
    case = make_case(tenant.org, tenant.caseworker, title="Switch me")

    response = post_bulk(
        staff_client,
        tenant.org,
        [case],
        headers={"HX-Request": "true", "HX-Target": "case-results"},
        action="status",
        status="waiting",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "1 case changed." in html
    assert "Waiting" in html


def test_htmx_bulk_on_the_inbox_refreshes_tab_counts(tenant, staff_client):
    case = make_case(tenant.org, tenant.caseworker)
    inbox = reverse("cases:inbox", kwargs={"org_slug": tenant.org.slug})

    response = post_bulk(
        staff_client,
        tenant.org,
        [case],
        next_url=inbox,
        headers={"HX-Request": "true", "HX-Target": "inbox-body"},
        action="status",
        status="resolved",
    )

    counts = {t["key"]: t["count"] for t in response.context["tabs"]}
    assert counts["resolved"] == 1 and counts["unanswered"] == 0


def test_missing_value_keeps_the_checked_cases_and_says_what_is_wrong(tenant, staff_client):
    cases = [make_case(tenant.org, tenant.caseworker) for _ in range(2)]

    response = post_bulk(staff_client, tenant.org, cases, action="assign", assignee="")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose who gets the cases." in html
    for case in cases:
        assert (
            f'name="ids" value="{case.pk}" aria-label="Select case #{case.number}" checked' in html
        )


def test_htmx_error_answers_400_with_the_form(tenant, staff_client):
    case = make_case(tenant.org, tenant.caseworker)

    response = post_bulk(
        staff_client,
        tenant.org,
        [case],
        headers={"HX-Request": "true"},
        action="status",
        status="",
    )

    assert response.status_code == 400
    assert "Choose the new value." in response.content.decode()


def test_nothing_checked_is_an_error(tenant, staff_client):
    response = post_bulk(staff_client, tenant.org, [], action="priority", priority="high")

    assert "Select at least one case." in response.content.decode()


def test_posted_ids_of_another_organization_are_ignored_and_reported(
    tenant, other_tenant, staff_client
):
    ours = make_case(tenant.org, tenant.caseworker)
    theirs = make_case(other_tenant.org, other_tenant.caseworker)

    response = post_bulk(
        staff_client, tenant.org, [ours, theirs], action="priority", priority="critical"
    )

    theirs.refresh_from_db()
    assert theirs.priority == "normal" and events(theirs) == []
    ours.refresh_from_db()
    assert ours.priority == "critical"
    page = staff_client.get(response["Location"]).content.decode()
    assert "1 selected case was not found and was left alone." in page


def test_only_ids_of_another_organization_give_404_and_change_nothing(
    tenant, other_tenant, staff_client
):
    theirs = make_case(other_tenant.org, other_tenant.caseworker)

    response = post_bulk(staff_client, tenant.org, [theirs], action="tag", tag="hijack")

    assert response.status_code == 404
    assert not Tag.objects.exists()
    assert list(theirs.tags.all()) == []


def test_outsider_gets_404_for_bulk_and_changes_nothing(tenant, outsider_client):
    case = make_case(tenant.org, tenant.caseworker)

    response = post_bulk(outsider_client, tenant.org, [case], action="priority", priority="low")

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.priority == "normal"


def test_supplier_gets_403_for_bulk(tenant):
    case = make_case(tenant.org, tenant.caseworker)
    client = tenant.client_for(tenant.supplier)

    response = post_bulk(client, tenant.org, [case], action="priority", priority="low")

    assert response.status_code == 403


def test_bulk_url_refuses_get(tenant, staff_client):
    assert staff_client.get(bulk_url(tenant.org)).status_code == 405


def test_member_of_both_organizations_cannot_reach_the_other_through_one(tenant, other_tenant):
    roamer = UserFactory(email="both@example.com")
    MembershipFactory(organization=tenant.org, user=roamer, role="caseworker")
    MembershipFactory(organization=other_tenant.org, user=roamer, role="caseworker")
    theirs = make_case(other_tenant.org, other_tenant.caseworker)

    response = post_bulk(
        tenant.client_for(roamer), tenant.org, [theirs], action="priority", priority="low"
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.priority == "normal"
