"""inquiry_receive: validation, property matching, attachments, and the rule's tray/case choice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from inquiries.models import Channel, Inquiry, IntakeRule
from inquiries.services.intake import inquiry_receive, intake_rule_for
from tests.factories.properties import PropertyFactory
from tests.inquiries.conftest import PDF_BYTES, png_bytes


def test_inquiry_waits_in_the_tray_by_default(tenant, make_inquiry):
    inquiry = make_inquiry()
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.case is None


def test_property_is_found_by_number_within_the_organization(tenant, other_tenant, make_inquiry):
    PropertyFactory(organization=other_tenant.org, property_number="B-1")
    mine = PropertyFactory(organization=tenant.org, property_number="B-1")
    inquiry = make_inquiry(property_number="b-1")
    assert inquiry.property == mine
    assert inquiry.property_text == ""


def test_property_is_found_by_address_ignoring_case_spacing_and_city(tenant, make_inquiry):
    home = PropertyFactory(organization=tenant.org, address="Storgata 12")
    inquiry = make_inquiry(address="  storgata   12, 0150 Oslo")
    assert inquiry.property == home


def test_unknown_property_is_kept_as_text(tenant, make_inquiry):
    inquiry = make_inquiry(address="Nowhere 1", property_number="X-9")
    assert inquiry.property is None
    assert inquiry.property_text == "X-9, Nowhere 1"


def test_attachments_are_stored_under_generated_names(tenant, make_inquiry):
    inquiry = make_inquiry(attachments=[("../../etc/photo.png", png_bytes()), ("a.pdf", PDF_BYTES)])
    rows = list(inquiry.attachments.order_by("pk"))
    assert [r.original_name for r in rows] == ["photo.png", "a.pdf"]
    assert [r.content_type for r in rows] == ["image/png", "application/pdf"]
    for row in rows:
        assert row.stored_name in row.file.name
        assert "photo" not in row.file.name
        assert row.file.size == row.size


def test_plain_text_is_accepted(tenant, make_inquiry):
    inquiry = make_inquiry(attachments=[("notes.txt", "Hei på deg".encode())])
    assert inquiry.attachments.get().content_type == "text/plain"


def test_file_disguised_by_its_name_is_refused(tenant):
    with pytest.raises(ValidationError) as error:
        inquiry_receive(
            org=tenant.org,
            channel=Channel.API,
            message="See file",
            attachments=[("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 100)],
        )
    assert "attachments" in error.value.message_dict
    assert not Inquiry.objects.exists()


def test_too_large_file_is_refused(tenant, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        inquiry_receive(
            org=tenant.org,
            channel=Channel.API,
            message="Big",
            attachments=[("big.txt", b"a" * 2048)],
        )
    assert "a file can be at most 1.0\xa0KB" in error.value.message_dict["attachments"][0]


def test_bad_email_and_empty_message_are_refused(tenant):
    with pytest.raises(ValidationError) as error:
        inquiry_receive(org=tenant.org, channel=Channel.API, sender_email="not-an-address")
    assert set(error.value.message_dict) == {"sender_email", "message"}


def test_unknown_channel_is_refused(tenant):
    with pytest.raises(ValidationError):
        inquiry_receive(org=tenant.org, channel="fax", message="Hello")


@pytest.mark.parametrize(
    ("channel", "group"),
    [
        (Channel.API, "external"),
        (Channel.WEB_FORM, "external"),
        (Channel.PHONE, "external"),
        (Channel.PORTAL, "portal"),
        (Channel.EMAIL, "email"),
    ],
)
def test_intake_rule_for_maps_channels_to_groups(tenant, channel, group):
    rule = intake_rule_for(tenant.org, channel)
    assert rule.channel_group == group
    assert intake_rule_for(tenant.org, channel).pk == rule.pk


def test_portal_rule_defaults_to_visible_for_the_customer(tenant):
    assert intake_rule_for(tenant.org, Channel.PORTAL).visible_to_customer_default is True
    assert intake_rule_for(tenant.org, Channel.API).visible_to_customer_default is False


def test_rule_creating_cases_at_once_converts_on_receipt(tenant, make_inquiry):
    rule = intake_rule_for(tenant.org, Channel.API)
    rule.create_case_immediately = True
    rule.save()
    inquiry = make_inquiry(channel=Channel.API, attachments=[("p.png", png_bytes())])
    assert inquiry.status == Inquiry.Status.CONVERTED
    assert inquiry.case.source == "api"
    assert inquiry.case.attachments.count() == 1
    # Other channel groups still wait in the tray.
    assert make_inquiry(channel=Channel.EMAIL).status == Inquiry.Status.NEW
    assert IntakeRule.objects.filter(organization=tenant.org).count() == 2


def test_full_address_wins_over_the_street_part(tenant, make_inquiry):
    PropertyFactory(organization=tenant.org, address="Solsidevegen 4B")
    flat = PropertyFactory(organization=tenant.org, address="Solsidevegen 4B, H0101")
    assert make_inquiry(address="solsidevegen 4b, h0101").property == flat


def test_ambiguous_address_is_kept_as_text(tenant, make_inquiry):
    PropertyFactory(organization=tenant.org, address="Storgata 3", property_number="")
    PropertyFactory(organization=tenant.org, address="Storgata 3", property_number="")
    inquiry = make_inquiry(address="Storgata 3")
    assert inquiry.property is None
    assert inquiry.property_text == "Storgata 3"


def test_files_are_removed_again_when_the_case_cannot_be_made(tenant, make_inquiry, monkeypatch):
    from django.core.files.storage import default_storage

    from inquiries.services import convert

    rule = intake_rule_for(tenant.org, Channel.API)
    rule.create_case_immediately = True
    rule.save()

    def broken(**kwargs):
        raise ValidationError("The case service is down.")

    monkeypatch.setattr(convert, "case_create_many", broken)
    with pytest.raises(ValidationError):
        make_inquiry(channel=Channel.API, attachments=[("p.png", png_bytes())])
    assert not Inquiry.objects.exists()
    folder = f"inquiries/{tenant.org.pk}"
    assert not default_storage.exists(folder) or default_storage.listdir(folder)[1] == []


def test_switching_a_rule_to_create_cases_at_once_applies_to_the_next_inquiry(tenant):
    from inquiries.services.intake import inquiry_receive
    from inquiries.services.rules import intake_rule_for

    first = inquiry_receive(
        org=tenant.org, channel="api", sender_email="a@example.com", message="Tap drips"
    )
    assert first.case_id is None  # the default rule leaves inquiries in the tray

    rule = intake_rule_for(tenant.org, "api")
    rule.create_case_immediately = True
    rule.save()  # e.g. through the Django admin: the cached answer must be forgotten

    second = inquiry_receive(
        org=tenant.org, channel="api", sender_email="b@example.com", message="Door sticks"
    )
    assert second.case_id is not None
