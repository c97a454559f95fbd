"""My requests and a case's page: a resident sees only their own inquiries and the cases shown
to them, and on a case only the messages between them and the organization."""

from __future__ import annotations

import pytest
from django.test import Client

from cases.models import Case, CaseEvent
from cases.services.messages import Outgoing, case_message_send
from cases.services.notes import note_add
from cases.services.tasks import task_add
from inquiries.models import Channel, Inquiry
from notifications.models import Notification, OutboundMessage
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory, SupplierFactory
from tests.portal.conftest import make_resident, portal_client, portal_url

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Internal: the tenant is behind on rent"


def shown_case(tenant, resident, **fields):
    fields.setdefault("customer", resident.customer)
    fields.setdefault("visible_to_customer", True)
    return make_case(tenant.org, tenant.caseworker, **fields)


def inquiry_of(org, customer, subject, **fields):
    return Inquiry.objects.create(
        organization=org, channel=Channel.PORTAL, customer=customer, subject=subject, **fields
    )


def test_home_lists_own_inquiries_and_visible_cases_only(tenant, resident, resident_client):
    mine = shown_case(tenant, resident, title="Leaking roof")
    shown_case(tenant, resident, title="Hidden case", visible_to_customer=False)
    neighbour = CustomerFactory(organization=tenant.org)
    make_case(
        tenant.org,
        tenant.caseworker,
        title="Neighbour case",
        customer=neighbour,
        visible_to_customer=True,
    )
    inquiry_of(tenant.org, resident.customer, "Broken doorbell")
    inquiry_of(tenant.org, resident.customer, "Deleted one", status=Inquiry.Status.DELETED)
    inquiry_of(tenant.org, neighbour, "Neighbour inquiry")
    response = resident_client.get(portal_url(tenant.org))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Leaking roof" in html
    assert portal_url(tenant.org, "case", mine.number) in html
    assert "Broken doorbell" in html
    for hidden in ("Hidden case", "Neighbour case", "Deleted one", "Neighbour inquiry"):
        assert hidden not in html
    assert response["Cache-Control"] == "no-store, private"


def test_home_shows_status_and_deadline_newest_first(tenant, resident, resident_client):
    import datetime

    first = shown_case(tenant, resident, title="Older case", deadline=datetime.date(2031, 5, 17))
    Case.objects.filter(pk=first.pk).update(
        created_at=first.created_at - datetime.timedelta(days=2)
    )
    shown_case(tenant, resident, title="Newer case")
    html = resident_client.get(portal_url(tenant.org)).content.decode()
    assert html.index("Newer case") < html.index("Older case")
    assert 'datetime="2031-05-17"' in html
    assert ">New<" in html


def test_converted_inquiry_is_shown_once_as_its_case(tenant, resident, resident_client):
    case = shown_case(tenant, resident, title="The case it became")
    inquiry_of(
        tenant.org,
        resident.customer,
        "The inquiry itself",
        status=Inquiry.Status.CONVERTED,
        case=case,
    )
    html = resident_client.get(portal_url(tenant.org)).content.decode()
    assert "The case it became" in html
    assert "The inquiry itself" not in html


def test_home_pages_by_twenty(tenant, resident, resident_client):
    for n in range(25):
        inquiry_of(tenant.org, resident.customer, f"Inquiry number {n:02d}")
    first = resident_client.get(portal_url(tenant.org)).content.decode()
    second = resident_client.get(portal_url(tenant.org) + "?page=2").content.decode()
    assert first.count("Inquiry number") == 20
    assert second.count("Inquiry number") == 5
    assert "?page=2" in first
    assert resident_client.get(portal_url(tenant.org) + "?page=abc").status_code == 200
    assert resident_client.get(portal_url(tenant.org) + "?page=99999").status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_home_costs_a_fixed_number_of_queries(
    tenant, resident, resident_client, count, django_assert_max_num_queries
):
    for n in range(count):
        shown_case(tenant, resident, title=f"Case {n}")
        inquiry_of(tenant.org, resident.customer, f"Inquiry {n}")
    resident_client.get(portal_url(tenant.org))
    # organization, account, two counts, two page reads (+1 for the session without Redis),
    # + the request's transaction as a savepoint inside the test's (2)
    with django_assert_max_num_queries(7 + 2):
        assert resident_client.get(portal_url(tenant.org)).status_code == 200


def test_case_page_shows_replies_and_own_messages_never_internal_things(
    tenant, resident, resident_client
):
    supplier = SupplierFactory(organization=tenant.org, email="plumber@example.net")
    case = shown_case(
        tenant, resident, title="Dripping tap", description="It drips at night", supplier=supplier
    )
    note_add(org=tenant.org, actor=tenant.caseworker, case=case, body=SECRET_NOTE)
    task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Secret task title")
    case_message_send(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        kind=OutboundMessage.Kind.REPLY,
        message=Outgoing(text="We will send a plumber on Monday.", email=resident.email),
    )
    case_message_send(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        kind=OutboundMessage.Kind.FORWARD,
        message=Outgoing(text="Forwarded internally to the board", email="board@example.net"),
    )
    from cases.services.inbound import case_message_receive

    case_message_receive(
        org=tenant.org,
        case=case,
        inbound_email_id=None,
        sender="plumber@example.net",
        text="Supplier says: invoice coming",
    )
    case_message_receive(
        org=tenant.org,
        case=case,
        inbound_email_id=None,
        sender=resident.email.upper(),
        text="Thanks, Monday suits me",
    )
    response = resident_client.get(portal_url(tenant.org, "case", case.number))
    html = response.content.decode()
    assert response.status_code == 200
    assert "It drips at night" in html
    assert "We will send a plumber on Monday." in html
    assert "Thanks, Monday suits me" in html
    for secret in (
        SECRET_NOTE,
        "Secret task title",
        "Forwarded internally",
        "Supplier says",
        "plumber@example.net",
    ):
        assert secret not in html
    # nor in any other portal page
    for url in (portal_url(tenant.org), portal_url(tenant.org, "profile")):
        assert SECRET_NOTE not in resident_client.get(url).content.decode()


@pytest.mark.parametrize("count", [1, 50])
def test_case_page_costs_a_fixed_number_of_queries(
    tenant, resident, resident_client, count, django_assert_max_num_queries
):
    case = shown_case(tenant, resident)
    from cases.services.inbound import case_message_receive

    for n in range(count):
        case_message_receive(
            org=tenant.org,
            case=case,
            inbound_email_id=None,
            sender=resident.email,
            text=f"Message {n}",
            files=[(f"note{n}.txt", b"hello")],
        )
    resident_client.get(portal_url(tenant.org, "case", case.number))
    # organization, account, case, events, files (+1 for the session without Redis),
    # + the request's transaction as a savepoint inside the test's (2)
    with django_assert_max_num_queries(6 + 2):
        response = resident_client.get(portal_url(tenant.org, "case", case.number))
    assert response.status_code == 200
    assert response.content.decode().count("note") >= count


def test_invisible_or_other_customers_case_is_404(tenant, resident, resident_client):
    hidden = shown_case(tenant, resident, visible_to_customer=False)
    neighbour = make_case(
        tenant.org,
        tenant.caseworker,
        customer=CustomerFactory(organization=tenant.org),
        visible_to_customer=True,
    )
    for number in (hidden.number, neighbour.number, 999999):
        assert resident_client.get(portal_url(tenant.org, "case", number)).status_code == 404
        response = resident_client.post(
            portal_url(tenant.org, "case_message", number), {"text": "hi"}
        )
        assert response.status_code == 404
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.MESSAGE_IN).exists()


def test_resident_of_a_gets_404_for_bs_case_through_as_portal(
    tenant, other_tenant, resident, other_resident, resident_client
):
    theirs = make_case(
        other_tenant.org,
        other_tenant.caseworker,
        customer=other_resident.customer,
        visible_to_customer=True,
    )
    response = resident_client.get(portal_url(tenant.org, "case", theirs.number))
    assert response.status_code == 404


def test_a_session_shows_nothing_of_bs_portal(
    tenant, other_tenant, resident, other_resident, resident_client
):
    theirs = make_case(
        other_tenant.org,
        other_tenant.caseworker,
        title="Beta secret case",
        customer=other_resident.customer,
        visible_to_customer=True,
    )
    for url in (
        portal_url(other_tenant.org),
        portal_url(other_tenant.org, "case", theirs.number),
        portal_url(other_tenant.org, "profile"),
    ):
        response = resident_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(portal_url(other_tenant.org, "login"))
    page = resident_client.get(portal_url(other_tenant.org, "login"), follow=True).content.decode()
    assert "Beta secret case" not in page
    assert resident.email not in page


def test_staff_session_grants_nothing_on_the_portal(tenant, staff_client, admin_client_org):
    case = make_case(
        tenant.org,
        tenant.caseworker,
        visible_to_customer=True,
        customer=CustomerFactory(organization=tenant.org),
    )
    for client in (staff_client, admin_client_org):
        for url in (
            portal_url(tenant.org),
            portal_url(tenant.org, "case", case.number),
            portal_url(tenant.org, "profile"),
        ):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(portal_url(tenant.org, "login"))


def test_resident_session_grants_nothing_on_staff_pages(tenant, resident_client):
    case = make_case(tenant.org, tenant.caseworker)
    for url in (
        f"/{tenant.org.slug}/",
        f"/{tenant.org.slug}/cases/{case.number}/",
        f"/{tenant.org.slug}/customers/",
    ):
        response = resident_client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert resident_client.get("/api/v1/cases/").status_code in (401, 403)


def test_staff_and_resident_in_one_browser_see_the_portal_as_the_resident(tenant, resident):
    client = tenant.client_for(tenant.caseworker)
    portal_client(resident, client=client)
    response = client.get(portal_url(tenant.org))
    assert response.status_code == 200
    assert tenant.caseworker.email not in response.content.decode()


def test_message_on_open_case_lands_on_the_timeline_and_tells_the_assignee(
    tenant, resident, resident_client
):
    case = shown_case(tenant, resident, assignee=tenant.caseworker)
    response = resident_client.post(
        portal_url(tenant.org, "case_message", case.number),
        {"text": "The tap still drips", "files": [_photo("tap.png")]},
    )
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.MESSAGE_IN)
    assert event.data["channel"] == "portal"
    assert event.data["text"] == "The tap still drips"
    assert event.data["from"] == resident.email
    assert event.data["attachments"] == ["tap.png"]
    assert Notification.objects.filter(
        recipient=tenant.caseworker, url__contains=str(case.number)
    ).exists()
    page = resident_client.get(portal_url(tenant.org, "case", case.number)).content.decode()
    assert "The tap still drips" in page
    file_url = portal_url(tenant.org, "case_file", case.number, event.data["attachment_ids"][0])
    assert file_url in page
    download = resident_client.get(file_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    staff_page = tenant.client_for(tenant.caseworker).get(
        f"/{tenant.org.slug}/cases/{case.number}/"
    )
    assert "wrote to the case in the resident pages" in staff_page.content.decode()


def test_message_on_resolved_case_reopens_it(tenant, resident, resident_client):
    case = shown_case(tenant, resident)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RESOLVED)
    page = resident_client.get(portal_url(tenant.org, "case", case.number)).content.decode()
    assert "it is opened again" in page
    response = resident_client.post(
        portal_url(tenant.org, "case_message", case.number), {"text": "Not fixed after all"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS


def test_closed_case_takes_no_message(tenant, resident, resident_client):
    case = shown_case(tenant, resident)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    page = resident_client.get(portal_url(tenant.org, "case", case.number)).content.decode()
    assert "This case is closed." in page
    assert portal_url(tenant.org, "case_message", case.number) not in page
    response = resident_client.post(
        portal_url(tenant.org, "case_message", case.number), {"text": "Hello?"}
    )
    assert response.status_code == 400
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_IN).exists()


def test_empty_message_is_refused_next_to_the_field(tenant, resident, resident_client):
    case = shown_case(tenant, resident)
    response = resident_client.post(
        portal_url(tenant.org, "case_message", case.number), {"text": "  "}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Write a message or add a file." in html
    assert 'aria-describedby="id_text_error"' in html


def test_refused_file_keeps_the_text_and_sends_nothing(tenant, resident, resident_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = shown_case(tenant, resident)
    bad = SimpleUploadedFile(
        "virus.exe", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/octet-stream"
    )
    response = resident_client.post(
        portal_url(tenant.org, "case_message", case.number),
        {"text": "See the attached file", "files": [bad]},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "See the attached file" in html
    assert 'id="id_files_error"' in html
    assert "Nothing was sent." in html
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_IN).exists()


def test_files_of_other_messages_or_cases_are_404(tenant, resident, resident_client):
    from cases.services.inbound import case_message_receive

    case = shown_case(tenant, resident)
    supplier_event = case_message_receive(
        org=tenant.org,
        case=case,
        inbound_email_id=None,
        sender="plumber@example.net",
        text="invoice",
        files=[("invoice.txt", b"secret invoice")],
    )
    note = note_add(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        body="note",
        uploads=[_photo("internal.png")],
    )
    ids = supplier_event.data["attachment_ids"] + [a.pk for a in note.attachments.all()]
    for attachment_id in ids:
        assert (
            resident_client.get(
                portal_url(tenant.org, "case_file", case.number, attachment_id)
            ).status_code
            == 404
        )


def test_csrf_is_enforced_on_a_message(tenant, resident):
    case = shown_case(tenant, resident)
    client = portal_client(resident, client=Client(enforce_csrf_checks=True))
    response = client.post(portal_url(tenant.org, "case_message", case.number), {"text": "hi"})
    assert response.status_code == 403


def test_service_refuses_another_organizations_case(tenant, other_tenant, resident, other_resident):
    from django.core.exceptions import ValidationError

    from portal.services.messages import resident_message_send

    theirs = make_case(
        other_tenant.org,
        other_tenant.caseworker,
        customer=other_resident.customer,
        visible_to_customer=True,
    )
    with pytest.raises(ValidationError):
        resident_message_send(org=tenant.org, account=resident, case=theirs, text="hi")
    neighbour_case = make_case(
        tenant.org,
        tenant.caseworker,
        customer=CustomerFactory(organization=tenant.org),
        visible_to_customer=True,
    )
    with pytest.raises(ValidationError):
        resident_message_send(org=tenant.org, account=resident, case=neighbour_case, text="hi")


def _photo(name: str):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_erased_customers_account_is_signed_out(tenant, resident, resident_client):
    from django.utils import timezone

    resident.customer.anonymised_at = timezone.now()
    resident.customer.save()
    assert resident_client.get(portal_url(tenant.org)).status_code == 302


def test_make_resident_helper_is_unique_per_org(tenant, other_tenant):
    a = make_resident(tenant.org, email="same@example.net")
    b = make_resident(other_tenant.org, email="same@example.net")
    assert a.organization_id != b.organization_id
