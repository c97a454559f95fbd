"""The inbox's tab counts are cached briefly per organization and user (issue 14), forgotten when
a case changes through the services for its actor, assignee and creator, and counted again
after the response once they are REFRESH_AFTER old."""

from __future__ import annotations

import logging
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.urls import reverse

from cases.models import Case
from cases.selectors.inbox_counts import COUNTS_TTL, REFRESH_AFTER, inbox_counts_key
from cases.services.cases import case_change
from organizations.after_response import after_response
from tests.cases.lists_support import numbers_in
from tests.factories.cases import make_case
from tests.factories.organizations import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def counts_of(client, org, **params) -> tuple[dict[str, int], list[str]]:
    url = reverse("cases:inbox", kwargs={"org_slug": org.slug})
    response = client.get(url, params)
    assert response.status_code == 200
    return {t["key"]: t["count"] for t in response.context["tabs"]}, numbers_in(response)


def kept(org, user) -> tuple[float, dict[str, int]] | None:
    """What the cache holds for the user's counts: (when counted, the counts)."""
    return cache.get(inbox_counts_key(org.pk, user.pk))


def age_kept_counts(org, user, seconds: float) -> None:
    counted_at, counts = kept(org, user)
    cache.set(inbox_counts_key(org.pk, user.pk), (counted_at - seconds, counts), COUNTS_TTL)


def assigned_behind_the_services_back(org, creator, user, title: str) -> Case:
    """A case that reaches `user` without forgetting their counts (a data fix, say)."""
    case = make_case(org, creator, title=title)
    Case.objects.filter(pk=case.pk).update(assignee=user)
    return case


@pytest.fixture
def colleague(tenant):
    user = UserFactory(email="colleague@alpha.example", full_name="Colleague Alpha")
    MembershipFactory(organization=tenant.org, user=user, role="caseworker")
    return user


def test_counts_are_cached_but_the_rows_stay_live(tenant, staff_client, colleague):
    me, org = tenant.caseworker, tenant.org
    first = make_case(org, me, title="First")
    assert counts_of(staff_client, org, tab="all")[0]["all"] == 1
    assert kept(org, me)[1]["all"] == 1

    # A write outside the services (a data fix, say) forgets nothing: the counts stay cached
    # for their short lifetime while the rows are read live.
    second = assigned_behind_the_services_back(org, colleague, me, "Second")
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


def test_fresh_counts_are_not_counted_again(tenant, staff_client, colleague):
    me, org = tenant.caseworker, tenant.org
    make_case(org, me, title="First")
    counts_of(staff_client, org)
    first = kept(org, me)

    assigned_behind_the_services_back(org, colleague, me, "Second")
    counts, _numbers = counts_of(staff_client, org)

    assert counts["all"] == 1
    assert kept(org, me) == first


def test_counts_past_the_refresh_age_are_shown_and_counted_again_after_the_response(
    tenant, staff_client, colleague
):
    me, org = tenant.caseworker, tenant.org
    make_case(org, me, title="First")
    counts_of(staff_client, org)
    assigned_behind_the_services_back(org, colleague, me, "Second")
    age_kept_counts(org, me, REFRESH_AFTER)
    before = kept(org, me)[0]

    counts, numbers = counts_of(staff_client, org, tab="all")

    assert counts["all"] == 1  # shown as kept: nobody waited for the counting
    assert len(numbers) == 2  # the rows are live
    counted_at, now_kept = kept(org, me)  # the client closed the response: counted again
    assert now_kept["all"] == 2
    assert counted_at >= before + REFRESH_AFTER
    assert counts_of(staff_client, org)[0]["all"] == 2


def wsgi_environ(client, path: str) -> dict:
    environ = {
        "PATH_INFO": path,
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}="
        f"{client.cookies[settings.SESSION_COOKIE_NAME].value}",
    }
    setup_testing_defaults(environ)
    return environ


def test_the_counting_waits_until_the_server_has_sent_the_body(tenant, staff_client, colleague):
    """As a WSGI server serves the page: it iterates the body, sends it, then closes the
    response; the counting happens only at the close."""
    me, org = tenant.caseworker, tenant.org
    make_case(org, me, title="First")
    counts_of(staff_client, org)
    assigned_behind_the_services_back(org, colleague, me, "Second")
    age_kept_counts(org, me, REFRESH_AFTER)
    statuses = []
    # As Django's test client does: the test's transaction must survive the request's signals.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(
            wsgi_environ(staff_client, f"/{org.slug}/"),
            lambda status, headers: statuses.append((status, dict(headers))),
        )
        body = b"".join(response)
        assert kept(org, me)[1]["all"] == 1  # the body is out, nothing counted yet
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    status, headers = statuses[0]
    assert status.startswith("200")
    assert int(headers["Content-Length"]) == len(body)  # the client knows when it has it all
    assert kept(org, me)[1]["all"] == 2


def test_counts_kept_by_an_earlier_release_are_counted_again(tenant, staff_client):
    me, org = tenant.caseworker, tenant.org
    make_case(org, me, title="First")
    stale = {"unanswered": 7, "resolved": 7, "closed": 7, "all": 7}
    cache.set(inbox_counts_key(org.pk, me.pk), stale, COUNTS_TTL)

    assert counts_of(staff_client, org)[0]["all"] == 1
    assert kept(org, me)[1]["all"] == 1


def test_work_after_the_response_runs_at_close_and_its_error_is_only_logged(caplog):
    done = []
    response = HttpResponse("page")
    after_response(response, lambda: done.append("first"))
    after_response(response, lambda: 1 / 0)
    after_response(response, lambda: done.append("after the error"))
    assert done == []

    with caplog.at_level(logging.ERROR, logger="organizations.after_response"):
        response.close()

    assert done == ["first", "after the error"]
    assert "work after the response failed" in caplog.text
    assert "ZeroDivisionError" in caplog.text
