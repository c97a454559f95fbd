"""The tray icon, the inquiry list with filters and preview, and its bulk actions."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from inquiries.models import Channel, Inquiry
from tests.inquiries.conftest import bulk_inquiries, png_bytes


def url(name, org, **kwargs):
    return reverse(f"inquiries:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_tray_shows_the_number_of_unprocessed_inquiries(tenant, staff_client, make_inquiry):
    for _ in range(3):
        make_inquiry()
    deleted = make_inquiry()
    deleted.status = Inquiry.Status.DELETED
    deleted.save()
    page = staff_client.get(url("inquiry_list", tenant.org)).content.decode()
    assert 'aria-label="Inquiries: 3 unprocessed"' in page


def test_tray_counts_only_the_own_organization(tenant, other_tenant, staff_client, make_inquiry):
    make_inquiry(org=other_tenant.org)
    page = staff_client.get(url("inquiry_list", tenant.org)).content.decode()
    assert 'aria-label="Inquiries: 0 unprocessed"' in page


def test_tray_costs_one_query(tenant, rf, make_inquiry):
    from inquiries.context_processors import tray
    from organizations.models import Membership

    make_inquiry()
    request = rf.get("/")
    request.org = tenant.org
    request.membership = Membership.objects.get(user=tenant.caseworker)
    context = tray(request)
    with CaptureQueriesContext(connection) as queries:
        assert context["inquiry_tray_count"]() == 1
        assert context["inquiry_tray_count"]() == 1
    assert len(queries) == 1
    assert "organization_id" in queries[0]["sql"] and "COUNT" in queries[0]["sql"].upper()


def test_tray_is_not_shown_to_suppliers(tenant, rf):
    from inquiries.context_processors import tray
    from organizations.models import Membership

    request = rf.get("/")
    request.org = tenant.org
    request.membership = Membership.objects.get(user=tenant.supplier)
    assert tray(request) == {}
    assert tray(rf.get("/")) == {}


def test_list_shows_new_inquiries_with_a_create_case_button(tenant, staff_client, make_inquiry):
    inquiry = make_inquiry(subject="Leaking roof")
    page = staff_client.get(url("inquiry_list", tenant.org)).content.decode()
    assert "Leaking roof" in page
    assert 'aria-label="Create case"' in page
    assert url("inquiry_convert", tenant.org, inquiry_id=inquiry.pk) in page


def test_list_filters_by_channel_and_date(tenant, staff_client, make_inquiry):
    make_inquiry(channel=Channel.EMAIL, subject="By mail")
    old = make_inquiry(channel=Channel.PORTAL, subject="From portal")
    old.created_at = timezone.now() - datetime.timedelta(days=10)
    old.save()
    page = staff_client.get(url("inquiry_list", tenant.org), {"channel": "email"}).content.decode()
    assert "By mail" in page and "From portal" not in page
    since = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    page = staff_client.get(url("inquiry_list", tenant.org), {"date_from": since}).content
    assert b"By mail" in page and b"From portal" not in page
    until = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    page = staff_client.get(url("inquiry_list", tenant.org), {"date_to": until}).content
    assert b"By mail" not in page and b"From portal" in page


def test_list_filters_by_status(tenant, staff_client, make_inquiry):
    make_inquiry(subject="Still new")
    gone = make_inquiry(subject="Thrown away")
    gone.status = Inquiry.Status.DELETED
    gone.save()
    page = staff_client.get(url("inquiry_list", tenant.org), {"status": "deleted"}).content
    assert b"Thrown away" in page and b"Still new" not in page
    assert b"Restore" in page


def test_bad_filter_is_explained_and_the_list_still_shows(tenant, staff_client, make_inquiry):
    make_inquiry(subject="Visible")
    response = staff_client.get(
        url("inquiry_list", tenant.org), {"date_from": "2026-05-05", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert b"cannot be before the start date" in response.content
    assert b'value="2026-05-01"' in response.content


def _list_queries(client, org) -> tuple[int, str]:
    client.get(url("inquiry_list", org))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("inquiry_list", org))
    return len(queries), response.content.decode()


def test_list_costs_the_same_queries_for_1_and_50_rows(tenant, staff_client):
    def add(count):
        for inquiry in bulk_inquiries(tenant.org, count):
            inquiry.attachments.create(
                organization=tenant.org, file="x", stored_name="x", original_name="x", size=1
            )

    add(1)
    one, page_one = _list_queries(staff_client, tenant.org)
    add(49)
    fifty, page_fifty = _list_queries(staff_client, tenant.org)
    assert page_one.count('name="ids"') == 1
    assert page_fifty.count('name="ids"') == 50
    assert one == fifty
    # The list itself is two (page count, rows) and the tray one; the rest is the layout's.
    assert fifty <= 12


def test_preview_shows_message_sender_property_location_and_files(
    tenant, staff_client, make_inquiry
):
    from tests.factories.properties import PropertyFactory

    PropertyFactory(organization=tenant.org, property_number="H-7", address="Fjordveien 7")
    inquiry = make_inquiry(
        message="Water under the sink",
        sender_phone="+47 900",
        property_number="H-7",
        location="Kitchen",
        attachments=[("sink.png", png_bytes())],
    )
    response = staff_client.get(
        url("inquiry_preview", tenant.org, inquiry_id=inquiry.pk), HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "<html" not in page
    for text in ("Water under the sink", inquiry.sender_name, "+47 900", "Fjordveien 7", "Kitchen"):
        assert text in page
    attachment = inquiry.attachments.get()
    assert (
        url("inquiry_attachment", tenant.org, inquiry_id=inquiry.pk, attachment_id=attachment.pk)
        in page
    )
    full = staff_client.get(url("inquiry_preview", tenant.org, inquiry_id=inquiry.pk))
    assert b"<html" in full.content and b"Water under the sink" in full.content


def test_attachment_download_serves_the_file(tenant, staff_client, make_inquiry):
    inquiry = make_inquiry(attachments=[("notes.txt", b"hello there")])
    attachment = inquiry.attachments.get()
    response = staff_client.get(
        url("inquiry_attachment", tenant.org, inquiry_id=inquiry.pk, attachment_id=attachment.pk)
    )
    assert b"".join(response.streaming_content) == b"hello there"
    assert "notes.txt" in response["Content-Disposition"]


def test_bulk_create_cases_converts_the_selected(tenant, staff_client, make_inquiry):
    picked = [make_inquiry() for _ in range(3)]
    left = make_inquiry()
    response = staff_client.post(
        url("inquiry_bulk", tenant.org) + "?channel=web_form",
        {"action": "convert", "ids": [i.pk for i in picked]},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?channel=web_form")
    assert Case.objects.filter(organization=tenant.org).count() == 3
    assert Inquiry.objects.get(pk=left.pk).status == Inquiry.Status.NEW
    page = staff_client.get(response["Location"]).content.decode()
    assert "3 cases created." in page
    assert 'aria-label="Inquiries: 1 unprocessed"' in page


def test_bulk_delete_needs_a_reason_and_keeps_the_selection(tenant, staff_client, make_inquiry):
    inquiry = make_inquiry()
    response = staff_client.post(
        url("inquiry_bulk", tenant.org), {"action": "delete", "ids": [inquiry.pk], "reason": " "}
    )
    assert response.status_code == 200
    assert b"Give a reason for deleting." in response.content
    assert f'value="{inquiry.pk}" id="pick-{inquiry.pk}" checked'.encode() in response.content
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.NEW


def test_bulk_action_without_selection_is_explained(tenant, staff_client):
    response = staff_client.post(url("inquiry_bulk", tenant.org), {"action": "convert"})
    assert response.status_code == 200
    assert b"Select at least one inquiry." in response.content


def test_bulk_delete_and_restore(tenant, staff_client, make_inquiry):
    inquiries = [make_inquiry() for _ in range(2)]
    ids = [i.pk for i in inquiries]
    staff_client.post(
        url("inquiry_bulk", tenant.org), {"action": "delete", "ids": ids, "reason": "Spam"}
    )
    assert set(Inquiry.objects.values_list("status", "deleted_reason")) == {("deleted", "Spam")}
    staff_client.post(url("inquiry_bulk", tenant.org), {"action": "restore", "ids": ids})
    assert set(Inquiry.objects.values_list("status", flat=True)) == {"new"}


def test_bulk_actions_ignore_other_organizations_ids(
    tenant, other_tenant, staff_client, make_inquiry
):
    foreign = [make_inquiry(org=other_tenant.org) for _ in range(2)]
    staff_client.post(
        url("inquiry_bulk", tenant.org), {"action": "convert", "ids": [foreign[0].pk]}
    )
    staff_client.post(
        url("inquiry_bulk", tenant.org),
        {"action": "delete", "ids": [foreign[1].pk], "reason": "Spam"},
    )
    assert set(Inquiry.objects.values_list("status", flat=True)) == {"new"}
    assert not Case.objects.exists()
