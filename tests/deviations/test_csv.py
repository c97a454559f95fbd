"""The CSV export: UTF-8 with a BOM, streamed, and exactly the rows the list's filter shows
(all of them, not one page); cells that would run as spreadsheet formulas are neutralised."""

from __future__ import annotations

import csv
import datetime
import io

from django.utils import timezone

from cases.models import Deviation
from cases.selectors.deviations import DeviationFilters, deviation_list, deviations_in_batches
from cases.services.deviations import deviation_close
from tests.deviations.support import list_url, make_deviation
from tests.factories.properties import PropertyFactory


def export(client, tenant, **params) -> tuple[object, list[list[str]]]:
    response = client.get(list_url(tenant, "export.csv"), params)
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return response, rows


def test_export_is_a_streamed_utf8_csv_with_a_header(tenant, staff_client):
    make_deviation(tenant, title="Glatt trapp ved Æbeltoft-blokka", location="Inngang Ø")

    response, rows = export(staff_client, tenant)

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="deviations-')
    assert rows[0][:5] == ["Number", "Title", "Type", "Severity", "Status"]
    assert rows[1][1] == "Glatt trapp ved Æbeltoft-blokka"
    assert rows[1][6] == "Inngang Ø"


def test_export_rows_equal_the_filtered_list(tenant, other_tenant, staff_client):
    prop = PropertyFactory(organization=tenant.org, address="Solbakken 12")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for n in range(7):
        make_deviation(
            tenant,
            title=f"High {n}",
            severity="high",
            property=prop if n % 2 else None,
            due_date=yesterday if n < 3 else None,
        )
    make_deviation(tenant, title="Low", severity="low", property=prop)
    closed = make_deviation(tenant, title="High closed", severity="high", corrective_action="x")
    deviation_close(org=tenant.org, actor=tenant.admin, deviation=closed)
    make_deviation(other_tenant, title="High elsewhere", severity="high")

    for params in (
        {},
        {"severity": "high"},
        {"severity": "high", "status": "open"},
        {"property": prop.pk},
        {"overdue": "on"},
        {"q": "closed"},
    ):
        _response, rows = export(staff_client, tenant, **params)
        page = staff_client.get(list_url(tenant), params).content.decode()
        exported = [int(row[0]) for row in rows[1:]]
        listed = [
            d.number
            for d in Deviation.objects.filter(organization=tenant.org).order_by(
                "-created_at", "-id"
            )
            if f'id="deviation-{d.number}"' in page
        ]
        assert exported == listed, params
    _response, rows = export(staff_client, tenant, severity="high", status="open")
    assert sorted(row[1] for row in rows[1:]) == [f"High {n}" for n in range(7)]


def test_export_takes_every_row_across_batches(tenant):
    for n in range(7):
        make_deviation(tenant, title=f"Row {n}")
    rows = deviation_list(tenant.org, DeviationFilters())

    batches = list(deviations_in_batches(rows, size=3))

    assert [len(b) for b in batches] == [3, 3, 1]
    assert [d.pk for b in batches for d in b] == [d.pk for d in rows]


def test_cells_that_look_like_formulas_are_neutralised(tenant, staff_client):
    make_deviation(tenant, title='=HYPERLINK("http://evil")', location="+1 234")

    _response, rows = export(staff_client, tenant)

    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][6] == "'+1 234"


def test_export_is_for_staff_only(tenant):
    response = tenant.client_for(tenant.supplier).get(list_url(tenant, "export.csv"))

    assert response.status_code == 403
