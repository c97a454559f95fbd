"""Inquiry → case without leaving the tray (issue 14): "Create case" in the preview makes the
case and opens the next inquiry; the edit form comes back to the tray too."""

from __future__ import annotations

from django.urls import reverse

from cases.models import Case
from inquiries.models import Channel, Inquiry
from inquiries.services.convert import inquiries_convert_by_rules
from tests.inquiries.test_convert_one import form_data

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, org, **kwargs):
    return reverse(f"inquiries:{name}", kwargs={"org_slug": org.slug, **kwargs})


def now_url(inquiry):
    return url("inquiry_convert_now", inquiry.organization, inquiry_id=inquiry.pk)


def test_create_case_in_the_preview_opens_the_next_inquiry(tenant, staff_client, make_inquiry):
    oldest, middle, newest = make_inquiry(), make_inquiry(), make_inquiry()
    response = staff_client.post(now_url(middle), **HTMX)
    assert response.status_code == 200
    middle.refresh_from_db()
    case = middle.case
    assert middle.status == Inquiry.Status.CONVERTED and case is not None
    page = response.content.decode()
    # What happened, with the way to the case; then the inquiry below it in the tray.
    assert f"Case #{case.number} was created." in page
    assert reverse("cases:case_detail", kwargs={"org_slug": "alpha", "number": case.number}) in page
    assert f'id="inquiry-title-{oldest.pk}"' in page
    assert now_url(oldest) in page
    # The handled inquiry's row leaves the list.
    assert f'<tr id="inquiry-{middle.pk}" hx-swap-oob="delete">' in page
    assert 'hx-swap-oob="true"\n   aria-label="Inquiries: 2 unprocessed"' in page
    # The last one in the list: the newest left comes next; then the tray is empty.
    page = staff_client.post(now_url(oldest), **HTMX).content.decode()
    assert f'id="inquiry-title-{newest.pk}"' in page
    page = staff_client.post(now_url(newest), **HTMX).content.decode()
    assert "No unprocessed inquiries." in page
    assert Case.objects.filter(organization=tenant.org).count() == 3


def test_the_next_inquiry_follows_the_trays_filters(tenant, staff_client, make_inquiry):
    web = make_inquiry()
    make_inquiry(channel=Channel.PHONE)
    second_web = make_inquiry()
    page = staff_client.post(f"{now_url(second_web)}?channel=web_form", **HTMX).content.decode()
    assert f'id="inquiry-title-{web.pk}"' in page
    # The next "Create case" keeps the filter.
    assert f"{now_url(web)}?channel=web_form" in page


def test_without_javascript_the_tray_opens_with_the_next_inquiry(
    tenant, staff_client, make_inquiry
):
    first, second = make_inquiry(), make_inquiry()
    response = staff_client.post(now_url(second))
    assert response.status_code == 302
    assert response["Location"] == f"{url('inquiry_list', tenant.org)}?preview={first.pk}"
    page = staff_client.get(response["Location"]).content.decode()
    second.refresh_from_db()
    assert f"Case #{second.case.number} was created." in page
    assert f'id="inquiry-title-{first.pk}"' in page


def test_an_inquiry_handled_meanwhile_makes_no_second_case(tenant, staff_client, make_inquiry):
    first, second = make_inquiry(), make_inquiry()
    staff_client.post(now_url(second), **HTMX)
    response = staff_client.post(now_url(second), **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This inquiry has already been handled." in page
    assert f'id="inquiry-title-{first.pk}"' in page
    assert Case.objects.filter(organization=tenant.org).count() == 1


def test_saving_the_form_returns_to_the_tray_with_the_next_inquiry(
    tenant, staff_client, make_inquiry
):
    first, second = make_inquiry(), make_inquiry()
    convert = url("inquiry_convert", tenant.org, inquiry_id=second.pk) + "?channel=web_form"
    first_response = staff_client.get(convert)
    # The way back keeps the tray's filter.
    back = f'href="{url("inquiry_list", tenant.org)}?channel=web_form"'
    assert back in first_response.content.decode()
    response = staff_client.post(convert, form_data(first_response))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == (
        f"{url('inquiry_list', tenant.org)}?channel=web_form&preview={first.pk}"
    )


def test_the_form_offers_the_new_customer_details_only_beside_the_choice(
    tenant, staff_client, make_inquiry
):
    inquiry = make_inquiry()
    page = staff_client.get(url("inquiry_convert", tenant.org, inquiry_id=inquiry.pk))
    html = page.content.decode()
    # inquiry_convert.js hides the block while an existing customer is chosen.
    assert 'data-new-customer="id_customer"' in html
    assert "js/inquiry_convert.js" in html


def test_outsiders_get_404(tenant, outsider_client, make_inquiry):
    inquiry = make_inquiry()
    assert outsider_client.post(now_url(inquiry)).status_code == 404
    assert outsider_client.post(now_url(inquiry), **HTMX).status_code == 404
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW


def test_the_service_refuses_another_organizations_inquiry(tenant, other_tenant, make_inquiry):
    foreign = make_inquiry(org=other_tenant.org)
    cases = inquiries_convert_by_rules(
        org=tenant.org, actor=tenant.caseworker, ids=[foreign.pk], bulk=False
    )
    assert cases == []
    foreign.refresh_from_db()
    assert foreign.status == Inquiry.Status.NEW
