"""Each intake rule setting changes what an inquiry becomes (seed 002)."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from cases.models import Case, NotificationRequest
from customers.models import Customer
from inquiries.models import Channel, IntakeRule
from inquiries.services.convert import inquiry_convert_many
from tests.factories.organizations import TeamFactory
from tests.inquiries.conftest import make_customer, set_rule

MATCH = IntakeRule.CustomerHandling.MATCH_EMAIL
ALWAYS_NEW = IntakeRule.CustomerHandling.ALWAYS_NEW


def _at_once(tenant, channel=Channel.API, **fields):
    return set_rule(tenant.org, channel, create_case_immediately=True, **fields)


def test_matching_rule_reuses_the_customer_with_the_same_email(tenant, make_inquiry):
    known = make_customer(organization=tenant.org, email="kari@example.net")
    _at_once(tenant, customer_handling=MATCH)
    case = make_inquiry(channel=Channel.API, sender_email="KARI@example.net").case
    assert case.customer == known
    assert Customer.objects.filter(organization=tenant.org).count() == 1


def test_matching_ignores_customers_of_other_organizations(tenant, other_tenant, make_inquiry):
    make_customer(organization=other_tenant.org, email="kari@example.net")
    _at_once(tenant, customer_handling=MATCH)
    case = make_inquiry(channel=Channel.API, sender_email="kari@example.net").case
    assert case.customer.organization == tenant.org


def test_matching_rule_creates_a_customer_when_none_matches(tenant, make_inquiry):
    _at_once(tenant, customer_handling=MATCH)
    case = make_inquiry(
        channel=Channel.API, sender_name="Ola", sender_email="ola@example.net", sender_phone="+47 1"
    ).case
    assert (case.customer.name, case.customer.email, case.customer.phone) == (
        "Ola",
        "ola@example.net",
        "+47 1",
    )


def test_always_new_rule_creates_a_customer_even_when_one_matches(tenant, make_inquiry):
    known = make_customer(organization=tenant.org, email="kari@example.net")
    _at_once(tenant, customer_handling=ALWAYS_NEW)
    case = make_inquiry(channel=Channel.API, sender_email="kari@example.net").case
    assert case.customer != known
    assert case.customer.email == "kari@example.net"


@pytest.mark.parametrize("kind", Customer.Kind.values)
def test_new_customers_get_the_rules_kind(tenant, make_inquiry, kind):
    _at_once(tenant, new_customer_kind=kind)
    assert make_inquiry(channel=Channel.API).case.customer.kind == kind


def test_round_robin_gives_successive_inquiries_to_each_assignee_in_id_order(
    tenant, staff, make_inquiry
):
    _at_once(tenant, assignees=list(reversed(staff)))
    cases = [make_inquiry(channel=Channel.API).case for _ in range(5)]
    assert [c.assignee for c in cases] == [staff[0], staff[1], staff[2], staff[0], staff[1]]


def test_round_robin_continues_in_bulk_conversion(tenant, staff, make_inquiry):
    rule = set_rule(tenant.org, Channel.WEB_FORM, assignees=staff)
    first = [make_inquiry(channel=Channel.WEB_FORM) for _ in range(2)]
    inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=first)
    later = [make_inquiry(channel=Channel.WEB_FORM) for _ in range(4)]
    cases = inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=later)
    assert [c.assignee for c in cases] == [staff[2], staff[0], staff[1], staff[2]]
    rule.refresh_from_db()
    assert rule.next_assignee_index == 0


def test_round_robin_skips_assignees_who_left_the_organization(tenant, staff, make_inquiry):
    _at_once(tenant, assignees=staff)
    staff[1].memberships.update(is_active=False)
    cases = [make_inquiry(channel=Channel.API).case for _ in range(3)]
    assert [c.assignee for c in cases] == [staff[0], staff[2], staff[0]]


def test_no_assignees_leaves_cases_unassigned(tenant, make_inquiry):
    _at_once(tenant)
    assert make_inquiry(channel=Channel.API).case.assignee is None


@pytest.mark.parametrize("days", [1, 14])
def test_deadline_is_set_the_rules_number_of_days_ahead(tenant, make_inquiry, days):
    _at_once(tenant, deadline_days=days)
    case = make_inquiry(channel=Channel.API).case
    assert case.deadline == timezone.localdate() + datetime.timedelta(days=days)


def test_no_deadline_days_means_no_deadline(tenant, make_inquiry):
    _at_once(tenant, deadline_days=None)
    assert make_inquiry(channel=Channel.API).case.deadline is None


@pytest.mark.parametrize("priority", Case.Priority.values)
def test_priority_comes_from_the_rule(tenant, make_inquiry, priority):
    _at_once(tenant, priority=priority)
    assert make_inquiry(channel=Channel.API).case.priority == priority


@pytest.mark.parametrize("method", Case.ContactMethod.values)
def test_contact_method_comes_from_the_rule(tenant, make_inquiry, method):
    _at_once(tenant, contact_method=method)
    assert make_inquiry(channel=Channel.API).case.contact_method == method


def test_case_type_comes_from_the_rule(tenant, categories, make_inquiry):
    _at_once(tenant, category=categories["service"])
    assert make_inquiry(channel=Channel.API).case.category == categories["service"]


def test_senders_category_wins_over_the_rules_when_it_names_a_case_type(
    tenant, categories, make_inquiry
):
    _at_once(tenant, category=categories["service"])
    by_key = make_inquiry(channel=Channel.API, category="fault_report").case
    by_name = make_inquiry(channel=Channel.API, category="order").case
    unknown = make_inquiry(channel=Channel.API, category="something else").case
    assert by_key.category == categories["fault_report"]
    assert by_name.category == categories["order"]
    assert unknown.category == categories["service"]


def test_teams_come_from_the_rule(tenant, make_inquiry):
    teams = [TeamFactory(organization=tenant.org), TeamFactory(organization=tenant.org)]
    _at_once(tenant, teams=teams)
    case = make_inquiry(channel=Channel.API).case
    assert set(case.teams.all()) == set(teams)


def test_confirmation_is_sent_as_the_case_created_message(
    tenant, make_inquiry, mailoutbox, django_capture_on_commit_callbacks
):
    _at_once(tenant, send_confirmation=True)
    with django_capture_on_commit_callbacks(execute=True):
        case = make_inquiry(channel=Channel.API).case
    request = case.notification_requests.get()
    assert (request.audience, request.channel, request.reason, request.status) == (
        "customer",
        "email",
        "confirmation",
        "queued",
    )
    (sent,) = mailoutbox
    assert sent.to == [f'"{case.customer}" <{case.customer.email}>']
    assert f"[#{case.number}]" in sent.subject
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"


def test_no_confirmation_without_the_setting_or_without_an_address(tenant, make_inquiry):
    _at_once(tenant, send_confirmation=False)
    assert not make_inquiry(channel=Channel.API).case.notification_requests.exists()
    _at_once(tenant, send_confirmation=True)
    case = make_inquiry(channel=Channel.API, sender_email="", sender_phone="+47 99").case
    assert not case.notification_requests.exists()
    assert NotificationRequest.objects.count() == 0


@pytest.mark.parametrize("visible", [True, False])
def test_portal_cases_follow_the_visible_to_customer_default(tenant, make_inquiry, visible):
    _at_once(tenant, Channel.PORTAL, visible_to_customer_default=visible)
    assert make_inquiry(channel=Channel.PORTAL).case.visible_to_customer is visible


def test_other_channels_are_not_shown_in_the_portal(tenant, make_inquiry):
    _at_once(tenant, Channel.EMAIL, visible_to_customer_default=True)
    assert make_inquiry(channel=Channel.EMAIL).case.visible_to_customer is False


def test_tray_rule_keeps_the_inquiry_waiting(tenant, make_inquiry):
    set_rule(tenant.org, Channel.API, create_case_immediately=False)
    inquiry = make_inquiry(channel=Channel.API)
    assert inquiry.case is None
    assert not Case.objects.exists()


def test_changing_the_rule_applies_to_the_very_next_inquiry(tenant, make_inquiry):
    set_rule(tenant.org, Channel.API, create_case_immediately=False)
    assert make_inquiry(channel=Channel.API).case is None  # the answer is now cached

    set_rule(tenant.org, Channel.API, create_case_immediately=True)

    assert make_inquiry(channel=Channel.API).case is not None


def test_another_process_copy_of_the_rule_expires_within_a_second(
    tenant, make_inquiry, monkeypatch
):
    from inquiries.services import rules

    set_rule(tenant.org, Channel.API, create_case_immediately=False)
    assert make_inquiry(channel=Channel.API).case is None
    # Changed elsewhere: no signal reaches this process's copy, only the shared cache is new.
    IntakeRule.objects.filter(organization=tenant.org).update(create_case_immediately=True)
    cache.delete(rules._at_once_cache_key(tenant.org.pk, IntakeRule.ChannelGroup.EXTERNAL))
    assert make_inquiry(channel=Channel.API).case is None  # still the local copy
    later = time.monotonic() + rules.LOCAL_SECONDS + 0.01
    monkeypatch.setattr(rules.time, "monotonic", lambda: later)

    assert make_inquiry(channel=Channel.API).case is not None


def test_phone_inquiries_follow_the_external_rule(tenant, make_inquiry):
    _at_once(tenant, Channel.API, priority="high")
    assert make_inquiry(channel=Channel.PHONE).case.priority == "high"


def test_case_records_where_it_came_from(tenant, make_inquiry):
    _at_once(tenant)
    inquiry = make_inquiry(channel=Channel.API, location="Bathroom", external_reference="R-1")
    case = inquiry.case
    assert case.source == "api"
    assert case.external_reference == "R-1"
    assert case.title == inquiry.subject
    assert "Bathroom" in case.description
    created = case.events.get(kind="created")
    assert created.data["inquiry"] == inquiry.pk
