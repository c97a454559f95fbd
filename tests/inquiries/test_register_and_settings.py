"""Registering phone inquiries (seed 003) and the intake rule settings pages (seed 002)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.models import Category
from inquiries.models import Channel, Inquiry, IntakeRule
from inquiries.services.intake import intake_rule_for
from tests.factories.organizations import TeamFactory
from tests.factories.properties import PropertyFactory
from tests.inquiries.conftest import png_bytes


def url(name, org, **kwargs):
    return reverse(f"inquiries:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_staff_register_a_phone_inquiry_with_property_and_files(tenant, staff_client):
    home = PropertyFactory(organization=tenant.org)
    response = staff_client.post(
        url("inquiry_register", tenant.org),
        {
            "sender_name": "Caller",
            "sender_phone": "+47 123",
            "subject": "No hot water",
            "message": "Since this morning",
            "property": home.pk,
            "location": "Basement",
            "attachments": [
                SimpleUploadedFile("boiler.png", png_bytes()),
                SimpleUploadedFile("readme.txt", b"text"),
            ],
        },
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.channel == Channel.PHONE
    assert inquiry.registered_by == tenant.caseworker
    assert inquiry.property == home
    assert inquiry.location == "Basement"
    assert inquiry.attachments.count() == 2


def test_register_keeps_input_when_a_file_is_refused(tenant, staff_client):
    response = staff_client.post(
        url("inquiry_register", tenant.org),
        {
            "sender_name": "Caller",
            "subject": "Broken window",
            "message": "Glass everywhere",
            "attachments": [SimpleUploadedFile("x.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 64)],
        },
    )
    assert response.status_code == 200
    assert "is a program, not a document" in response.content.decode()
    assert b"Glass everywhere" in response.content
    assert not Inquiry.objects.exists()


def test_register_needs_to_know_who_called(tenant, staff_client):
    response = staff_client.post(
        url("inquiry_register", tenant.org), {"subject": "Hello", "message": "Hi"}
    )
    assert b"Enter who called" in response.content


def test_register_page_links_to_creating_a_case_directly(tenant, staff_client):
    from inquiries.views.common import new_case_url

    page = staff_client.get(url("inquiry_register", tenant.org)).content.decode()
    assert f'href="{new_case_url(tenant.org.slug)}"' in page
    assert new_case_url(tenant.org.slug).startswith(f"/{tenant.org.slug}/cases/")


def test_settings_redirects_to_the_external_tab(tenant, admin_client_org):
    response = admin_client_org.get(url("intake_settings", tenant.org))
    assert response["Location"] == url("intake_rule_edit", tenant.org, group="external")


def test_admin_saves_an_intake_rule(tenant, admin_client_org):
    team = TeamFactory(organization=tenant.org)
    category = Category.objects.filter(organization=tenant.org).first()
    response = admin_client_org.post(
        url("intake_rule_edit", tenant.org, group="external"),
        {
            "customer_handling": "always_new",
            "new_customer_kind": "temporary",
            "assignees": [tenant.caseworker.pk, tenant.admin.pk],
            "teams": [team.pk],
            "deadline_days": "7",
            "category": category.pk,
            "contact_method": "sms",
            "priority": "high",
            "send_confirmation": "on",
            "create_case_immediately": "on",
        },
    )
    assert response.status_code == 302
    rule = intake_rule_for(tenant.org, Channel.API)
    assert (rule.customer_handling, rule.new_customer_kind, rule.deadline_days) == (
        "always_new",
        "temporary",
        7,
    )
    assert (rule.category, rule.contact_method, rule.priority) == (category, "sms", "high")
    assert rule.send_confirmation and rule.create_case_immediately
    assert set(rule.assignees.all()) == {tenant.caseworker, tenant.admin}
    assert list(rule.teams.all()) == [team]


def test_rule_form_refuses_bad_choices_and_keeps_input(tenant, other_tenant, admin_client_org):
    response = admin_client_org.post(
        url("intake_rule_edit", tenant.org, group="email"),
        {
            "customer_handling": "match_email",
            "new_customer_kind": "vip",
            "assignees": [tenant.supplier.pk, other_tenant.caseworker.pk],
            "deadline_days": "30",
            "contact_method": "pigeon",
            "priority": "urgent",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {
        "new_customer_kind",
        "assignees",
        "deadline_days",
        "contact_method",
        "priority",
    }
    assert response.context["form"]["customer_handling"].value() == "match_email"
    assert not IntakeRule.objects.filter(channel_group="email", priority="urgent").exists()


def test_portal_tab_has_the_visible_to_customer_default(tenant, admin_client_org):
    portal = admin_client_org.get(url("intake_rule_edit", tenant.org, group="portal"))
    external = admin_client_org.get(url("intake_rule_edit", tenant.org, group="external"))
    assert "visible_to_customer_default" in portal.context["form"].fields
    assert "visible_to_customer_default" not in external.context["form"].fields
    admin_client_org.post(url("intake_rule_edit", tenant.org, group="portal"), {"priority": "low"})
    rule = intake_rule_for(tenant.org, Channel.PORTAL)
    assert rule.priority == "low"
    assert rule.visible_to_customer_default is False


def test_unknown_settings_tab_is_404(tenant, admin_client_org):
    assert admin_client_org.get(url("intake_rule_edit", tenant.org, group="fax")).status_code == 404


def test_admin_chooses_the_bulk_category(tenant, admin_client_org):
    order = Category.objects.get(organization=tenant.org, key="order")
    response = admin_client_org.post(url("bulk_category_edit", tenant.org), {"category": order.pk})
    assert response.status_code == 302
    bulk = Category.objects.filter(organization=tenant.org, is_bulk_default=True)
    assert list(bulk) == [order]


def test_bulk_category_of_another_organization_is_refused(tenant, other_tenant, admin_client_org):
    foreign = Category.objects.filter(organization=other_tenant.org).first()
    response = admin_client_org.post(
        url("bulk_category_edit", tenant.org), {"category": foreign.pk}
    )
    assert response.status_code == 200
    assert "category" in response.context["form"].errors


def test_caseworkers_cannot_change_settings(tenant, staff_client):
    assert staff_client.get(url("intake_settings", tenant.org)).status_code == 403
    assert staff_client.get(url("bulk_category_edit", tenant.org)).status_code == 403
    page = staff_client.get(url("inquiry_list", tenant.org)).content.decode()
    assert url("intake_settings", tenant.org) not in page


def test_register_page_does_not_list_every_property_but_accepts_any_of_the_organization(
    tenant, other_tenant, staff_client
):
    home = PropertyFactory(organization=tenant.org, address="Fjordveien 7")
    foreign = PropertyFactory(organization=other_tenant.org, address="Elsewhere 1")
    register = url("inquiry_register", tenant.org)

    page = staff_client.get(register)

    assert list(page.context["form"].fields["property"].widget.choices) == [("", "—")]
    assert "Fjordveien 7" not in page.content.decode()
    data = {"sender_name": "Kari", "subject": "Leak", "message": "Water"}
    refused = staff_client.post(register, {**data, "property": foreign.pk})
    assert "property" in refused.context["form"].errors
    staff_client.post(register, {**data, "property": home.pk})
    assert Inquiry.objects.get(organization=tenant.org).property == home


def test_portal_tab_switches_self_registration(tenant, admin_client_org):
    external = admin_client_org.get(url("intake_rule_edit", tenant.org, group="external"))
    assert "allow_self_registration" not in external.context["form"].fields
    register = reverse("portal:register", args=[tenant.org.slug])
    assert Client().get(register).status_code == 404  # off by default
    admin_client_org.post(
        url("intake_rule_edit", tenant.org, group="portal"),
        {"priority": "normal", "allow_self_registration": "on"},
    )
    assert intake_rule_for(tenant.org, Channel.PORTAL).allow_self_registration is True
    assert Client().get(register).status_code == 200
