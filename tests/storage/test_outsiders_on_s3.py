"""With S3 on, every URL that serves a stored file answers 404 to anyone outside the file's
organization (or, in the portal, outside its case's customer), streamed or with presigned
redirects: no bytes and no signed URL of the object."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Attachment, DeviationFile
from cases.services.attachments import attachment_thumbnails_make
from cases.services.deviation_files import deviation_thumbnails_make
from inquiries.models import Channel
from inquiries.services.intake import inquiry_receive
from printing.models import PrintJob
from printing.services.jobs import print_job_run
from tests.cases.detail_support import png_bytes, png_upload
from tests.deviations.support import make_deviation
from tests.factories.cases import make_case
from tests.factories.properties import ContainerFactory, PropertyFactory
from tests.portal.conftest import make_resident, portal_client, portal_url
from tests.storage.test_files_on_s3 import body

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


@pytest.fixture(params=[False, True], ids=["streamed", "presigned-redirect"])
def redirect(request, settings):
    settings.MEDIA_S3_REDIRECT = request.param
    return request.param


@pytest.fixture
def files(tenant, s3):
    """Organization A's stored files of every kind, and the path (below the organization's
    prefix) of each staff URL that serves one."""
    org, actor = tenant.org, tenant.caseworker
    resident = make_resident(org)
    case = make_case(org, actor, customer=resident.customer, visible_to_customer=True)
    portal_client(resident).post(
        portal_url(org, "case_message", case.number),
        {"text": "Photo", "files": [SimpleUploadedFile("tap.png", png_bytes(size=(20, 20)))]},
    )
    attachment = Attachment.objects.get(case=case)
    attachment_thumbnails_make([attachment.pk])
    deviation = make_deviation(tenant, uploads=[png_upload()])
    deviation_file = DeviationFile.objects.get(deviation=deviation)
    deviation_thumbnails_make([deviation_file.pk])
    inquiry = inquiry_receive(
        org=org,
        channel=Channel.WEB_FORM,
        subject="Glass",
        attachments=[("glass.png", png_bytes(size=(10, 10)))],
    )
    prop = PropertyFactory(organization=org)
    job = PrintJob.objects.create(
        organization=org,
        kind=PrintJob.Kind.LABELS,
        requested_by=actor,
        parameters={
            "container_ids": [ContainerFactory(property=prop, container_id="S3-1").pk],
            "format": "a4_3x8",
        },
        progress_total=1,
    )
    print_job_run(job.pk)
    job.refresh_from_db()
    attachment.refresh_from_db()
    deviation_file.refresh_from_db()
    assert attachment.thumbnail and deviation_file.thumbnail and job.file
    d = f"deviations/{deviation.number}/files/{deviation_file.pk}"
    inquiry_file = inquiry.attachments.get()
    staff_paths = [
        f"cases/{case.number}/attachments/{attachment.pk}/",
        f"cases/{case.number}/attachments/{attachment.pk}/?download=1",
        f"cases/{case.number}/attachments/{attachment.pk}/thumbnail/",
        f"{d}/",
        f"{d}/thumbnail/",
        f"inquiries/{inquiry.pk}/attachments/{inquiry_file.pk}/",
        reverse("printing:job_download", args=[org.slug, job.pk]).split(f"/{org.slug}/", 1)[1],
    ]
    stored = {
        attachment.file.name,
        attachment.thumbnail.name,
        deviation_file.file.name,
        deviation_file.thumbnail.name,
        inquiry_file.file.name,
        job.file.name,
    }
    assert stored <= s3.objects()
    return {
        "case": case,
        "attachment": attachment,
        "resident": resident,
        "staff_paths": staff_paths,
    }


def _refused(response) -> bool:
    return response.status_code == 404 and not response.has_header("Location")


def test_every_staff_file_url_works_for_the_organization_itself(tenant, s3, files, redirect):
    """The baseline the outsider's 404s are measured against: the same URLs serve the files
    (streamed: 200; redirect mode: 302 to the bucket)."""
    client = tenant.client_for(tenant.caseworker)
    for path in files["staff_paths"]:
        response = client.get(f"/{tenant.org.slug}/{path}")
        if redirect:
            assert response.status_code == 302, path
            assert f"/{s3.name}/" in response["Location"], path
        else:
            assert response.status_code == 200 and body(response), path


def test_outsider_gets_404_on_every_file_url(
    tenant, other_tenant, outsider_client, files, redirect
):
    for slug in (tenant.org.slug, other_tenant.org.slug):
        for path in files["staff_paths"]:
            response = outsider_client.get(f"/{slug}/{path}")
            assert _refused(response), (slug, path, response.status_code)


def test_portal_file_urls_are_404_for_other_residents(tenant, other_tenant, files, redirect):
    case, attachment = files["case"], files["attachment"]
    own = portal_client(files["resident"])
    url = portal_url(tenant.org, "case_file", case.number, attachment.pk)
    assert own.get(url).status_code == (302 if redirect else 200)

    neighbour = portal_client(make_resident(tenant.org, email="neighbour@example.net"))
    assert _refused(neighbour.get(url))
    other = make_resident(other_tenant.org, email="other@example.net")
    their_prefix = portal_url(other_tenant.org, "case_file", case.number, attachment.pk)
    assert _refused(portal_client(other).get(their_prefix))


def test_a_kept_portal_upload_is_404_for_anyone_but_its_resident(tenant, other_tenant, s3):
    from portal.inquiry.services import inquiry_form_save
    from portal.inquiry_forms import default_fields

    fields = default_fields()
    fields["location"]["mode"] = "required"
    inquiry_form_save(org=tenant.org, actor=tenant.admin, name="Tap", fields=fields)
    resident = make_resident(tenant.org)
    page = portal_client(resident).post(
        portal_url(tenant.org, "inquiry_new"),
        {"message": "x", "attachments": [SimpleUploadedFile("m.png", png_bytes(size=(9, 9)))]},
    )
    token = page.content.decode().split('name="kept" value="')[1].split('"')[0]
    assert len(s3.objects()) == 1
    preview = portal_url(tenant.org, "inquiry_upload_preview", token)
    assert portal_client(resident).get(preview).status_code == 200

    neighbour = portal_client(make_resident(tenant.org, email="neighbour@example.net"))
    assert _refused(neighbour.get(preview))
    other = portal_client(make_resident(other_tenant.org, email="o@example.net"))
    assert _refused(other.get(portal_url(other_tenant.org, "inquiry_upload_preview", token)))
