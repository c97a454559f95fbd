"""Invitations from the customer page, self-registration, the profile, the personal-data part."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from customers import personal_data
from customers.models import Customer
from inquiries.models import IntakeRule
from notifications.models import OutboundMessage
from portal.auth import SESSION_KEY
from portal.models import PortalToken, ResidentAccount
from portal.services.accounts import account_invite
from tests.factories.customers import CustomerFactory
from tests.portal.conftest import portal_url

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/portal/[a-z-]+/link/[A-Za-z0-9_-]+/)")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver"


def link_in_latest_mail(org) -> str:
    row = OutboundMessage.objects.filter(organization=org).latest("pk")
    return LINK.search(row.body_text).group(1)


def invite_url(org, customer) -> str:
    return f"/{org.slug}/customers/{customer.pk}/portal-invite/"


def customer_page(org, customer) -> str:
    return f"/{org.slug}/customers/{customer.pk}/"


def allow_registration(org, allowed=True, handling=IntakeRule.CustomerHandling.MATCH_EMAIL):
    IntakeRule.objects.update_or_create(
        organization=org,
        channel_group=IntakeRule.ChannelGroup.PORTAL,
        defaults={"allow_self_registration": allowed, "customer_handling": handling},
    )


# --- Invitations ----------------------------------------------------------------------------


def test_staff_invite_a_customer_from_the_customer_page(tenant, staff_client):
    customer = CustomerFactory(organization=tenant.org, email="Tenant@Example.net")
    page = staff_client.get(customer_page(tenant.org, customer)).content.decode()
    assert "No account" in page
    assert invite_url(tenant.org, customer) in page
    response = staff_client.post(invite_url(tenant.org, customer))
    assert response.status_code == 302
    account = ResidentAccount.objects.get(customer=customer)
    assert account.email == "tenant@example.net"
    assert account.invited_by == tenant.caseworker
    row = OutboundMessage.objects.get(organization=tenant.org)
    assert row.to == "tenant@example.net"
    assert row.kind == OutboundMessage.Kind.INVITATION
    token = PortalToken.objects.get(account=account)
    assert token.purpose == PortalToken.Purpose.INVITE
    assert (token.expires_at - token.created_at).days == 7
    page = staff_client.get(customer_page(tenant.org, customer)).content.decode()
    assert "Has an account (tenant@example.net)" in page
    assert "not signed in yet" in page
    assert "Send the invitation again" in page


def test_customer_without_e_mail_cannot_be_invited_and_the_page_says_why(tenant, staff_client):
    customer = CustomerFactory(organization=tenant.org, email="")
    page = staff_client.get(customer_page(tenant.org, customer)).content.decode()
    assert "An invitation needs the customer" in page and "e-mail address: add one first." in page
    assert invite_url(tenant.org, customer) not in page
    response = staff_client.post(invite_url(tenant.org, customer), follow=True)
    assert "The customer has no e-mail address" in response.content.decode()
    assert not ResidentAccount.objects.exists()


def test_outsider_gets_404_inviting_another_organizations_customer(tenant, outsider_client):
    customer = CustomerFactory(organization=tenant.org)
    assert outsider_client.post(invite_url(tenant.org, customer)).status_code == 404
    assert not ResidentAccount.objects.exists()


def test_invite_needs_a_staff_member(tenant):
    customer = CustomerFactory(organization=tenant.org)
    supplier_client = tenant.client_for(tenant.supplier)
    assert supplier_client.post(invite_url(tenant.org, customer)).status_code == 403
    anonymous = Client().post(invite_url(tenant.org, customer))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not ResidentAccount.objects.exists()


def test_invite_service_refuses_another_organizations_customer(tenant, other_tenant):
    customer = CustomerFactory(organization=other_tenant.org)
    with pytest.raises(ValidationError):
        account_invite(org=tenant.org, actor=tenant.caseworker, customer=customer)


def test_two_customers_cannot_share_a_sign_in_address(tenant):
    first = CustomerFactory(organization=tenant.org, email="shared@example.net")
    second = CustomerFactory(organization=tenant.org, email="shared@example.net")
    account_invite(org=tenant.org, actor=tenant.caseworker, customer=first)
    with pytest.raises(ValidationError, match="already signs in"):
        account_invite(org=tenant.org, actor=tenant.caseworker, customer=second)


def test_invitation_link_signs_in_and_sets_an_optional_password(tenant, staff_client):
    customer = CustomerFactory(organization=tenant.org, email="new@example.net")
    staff_client.post(invite_url(tenant.org, customer))
    url = link_in_latest_mail(tenant.org)
    client = Client()
    page = client.get(url).content.decode()
    assert "Welcome to" in page
    mismatch = client.post(url, {"password": "a long resident password", "repeat": "different"})
    assert mismatch.status_code == 400
    assert 'id="id_repeat_error"' in mismatch.content.decode()
    assert SESSION_KEY not in client.session
    response = client.post(
        url, {"password": "a long resident password", "repeat": "a long resident password"}
    )
    assert response.status_code == 302
    account = ResidentAccount.objects.get(customer=customer)
    assert client.session[SESSION_KEY] == {str(tenant.org.pk): account.pk}
    assert account.check_password("a long resident password")
    assert account.last_login_at is not None
    assert client.post(url).status_code == 410


def test_invitation_without_password_keeps_links_only(tenant, staff_client):
    customer = CustomerFactory(organization=tenant.org, email="linkonly@example.net")
    staff_client.post(invite_url(tenant.org, customer))
    client = Client()
    assert (
        client.post(link_in_latest_mail(tenant.org), {"password": "", "repeat": ""}).status_code
        == 302
    )
    assert ResidentAccount.objects.get(customer=customer).password == ""


# --- Self-registration ----------------------------------------------------------------------


def test_registration_closed_means_no_link_and_no_page(tenant):
    allow_registration(tenant.org, allowed=False)
    client = Client()
    assert (
        portal_url(tenant.org, "register")
        not in client.get(portal_url(tenant.org, "login")).content.decode()
    )
    assert client.get(portal_url(tenant.org, "register")).status_code == 404
    assert (
        client.post(
            portal_url(tenant.org, "register"), {"name": "X", "email": "x@example.net"}
        ).status_code
        == 404
    )
    assert not PortalToken.objects.exists()


def test_registration_creates_customer_and_account_when_the_link_is_opened(tenant):
    allow_registration(tenant.org, handling=IntakeRule.CustomerHandling.ALWAYS_NEW)
    client = Client()
    assert (
        portal_url(tenant.org, "register")
        in client.get(portal_url(tenant.org, "login")).content.decode()
    )
    response = client.post(
        portal_url(tenant.org, "register"), {"name": "Nora New", "email": "Nora@Example.net"}
    )
    assert response.status_code == 302
    assert not ResidentAccount.objects.exists()
    url = link_in_latest_mail(tenant.org)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    account = ResidentAccount.objects.get(organization=tenant.org)
    assert account.email == "nora@example.net"
    assert account.customer.name == "Nora New"
    assert client.session[SESSION_KEY] == {str(tenant.org.pk): account.pk}


def test_registration_matches_an_existing_customer_by_e_mail(tenant):
    allow_registration(tenant.org)
    existing = CustomerFactory(organization=tenant.org, email="known@example.net")
    client = Client()
    client.post(portal_url(tenant.org, "register"), {"name": "Known", "email": "known@example.net"})
    client.post(link_in_latest_mail(tenant.org))
    assert ResidentAccount.objects.get(organization=tenant.org).customer == existing
    assert Customer.objects.filter(organization=tenant.org).count() == 1


def test_registration_of_an_address_with_an_account_sends_a_sign_in_link(tenant, resident):
    allow_registration(tenant.org)
    client = Client()
    response = client.post(
        portal_url(tenant.org, "register"), {"name": "Again", "email": resident.email}
    )
    assert response["Location"] == portal_url(tenant.org, "link_sent")
    assert PortalToken.objects.get().purpose == PortalToken.Purpose.LOGIN


def test_registration_link_stops_working_when_registration_closes(tenant):
    allow_registration(tenant.org)
    client = Client()
    client.post(portal_url(tenant.org, "register"), {"name": "Late", "email": "late@example.net"})
    url = link_in_latest_mail(tenant.org)
    allow_registration(tenant.org, allowed=False)
    response = client.post(url)
    assert response.status_code == 404
    assert "Registration is closed" in response.content.decode()
    assert not ResidentAccount.objects.exists()


def test_registration_form_keeps_what_was_typed(tenant):
    allow_registration(tenant.org)
    response = Client().post(
        portal_url(tenant.org, "register"), {"name": "Keep Me", "email": "bad"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Keep Me"' in html
    assert 'aria-describedby="id_email_error"' in html


# --- Profile --------------------------------------------------------------------------------


def profile_data(**changes):
    data = {
        "name": "Rita Resident",
        "phone": "",
        "address": "Storgata 1",
        "postcode": "0150",
        "city": "Oslo",
        "language": "en",
        "notify_by": "email",
    }
    data.update(changes)
    return data


def test_profile_saves_contact_details_language_and_preference(tenant, resident, resident_client):
    page = resident_client.get(portal_url(tenant.org, "profile")).content.decode()
    assert resident.email in page
    response = resident_client.post(
        portal_url(tenant.org, "profile"),
        profile_data(name="Rita R. Resident", phone="912 34 567", notify_by="sms", language="da"),
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    resident.customer.refresh_from_db()
    assert resident.customer.name == "Rita R. Resident"
    assert resident.customer.phone == "912 34 567"
    assert resident.customer.address == "Storgata 1"
    assert resident.notify_by == "sms"
    assert resident.language == "da"
    assert resident.email == "resident@example.net"
    assert (
        '<html lang="da">'
        in resident_client.get(portal_url(tenant.org, "profile")).content.decode()
    )


def test_sms_without_a_phone_number_is_refused_next_to_the_field(tenant, resident, resident_client):
    response = resident_client.post(
        portal_url(tenant.org, "profile"),
        profile_data(phone="", notify_by="sms", address="Typed Street 9"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give a mobile number to be notified by SMS." in html
    assert 'id="id_phone_error"' in html
    assert 'aria-describedby="id_phone_error"' in html
    assert 'value="Typed Street 9"' in html
    resident.refresh_from_db()
    assert resident.notify_by == "email"


def test_profile_missing_name_keeps_the_rest(tenant, resident, resident_client):
    response = resident_client.post(
        portal_url(tenant.org, "profile"), profile_data(name="", city="Bergen")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_name_error"' in html
    assert 'value="Bergen"' in html


def test_profile_ignores_an_e_mail_field(tenant, resident, resident_client):
    resident_client.post(
        portal_url(tenant.org, "profile"), profile_data(email="hijack@example.net")
    )
    resident.refresh_from_db()
    resident.customer.refresh_from_db()
    assert resident.email == "resident@example.net"
    assert resident.customer.email == "resident@example.net"


def test_password_change_on_the_profile(tenant, resident, resident_client):
    url = portal_url(tenant.org, "profile_password")
    short = resident_client.post(url, {"password": "short", "repeat": "short"})
    assert short.status_code == 400
    assert 'id="id_password_error"' in short.content.decode()
    assert (
        resident_client.post(
            url, {"password": "a long resident password", "repeat": "a long resident password"}
        ).status_code
        == 302
    )
    resident.refresh_from_db()
    assert resident.check_password("a long resident password")
    assert resident_client.post(url, {"password": "", "repeat": ""}).status_code == 302
    resident.refresh_from_db()
    assert resident.password == ""


def test_language_switcher_keeps_the_choice_on_the_account(tenant, resident, resident_client):
    response = resident_client.post(
        portal_url(tenant.org, "language"),
        {"language": "sv", "next": portal_url(tenant.org, "profile")},
    )
    assert response["Location"] == portal_url(tenant.org, "profile")
    resident.refresh_from_db()
    assert resident.language == "sv"
    bad = resident_client.post(
        portal_url(tenant.org, "language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert bad["Location"] == portal_url(tenant.org)


# --- Personal data --------------------------------------------------------------------------


def part():
    return next(p for p in personal_data.parts() if p.name == "portal")


def test_personal_data_export_has_the_account_but_never_the_password_hash(tenant, resident):
    resident.set_password("a long resident password")
    resident.save()
    exported = part().export(tenant.org, resident.customer)
    assert exported["email"] == resident.email
    assert exported["notify_by"] == "email"
    assert exported["has_password"] is True
    assert "created" in exported and "last_sign_in" in exported
    assert resident.password not in str(exported)
    assert part().export(tenant.org, CustomerFactory(organization=tenant.org)) is None


def test_personal_data_erase_deletes_the_account_and_its_links(
    tenant, other_tenant, resident, other_resident
):
    from portal.tokens import token_issue

    token_issue(org=tenant.org, purpose=PortalToken.Purpose.LOGIN, account=resident)
    token_issue(
        org=tenant.org, purpose=PortalToken.Purpose.REGISTER, email=resident.email, name="x"
    )
    token_issue(org=other_tenant.org, purpose=PortalToken.Purpose.LOGIN, account=other_resident)
    part().erase(tenant.org, resident.customer, tenant.admin)
    assert not ResidentAccount.objects.filter(organization=tenant.org).exists()
    assert not PortalToken.objects.filter(organization=tenant.org).exists()
    assert ResidentAccount.objects.filter(organization=other_tenant.org).count() == 1
    assert PortalToken.objects.filter(organization=other_tenant.org).count() == 1


def test_personal_data_part_touches_only_its_organization(tenant, other_tenant, resident):
    assert part().export(other_tenant.org, resident.customer) is None
    part().erase(other_tenant.org, resident.customer, other_tenant.admin)
    assert ResidentAccount.objects.filter(pk=resident.pk).exists()
