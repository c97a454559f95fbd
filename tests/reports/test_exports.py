"""Case-list exports: the page's exact rows as CSV (UTF-8 with a BOM) and XLSX, streamed; large
lists go to a background job whose file only its requester downloads, until it expires."""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Case
from cases.selectors.service_levels import STATE_LABELS
from cases.services.cases import case_change
from cases.services.service_levels import SlaState, sla_state
from organizations.models_audit import AuditEvent
from reports.models import ExportJob
from reports.services.case_export import EXPORT_WIDTHS, case_list_query, export_rows
from reports.services.export_jobs import export_job_create, export_job_run, export_jobs_expire
from tests.cases.lists_support import rich_cases
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import TeamFactory

pytestmark = pytest.mark.django_db
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def export_url(org, **params) -> str:
    url = reverse("reports:case_export", kwargs={"org_slug": org.slug})
    return f"{url}?{urlencode(params)}"


def list_url(org, **params) -> str:
    url = reverse("cases:case_list", kwargs={"org_slug": org.slug})
    return f"{url}?{urlencode(params)}"


def csv_rows(response) -> list[list[str]]:
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def page_numbers(client, org, **params) -> list[int]:
    """Every case number the case list page shows for `params`, walking its pages."""
    numbers, url = [], list_url(org, **params)
    while url:
        response = client.get(url)
        numbers += [row.number for row in response.context["page"].rows]
        url = response.context["next_link"].href if response.context["next_link"] else None
    return numbers


@pytest.fixture
def org(tenant):
    return tenant.org


@pytest.fixture
def me(tenant):
    return tenant.caseworker


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "open"},
        {"status": "open", "sort": "priority"},
        {"q": "Østby", "sort": "-number"},
        {"priority": "high", "sort": "deadline"},
        {"assignee": "none", "sort": "-status"},
    ],
)
def test_csv_has_exactly_the_rows_of_the_pages_filter_in_its_order(
    org, me, staff_client, monkeypatch, params
):
    monkeypatch.setattr("cases.selectors.lists.PAGE_SIZE", 7)  # the page walks several pages
    monkeypatch.setattr("reports.services.case_export.BATCH", 5)  # the export several batches
    rich_cases(org, me, 12, assignee=me)
    customer = CustomerFactory(organization=org, name="Ærlig Østby")
    for n in range(9):
        case = make_case(
            org,
            me,
            title=f"Lekkasje {n}",
            customer=customer if n % 2 else None,
            priority="high" if n % 3 else "low",
            deadline=timezone.localdate() + datetime.timedelta(days=n % 4),
        )
        if n % 4 == 0:
            case_change(org=org, actor=me, case=case, status=Case.Status.CLOSED)

    expected = page_numbers(staff_client, org, **params)
    response = staff_client.get(export_url(org, format="csv", **params))

    assert response.status_code == 200
    rows = csv_rows(response)
    assert rows[0][0] == "No."
    assert [int(row[0]) for row in rows[1:]] == expected
    assert expected  # every filter above matches something


def test_nordic_letters_survive_excels_decoding_and_the_xlsx(org, me, staff_client):
    customer = CustomerFactory(organization=org, name="Ærlig Østby Åsgård")
    make_case(org, me, title="Vannlekkasje på badet – ÆØÅ æøå äöü", customer=customer)

    response = staff_client.get(export_url(org, format="csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cases-alpha-')
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1][1] == "Vannlekkasje på badet – ÆØÅ æøå äöü"
    assert rows[1][5] == "Ærlig Østby Åsgård"
    # Without the BOM Excel would decode it as Windows-1252, which mangles it:
    assert "Ã†rlig" in raw[3:].decode("cp1252", errors="replace")

    xlsx = staff_client.get(export_url(org, format="xlsx"))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][1] == "Vannlekkasje på badet – ÆØÅ æøå äöü"
    assert values[1][5] == "Ærlig Østby Åsgård"
    assert isinstance(values[1][0], int)


def test_export_is_in_the_users_language_and_organizations_time_zone(org, me, staff_client):
    me.language = "nb"
    me.save(update_fields=["language"])
    org.time_zone = "Europe/Oslo"
    org.save(update_fields=["time_zone"])
    case = make_case(org, me, title="Tid")
    Case.objects.filter(pk=case.pk).update(
        created_at=datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)
    )

    rows = csv_rows(staff_client.get(export_url(org, format="csv")))

    assert rows[0][0] != "No."  # the header is translated
    assert rows[1][-1] == "2026-01-16 00:30"  # Oslo is UTC+1 in January


def test_formula_text_is_neutralised(org, me, staff_client):
    make_case(org, me, title='=HYPERLINK("http://evil")')
    rows = csv_rows(staff_client.get(export_url(org, format="csv")))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def test_bad_format_goes_back_to_the_list_with_a_message(org, staff_client):
    response = staff_client.get(export_url(org, format="pdf", status="open"), follow=True)
    assert response.status_code == 200
    assert "Choose CSV or XLSX." in response.content.decode()
    assert response.redirect_chain[0][0].endswith("?status=open")


def test_direct_export_is_audited(org, me, staff_client):
    make_case(org, me)
    b"".join(staff_client.get(export_url(org, format="csv", status="open")).streaming_content)
    event = AuditEvent.objects.get(organization=org, action="exported")
    assert event.changes["rows"] == 1 and event.changes["filter"] == "status=open"


def test_large_list_asks_then_runs_in_the_background(
    org, me, staff_client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_BACKGROUND_ABOVE = 2
    for n in range(3):
        make_case(org, me, title=f"Sak {n}")

    page = staff_client.get(export_url(org, format="xlsx", status="open"))
    assert page.status_code == 200
    assert "3 cases" in page.content.decode()
    assert not ExportJob.objects.exists()  # a GET starts nothing

    with django_capture_on_commit_callbacks(execute=True):
        posted = staff_client.post(
            reverse("reports:case_export", kwargs={"org_slug": org.slug}),
            {"format": "xlsx", "status": "open", "after": "junk"},
        )
    job = ExportJob.objects.get()
    assert posted.status_code == 302
    assert posted["Location"].endswith(f"/exports/{job.pk}/")
    assert job.query == "status=open" and job.requested_by == me
    # Tests run tasks eagerly: the job is done.
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.progress_done == job.progress_total == 3

    status = staff_client.get(posted["Location"])
    assert "The file with 3 cases is ready." in status.content.decode()
    download = staff_client.get(
        reverse("reports:export_download", kwargs={"org_slug": org.slug, "export_id": job.pk})
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="cases-alpha-')
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert len(list(sheet.iter_rows())) == 4


def test_job_page_polls_while_pending(org, me, tenant):
    job = ExportJob.objects.create(organization=org, requested_by=me, format="csv")
    client = tenant.client_for(me)
    url = reverse("reports:export_job", kwargs={"org_slug": org.slug, "export_id": job.pk})
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in response.content.decode()
    download = reverse(
        "reports:export_download", kwargs={"org_slug": org.slug, "export_id": job.pk}
    )
    assert client.get(download).status_code == 409


def test_only_the_requester_sees_or_downloads_a_job(org, me, tenant):
    job = export_job_create(org=org, actor=me, fmt="csv", params=QueryDict(""))
    colleague = tenant.client_for(tenant.admin)
    for name in ("reports:export_job", "reports:export_download"):
        url = reverse(name, kwargs={"org_slug": org.slug, "export_id": job.pk})
        assert colleague.get(url).status_code == 404


def test_expired_files_are_deleted_and_the_download_says_so(
    org, me, staff_client, django_capture_on_commit_callbacks
):
    make_case(org, me)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(org=org, actor=me, fmt="csv", params=QueryDict(""))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.file
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)

    later = timezone.now() + datetime.timedelta(hours=25)
    assert export_jobs_expire(now=later) == 1
    assert not storage.exists(name)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    url = reverse("reports:export_download", kwargs={"org_slug": org.slug, "export_id": job.pk})
    assert staff_client.get(url).status_code == 410


def test_job_whose_customer_is_gone_fails_with_a_reason(org, me):
    customer = CustomerFactory(organization=org)
    job = ExportJob.objects.create(
        organization=org, requested_by=me, format="csv", query=f"customer={customer.pk}"
    )
    customer.delete()
    job = export_job_run(job.pk)
    assert job.status == ExportJob.Status.FAILED
    assert "customer or property" in job.error


def test_running_a_finished_job_again_does_nothing(org, me):
    job = export_job_create(org=org, actor=me, fmt="csv", params=QueryDict(""))
    assert export_job_run(job.pk).status == ExportJob.Status.DONE
    assert export_job_run(job.pk) is None


# --- Another organization ---------------------------------------------------------------------


def test_outsider_gets_404_on_every_export_url(org, me, outsider_client):
    job = export_job_create(org=org, actor=me, fmt="csv", params=QueryDict(""))
    urls = [
        export_url(org, format="csv"),
        reverse("reports:export_job", kwargs={"org_slug": org.slug, "export_id": job.pk}),
        reverse("reports:export_download", kwargs={"org_slug": org.slug, "export_id": job.pk}),
    ]
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
    post = reverse("reports:case_export", kwargs={"org_slug": org.slug})
    assert outsider_client.post(post, {"format": "csv"}).status_code == 404


def test_another_organizations_customer_in_the_filter_gives_404(org, other_tenant, staff_client):
    foreign = CustomerFactory(organization=other_tenant.org)
    assert staff_client.get(export_url(org, format="csv", customer=foreign.pk)).status_code == 404


def test_service_refuses_a_user_of_another_organization(org, other_tenant):
    with pytest.raises(ValidationError):
        export_job_create(org=org, actor=other_tenant.caseworker, fmt="csv", params=QueryDict(""))
    assert not ExportJob.objects.exists()


def test_other_organizations_cases_never_appear_in_an_export(org, me, other_tenant, staff_client):
    make_case(other_tenant.org, other_tenant.caseworker, title="Beta's case")
    make_case(org, me, title="Ours")
    rows = csv_rows(staff_client.get(export_url(org, format="csv")))
    assert [row[1] for row in rows[1:]] == ["Ours"]


def test_case_list_page_links_to_exports_and_saving_for_its_filter(org, me, staff_client):
    TeamFactory(organization=org)
    response = staff_client.get(list_url(org, status="open", sort="priority"))
    html = response.content.decode()
    assert "cases/export/?sort=priority&amp;status=open&amp;format=csv" in html
    assert "views/new/?query=sort%3Dpriority%26status%3Dopen" in html


def test_xlsx_has_numbers_dates_and_local_times_as_such(org, me, staff_client):
    org.time_zone = "Europe/Oslo"
    org.save(update_fields=["time_zone"])
    customer = CustomerFactory(organization=org, name="Ærlig Østby")
    case = make_case(
        org, me, title="=SUM(A1:A9)", customer=customer, deadline=datetime.date(2026, 3, 2)
    )
    Case.objects.filter(pk=case.pk).update(
        created_at=datetime.datetime(2026, 1, 15, 23, 30, 59, tzinfo=datetime.UTC)
    )

    response = staff_client.get(export_url(org, format="xlsx"))

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].value == "No." and sheet["A1"].font.b
    assert sheet["A2"].value == case.number and sheet["A2"].data_type == "n"
    assert sheet["B2"].value == "=SUM(A1:A9)" and sheet["B2"].data_type == "s"
    assert sheet["F2"].value == "Ærlig Østby"
    assert sheet["M2"].value == datetime.datetime(2026, 3, 2)
    assert sheet["M2"].number_format == "yyyy-mm-dd"
    assert sheet["N2"].value == datetime.datetime(2026, 1, 16, 0, 30)  # Oslo, to the minute
    assert sheet["N2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet.column_dimensions["B"].width == EXPORT_WIDTHS[1]


def test_service_level_state_is_the_one_the_case_page_shows(org, me, staff_client):
    """The export computes the state in SQL: each kind of case gets what sla_state says."""
    org.time_zone = "Europe/Oslo"
    org.save(update_fields=["time_zone"])
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    due = datetime.datetime(2030, 5, 1, 10, 15, tzinfo=datetime.UTC)
    kinds = [
        ("open", now - hour, None, None),  # breached
        ("open", now + hour, now - hour, None),  # at risk
        ("open", due, now + hour, None),  # on track
        ("open", due, None, None),  # on track, no at-risk moment
        ("waiting", due, None, now),  # paused
        ("waiting", due, None, None),  # waiting without a target: none
        ("open", None, None, None),  # no clock
        ("closed", None, None, None),
    ]
    expected = {}
    for n, (status, next_due, next_risk, paused_at) in enumerate(kinds):
        case = make_case(org, me, title=f"Frist {n}")
        Case.objects.filter(pk=case.pk).update(
            status=status, sla_next_due=next_due, sla_next_risk=next_risk, sla_paused_at=paused_at
        )
        state = sla_state(
            status=status, next_due=next_due, next_risk=next_risk, paused_at=paused_at, now=now
        )
        label = str(STATE_LABELS[state]) if state else ""
        shown_due = ""
        if state and state != SlaState.PAUSED:
            shown_due = timezone.localtime(next_due, OSLO).strftime("%Y-%m-%d %H:%M")
        expected[case.number] = [label, shown_due]

    rows = csv_rows(staff_client.get(export_url(org, format="csv", sort="number")))

    assert {int(row[0]): row[10:12] for row in rows[1:]} == expected
    assert expected[min(expected) + 2] == ["On track", "2030-05-01 12:15"]


@pytest.mark.parametrize("sort", ["due", "-due", "created", "-created"])
def test_rows_keep_the_pages_order_on_time_sort_keys_across_batches(
    org, me, staff_client, monkeypatch, sort
):
    """Equal times, missing times and microseconds at the batch edges (the cursor's value)."""
    monkeypatch.setattr("cases.selectors.lists.PAGE_SIZE", 4)
    monkeypatch.setattr("reports.services.case_export.BATCH", 3)
    base = datetime.datetime(2026, 2, 1, 8, 0, 0, 123456, tzinfo=datetime.UTC)
    offsets = [0, 0, 1, None, 2, 2, None, 0, 3, 1]
    for n, offset in enumerate(offsets):
        case = make_case(org, me, title=f"Sak {n}")
        when = None if offset is None else base + datetime.timedelta(microseconds=offset)
        Case.objects.filter(pk=case.pk).update(
            sla_next_due=when, created_at=when or base - datetime.timedelta(days=1)
        )

    expected = page_numbers(staff_client, org, sort=sort)
    rows = csv_rows(staff_client.get(export_url(org, format="csv", sort=sort)))

    assert [int(row[0]) for row in rows[1:]] == expected
    assert len(expected) == len(offsets)


def test_export_reads_a_fixed_number_of_queries_per_batch(org, me, monkeypatch):
    """Names come by id, once per batch (customers, properties) or once per export (assignees,
    categories): never a query per row."""
    rich_cases(org, me, 12, assignee=me)
    query = case_list_query(org, QueryDict(""))
    with CaptureQueriesContext(connection) as one_batch:
        assert len(list(export_rows(query))) == 12
    monkeypatch.setattr("reports.services.case_export.BATCH", 5)
    with CaptureQueriesContext(connection) as three_batches:
        rows = list(export_rows(query))
    assert len(one_batch.captured_queries) == 5  # cases, customers, properties, categories, users
    assert len(three_batches.captured_queries) == 3 * 3 + 2
    assert all(row[5] and row[6] and row[4] and row[9] for row in rows)
