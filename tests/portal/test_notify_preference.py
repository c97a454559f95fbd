"""The resident's notification choice (profile: e-mail or SMS) decides how the case's automatic
resolution notice reaches them; customers without a portal account keep e-mail first."""

from __future__ import annotations

import pytest

from cases.services.cases import case_close
from notifications.models import OutboundMessage
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db


def close_and_notify(tenant, customer) -> OutboundMessage:
    case = make_case(tenant.org, tenant.caseworker, customer=customer, visible_to_customer=True)
    case_close(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        resolution="Fixed the tap.",
        notify_customer=True,
    )
    return OutboundMessage.objects.get(kind=OutboundMessage.Kind.CASE_RESOLVED)


def test_resident_who_chose_sms_gets_the_resolution_by_sms(tenant, resident):
    resident.notify_by = "sms"
    resident.save()
    resident.customer.phone = "912 34 567"
    resident.customer.save()
    row = close_and_notify(tenant, resident.customer)
    assert row.channel == OutboundMessage.Channel.SMS
    assert row.to == "+4791234567"


def test_resident_who_chose_e_mail_gets_it_by_e_mail(tenant, resident):
    resident.customer.phone = "912 34 567"
    resident.customer.save()
    row = close_and_notify(tenant, resident.customer)
    assert row.channel == OutboundMessage.Channel.EMAIL
    assert row.to == resident.email


def test_sms_choice_without_a_number_falls_back_to_e_mail(tenant, resident):
    resident.notify_by = "sms"
    resident.save()
    resident.customer.phone = ""
    resident.customer.save()
    assert close_and_notify(tenant, resident.customer).channel == OutboundMessage.Channel.EMAIL


def test_customer_without_portal_account_keeps_e_mail_first(tenant):
    customer = CustomerFactory(organization=tenant.org, email="plain@example.net", phone="91234567")
    assert close_and_notify(tenant, customer).channel == OutboundMessage.Channel.EMAIL


def test_switched_off_account_has_no_say(tenant, resident):
    resident.notify_by = "sms"
    resident.is_active = False
    resident.save()
    assert close_and_notify(tenant, resident.customer).channel == OutboundMessage.Channel.EMAIL
