"""The inbox's tab counts are cached briefly per organization and user (issue 14), and forgotten
when a case changes through the services for its actor, assignee and creator."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from cases.models import Case
from cases.selectors.inbox_counts import inbox_counts_key
from cases.services.cases import case_change
from tests.cases.lists_support import numbers_in
from tests.factories.cases import make_case
from tests.factories.organizations import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def counts_of(client, org, **params) -> tuple[dict[str, int], list[str]]:
    url = reverse("cases:inbox", kwargs={"org_slug": org.slug})
    response = client.get(url, params)
    assert response.status_code == 200
    return {t["key"]: t["count"] for t in response.context["tabs"]}, numbers_in(response)


@pytest.fixture
def colleague(tenant):
    user = UserFactory(email="colleague@alpha.example", full_name="Colleague Alpha")
    MembershipFactory(organization=tenant.org, user=user, role="caseworker")
    return user


def test_counts_are_cached_but_the_rows_stay_live(tenant, staff_client, colleague):
    me, org = tenant.caseworker, tenant.org
    first = make_case(org, me, title="First")
    assert counts_of(staff_client, org, tab="all")[0]["all"] == 1
    assert cache.get(inbox_counts_key(org.pk, me.pk))["all"] == 1

    # A write outside the services (a data fix, say) forgets nothing: the counts stay cached
    # for their short lifetime while the rows are read live.
    second = make_case(org, colleague, title="Second")
    Case.objects.filter(pk=second.pk).update(assignee=me)
    counts, numbers = counts_of(staff_client, org, tab="all")

    assert counts["all"] == 1
    assert sorted(numbers) == sorted([first.number, second.number])


def test_a_change_through_the_services_forgets_the_counts_of_actor_and_assignee(
    tenant, staff_client, colleague
):
    me, org = tenant.caseworker, tenant.org
    case = make_case(org, colleague, title="Leaking roof")
    assert counts_of(staff_client, org)[0] == {
        "unanswered": 0,
        "resolved": 0,
        "closed": 0,
        "all": 0,
    }
    colleague_client = tenant.client_for(colleague)
    assert counts_of(colleague_client, org)[0]["all"] == 1

    case_change(org=org, actor=colleague, case=case, assignee=me)

    assert counts_of(staff_client, org)[0] == {
        "unanswered": 1,
        "resolved": 0,
        "closed": 0,
        "all": 1,
    }
    case_change(org=org, actor=me, case=case, status=Case.Status.RESOLVED)
    assert counts_of(staff_client, org)[0]["resolved"] == 1
    assert counts_of(colleague_client, org)[0]["resolved"] == 1  # the creator's too


def test_counts_are_kept_per_organization(tenant, staff_client, outsider_client, outsider):
    make_case(tenant.org, tenant.caseworker, title="Ours")
    counts_of(staff_client, tenant.org)

    url = reverse("cases:inbox", kwargs={"org_slug": tenant.org.slug})
    assert outsider_client.get(url).status_code == 404
    assert cache.get(inbox_counts_key(tenant.org.pk, outsider.pk)) is None
