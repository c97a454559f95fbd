"""Inquiries that arrive with a known customer and property (a resident signed in to the portal):
intake takes the objects, refuses other organizations' ones, and conversion keeps the customer
instead of matching by e-mail."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cases.services.cases import CaseData
from customers.models import Customer
from inquiries.forms.convert import InquiryConvertForm
from inquiries.models import Channel, Inquiry
from inquiries.services.convert import inquiries_convert_by_rules, inquiry_convert
from inquiries.services.intake import inquiry_receive, intake_rule_for
from tests.factories.properties import PropertyFactory
from tests.inquiries.conftest import make_customer, set_rule


def _portal_inquiry(org, customer, property=None, **fields):
    fields.setdefault("message", "The radiator in the bedroom is cold.")
    return inquiry_receive(
        org=org,
        channel=Channel.PORTAL,
        sender_name=customer.name,
        sender_email=fields.pop("sender_email", customer.email),
        customer=customer,
        property=property,
        **fields,
    )


def test_portal_inquiry_keeps_the_given_customer_and_property(tenant):
    customer = make_customer(organization=tenant.org, email="kari@example.net")
    home = PropertyFactory(organization=tenant.org, address="Storgata 5")
    inquiry = _portal_inquiry(tenant.org, customer, home, address="Somewhere else 9")
    inquiry.refresh_from_db()
    assert inquiry.customer == customer
    assert inquiry.property == home
    assert inquiry.property_text == ""
    assert inquiry.channel == Channel.PORTAL


def test_customer_of_another_organization_is_refused(tenant, other_tenant):
    foreign = make_customer(organization=other_tenant.org)
    with pytest.raises(ValidationError) as error:
        _portal_inquiry(tenant.org, foreign)
    assert "That belongs to another organization." in error.value.messages
    assert not Inquiry.objects.filter(organization=tenant.org).exists()


def test_property_of_another_organization_is_refused(tenant, other_tenant):
    customer = make_customer(organization=tenant.org)
    foreign = PropertyFactory(organization=other_tenant.org)
    with pytest.raises(ValidationError) as error:
        _portal_inquiry(tenant.org, customer, foreign)
    assert "That belongs to another organization." in error.value.messages
    assert not Inquiry.objects.exists()


def test_conversion_by_rule_uses_the_inquirys_customer_not_an_email_match(tenant):
    # An older customer shares the address the resident wrote from: matching by e-mail would
    # pick it; the resident's own customer must win.
    make_customer(organization=tenant.org, name="Older namesake", email="shared@example.net")
    resident = make_customer(organization=tenant.org, name="Resident", email="shared@example.net")
    set_rule(tenant.org, Channel.PORTAL, create_case_immediately=True)
    inquiry = _portal_inquiry(tenant.org, resident)
    assert inquiry.status == Inquiry.Status.CONVERTED
    assert inquiry.case.customer == resident
    assert Customer.objects.filter(organization=tenant.org).count() == 2


def test_bulk_conversion_mixes_known_and_matched_customers(tenant, make_inquiry):
    resident = make_customer(organization=tenant.org, email="resident@example.net")
    known = _portal_inquiry(tenant.org, resident, sender_email="other@example.net")
    matched = make_inquiry(sender_email="resident@example.net")
    fresh = make_inquiry(sender_email="new@example.net", sender_name="New Person")
    cases = inquiries_convert_by_rules(
        org=tenant.org, actor=tenant.caseworker, ids=[known.pk, matched.pk, fresh.pk], bulk=True
    )
    by_inquiry = {c.inquiry.pk: c for c in cases}
    assert by_inquiry[known.pk].customer == resident
    assert by_inquiry[matched.pk].customer == resident
    assert by_inquiry[fresh.pk].customer.email == "new@example.net"


def test_conversion_with_edits_falls_back_to_the_inquirys_customer(tenant):
    resident = make_customer(organization=tenant.org, email="resident@example.net")
    inquiry = _portal_inquiry(tenant.org, resident, sender_email="")
    case = inquiry_convert(
        org=tenant.org,
        actor=tenant.caseworker,
        inquiry=inquiry,
        case_data=CaseData(title="Cold radiator", description="", customer=None),
    )
    assert case.customer == resident


def test_conversion_form_suggests_the_inquirys_customer(tenant):
    make_customer(organization=tenant.org, name="Older namesake", email="shared@example.net")
    resident = make_customer(organization=tenant.org, name="Resident", email="shared@example.net")
    inquiry = _portal_inquiry(tenant.org, resident)
    form = InquiryConvertForm(
        org=tenant.org, inquiry=inquiry, rule=intake_rule_for(tenant.org, Channel.PORTAL)
    )
    assert form.initial["customer"] == resident
    assert list(form.fields["customer"].queryset)[0] == resident
