"""Bulk conversion ("Lag sak"): bulk category, rules, bounded queries, an event per case."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Attachment, Case, CaseEvent, NotificationRequest
from customers.models import Customer
from inquiries.models import Channel, Inquiry, InquiryAttachment
from inquiries.services.convert import inquiry_convert_many
from inquiries.services.files import generated_name
from inquiries.services.rules import bulk_category_set
from notifications.models import OutboundMessage
from tests.factories.organizations import TeamFactory
from tests.inquiries.conftest import bulk_inquiries, make_customer, png_bytes, set_rule
from tests.markers import BATCHED_WRITES, postgresql_only


def test_bulk_conversion_assigns_the_warranty_claim_category(tenant, categories, make_inquiry):
    set_rule(tenant.org, Channel.WEB_FORM, category=categories["service"])
    inquiries = [make_inquiry(category="order") for _ in range(3)]
    cases = inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=inquiries)
    assert [c.category for c in cases] == [categories["warranty_claim"]] * 3


def test_bulk_conversion_uses_the_chosen_bulk_category(tenant, categories, make_inquiry):
    bulk_category_set(org=tenant.org, actor=tenant.admin, category=categories["fault_report"])
    cases = inquiry_convert_many(
        org=tenant.org, actor=tenant.caseworker, inquiries=[make_inquiry()]
    )
    assert cases[0].category == categories["fault_report"]


def test_bulk_conversion_marks_inquiries_converted(tenant, make_inquiry):
    inquiries = [make_inquiry() for _ in range(2)]
    cases = inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=inquiries)
    for inquiry, case in zip(inquiries, cases, strict=True):
        inquiry.refresh_from_db()
        assert inquiry.status == Inquiry.Status.CONVERTED
        assert inquiry.case == case
        assert inquiry.handled_by == tenant.caseworker
        assert inquiry.handled_at is not None
        assert case.title == inquiry.subject
        assert case.source == "web_form"
        assert case.created_by == tenant.caseworker


def test_bulk_conversion_applies_each_channels_rule(tenant, staff, make_inquiry):
    team = TeamFactory(organization=tenant.org)
    set_rule(tenant.org, Channel.WEB_FORM, priority="high", deadline_days=3, teams=[team])
    set_rule(
        tenant.org,
        Channel.PORTAL,
        priority="low",
        assignees=staff[:1],
        visible_to_customer_default=True,
        send_confirmation=True,
    )
    web = make_inquiry(channel=Channel.WEB_FORM)
    portal = make_inquiry(channel=Channel.PORTAL)
    web_case, portal_case = inquiry_convert_many(
        org=tenant.org, actor=tenant.caseworker, inquiries=[web, portal]
    )
    assert (web_case.priority, portal_case.priority) == ("high", "low")
    assert web_case.deadline is not None and portal_case.deadline is None
    assert list(web_case.teams.all()) == [team]
    assert (web_case.assignee, portal_case.assignee) == (None, staff[0])
    assert (web_case.visible_to_customer, portal_case.visible_to_customer) == (False, True)
    assert NotificationRequest.objects.filter(case=portal_case, reason="confirmation").exists()
    assert not NotificationRequest.objects.filter(case=web_case).exists()
    # The rule's confirmation is queued as a real message to the matched customer's address.
    confirmation = OutboundMessage.objects.get(organization=tenant.org, kind="case_created")
    assert confirmation.to == portal.sender_email
    assert confirmation.subject.endswith(f"[#{portal_case.number}]")
    assert CaseEvent.objects.filter(
        case=portal_case, kind=CaseEvent.Kind.MESSAGE_OUT, outbound_message_id=confirmation.pk
    ).exists()


def test_bulk_conversion_matches_customers_and_creates_one_per_new_address(tenant, make_inquiry):
    known = make_customer(organization=tenant.org, email="known@example.net")
    a = make_inquiry(sender_email="known@example.net")
    b = make_inquiry(sender_email="new@example.net", sender_name="New Person")
    c = make_inquiry(sender_email="NEW@example.net", sender_name="New Person")
    cases = inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=[a, b, c])
    assert cases[0].customer == known
    assert cases[1].customer == cases[2].customer
    assert Customer.objects.filter(organization=tenant.org).count() == 2


def test_bulk_conversion_copies_attachments_with_an_event_each(tenant, make_inquiry):
    inquiry = make_inquiry(attachments=[("photo.png", png_bytes()), ("b.txt", b"hello")])
    (case,) = inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=[inquiry])
    copies = list(case.attachments.order_by("pk"))
    assert [a.original_name for a in copies] == ["photo.png", "b.txt"]
    originals = list(inquiry.attachments.order_by("pk"))
    for copy, original in zip(copies, originals, strict=True):
        assert copy.file.name != original.file.name
        assert copy.file.read() == original.file.read()
    events = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ATTACHMENT)
    assert sorted(e.attachment_id for e in events) == [a.pk for a in copies]


def test_copied_images_get_their_thumbnails_after_the_commit(
    tenant, make_inquiry, django_capture_on_commit_callbacks
):
    inquiry = make_inquiry(
        attachments=[("photo.png", png_bytes()), ("broken.png", png_bytes()), ("b.txt", b"x")]
    )
    damaged = inquiry.attachments.get(original_name="broken.png")
    with default_storage.open(damaged.file.name, "wb") as file:  # damaged after intake
        file.write(png_bytes()[:60])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (case,) = inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=[inquiry])
    photo, broken, text = case.attachments.order_by("pk")
    assert not photo.thumbnail  # conversion itself decodes no image

    for callback in callbacks:  # the worker's job (eager in tests)
        callback()

    photo.refresh_from_db(), broken.refresh_from_db(), text.refresh_from_db()
    assert photo.thumbnail.name.startswith(f"thumbnails/{tenant.org.pk}/")
    with photo.thumbnail.open("rb") as thumb:
        assert thumb.read(3) == b"\xff\xd8\xff"  # a JPEG
    assert not broken.thumbnail and not text.thumbnail


def test_bulk_conversion_ignores_other_organizations_and_handled_inquiries(
    tenant, other_tenant, make_inquiry
):
    foreign = make_inquiry(org=other_tenant.org)
    done = make_inquiry()
    inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=[done])
    fresh = make_inquiry()
    cases = inquiry_convert_many(
        org=tenant.org, actor=tenant.caseworker, inquiries=[foreign.pk, done.pk, fresh.pk]
    )
    assert [c.pk for c in cases] == [Inquiry.objects.get(pk=fresh.pk).case_id]
    foreign.refresh_from_db()
    assert foreign.status == Inquiry.Status.NEW
    assert not Case.objects.filter(organization=other_tenant.org).exists()


def _prepare(org, count):
    inquiries = bulk_inquiries(org, count)
    # A file on the first inquiry, so both sizes take the attachment-copying path.
    name = default_storage.save(
        f"inquiries/{org.pk}/{generated_name('.txt')}", ContentFile(b"hello")
    )
    InquiryAttachment.objects.create(
        organization=org,
        inquiry=inquiries[0],
        file=name,
        stored_name=name.rsplit("/", 1)[-1],
        original_name="x.txt",
        content_type="text/plain",
        size=5,
    )
    return inquiries


def _convert_counting(tenant, inquiries):
    with CaptureQueriesContext(connection) as queries:
        cases = inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=inquiries)
    return cases, len(queries)


@postgresql_only(BATCHED_WRITES)
def test_bulk_conversion_of_1000_runs_as_many_queries_as_of_10(tenant, staff, categories):
    team = TeamFactory(organization=tenant.org)
    set_rule(
        tenant.org,
        Channel.WEB_FORM,
        assignees=staff,
        teams=[team],
        deadline_days=5,
        send_confirmation=True,
    )
    make_customer(organization=tenant.org, email="sender3@example.net")
    # The organization's first case creates its case counter; measure after that.
    _convert_counting(tenant, bulk_inquiries(tenant.org, 1))
    cases_small, queries_small = _convert_counting(tenant, _prepare(tenant.org, 10))
    cases_large, queries_large = _convert_counting(tenant, _prepare(tenant.org, 1000))

    assert len(cases_small) == 10 and len(cases_large) == 1000
    assert queries_large == queries_small
    # 31st: the organization's service-level policies, read once; 32nd to 34th: the audit
    # trail's inserts (the cases' events, the files' events, the inquiries' "converted")
    assert queries_large <= 34
    created = CaseEvent.objects.filter(kind=CaseEvent.Kind.CREATED, case__in=cases_large)
    assert created.count() == 1000
    assert Attachment.objects.filter(case__in=cases_large).count() == 1
    assert NotificationRequest.objects.filter(case__in=cases_large).count() == 1000
    assert OutboundMessage.objects.filter(kind="case_created").count() == 1011
    assert {c.assignee_id for c in cases_large} == {u.pk for u in staff}
    assert len({c.number for c in cases_large}) == 1000
    assert not Inquiry.objects.filter(status=Inquiry.Status.NEW).exists()
