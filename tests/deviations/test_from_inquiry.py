"""A deviation registered from an inquiry: pre-filled with its text and property, its photos
copied, linked both ways; an inquiry turned only into a deviation is handled (out of the tray),
one already turned into a case keeps its case and the deviation is linked to it too."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from cases.models import Deviation, DeviationFile
from cases.services.deviations import DeviationData
from inquiries.models import Channel, Inquiry
from inquiries.services.convert import inquiry_convert_many
from inquiries.services.deviation import deviation_data_from_inquiry, inquiry_create_deviation
from inquiries.services.intake import inquiry_receive
from inquiries.services.lifecycle import inquiry_delete_many
from organizations.models_audit import AuditEvent
from tests.cases.detail_support import png_bytes
from tests.deviations.support import deviation_url
from tests.factories.properties import PropertyFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def prop(tenant):
    return PropertyFactory(organization=tenant.org, address="Solbakken 12", property_number="ST-1")


@pytest.fixture
def inquiry(tenant, prop) -> Inquiry:
    return inquiry_receive(
        org=tenant.org,
        channel=Channel.WEB_FORM,
        sender_name="Kari Nordmann",
        sender_email="kari@example.net",
        subject="Broken glass on the playground",
        message="Someone smashed a bottle by the swings.\nChildren play there.",
        property_number="ST-1",
        location="Playground, by the swings",
        attachments=[("glass.png", png_bytes()), ("report.pdf", PDF)],
    )


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_form_is_prefilled_with_the_inquiry(tenant, staff_client, inquiry, prop):
    form = page(staff_client, f"/{tenant.org.slug}/inquiries/{inquiry.pk}/deviation/")

    assert 'value="Broken glass on the playground"' in form
    assert "Someone smashed a bottle by the swings." in form
    assert 'value="Playground, by the swings"' in form
    assert f'<option value="{prop.pk}" selected>' in form
    assert "glass.png" in form and "report.pdf" in form


def test_deviation_from_inquiry_carries_its_text_and_photos(tenant, staff_client, inquiry, prop):
    files = {a.original_name: a for a in inquiry.attachments.all()}

    response = staff_client.post(
        f"/{tenant.org.slug}/inquiries/{inquiry.pk}/deviation/",
        {
            "title": "Broken glass on the playground",
            "type": "hazard",
            "severity": "high",
            "description": "Someone smashed a bottle by the swings.\nChildren play there.",
            "property": prop.pk,
            "location": "Playground, by the swings",
            "copy": [a.pk for a in files.values()],
        },
    )

    deviation = Deviation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == deviation_url(deviation)
    assert deviation.description.startswith("Someone smashed a bottle")
    assert (deviation.property, deviation.location) == (prop, "Playground, by the swings")
    copies = {row.original_name: row for row in DeviationFile.objects.filter(deviation=deviation)}
    assert set(copies) == {"glass.png", "report.pdf"}
    for name, copy in copies.items():
        source = files[name]
        assert copy.file.name != source.file.name
        assert (copy.content_type, copy.size) == (source.content_type, source.size)
        with default_storage.open(copy.file.name, "rb") as a, source.file.open("rb") as b:
            assert a.read() == b.read()
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.deviation, inquiry.case) == ("deviation", deviation, None)
    assert inquiry.handled_by == tenant.caseworker


def test_only_the_chosen_files_are_copied(tenant, staff_client, inquiry):
    glass = inquiry.attachments.get(original_name="glass.png")

    staff_client.post(
        f"/{tenant.org.slug}/inquiries/{inquiry.pk}/deviation/",
        {"title": "Glass", "type": "hazard", "severity": "high", "copy": [glass.pk]},
    )

    assert list(DeviationFile.objects.values_list("original_name", flat=True)) == ["glass.png"]


def test_links_are_shown_on_both_sides(tenant, staff_client, inquiry):
    deviation = inquiry_create_deviation(
        org=tenant.org, actor=tenant.caseworker, inquiry=inquiry, data=DeviationData("Glass")
    )

    deviation_page = page(staff_client, deviation_url(deviation))
    assert f'href="/{tenant.org.slug}/inquiries/{inquiry.pk}/"' in deviation_page
    preview = page(staff_client, f"/{tenant.org.slug}/inquiries/{inquiry.pk}/")
    assert f'href="{deviation_url(deviation)}"' in preview
    handled = page(staff_client, f"/{tenant.org.slug}/inquiries/?status=deviation")
    assert f'href="{deviation_url(deviation)}"' in handled


def test_an_inquiry_made_into_a_deviation_leaves_the_tray(tenant, staff_client, inquiry):
    other = inquiry_receive(org=tenant.org, channel=Channel.WEB_FORM, subject="Still waiting")

    inquiry_create_deviation(
        org=tenant.org, actor=tenant.caseworker, inquiry=inquiry, data=DeviationData("Glass")
    )

    tray = page(staff_client, f"/{tenant.org.slug}/inquiries/")
    assert f'id="inquiry-{other.pk}"' in tray
    assert f'id="inquiry-{inquiry.pk}"' not in tray
    assert Inquiry.objects.filter(organization=tenant.org, status="new").count() == 1


def test_tray_and_preview_offer_create_deviation_next_to_create_case(tenant, staff_client, inquiry):
    url = f"/{tenant.org.slug}/inquiries/{inquiry.pk}/deviation/"

    assert url in page(staff_client, f"/{tenant.org.slug}/inquiries/")
    assert url in page(staff_client, f"/{tenant.org.slug}/inquiries/{inquiry.pk}/")


def test_beside_a_case_the_deviation_is_linked_to_the_inquiry_and_its_case(
    tenant, staff_client, inquiry
):
    [case] = inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=[inquiry])
    preview = page(staff_client, f"/{tenant.org.slug}/inquiries/{inquiry.pk}/")
    assert f"/{tenant.org.slug}/inquiries/{inquiry.pk}/deviation/" in preview

    staff_client.post(
        f"/{tenant.org.slug}/inquiries/{inquiry.pk}/deviation/",
        {"title": "Glass", "type": "hazard", "severity": "high"},
    )

    deviation = Deviation.objects.get()
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.case, inquiry.deviation) == ("converted", case, deviation)
    assert deviation.case == case
    case_page = page(staff_client, f"/{tenant.org.slug}/cases/{case.number}/")
    assert deviation_url(deviation) in case_page


def test_a_second_deviation_from_the_same_inquiry_is_refused(tenant, staff_client, inquiry):
    first = inquiry_create_deviation(
        org=tenant.org, actor=tenant.caseworker, inquiry=inquiry, data=DeviationData("Glass")
    )

    with pytest.raises(ValidationError, match="already been registered"):
        inquiry_create_deviation(
            org=tenant.org, actor=tenant.caseworker, inquiry=inquiry, data=DeviationData("Again")
        )
    response = staff_client.get(f"/{tenant.org.slug}/inquiries/{inquiry.pk}/deviation/")
    assert response.status_code == 302
    assert response["Location"] == deviation_url(first)
    assert Deviation.objects.count() == 1


def test_a_deleted_inquiry_gives_no_deviation(tenant, staff_client, inquiry):
    inquiry_delete_many(org=tenant.org, actor=tenant.admin, inquiries=[inquiry], reason="Spam")
    inquiry.refresh_from_db()

    with pytest.raises(ValidationError, match="deleted"):
        inquiry_create_deviation(
            org=tenant.org, actor=tenant.caseworker, inquiry=inquiry, data=DeviationData("X")
        )
    response = staff_client.post(
        f"/{tenant.org.slug}/inquiries/{inquiry.pk}/deviation/",
        {"title": "X", "type": "other", "severity": "low"},
    )
    assert "This inquiry was deleted" in response.content.decode()
    assert not Deviation.objects.exists()


def test_another_organizations_inquiry_is_refused(tenant, other_tenant, inquiry):
    with pytest.raises(ValidationError, match="That belongs to another organization."):
        inquiry_create_deviation(
            org=other_tenant.org,
            actor=other_tenant.caseworker,
            inquiry=inquiry,
            data=DeviationData("Hijack"),
        )
    assert not Deviation.objects.exists()


def test_the_inquiry_history_records_the_link(tenant, inquiry):
    deviation = inquiry_create_deviation(
        org=tenant.org, actor=tenant.caseworker, inquiry=inquiry, data=DeviationData("Glass")
    )

    event = AuditEvent.objects.get(
        object_type="inquiries.inquiry", object_id=inquiry.pk, action="linked"
    )
    assert event.changes == {
        "deviation": ["", str(deviation)],
        "status": ["New", "Registered as deviation"],
    }


def test_a_rejected_form_keeps_what_was_typed(tenant, staff_client, inquiry):
    response = staff_client.post(
        f"/{tenant.org.slug}/inquiries/{inquiry.pk}/deviation/",
        {"title": "", "type": "hazard", "severity": "high", "location": "By the swings"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 400
    assert 'value="By the swings"' in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == "new"


def test_an_address_matching_no_property_goes_into_the_location(tenant):
    inquiry = inquiry_receive(
        org=tenant.org,
        channel=Channel.WEB_FORM,
        subject="Broken lamp",
        address="Ukjentveien 99",
        location="Back yard",
    )

    data = deviation_data_from_inquiry(inquiry)

    assert (data.property, data.location) == (None, "Ukjentveien 99, Back yard")
