"""Retention policies applied by the daily job, with the clock moved forward (`now`)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.models import Case
from cases.services.cases import case_change
from customers.models import Customer
from inquiries.models import InboundEmail, Inquiry
from inquiries.services.lifecycle import inquiries_purge_deleted
from privacy.models import PrivacyLog, RetentionPolicy
from privacy.retention import months_before, retention_apply_all
from privacy.tasks import apply_retention_policies
from tests.factories.cases import make_case
from tests.factories.customers import ContactRoleFactory, CustomerFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def closed_case(org, actor, customer):
    case = make_case(org, actor, customer=customer)
    case_change(org=org, actor=actor, case=case, status=Case.Status.CLOSED)
    return case


def policy(org, **rules) -> RetentionPolicy:
    return RetentionPolicy.objects.create(organization=org, **rules)


def test_months_before_clamps_to_the_months_last_day():
    moment = datetime.datetime(2027, 3, 31, 12, tzinfo=datetime.UTC)
    assert months_before(moment, 1) == datetime.datetime(2027, 2, 28, 12, tzinfo=datetime.UTC)
    assert months_before(moment, 15).date() == datetime.date(2025, 12, 31)


def test_customers_of_long_closed_cases_are_anonymised(tenant):
    org, worker = tenant.org, tenant.caseworker
    gone = CustomerFactory(organization=org, name="Gone Away")
    closed_case(org, worker, gone)
    open_one = CustomerFactory(organization=org, name="Still Open")
    closed_case(org, worker, open_one)
    make_case(org, worker, customer=open_one)
    resident = CustomerFactory(organization=org, name="Still Living There")
    closed_case(org, worker, resident)
    ContactRoleFactory(customer=resident)
    no_cases = CustomerFactory(organization=org, name="Never Had A Case")
    policy(org, anonymise_customers_after_months=12)

    assert retention_apply_all(now=timezone.now() + 300 * DAY) == {}  # not yet 12 months
    assert Customer.objects.filter(anonymised_at__isnull=False).count() == 0

    later = timezone.now() + 400 * DAY
    assert retention_apply_all(now=later) == {org.pk: {"customers_anonymised": 1}}
    gone.refresh_from_db()
    assert gone.anonymised_at is not None and gone.name == f"Anonymised customer #{gone.pk}"
    for kept in (open_one, resident, no_cases):
        kept.refresh_from_db()
        assert kept.anonymised_at is None, kept.name
    assert PrivacyLog.objects.filter(action="erase", customer_id_ref=gone.pk, actor=None).exists()
    assert PrivacyLog.objects.get(action="retention").counts == {"customers_anonymised": 1}

    # Idempotent: the next run finds nothing to do and logs nothing.
    assert retention_apply_all(now=later) == {}
    assert PrivacyLog.objects.filter(action="retention").count() == 1


def test_a_recent_inquiry_keeps_the_customer(tenant):
    org, worker = tenant.org, tenant.caseworker
    customer = CustomerFactory(organization=org, email="back@example.org")
    closed_case(org, worker, customer)
    later = timezone.now() + 400 * DAY
    Inquiry.objects.create(
        organization=org, channel="email", sender_email="BACK@example.org", created_at=later
    )
    policy(org, anonymise_customers_after_months=12)
    retention_apply_all(now=later + DAY)
    customer.refresh_from_db()
    assert customer.anonymised_at is None


def test_policies_off_and_other_organizations_are_untouched(tenant, other_tenant):
    mine = CustomerFactory(organization=tenant.org)
    closed_case(tenant.org, tenant.caseworker, mine)
    theirs = CustomerFactory(organization=other_tenant.org)
    closed_case(other_tenant.org, other_tenant.caseworker, theirs)
    policy(tenant.org)  # every rule off
    policy(other_tenant.org, anonymise_customers_after_months=1)
    old_mail = InboundEmail.objects.create(
        organization=tenant.org,
        source="file",
        message_id="<old@example.org>",
        raw=b"From: x",
        status="processed",
        received_at=timezone.now() - 400 * DAY,
    )

    apply_retention_policies()  # the beat task, today: too early for other_tenant's customer
    assert retention_apply_all(now=timezone.now() + 60 * DAY) == {
        other_tenant.org.pk: {"customers_anonymised": 1}
    }
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.anonymised_at is None and theirs.anonymised_at is not None
    assert bytes(InboundEmail.objects.get(pk=old_mail.pk).raw) == b"From: x"
    assert not PrivacyLog.objects.filter(organization=tenant.org).exists()


def test_raw_emails_are_deleted_after_the_policys_days(tenant, other_tenant):
    now = timezone.now()

    def email(org, n, age_days, status="processed"):
        return InboundEmail.objects.create(
            organization=org,
            source="file",
            message_id=f"<m{n}@example.org>",
            raw=b"raw bytes",
            status=status,
            from_address="a@example.org",
            received_at=now - age_days * DAY,
        )

    old = email(tenant.org, 1, 40)
    young = email(tenant.org, 2, 10)
    pending = email(tenant.org, 3, 40, status="received")
    other = email(other_tenant.org, 4, 40)
    policy(tenant.org, raw_email_days=30)

    assert retention_apply_all(now=now) == {tenant.org.pk: {"raw_emails_deleted": 1}}
    raws = dict(InboundEmail.objects.values_list("pk", "raw"))
    assert bytes(raws[old.pk]) == b""
    assert old.__class__.objects.get(pk=old.pk).from_address == "a@example.org"  # row stays
    for kept in (young, pending, other):
        assert bytes(raws[kept.pk]) == b"raw bytes"
    assert retention_apply_all(now=now) == {}  # nothing left to do


def test_deleted_inquiries_purge_follows_the_policy(tenant, other_tenant):
    now = timezone.now()

    def deleted(org, age_days):
        return Inquiry.objects.create(
            organization=org, channel="api", status="deleted", deleted_at=now - age_days * DAY
        )

    mine_10, mine_40 = deleted(tenant.org, 10), deleted(tenant.org, 40)
    theirs_10, theirs_40 = deleted(other_tenant.org, 10), deleted(other_tenant.org, 40)
    policy(tenant.org, deleted_inquiry_days=7)  # other_tenant: no policy, the default 30 days

    assert inquiries_purge_deleted(now=now) == 3
    assert set(Inquiry.objects.values_list("pk", flat=True)) == {theirs_10.pk}
    assert mine_10.pk and mine_40.pk and theirs_40.pk
    log = dict(
        PrivacyLog.objects.filter(action="retention").values_list("organization_id", "counts")
    )
    assert log == {
        tenant.org.pk: {"deleted_inquiries_purged": 2},
        other_tenant.org.pk: {"deleted_inquiries_purged": 1},
    }


def test_a_longer_policy_keeps_deleted_inquiries_past_30_days(tenant):
    now = timezone.now()
    kept = Inquiry.objects.create(
        organization=tenant.org, channel="api", status="deleted", deleted_at=now - 40 * DAY
    )
    policy(tenant.org, deleted_inquiry_days=60)
    assert inquiries_purge_deleted(now=now) == 0
    assert inquiries_purge_deleted(now=now + 30 * DAY) == 1
    assert not Inquiry.objects.filter(pk=kept.pk).exists()
