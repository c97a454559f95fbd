"""With MEDIA_STORAGE=s3 every kind of file goes to the bucket and comes back through the real,
organization-checked views: case attachments and their thumbnails, deviation files, inquiry
attachments (staff and portal), the logo (and printouts that show it), label runs, and the
personal-data export and erasure."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from cases.models import Attachment, DeviationFile
from cases.services.attachments import THUMBNAIL_MAX_PX
from inquiries.models import Inquiry
from printing.models import PrintJob
from tests.cases.detail_support import HX, case_url, png_bytes
from tests.deviations.support import deviation_url, make_deviation
from tests.factories.cases import make_case
from tests.factories.properties import ContainerFactory, PropertyFactory
from tests.portal.conftest import make_resident, portal_client, portal_url

pytestmark = [pytest.mark.s3, pytest.mark.django_db]

LOGO_SIZE = (37, 23)  # odd enough to recognise among a printout's images


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def logo_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", LOGO_SIZE, (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def pdf_image_sizes(content: bytes) -> list[tuple[int, int]]:
    assert content.startswith(b"%PDF-"), content[:20]
    return [
        image.image.size for page in PdfReader(io.BytesIO(content)).pages for image in page.images
    ]


def test_case_attachment_goes_to_the_bucket_gets_a_thumbnail_and_downloads(
    tenant, staff_client, s3, django_capture_on_commit_callbacks
):
    case = make_case(tenant.org, tenant.caseworker)
    photo = png_bytes(size=(900, 600))
    with django_capture_on_commit_callbacks(execute=True):  # the thumbnail task, eager
        response = staff_client.post(
            case_url(case, "attachments/"),
            {"attach-files": [SimpleUploadedFile("Bad på loftet.png", photo)]},
            headers=HX,
        )
    assert response.status_code == 200
    attachment = Attachment.objects.get(case=case)
    assert attachment.thumbnail, "the thumbnail task made none"
    assert s3.objects() == {attachment.file.name, attachment.thumbnail.name}
    assert s3.read(attachment.file.name) == photo

    download = staff_client.get(case_url(case, f"attachments/{attachment.pk}/?download=1"))
    assert download.status_code == 200
    assert body(download) == photo
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Bad%20p%C3%A5%20loftet.png" in download["Content-Disposition"]
    assert download["Content-Length"] == str(len(photo))

    thumbnail = staff_client.get(case_url(case, f"attachments/{attachment.pk}/thumbnail/"))
    assert thumbnail.status_code == 200
    small = body(thumbnail)
    assert small == s3.read(attachment.thumbnail.name)
    with Image.open(io.BytesIO(small)) as image:
        assert max(image.size) == THUMBNAIL_MAX_PX


def test_a_file_gone_from_the_bucket_is_404_not_500(tenant, staff_client, s3):
    case = make_case(tenant.org, tenant.caseworker)
    staff_client.post(
        case_url(case, "attachments/"),
        {"attach-files": [SimpleUploadedFile("a.png", png_bytes())]},
        headers=HX,
    )
    attachment = Attachment.objects.get(case=case)
    s3.client.delete_object(Bucket=s3.name, Key=attachment.file.name)

    assert staff_client.get(case_url(case, f"attachments/{attachment.pk}/")).status_code == 404


def test_deviation_files_are_stored_and_served_from_the_bucket(
    tenant, staff_client, s3, django_capture_on_commit_callbacks
):
    deviation = make_deviation(tenant)
    photo = png_bytes(size=(500, 400), color=(10, 200, 10))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            deviation_url(deviation, "files/"),
            {"files-files": [SimpleUploadedFile("railing.png", photo)]},
        )
    assert response.status_code == 302
    row = DeviationFile.objects.get(deviation=deviation)
    assert row.thumbnail
    assert s3.objects() == {row.file.name, row.thumbnail.name}

    download = staff_client.get(deviation_url(deviation, f"files/{row.pk}/"))
    assert body(download) == photo
    thumbnail = staff_client.get(deviation_url(deviation, f"files/{row.pk}/thumbnail/"))
    assert body(thumbnail) == s3.read(row.thumbnail.name)


def test_inquiry_attachments_registered_by_staff_download_from_the_bucket(tenant, staff_client, s3):
    document = b"Meter reading: 4711\n"
    response = staff_client.post(
        reverse("inquiries:inquiry_register", kwargs={"org_slug": tenant.org.slug}),
        {
            "sender_name": "Caller",
            "sender_phone": "+47 123",
            "subject": "No hot water",
            "message": "Since this morning",
            "attachments": [SimpleUploadedFile("reading.txt", document)],
        },
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    attachment = inquiry.attachments.get()
    assert s3.objects() == {attachment.file.name}
    url = reverse(
        "inquiries:inquiry_attachment",
        kwargs={
            "org_slug": tenant.org.slug,
            "inquiry_id": inquiry.pk,
            "attachment_id": attachment.pk,
        },
    )
    download = staff_client.get(url)
    assert download.status_code == 200 and body(download) == document


def test_portal_photo_kept_on_a_rejected_form_then_filed_from_the_bucket(
    tenant, s3, django_capture_on_commit_callbacks
):
    from portal.inquiry.services import inquiry_form_save
    from portal.inquiry_forms import default_fields

    fields = default_fields()
    fields["location"]["mode"] = "required"
    inquiry_form_save(
        org=tenant.org, actor=tenant.admin, name="Tap", fields=fields, photo_required=False
    )
    resident = make_resident(tenant.org)
    client = portal_client(resident)
    photo = png_bytes(size=(30, 30))
    new = portal_url(tenant.org, "inquiry_new")
    page = client.post(
        new, {"message": "Mould", "attachments": [SimpleUploadedFile("m.png", photo)]}
    )
    assert page.status_code == 200  # the location is missing: the photo is kept in the bucket
    [pending_key] = s3.objects()
    token = page.content.decode().split('name="kept" value="')[1].split('"')[0]
    preview = client.get(portal_url(tenant.org, "inquiry_upload_preview", token))
    assert preview.status_code == 200 and body(preview) == photo

    with django_capture_on_commit_callbacks(execute=True):  # the kept file's removal
        done = client.post(new, {"message": "Mould", "location": "Bedroom", "kept": [token]})
    assert done.status_code == 302
    attachment = Inquiry.objects.get().attachments.get()
    assert s3.read(attachment.file.name) == photo
    assert pending_key not in s3.objects()  # moved, not copied and left behind


def test_portal_case_file_is_served_to_the_case_customer_from_the_bucket(tenant, s3):
    resident = make_resident(tenant.org)
    case = make_case(
        tenant.org, tenant.caseworker, customer=resident.customer, visible_to_customer=True
    )
    photo = png_bytes(size=(20, 20))
    client = portal_client(resident)
    response = client.post(
        portal_url(tenant.org, "case_message", case.number),
        {"text": "Here it is", "files": [SimpleUploadedFile("tap.png", photo)]},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=case)
    download = client.get(portal_url(tenant.org, "case_file", case.number, attachment.pk))
    assert download.status_code == 200 and body(download) == photo
    assert s3.read(attachment.file.name) == photo


def test_logo_uploaded_to_the_bucket_is_served_and_printed(
    tenant, admin_client_org, staff_client, s3
):
    org = tenant.org
    response = admin_client_org.post(
        f"/{org.slug}/settings/organization/",
        {
            "name": org.name,
            "default_language": org.default_language,
            "time_zone": org.time_zone,
            "brand_color": org.brand_color,
            "logo": SimpleUploadedFile("logo.png", logo_png(), "image/png"),
        },
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert s3.objects() == {org.logo.name}
    logo = Client().get(org.logo_url)  # public: the hosted web form shows it
    assert logo.status_code == 200 and body(logo) == logo_png()

    case = make_case(org, tenant.caseworker, title="Ødelagt lokk")
    printed = staff_client.post(
        reverse("printing:case_print", args=[org.slug, case.number]), {"audience": "customer"}
    )
    assert printed["Content-Type"] == "application/pdf"
    assert LOGO_SIZE in pdf_image_sizes(printed.content)  # read back from the bucket


def test_label_run_pdf_is_stored_in_the_bucket_and_downloads(
    tenant, staff_client, s3, django_capture_on_commit_callbacks
):
    prop = PropertyFactory(organization=tenant.org)
    for n in range(30):  # enough to go to the worker as a job
        ContainerFactory(property=prop, container_id=f"RUN-{n:02d}")
    url = reverse("printing:container_labels", args=[tenant.org.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"scope": "filtered", "q": "RUN-"})
    assert response.status_code == 302
    job = PrintJob.objects.get(organization=tenant.org)
    assert job.status == PrintJob.Status.DONE
    assert s3.objects() == {job.file.name}

    download = staff_client.get(reverse("printing:job_download", args=[tenant.org.slug, job.pk]))
    assert download.status_code == 200
    content = body(download)
    assert content == s3.read(job.file.name) and content.startswith(b"%PDF-")
    assert download["Content-Disposition"].startswith("attachment;")


def test_personal_data_export_reads_the_files_from_the_bucket_and_erasure_deletes_them(
    tenant, admin_client_org, s3, django_capture_on_commit_callbacks
):
    resident = make_resident(tenant.org)
    case = make_case(
        tenant.org, tenant.caseworker, customer=resident.customer, visible_to_customer=True
    )
    photo = png_bytes(size=(25, 25))
    portal_client(resident).post(  # a file the person sent is part of their data
        portal_url(tenant.org, "case_message", case.number),
        {"text": "Photo", "files": [SimpleUploadedFile("kari.png", photo)]},
    )
    attachment = Attachment.objects.get(case=case)
    customer = resident.customer

    export = admin_client_org.post(
        reverse("privacy:customer_export", args=[tenant.org.slug, customer.pk])
    )
    assert export.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(body(export)))
    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert [archive.read(name) for name in files] == [photo]
    assert json.loads(archive.read("data.json"))["customer_id"] == customer.pk

    with django_capture_on_commit_callbacks(execute=True):
        erased = admin_client_org.post(
            reverse("privacy:customer_erase", args=[tenant.org.slug, customer.pk]),
            {"reason": "She asked", "confirm": "on"},
        )
    assert erased.status_code == 302
    assert attachment.file.name not in s3.objects()
