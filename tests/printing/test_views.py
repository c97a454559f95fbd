"""Print pages, downloads and the API: outsiders get 404 everywhere, expired downloads are
refused, a scanned container ID opens the container."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cases.services.notes import note_add
from organizations.services_api_keys import api_key_create
from printing.models import PrintJob, PrintSettings
from printing.services.jobs import labels_job_create, print_job_run, print_jobs_expire
from tests.factories.cases import make_case
from tests.factories.properties import ContainerFactory, PropertyFactory
from tests.printing.support import pdf_text


@pytest.fixture
def container(tenant):
    return ContainerFactory(
        property=PropertyFactory(organization=tenant.org), container_id="AB-123-x"
    )


@pytest.fixture
def case(tenant, container):
    case = make_case(tenant.org, tenant.caseworker, title="Ødelagt lokk")
    case.containers.add(container)
    return case


@pytest.fixture
def done_job(tenant, container):
    job = PrintJob.objects.create(
        organization=tenant.org,
        kind=PrintJob.Kind.LABELS,
        requested_by=tenant.caseworker,
        parameters={"container_ids": [container.pk], "format": "a4_3x8"},
        progress_total=1,
    )
    print_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == PrintJob.Status.DONE
    return job


def _urls(slug, case, container, job):
    return [
        ("get", reverse("printing:case_print", args=[slug, case.number])),
        ("post", reverse("printing:case_print", args=[slug, case.number])),
        ("post", reverse("printing:case_labels", args=[slug, case.number])),
        ("get", reverse("printing:container_label", args=[slug, container.pk])),
        ("get", reverse("printing:job_detail", args=[slug, job.pk])),
        ("get", reverse("printing:job_download", args=[slug, job.pk])),
        ("get", reverse("printing:settings", args=[slug])),
    ]


def test_outsider_gets_404_on_every_print_and_download_url(
    tenant, outsider_client, case, container, done_job
):
    for method, url in _urls(tenant.org.slug, case, container, done_job):
        response = getattr(outsider_client, method)(url, {"audience": "staff"})
        assert response.status_code == 404, (method, url)
    labels = reverse("printing:container_labels", args=[tenant.org.slug])
    assert outsider_client.post(labels, {"containers": [container.pk]}).status_code == 404


def test_outsider_gets_404_for_their_own_org_url_with_our_ids(
    tenant, other_tenant, outsider_client, case, container, done_job
):
    slug = other_tenant.org.slug
    for method, url in _urls(slug, case, container, done_job):
        if "settings" in url:
            continue
        response = getattr(outsider_client, method)(url, {"audience": "staff"})
        assert response.status_code == 404, (method, url)
    labels = reverse("printing:container_labels", args=[slug])
    response = outsider_client.post(labels, {"containers": [container.pk]})
    assert (
        response.status_code == 302
        and not PrintJob.objects.filter(organization=other_tenant.org).exists()
    )


def test_staff_prints_a_case_inline(staff_client, tenant, case):
    url = reverse("printing:case_print", args=[tenant.org.slug, case.number])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"audience": "customer"})
    assert response["Content-Type"] == "application/pdf"
    assert "Ødelagt lokk" in pdf_text(response.content)


def test_bad_audience_is_a_clear_error_not_a_pdf(staff_client, tenant, case):
    url = reverse("printing:case_print", args=[tenant.org.slug, case.number])
    response = staff_client.post(url, {"audience": "everyone"})
    assert response.status_code == 400 and b"Select a valid choice" in response.content


def test_single_label_and_case_labels_render_inline(staff_client, tenant, case, container):
    response = staff_client.get(
        reverse("printing:container_label", args=[tenant.org.slug, container.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert "AB-123-x" in pdf_text(response.content)
    response = staff_client.post(
        reverse("printing:case_labels", args=[tenant.org.slug, case.number])
    )
    assert "AB-123-x" in pdf_text(response.content)


def test_bulk_labels_for_the_filtered_list_become_a_job(
    staff_client, tenant, django_capture_on_commit_callbacks
):
    prop = PropertyFactory(organization=tenant.org)
    for n in range(30):
        ContainerFactory(property=prop, container_id=f"RUN-{n:02d}")
    ContainerFactory(property=prop, container_id="OTHER-1")
    url = reverse("printing:container_labels", args=[tenant.org.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"scope": "filtered", "q": "RUN-"})
    job = PrintJob.objects.get(organization=tenant.org)
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert job.status == PrintJob.Status.DONE  # eager worker in tests
    assert job.progress_done == job.progress_total == 30
    page = staff_client.get(response["Location"])
    download = reverse("printing:job_download", args=[tenant.org.slug, job.pk])
    assert download in page.content.decode()
    content = b"".join(staff_client.get(download).streaming_content)
    text = pdf_text(content)
    assert "RUN-29" in text and "OTHER-1" not in text


def test_job_page_polls_while_pending(staff_client, tenant, container):
    job = labels_job_create(org=tenant.org, actor=tenant.caseworker, container_ids=[container.pk])
    url = reverse("printing:job_detail", args=[tenant.org.slug, job.pk])
    page = staff_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page and "<script" not in page


def test_selection_with_another_organizations_container_is_refused(tenant, other_tenant, container):
    theirs = ContainerFactory(property=PropertyFactory(organization=other_tenant.org))
    with pytest.raises(Exception, match="another organization"):
        labels_job_create(
            org=tenant.org, actor=tenant.caseworker, container_ids=[container.pk, theirs.pk]
        )


def test_no_selection_gets_a_message(staff_client, tenant, container):
    url = reverse("printing:container_labels", args=[tenant.org.slug])
    response = staff_client.post(url, {"scope": "selected", "containers": ["x", "-1"]}, follow=True)
    assert b"Choose at least one container" in response.content


def test_expired_download_is_refused_with_a_clear_page(staff_client, tenant, done_job):
    PrintJob.objects.filter(pk=done_job.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    url = reverse("printing:job_download", args=[tenant.org.slug, done_job.pk])
    response = staff_client.get(url)
    assert response.status_code == 410 and b"This download has expired" in response.content


def test_beat_deletes_expired_files_only(tenant, done_job, container):
    fresh = PrintJob.objects.create(
        organization=tenant.org, kind=PrintJob.Kind.LABELS, parameters={}
    )
    fresh.file.save("fresh.pdf", ContentFile(b"%PDF-1.7"), save=True)
    storage, name = done_job.file.storage, done_job.file.name
    PrintJob.objects.filter(pk=done_job.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert print_jobs_expire() == 1
    assert not storage.exists(name)
    fresh.refresh_from_db()
    assert fresh.file and fresh.file.storage.exists(fresh.file.name)


def test_admin_picks_the_label_format(admin_client_org, staff_client, tenant):
    url = reverse("printing:settings", args=[tenant.org.slug])
    assert staff_client.get(url).status_code == 403
    assert admin_client_org.post(url, {"label_format": "nonsense"}).status_code == 200
    response = admin_client_org.post(url, {"label_format": "single_100x50"})
    assert response.status_code == 302
    assert PrintSettings.objects.get(organization=tenant.org).label_format == "single_100x50"


def test_scanned_container_id_in_the_case_search_opens_the_container(
    staff_client, tenant, container
):
    url = reverse("cases:case_list", args=[tenant.org.slug])
    detail = reverse("properties:container_detail", args=[tenant.org.slug, container.pk])
    response = staff_client.get(url, {"q": " AB-123-x "})
    assert response.status_code == 302 and response["Location"] == detail
    htmx = staff_client.get(url, {"q": "AB-123-x"}, headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == detail
    assert staff_client.get(url, {"q": "AB-123"}).status_code == 200  # not exact: a search


def test_scanning_another_organizations_container_id_finds_nothing(
    outsider_client, other_tenant, container
):
    url = reverse("cases:case_list", args=[other_tenant.org.slug])
    assert outsider_client.get(url, {"q": "AB-123-x"}).status_code == 200


# --- API --------------------------------------------------------------------------------------


def _api(secret, number, **params):
    from django.test import Client

    return Client().get(
        f"/api/v1/cases/{number}/pdf", params, headers={"Authorization": f"Api-Key {secret}"}
    )


def test_api_returns_the_case_pdf(tenant, case):
    secret = api_key_create(org=tenant.org, actor=tenant.admin, name="ERP")[1]
    response = _api(secret, case.number)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Ødelagt lokk" in pdf_text(response.content)
    note = "Kun for ansatte: nøkkel i postkassen"
    note_add(org=tenant.org, actor=tenant.caseworker, case=case, body=note)
    assert note not in pdf_text(_api(secret, case.number, audience="customer").content)
    assert note not in pdf_text(_api(secret, case.number, audience="staff").content)
    with_notes = _api(secret, case.number, audience="staff_with_notes")
    assert with_notes.status_code == 200 and note in pdf_text(with_notes.content)
    refused = _api(secret, case.number, audience="staff", internal_notes="true")
    assert refused.status_code == 400 and "internal_notes" in refused.json()["errors"]
    assert _api(secret, case.number, audience="everyone").status_code == 400


def test_api_outsiders_key_gets_404(tenant, other_tenant, case):
    secret = api_key_create(org=other_tenant.org, actor=other_tenant.admin, name="B")[1]
    assert _api(secret, case.number).status_code == 404
    assert _api("nonsense", case.number).status_code == 401


def test_api_schema_documents_the_pdf(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).content.decode()
    assert "/api/v1/cases/{number}/pdf" in schema and "application/pdf" in schema
