"""The paper icon: a case form pre-filled from the inquiry, editable, saved as one case."""

from __future__ import annotations

from django.urls import reverse

from cases.models import CaseEvent, NotificationRequest
from customers.models import Customer
from inquiries.models import Channel, Inquiry
from notifications.models import OutboundMessage
from tests.factories.customers import SupplierFactory
from tests.factories.organizations import TeamFactory
from tests.factories.properties import PropertyFactory
from tests.inquiries.conftest import make_customer, png_bytes, set_rule


def convert_url(inquiry):
    return reverse(
        "inquiries:inquiry_convert",
        kwargs={"org_slug": inquiry.organization.slug, "inquiry_id": inquiry.pk},
    )


def form_data(response, **changes):
    """The form's initial values as a browser would post them, with `changes` applied."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_form_is_prefilled_from_the_inquiry_and_the_rule(tenant, staff, categories, make_inquiry):
    team = TeamFactory(organization=tenant.org)
    home = PropertyFactory(organization=tenant.org, address="Fjordveien 7", property_number="F7")
    known = make_customer(organization=tenant.org, email="kari@example.net")
    set_rule(
        tenant.org,
        Channel.WEB_FORM,
        assignees=staff[1:],
        teams=[team],
        priority="high",
        category=categories["service"],
        send_confirmation=True,
    )
    inquiry = make_inquiry(
        subject="Door will not close",
        message="The front door sticks.",
        sender_email="kari@example.net",
        property_number="F7",
        location="Hallway",
        category="fault_report",
        attachments=[("door.png", png_bytes())],
    )
    response = tenant.client_for(tenant.caseworker).get(convert_url(inquiry))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["title"].value() == "Door will not close"
    assert form["description"].value() == "The front door sticks."
    assert form["location"].value() == "Hallway"
    assert form["customer"].value() == known.pk
    assert form["property"].value() == home.pk
    assert form["category"].value() == categories["fault_report"].pk
    assert form["priority"].value() == "high"
    assert form["assignee"].value() == staff[1].pk
    assert form["teams"].value() == [team.pk]
    assert form["notify_customer"].value() is True
    assert len(form["attachments"].value()) == 1
    page = response.content.decode()
    assert "Fjordveien 7" in page and "The front door sticks." in page


def test_saving_with_edits_creates_the_case_and_returns_to_the_tray(
    tenant, staff, categories, make_inquiry
):
    supplier = SupplierFactory(organization=tenant.org, phone="+47 922 33 444")
    inquiry = make_inquiry(
        sender_name="Ola Nordmann",
        sender_email="ola@example.net",
        sender_phone="+47 911 22 333",
        attachments=[("a.png", png_bytes()), ("b.txt", b"note")],
    )
    client = tenant.client_for(tenant.caseworker)
    first = client.get(convert_url(inquiry))
    keep = inquiry.attachments.order_by("pk").first()
    data = form_data(
        first,
        title="Edited title",
        priority="critical",
        category=categories["order"].pk,
        assignee=staff[2].pk,
        supplier=supplier.pk,
        new_customer_kind="prospect",
        attachments=[keep.pk],
        notify_customer="on",
        notify_supplier="on",
        notify_sms="on",
    )
    response = client.post(convert_url(inquiry), data)
    assert response.status_code == 302
    # Back to the tray (issue 14): no inquiry is left, so none is opened beside the list.
    assert response["Location"] == reverse(
        "inquiries:inquiry_list", kwargs={"org_slug": tenant.org.slug}
    )

    inquiry.refresh_from_db()
    case = inquiry.case
    assert inquiry.status == Inquiry.Status.CONVERTED
    assert inquiry.handled_by == tenant.caseworker
    assert (case.title, case.priority, case.category, case.assignee, case.supplier) == (
        "Edited title",
        "critical",
        categories["order"],
        staff[2],
        supplier,
    )
    customer = case.customer
    assert (customer.name, customer.email, customer.kind) == (
        "Ola Nordmann",
        "ola@example.net",
        "prospect",
    )
    assert [a.original_name for a in case.attachments.all()] == ["a.png"]
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ATTACHMENT).count() == 1
    requests = set(
        case.notification_requests.values_list("audience", "channel", "reason", "status")
    )
    assert requests == {
        ("customer", "email", "case_created", "queued"),
        ("customer", "sms", "case_created", "queued"),
        ("supplier", "email", "case_created", "queued"),
        ("supplier", "sms", "case_created", "queued"),
    }
    sent = OutboundMessage.objects.filter(
        organization=tenant.org, kind__in=["case_created", "supplier_handover"]
    )
    assert set(sent.values_list("kind", "channel", "to")) == {
        ("case_created", "email", "ola@example.net"),
        ("case_created", "sms", "+4791122333"),
        ("supplier_handover", "email", supplier.email),
        ("supplier_handover", "sms", "+4792233444"),
    }
    assert all(m.subject.endswith(f"[#{case.number}]") for m in sent if m.channel == "email")
    after = client.get(response["Location"])
    page = after.content.decode()
    assert f"Case #{case.number} was created." in page
    case_url = reverse(
        "cases:case_detail", kwargs={"org_slug": tenant.org.slug, "number": case.number}
    )
    assert case_url in page
    assert "The e-mail to the customer is queued; the history shows when it is sent." in page
    assert "The SMS to the supplier is queued; the history shows when it is sent." in page


def test_choosing_the_matched_customer_creates_no_new_one(tenant, make_inquiry):
    known = make_customer(organization=tenant.org, email="kari@example.net")
    inquiry = make_inquiry(sender_email="kari@example.net")
    client = tenant.client_for(tenant.caseworker)
    client.post(convert_url(inquiry), form_data(client.get(convert_url(inquiry))))
    inquiry.refresh_from_db()
    assert inquiry.case.customer == known
    assert Customer.objects.count() == 1


def test_always_new_rule_leaves_the_customer_to_be_created(tenant, make_inquiry):
    make_customer(organization=tenant.org, email="kari@example.net")
    set_rule(tenant.org, Channel.WEB_FORM, customer_handling="always_new")
    inquiry = make_inquiry(sender_email="kari@example.net")
    client = tenant.client_for(tenant.caseworker)
    first = client.get(convert_url(inquiry))
    assert first.context["form"]["customer"].value() is None
    client.post(convert_url(inquiry), form_data(first))
    assert Customer.objects.count() == 2


def test_invalid_input_keeps_what_was_typed(tenant, make_inquiry):
    inquiry = make_inquiry()
    client = tenant.client_for(tenant.caseworker)
    data = form_data(
        client.get(convert_url(inquiry)), title="", description="My own words", notify_supplier="on"
    )
    response = client.post(convert_url(inquiry), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "My own words" in page
    assert "Choose the supplier to notify." in page
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.NEW
    assert not NotificationRequest.objects.exists()


def test_sms_needs_someone_to_send_it_to(tenant, make_inquiry):
    inquiry = make_inquiry()
    client = tenant.client_for(tenant.caseworker)
    response = client.post(
        convert_url(inquiry), form_data(client.get(convert_url(inquiry)), notify_sms="on")
    )
    assert b"Tick the customer or the supplier to send an SMS." in response.content


def test_assignee_must_be_staff_of_the_organization(tenant, other_tenant, make_inquiry):
    inquiry = make_inquiry()
    client = tenant.client_for(tenant.caseworker)
    for bad in (other_tenant.caseworker.pk, tenant.supplier.pk):
        response = client.post(
            convert_url(inquiry), form_data(client.get(convert_url(inquiry)), assignee=bad)
        )
        assert response.status_code == 200
        assert "assignee" in response.context["form"].errors


def test_converting_twice_is_refused(tenant, make_inquiry):
    inquiry = make_inquiry()
    client = tenant.client_for(tenant.caseworker)
    data = form_data(client.get(convert_url(inquiry)))
    client.post(convert_url(inquiry), data)
    response = client.post(convert_url(inquiry), data)
    assert response.status_code == 200
    assert b"was made from this inquiry" in response.content
    assert Inquiry.objects.get(pk=inquiry.pk).case.organization == tenant.org


def test_manual_conversion_moves_the_round_robin_on(tenant, staff, make_inquiry):
    set_rule(tenant.org, Channel.WEB_FORM, assignees=staff)
    client = tenant.client_for(tenant.caseworker)
    first = make_inquiry()
    client.post(convert_url(first), form_data(client.get(convert_url(first))))
    second = make_inquiry()
    assert client.get(convert_url(second)).context["form"]["assignee"].value() == staff[1].pk


def test_the_property_picker_offers_the_current_property_not_every_property(tenant, make_inquiry):
    home = PropertyFactory(organization=tenant.org, address="Fjordveien 7")
    PropertyFactory(organization=tenant.org, address="Storgata 1")
    inquiry = make_inquiry(address="Fjordveien 7")
    assert inquiry.property == home

    response = tenant.client_for(tenant.caseworker).get(convert_url(inquiry))

    choices = list(response.context["form"].fields["property"].widget.choices)
    assert [value for value, _label in choices] == ["", home.pk]
    assert "Storgata 1" not in response.content.decode()


def test_searching_properties_without_javascript_keeps_what_was_typed(tenant, make_inquiry):
    wanted = PropertyFactory(organization=tenant.org, address="Storgata 1")
    inquiry = make_inquiry()
    client = tenant.client_for(tenant.caseworker)
    first = client.get(convert_url(inquiry))

    data = form_data(first, title="Typed title", property_search="storgata", _refresh="property")
    response = client.post(convert_url(inquiry), data)

    assert response.status_code == 200
    assert 'value="Typed title"' in response.content.decode()
    picker = response.context["form"].fields["property"].widget
    assert wanted.pk in [value for value, _label in picker.choices]
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.NEW
    # Choosing the match saves it on the case.
    response = client.post(convert_url(inquiry), form_data(response, property=wanted.pk))
    assert response.status_code == 302
    assert Inquiry.objects.get(pk=inquiry.pk).case.property == wanted


def test_a_property_of_another_organization_is_refused(tenant, other_tenant, make_inquiry):
    foreign = PropertyFactory(organization=other_tenant.org, address="Elsewhere 1")
    inquiry = make_inquiry()
    client = tenant.client_for(tenant.caseworker)
    first = client.get(convert_url(inquiry))

    response = client.post(convert_url(inquiry), form_data(first, property=foreign.pk))

    assert response.status_code == 200
    assert "property" in response.context["form"].errors
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.NEW


def test_sms_to_a_number_that_is_no_mobile_number_is_refused_next_to_the_switch(
    tenant, make_inquiry
):
    inquiry = make_inquiry(sender_name="Ola", sender_email="ola@example.net", sender_phone="12")
    client = tenant.client_for(tenant.caseworker)
    data = form_data(client.get(convert_url(inquiry)), notify_customer="on", notify_sms="on")

    response = client.post(convert_url(inquiry), data)

    assert response.status_code == 200
    assert "12 is not a mobile number." in response.content.decode()
    assert not OutboundMessage.objects.exists()
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW
