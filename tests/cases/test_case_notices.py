"""The automatic messages of a case: the notices ticked when it is created (customer:
case_created, supplier: supplier_handover) and the resolution sent when it is closed."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from cases.models import Case, CaseEvent, NotificationRequest
from cases.services.cases import case_create
from notifications.models import OutboundMessage
from notifications.transports import LocMemSmsBackend
from tests.cases.detail_support import HX, case_url
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory, SupplierFactory

Notify = NotificationRequest


def new_case(client, org, **fields):
    data = {
        "title": "Varsle",
        "priority": "normal",
        "source": "phone",
        "new_customer_type": "person",
        "new_customer_kind": "regular",
        **fields,
    }
    return client.post(reverse("cases:case_new", kwargs={"org_slug": org.slug}), data, follow=True)


def test_new_case_sends_the_ticked_notices(
    tenant, staff_client, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(organization=tenant.org, email="kari@example.net", phone="91122333")
    supplier = SupplierFactory(organization=tenant.org, email="vvs@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = new_case(
            staff_client,
            tenant.org,
            customer=customer.pk,
            supplier=supplier.pk,
            notify_customer_email="on",
            notify_customer_sms="on",
            notify_supplier_email="on",
        )

    case = Case.objects.get(organization=tenant.org)
    rows = OutboundMessage.objects.filter(organization=tenant.org).exclude(kind="assigned")
    assert set(rows.values_list("kind", "channel", "to", "status")) == {
        ("case_created", "email", "kari@example.net", "sent"),
        ("case_created", "sms", "+4791122333", "sent"),
        ("supplier_handover", "email", "vvs@example.com", "sent"),
    }
    subjects = sorted(m.subject for m in mail.outbox)
    assert all(s.endswith(f"[#{case.number}]") for s in subjects)
    assert [s.to for s in LocMemSmsBackend.outbox] == ["+4791122333"]
    events = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_OUT)
    assert set(events.values_list("outbound_message_id", flat=True)) == set(
        rows.values_list("pk", flat=True)
    )
    assert set(NotificationRequest.objects.filter(case=case).values_list("status", flat=True)) == {
        "queued"
    }
    html = response.content.decode()
    assert "The e-mail to the customer is queued" in html
    assert "told the customer by e-mail that the case was registered" in html
    assert "handed the case to the supplier by e-mail" in html
    case.refresh_from_db()
    assert case.first_response_at is None  # an automatic notice is no answer


def test_notice_to_a_customer_without_email_is_skipped_and_the_page_says_so(tenant, staff_client):
    customer = CustomerFactory(organization=tenant.org, email="", phone="")

    response = new_case(staff_client, tenant.org, customer=customer.pk, notify_customer_email="on")

    assert not OutboundMessage.objects.filter(kind="case_created").exists()
    request = NotificationRequest.objects.get()
    assert request.status == Notify.Status.SKIPPED
    html = response.content.decode()
    assert "No e-mail was sent to the customer: there is no e-mail address on record." in html
    assert "did not notify the customer by e-mail: there is no e-mail address on record" in html
    assert "is queued" not in html


def test_bulk_creation_skips_bad_addresses_without_failing_the_others(tenant):
    good = CustomerFactory(organization=tenant.org, email="good@example.net")
    bad = CustomerFactory(organization=tenant.org, email="not-an-address")
    wanted = [(Notify.Audience.CUSTOMER, Notify.Channel.EMAIL, Notify.Reason.CASE_CREATED)]

    first = case_create(org=tenant.org, actor=None, title="A", customer=good, notify=wanted)
    second = case_create(org=tenant.org, actor=None, title="B", customer=bad, notify=wanted)

    assert OutboundMessage.objects.get().to == "good@example.net"
    assert first.message_outcomes == [("customer", "email", "")]
    assert second.message_outcomes == [("customer", "email", "invalid")]


def close(client, case, **fields):
    return client.post(
        case_url(case, "close/"), {"resolution": "Replaced the seal.", **fields}, headers=HX
    )


def test_closing_with_the_tick_sends_the_resolution_to_the_customer(
    tenant, staff_client, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(organization=tenant.org, email="kari@example.net")
    case = make_case(tenant.org, tenant.caseworker, customer=customer, title="Dripping tap")

    page = staff_client.get(case_url(case)).content.decode()
    assert "Send the resolution to the customer" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = close(staff_client, case, notify_customer="on")

    assert response.status_code == 200
    row = OutboundMessage.objects.get(kind="case_resolved")
    assert row.to == "kari@example.net"
    assert row.subject == f"Your case is resolved: Dripping tap [#{case.number}]"
    assert "Replaced the seal." in row.body_text
    assert len(mail.outbox) == 1
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert "sent the customer the resolution by e-mail" in response.content.decode()


def test_closing_without_the_tick_sends_nothing(tenant, staff_client):
    customer = CustomerFactory(organization=tenant.org, email="kari@example.net")
    case = make_case(tenant.org, tenant.caseworker, customer=customer)

    close(staff_client, case)

    assert not OutboundMessage.objects.filter(kind="case_resolved").exists()


def test_the_tick_for_an_unreachable_customer_keeps_the_case_open(tenant, staff_client):
    customer = CustomerFactory(organization=tenant.org, email="", phone="")
    case = make_case(tenant.org, tenant.caseworker, customer=customer)

    page = staff_client.get(case_url(case)).content.decode()
    assert "Send the resolution to the customer" not in page  # nobody to send it to
    response = close(staff_client, case, notify_customer="on")

    assert response.status_code == 400
    assert "The customer has no e-mail address or mobile number." in response.content.decode()
    case.refresh_from_db()
    assert case.status != Case.Status.CLOSED
    assert not OutboundMessage.objects.exists()
