"""Attachments: checked by content before anything is written, stored under generated names,
served only through organization-checked views."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.models import Attachment, CaseEvent, Note
from cases.services.attachments import attachment_check, attachments_add
from cases.services.tasks import task_add
from tests.cases.detail_support import (
    HX,
    case_url,
    elf_upload,
    exe_upload,
    png_bytes,
    png_upload,
)
from tests.factories.cases import make_case
from tests.factories.customers import SupplierFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case(tenant):
    return make_case(tenant.org, tenant.caseworker)


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


def docx_upload(name="rapport.docx") -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, out.getvalue())


def _upload(client, case, *files, htmx=True):
    return client.post(
        case_url(case, "attachments/"), {"attach-files": list(files)}, headers=HX if htmx else {}
    )


# --- Checks by content ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "content_type", "extension"),
    [
        (lambda: png_upload("bilde.PNG"), "image/png", "png"),
        (
            lambda: SimpleUploadedFile("a.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"),
            "application/pdf",
            "pdf",
        ),
        (
            docx_upload,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        (
            lambda: SimpleUploadedFile("liste.csv", "navn;adresse\nÅse;Storgata 1\n".encode()),
            "text/csv",
            "csv",
        ),
        (lambda: SimpleUploadedFile("notat.txt", "Hei på deg".encode()), "text/plain", "txt"),
    ],
)
def test_allowed_types_are_recognised_by_content(upload, content_type, extension):
    checked = attachment_check(upload())

    assert (checked.content_type, checked.extension) == (content_type, extension)


def test_png_renamed_to_pdf_is_stored_as_what_it_is():
    checked = attachment_check(png_upload("kontrakt.pdf"))

    assert (checked.content_type, checked.extension) == ("image/png", "png")
    assert checked.original_name == "kontrakt.pdf"


@pytest.mark.parametrize("make", [exe_upload, elf_upload])
def test_executables_renamed_to_jpg_are_refused(make):
    with pytest.raises(ValidationError, match="is a program"):
        attachment_check(make())


def test_html_and_svg_are_refused_even_as_text():
    for name, body in [("side.html", b"<script>alert(1)</script>"), ("logo.svg", b"<svg/>")]:
        with pytest.raises(ValidationError, match="not a type of file we accept"):
            attachment_check(SimpleUploadedFile(name, body))


def test_text_that_is_not_utf8_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError, match="UTF-8"):
        attachment_check(SimpleUploadedFile("liste.csv", "Åse;Øvre".encode("latin-1")))


def test_zip_archive_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("x.exe", b"MZ")
    with pytest.raises(ValidationError, match="not a type of file we accept"):
        attachment_check(SimpleUploadedFile("bilder.zip", out.getvalue()))


def test_corrupt_image_is_refused():
    body = png_bytes()[:60]
    with pytest.raises(ValidationError, match="could not be read as an image"):
        attachment_check(SimpleUploadedFile("x.png", body))


def test_oversized_file_is_refused_with_the_limit_in_the_message(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024

    with pytest.raises(ValidationError, match="at most 1.0"):
        attachment_check(SimpleUploadedFile("big.txt", b"a" * 2048))


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="is empty"):
        attachment_check(SimpleUploadedFile("tom.txt", b""))


# --- Storing --------------------------------------------------------------------------------


def test_upload_is_stored_under_a_generated_name_with_a_small_thumbnail(
    tenant, case, media, django_capture_on_commit_callbacks
):
    # The thumbnail is the worker's job after the commit (eager in tests).
    with django_capture_on_commit_callbacks(execute=True):
        [attachment] = attachments_add(
            org=tenant.org,
            actor=tenant.caseworker,
            case=case,
            uploads=[png_upload("../../etc/passwd bilde.png", size=(1600, 900))],
        )
    attachment.refresh_from_db()

    assert attachment.original_name == "passwd bilde.png"
    assert attachment.stored_name.endswith(".png") and len(attachment.stored_name) == 36
    assert attachment.file.name == f"attachments/{tenant.org.pk}/{attachment.stored_name}"
    assert (media / attachment.file.name).exists()
    with Image.open(media / attachment.thumbnail.name) as thumb:
        assert max(thumb.size) == 320
    event = CaseEvent.objects.get(case=case, kind="attachment")
    assert (event.attachment, event.new_value) == (attachment, "passwd bilde.png")


def test_one_bad_file_refuses_the_whole_upload_and_writes_nothing(tenant, case, media):
    with pytest.raises(ValidationError):
        attachments_add(
            org=tenant.org, actor=tenant.caseworker, case=case, uploads=[png_upload(), exe_upload()]
        )

    assert not Attachment.objects.exists()
    assert not CaseEvent.objects.filter(kind="attachment").exists()
    assert stored_files(media) == []


def test_files_written_before_a_failure_are_deleted(tenant, case, media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(CaseEvent.objects, "bulk_create", fail)

    with pytest.raises(RuntimeError):
        attachments_add(org=tenant.org, actor=tenant.caseworker, case=case, uploads=[png_upload()])

    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_note_attachments_are_removed_when_the_note_fails(tenant, case, media, monkeypatch):
    from cases.services import notes

    def fail(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(notes, "event_record", fail)

    with pytest.raises(RuntimeError):
        notes.note_add(
            org=tenant.org, actor=tenant.caseworker, case=case, body="x", uploads=[png_upload()]
        )

    assert not Note.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media) == []


# --- Through the page -----------------------------------------------------------------------


def test_oversized_upload_through_the_page_is_refused_with_a_message(
    tenant, staff_client, case, media, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024

    response = _upload(staff_client, case, png_upload(size=(800, 800)))

    assert response.status_code == 400
    assert "a file can be at most 1.0" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_executable_upload_through_the_page_is_refused_with_a_message(staff_client, case, media):
    response = _upload(staff_client, case, exe_upload("ferie.jpg"))

    assert response.status_code == 400
    assert "“ferie.jpg” is a program" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_upload_through_the_page_updates_the_panel_and_history(staff_client, case):
    response = _upload(staff_client, case, png_upload("tak.png"), docx_upload())

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="case-attachments"' in html
    assert html.count("attached <strong>") == 2
    assert Attachment.objects.count() == 2


def test_upload_with_no_file_asks_for_one(staff_client, case):
    response = _upload(staff_client, case)

    assert response.status_code == 400
    assert "Choose at least one file." in response.content.decode()


# --- Serving --------------------------------------------------------------------------------


@pytest.fixture
def pdf(tenant, case):
    [attachment] = attachments_add(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        uploads=[SimpleUploadedFile('Tilbud ø "v2".pdf', b"%PDF-1.4\n%%EOF\n")],
    )
    return attachment


@pytest.fixture
def image(tenant, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the worker makes the thumbnail
        [attachment] = attachments_add(
            org=tenant.org, actor=tenant.caseworker, case=case, uploads=[png_upload("skade.png")]
        )
    return attachment


def _file_url(attachment, suffix=""):
    return case_url(attachment.case, f"attachments/{attachment.pk}/{suffix}")


def test_document_is_downloaded_with_the_original_name_rfc5987_encoded(staff_client, pdf):
    response = staff_client.get(_file_url(pdf))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Tilbud ? 'v2'.pdf\"; "
        "filename*=UTF-8''Tilbud%20%C3%B8%20%22v2%22.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_image_is_shown_inline_with_nosniff(staff_client, image):
    response = staff_client.get(_file_url(image))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_thumbnail_is_served(staff_client, image):
    response = staff_client.get(_file_url(image, "thumbnail/"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_document_has_no_thumbnail(staff_client, pdf):
    assert staff_client.get(_file_url(pdf, "thumbnail/")).status_code == 404


def test_outsider_gets_404_for_download_and_thumbnail(outsider_client, image):
    assert outsider_client.get(_file_url(image)).status_code == 404
    assert outsider_client.get(_file_url(image, "thumbnail/")).status_code == 404


def test_own_attachment_id_under_another_organizations_prefix_gives_404(
    other_tenant, outsider_client, tenant, image
):
    foreign_case = make_case(other_tenant.org, other_tenant.caseworker)
    url = f"/{other_tenant.org.slug}/cases/{foreign_case.number}/attachments/{image.pk}/"

    assert outsider_client.get(url).status_code == 404


def test_supplier_user_gets_only_their_tasks_files(
    tenant, case, image, media, django_capture_on_commit_callbacks
):
    company = SupplierFactory(organization=tenant.org)
    company.users.add(tenant.supplier)
    with django_capture_on_commit_callbacks(execute=True):  # the worker makes the thumbnail
        task = task_add(
            org=tenant.org,
            actor=tenant.caseworker,
            case=case,
            title="Strø",
            supplier=company,
            uploads=[png_upload("kart.png")],
        )
    task_file = task.attachments.get()
    client = tenant.client_for(tenant.supplier)

    assert client.get(_file_url(task_file)).status_code == 200
    assert client.get(_file_url(task_file, "thumbnail/")).status_code == 200
    assert client.get(_file_url(image)).status_code == 404  # a case file, not a task file


def test_supplier_user_gets_403_on_upload(tenant, case):
    client = tenant.client_for(tenant.supplier)

    assert _upload(client, case, png_upload()).status_code == 403
