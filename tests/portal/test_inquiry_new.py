"""New inquiry in the portal: choosing a form, filing with photos, only the resident's own homes,
and a rejected form that keeps what was typed and uploaded."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from customers.models import ContactRole
from inquiries.models import Channel, Inquiry
from inquiries.services.intake import intake_rule_for
from portal.inquiry.services import inquiry_form_save
from portal.inquiry_forms import default_fields
from tests.factories.customers import ContactRoleFactory
from tests.factories.properties import PropertyFactory
from tests.portal.conftest import make_resident, portal_client, portal_url

# A minimal HEIC header (ISO-BMFF ftyp box, brand "heic"), as an iPhone photo starts.
HEIC_BYTES = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KEPT = re.compile(r'name="kept" value="([^"]+)"')


def png(name="photo.png", size=(8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def home(tenant, resident):
    return ContactRoleFactory(
        customer=resident.customer,
        property=PropertyFactory(organization=tenant.org, address="Solsidevegen 4B"),
        role=ContactRole.Role.RESIDENT,
    ).property


def new_url(org, form=None) -> str:
    url = portal_url(org, "inquiry_new")
    return f"{url}?form={form.pk}" if form is not None else url


def make_form(org, actor, name="Leaking tap", photo_required=False, **modes):
    fields = default_fields()
    for field, mode in modes.items():
        fields[field]["mode"] = mode
    return inquiry_form_save(
        org=org, actor=actor, name=name, fields=fields, photo_required=photo_required
    )


def pending_names(org) -> list[str]:
    try:
        return default_storage.listdir(f"portal/pending/{org.pk}")[1]
    except FileNotFoundError:
        return []


# Choosing a form ---------------------------------------------------------------------------


def test_the_only_form_is_shown_at_once(tenant, resident_client):
    response = resident_client.get(new_url(tenant.org))
    assert response.status_code == 200
    page = response.content.decode()
    assert "General inquiry" in page
    assert 'name="message"' in page
    assert 'enctype="multipart/form-data"' in page


def test_several_forms_are_offered_to_choose_from(tenant, resident_client):
    tap = make_form(tenant.org, tenant.admin, "Leaking tap")
    make_form(tenant.org, tenant.admin, "Noise")
    page = resident_client.get(new_url(tenant.org)).content.decode()
    assert 'name="message"' not in page
    assert new_url(tenant.org, tap).replace("?", "?") in page.replace("&amp;", "&")
    form_page = resident_client.get(new_url(tenant.org, tap)).content.decode()
    assert "Leaking tap" in form_page and 'name="message"' in form_page


def test_a_switched_off_or_foreign_form_is_not_offered(tenant, other_tenant, resident_client):
    make_form(tenant.org, tenant.admin, "Leaking tap")
    make_form(tenant.org, tenant.admin, "Noise")
    theirs = make_form(other_tenant.org, other_tenant.admin, "Their form")
    page = resident_client.get(new_url(tenant.org, theirs)).content.decode()
    assert "Their form" not in page
    assert 'name="message"' not in page


# Filing ------------------------------------------------------------------------------------


def test_resident_files_an_inquiry_about_their_home_with_photos(
    tenant, resident, resident_client, home, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = resident_client.post(
            new_url(tenant.org),
            {
                "message": "Water drips from the ceiling.",
                "property": str(home.pk),
                "location": "Bathroom",
                "phone": "+47 900 00 001",
                "attachments": [png("one.png"), png("two.png")],
            },
        )
    assert response.status_code == 302
    assert response["Location"] == portal_url(tenant.org)
    inquiry = Inquiry.objects.get(organization=tenant.org)
    assert inquiry.channel == Channel.PORTAL
    assert inquiry.customer == resident.customer
    assert inquiry.property == home
    assert inquiry.location == "Bathroom"
    assert inquiry.sender_phone == "+47 900 00 001"
    assert inquiry.sender_email == resident.email
    assert sorted(a.original_name for a in inquiry.attachments.all()) == ["one.png", "two.png"]
    assert pending_names(tenant.org) == []  # the kept copies are gone once the inquiry has its own
    home_page = resident_client.get(portal_url(tenant.org)).content.decode()
    assert "We have received your inquiry" in home_page


def test_typed_address_when_it_is_another_home(tenant, resident_client, home):
    resident_client.post(
        new_url(tenant.org),
        {"message": "Hallway light is out.", "property": "other", "address": "Elsewhere 3"},
    )
    inquiry = Inquiry.objects.get()
    assert inquiry.property is None
    assert inquiry.property_text == "Elsewhere 3"


def test_portal_rule_creating_cases_at_once_gives_the_residents_case(
    tenant, resident, resident_client, home
):
    rule = intake_rule_for(tenant.org, Channel.PORTAL)
    rule.create_case_immediately = True
    rule.save()
    resident_client.post(
        new_url(tenant.org), {"message": "Door bell broken.", "property": str(home.pk)}
    )
    case = Inquiry.objects.get().case
    assert case is not None
    assert case.customer == resident.customer
    assert case.property == home
    assert case.visible_to_customer is True


def test_form_category_and_access_reach_the_inquiry(tenant, resident_client):
    from cases.models import Category
    from cases.services.categories import category_ensure_defaults

    category_ensure_defaults(tenant.org)
    category = Category.objects.filter(organization=tenant.org).first()
    form = make_form(tenant.org, tenant.admin, access="optional")
    form.category = category
    form.save()
    resident_client.post(
        new_url(tenant.org), {"message": "Radiator cold.", "access": "Key box, code 1234"}
    )
    inquiry = Inquiry.objects.get()
    assert inquiry.category_hint in (category.key, category.name)
    assert "Key box, code 1234" in inquiry.message
    assert inquiry.raw_payload["portal_form"] == form.pk


def test_fields_the_form_does_not_ask_are_ignored(tenant, resident, resident_client):
    make_form(tenant.org, tenant.admin, phone="hidden", location="hidden")
    resident_client.post(
        new_url(tenant.org), {"message": "Hello", "phone": "+47 111", "location": "Roof"}
    )
    inquiry = Inquiry.objects.get()
    assert inquiry.sender_phone == resident.customer.phone
    assert inquiry.location == ""


# Only their own homes ----------------------------------------------------------------------


def test_only_the_residents_own_homes_are_offered(tenant, resident_client, home):
    neighbour = PropertyFactory(organization=tenant.org, address="Neighbour street 1")
    page = resident_client.get(new_url(tenant.org)).content.decode()
    assert "Solsidevegen 4B" in page
    assert "Neighbour street 1" not in page
    assert f'value="{neighbour.pk}"' not in page


@pytest.mark.parametrize("whose", ["neighbour", "other_org", "nonsense"])
def test_another_property_id_is_refused_keeping_the_text(
    tenant, other_tenant, resident_client, home, whose
):
    ids = {
        "neighbour": lambda: PropertyFactory(organization=tenant.org).pk,
        "other_org": lambda: PropertyFactory(organization=other_tenant.org).pk,
        "nonsense": lambda: "1 OR 1=1",
    }
    response = resident_client.post(
        new_url(tenant.org), {"message": "Cracks in the wall.", "property": str(ids[whose]())}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "Cracks in the wall." in page
    assert not Inquiry.objects.exists()


def test_ended_contact_role_is_no_longer_a_home(tenant, resident, resident_client, home):
    import datetime

    old = ContactRoleFactory(
        customer=resident.customer,
        property=PropertyFactory(organization=tenant.org, address="Old flat 1"),
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    ).property
    page = resident_client.get(new_url(tenant.org)).content.decode()
    assert "Old flat 1" not in page
    response = resident_client.post(new_url(tenant.org), {"message": "x", "property": str(old.pk)})
    assert "Select a valid choice" in response.content.decode()
    assert not Inquiry.objects.exists()


# A rejected form keeps everything ----------------------------------------------------------


def test_missing_required_field_keeps_text_and_photo_then_files_it(tenant, resident_client):
    make_form(tenant.org, tenant.admin, location="required")
    response = resident_client.post(
        new_url(tenant.org), {"message": "Mould behind the wardrobe.", "attachments": [png()]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page
    assert "Mould behind the wardrobe." in page
    assert 'aria-invalid="true"' in page
    tokens = KEPT.findall(page)
    assert len(tokens) == 1
    assert "photo.png" in page
    preview = resident_client.get(portal_url(tenant.org, "inquiry_upload_preview", tokens[0]))
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/png"
    assert not Inquiry.objects.exists()

    done = resident_client.post(
        new_url(tenant.org),
        {"message": "Mould behind the wardrobe.", "location": "Bedroom", "kept": tokens},
    )
    assert done.status_code == 302
    inquiry = Inquiry.objects.get()
    assert [a.original_name for a in inquiry.attachments.all()] == ["photo.png"]


def test_missing_field_is_named_in_the_residents_language(tenant, resident, resident_client):
    resident.language = "nb"
    resident.save()
    make_form(tenant.org, tenant.admin, location="required")
    page = resident_client.post(new_url(tenant.org), {"message": "Hei"}).content.decode()
    with translation.override("nb"):
        assert gettext("This field is required.") in page
        assert gettext("This field is required.") != "This field is required."


def test_oversized_photo_is_refused_keeping_the_rest(tenant, resident_client, settings):
    big = png("big.png", size=(200, 200))
    settings.ATTACHMENT_MAX_BYTES = big.size - 1
    small = SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf")
    response = resident_client.post(
        new_url(tenant.org),
        {"message": "Broken tile.", "location": "Kitchen", "attachments": [big, small]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "“big.png” is" in page and "a file can be at most" in page
    assert "Broken tile." in page and 'value="Kitchen"' in page
    assert "plan.pdf" in page
    assert len(KEPT.findall(page)) == 1
    assert not Inquiry.objects.exists()


def test_image_with_too_many_pixels_is_refused(tenant, resident_client, settings):
    settings.IMAGE_MAX_PIXELS = 50
    response = resident_client.post(
        new_url(tenant.org), {"message": "Huge", "attachments": [png(size=(10, 10))]}
    )
    assert "megapixels" in response.content.decode()
    assert KEPT.findall(response.content.decode()) == []
    assert not Inquiry.objects.exists()


def test_removed_kept_file_is_not_attached(tenant, resident_client):
    make_form(tenant.org, tenant.admin, location="required")
    page = resident_client.post(
        new_url(tenant.org), {"message": "x", "attachments": [png("a.png"), png("b.png")]}
    ).content.decode()
    first, second = KEPT.findall(page)
    resident_client.post(
        new_url(tenant.org),
        {"message": "x", "location": "Attic", "kept": [first, second], "remove": [first]},
    )
    assert [a.original_name for a in Inquiry.objects.get().attachments.all()] == ["b.png"]


def test_photo_required_form_wants_an_image(tenant, resident_client):
    make_form(tenant.org, tenant.admin, photo_required=True)
    pdf = SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf")
    page = resident_client.post(
        new_url(tenant.org), {"message": "Crack", "attachments": [pdf]}
    ).content.decode()
    assert "Add at least one photo." in page
    assert not Inquiry.objects.exists()
    resident_client.post(new_url(tenant.org), {"message": "Crack", "attachments": [png()]})
    assert Inquiry.objects.get().attachments.count() == 1


def test_heic_photo_from_a_phone_is_accepted(tenant, resident_client):
    make_form(tenant.org, tenant.admin, location="required")
    heic = SimpleUploadedFile("IMG_0001.HEIC", HEIC_BYTES, content_type="image/heic")
    page = resident_client.post(
        new_url(tenant.org), {"message": "Leak", "attachments": [heic]}
    ).content.decode()
    assert "IMG_0001.HEIC" in page  # kept, listed by name (browsers cannot preview HEIC)
    (token,) = KEPT.findall(page)
    assert (
        resident_client.get(portal_url(tenant.org, "inquiry_upload_preview", token)).status_code
        == 404
    )
    resident_client.post(
        new_url(tenant.org), {"message": "Leak", "location": "Hall", "kept": [token]}
    )
    attachment = Inquiry.objects.get().attachments.get()
    assert attachment.content_type == "image/heic"
    # And it counts as a photo where one is required.
    assert attachment.original_name == "IMG_0001.HEIC"


def test_program_disguised_as_a_photo_is_refused(tenant, resident_client):
    exe = SimpleUploadedFile("cat.jpg", b"MZ\x90\x00" + b"\x00" * 300, content_type="image/jpeg")
    page = resident_client.post(
        new_url(tenant.org), {"message": "See photo", "attachments": [exe]}
    ).content.decode()
    assert "cat.jpg" in page
    assert not Inquiry.objects.exists()


# Outsiders, tokens and CSRF ----------------------------------------------------------------


def test_kept_file_belongs_to_its_resident_only(tenant, other_tenant, resident_client):
    make_form(tenant.org, tenant.admin, location="required")
    page = resident_client.post(
        new_url(tenant.org), {"message": "x", "attachments": [png()]}
    ).content.decode()
    (token,) = KEPT.findall(page)
    preview = portal_url(tenant.org, "inquiry_upload_preview", token)
    neighbour = portal_client(make_resident(tenant.org, email="neighbour@example.net"))
    assert neighbour.get(preview).status_code == 404
    # A neighbour who sends the token along gets no file attached.
    neighbour.post(new_url(tenant.org), {"message": "mine", "location": "Hall", "kept": [token]})
    assert Inquiry.objects.get().attachments.count() == 0
    outsider = portal_client(make_resident(other_tenant.org, email="o@example.net"))
    assert (
        outsider.get(portal_url(other_tenant.org, "inquiry_upload_preview", token)).status_code
        == 404
    )
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert (
        resident_client.get(portal_url(tenant.org, "inquiry_upload_preview", forged)).status_code
        == 404
    )


def test_other_organizations_resident_cannot_file_here(tenant, other_resident):
    client = portal_client(other_resident)
    response = client.get(new_url(tenant.org))
    assert response.status_code == 302
    assert response["Location"].startswith(portal_url(tenant.org, "login"))
    client.post(new_url(tenant.org), {"message": "Let me in"})
    assert not Inquiry.objects.exists()


def test_staff_session_grants_nothing_here(tenant, staff_client):
    response = staff_client.post(new_url(tenant.org), {"message": "Staff"})
    assert response.status_code == 302
    assert not Inquiry.objects.exists()


def test_unknown_organization_is_404(resident_client):
    assert resident_client.get("/portal/no-such-org/inquiries/new/").status_code == 404


def test_filing_needs_a_csrf_token(tenant, resident):
    client = portal_client(resident, client=Client(enforce_csrf_checks=True))
    assert client.post(new_url(tenant.org), {"message": "Forged"}).status_code == 403
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"message": "\x00nul"},
        {"message": "x" * 100_000},
        {"message": "ok", "property": ["1", "2"]},
        {"message": "ok", "location": "\u202e\ufeff<script>"},
        {"message": "ok", "kept": ["x" * 5000, "", "..%2F..%2Fetc%2Fpasswd"]},
        {"message": "ok", "remove": ["nonsense"]},
    ],
)
def test_nasty_input_never_gives_a_500(tenant, resident_client, data):
    response = resident_client.post(new_url(tenant.org) + "?form=99999999999999999999999", data)
    assert response.status_code in (200, 302)


def test_nasty_query_strings_never_give_a_500(tenant, resident_client):
    make_form(tenant.org, tenant.admin, "A")
    make_form(tenant.org, tenant.admin, "B")
    for value in ("-1", "abc", "9" * 40, "1e3", "\x00"):
        assert resident_client.get(new_url(tenant.org) + f"?form={value}").status_code == 200
    assert (
        resident_client.get(
            portal_url(tenant.org, "inquiry_upload_preview", "x" * 3000)
        ).status_code
        == 404
    )


def test_new_inquiry_page_costs_the_same_queries_for_1_or_20_homes(
    tenant, resident, resident_client, django_assert_num_queries
):
    def add_homes(count):
        for _ in range(count):
            ContactRoleFactory(
                customer=resident.customer,
                property=PropertyFactory(organization=tenant.org),
                role=ContactRole.Role.OWNER,
            )

    add_homes(1)
    resident_client.get(new_url(tenant.org))  # the session row is read and cached
    # org, account, forms, homes + the request's transaction as a savepoint in the test's
    with django_assert_num_queries(4 + 2) as one:
        assert resident_client.get(new_url(tenant.org)).status_code == 200
    add_homes(19)
    with django_assert_num_queries(len(one.captured_queries)):
        page = resident_client.get(new_url(tenant.org)).content.decode()
    assert page.count('name="property"') == 21  # 20 homes and "Another address"
