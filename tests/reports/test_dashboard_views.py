"""The dashboard page and its downloads: who may see them, the charts' text alternatives, the
tables under them, filters and bad input, and downloads holding the figures shown."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.dashboard_data import generate

pytestmark = pytest.mark.django_db


def _url(org, name="dashboard", **kwargs):
    return reverse(f"reports:{name}", kwargs={"org_slug": org.slug, **kwargs})


@pytest.fixture
def data(tenant):
    return generate(tenant.org, timezone.now(), count=60)


def test_caseworker_and_admin_see_the_dashboard(tenant, data):
    for user in (tenant.caseworker, tenant.admin):
        response = tenant.client_for(user).get(_url(tenant.org))
        assert response.status_code == 200
        assert b"Figures as of" in response.content


def test_supplier_is_refused_and_anonymous_sent_to_sign_in(tenant, client):
    supplier = tenant.client_for(tenant.supplier)
    assert supplier.get(_url(tenant.org)).status_code == 403
    download = _url(tenant.org, "dashboard_download", report="summary", fmt="csv")
    assert supplier.get(download).status_code == 403
    assert client.get(_url(tenant.org)).status_code == 302


def test_outsider_gets_404_on_every_dashboard_url(tenant, outsider_client):
    urls = [_url(tenant.org)] + [
        _url(tenant.org, "dashboard_download", report=r, fmt=f)
        for r in ("weekly", "summary", "team")
        for f in ("csv", "xlsx")
    ]
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url


def test_every_chart_has_a_text_alternative_and_a_table(staff_client, tenant, data):
    html = staff_client.get(_url(tenant.org)).content.decode()
    svgs = re.findall(r"<svg class=\"chart-svg\"[^>]*>.*?</svg>", html, re.S)
    assert len(svgs) == 11  # weekly + (volume, times) for five breakdowns
    for svg in svgs:
        assert 'role="img"' in svg
        labelledby = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        for ref in labelledby:
            assert f'id="{ref}"' in html, ref
        caption, desc = labelledby
        assert re.search(rf'<figcaption id="{caption}">\s*\S', html)
        assert re.search(rf'<desc id="{desc}">\s*\S', svg)
        assert "<title>" in svg
        assert re.search(r"<rect [^>]*><title>[^<]+</title></rect>", svg)  # each bar names itself
    for key in ("weekly", "channel", "category", "team", "assignee", "supplier"):
        section = html.split(f'id="report-{key}"')[1].split("</section>")[0]
        assert "<table" in section and "<caption>" in section and 'scope="col"' in section


def test_csv_download_holds_the_table_shown(staff_client, tenant, data):
    from reports.dashboard.filters import DashboardFilters, preset_period
    from reports.dashboard.queries import dashboard_figures
    from reports.dashboard.tables import report_table

    response = staff_client.get(
        _url(tenant.org, "dashboard_download", report="channel", fmt="csv") + "?period=52"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="dashboard-channel-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    timezone.activate(tenant.org.time_zone)
    start, end = preset_period(52, timezone.now())
    table = report_table(dashboard_figures(tenant.org, DashboardFilters(start, end)), "channel")
    assert rows[0] == table.header
    assert [r[0] for r in rows[1:]] == [row[0] for row in table.rows]
    assert [int(r[1]) for r in rows[1:]] == [row[1] for row in table.rows]


def test_xlsx_download_opens_with_numbers_as_numbers(staff_client, tenant, data):
    from openpyxl import load_workbook

    response = staff_client.get(
        _url(tenant.org, "dashboard_download", report="weekly", fmt="xlsx") + "?period=4"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.values)
    assert rows[0] == ("Week", "Week starts", "Created", "Closed")
    assert len(rows) == 5 and all(isinstance(r[2], int) for r in rows[1:])


def test_unknown_report_or_format_is_404(staff_client, tenant):
    for report, fmt in (("nope", "csv"), ("summary", "pdf")):
        url = _url(tenant.org, "dashboard_download", report=report, fmt=fmt)
        assert staff_client.get(url).status_code == 404


def test_figures_are_cached_and_the_page_says_as_of_when(
    staff_client, tenant, data, django_assert_max_num_queries
):
    staff_client.get(_url(tenant.org) + "?period=4")
    with django_assert_max_num_queries(8):  # session, membership, teams...: no figures
        response = staff_client.get(_url(tenant.org) + "?period=4")
    assert re.search(rb"Figures as of \d\d:\d\d", response.content)


@pytest.mark.parametrize(
    "query,message",
    [
        ("period=custom&date_from=2026-02-10&date_to=2026-01-01", b"cannot end before it starts"),
        ("period=custom&date_from=2020-01-01&date_to=2026-01-01", b"at most three years"),
        ("period=custom&date_from=garbage", b"Enter a valid date"),
        ("period=custom", b"Give both dates"),
        ("team=999999", b"Choose a team from the list"),
        ("property=abc", b"Enter a whole number"),
    ],
)
def test_bad_filters_are_explained_not_500(staff_client, tenant, query, message):
    response = staff_client.get(_url(tenant.org) + "?" + query)
    assert response.status_code == 200
    assert message in response.content


def test_another_organizations_team_and_property_are_refused(staff_client, tenant, other_tenant):
    from organizations.models import Team
    from tests.factories.properties import PropertyFactory

    team = Team.objects.create(organization=other_tenant.org, name="Theirs")
    prop = PropertyFactory(organization=other_tenant.org)
    response = staff_client.get(_url(tenant.org) + f"?team={team.pk}&property={prop.pk}")
    assert b"Choose a team from the list" in response.content
    assert b"Choose a property from the list" in response.content
    assert response.context["filters"].team is None
    assert response.context["filters"].property is None


def test_team_filter_narrows_the_figures(staff_client, tenant, data):
    team = data["teams"][0]
    everything = staff_client.get(_url(tenant.org) + "?period=52").context["figures"]
    narrowed = staff_client.get(_url(tenant.org) + f"?period=52&team={team.pk}").context["figures"]
    assert 0 < narrowed.total.created < everything.total.created


def test_menu_links_the_dashboard_for_staff_only(tenant):
    html = tenant.client_for(tenant.caseworker).get(_url(tenant.org)).content.decode()
    assert f'href="{_url(tenant.org)}" aria-current="page"' in html
