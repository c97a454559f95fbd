"""The privacy page in Settings and the customer page's export and erasure: administrators only,
outsiders 404, CSRF, and bad input kept with a field error."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from customers.models import Customer
from privacy.models import PrivacyLog, RetentionPolicy
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(tenant):
    return CustomerFactory(organization=tenant.org, name="Kari Testesen", email="kari@example.org")


def urls(org, customer):
    return {
        "settings": reverse("privacy:settings", args=[org.slug]),
        "export": reverse("privacy:customer_export", args=[org.slug, customer.pk]),
        "erase": reverse("privacy:customer_erase", args=[org.slug, customer.pk]),
    }


def test_outsiders_get_404_on_every_privacy_url(tenant, customer, outsider_client):
    for name, url in urls(tenant.org, customer).items():
        assert outsider_client.get(url).status_code == 404, name
        assert outsider_client.post(url, {"reason": "x", "confirm": "on"}).status_code == 404, name
    customer.refresh_from_db()
    assert customer.anonymised_at is None
    assert not PrivacyLog.objects.exists()


def test_another_organizations_customer_is_404_for_an_admin(tenant, other_tenant, admin_client_org):
    theirs = CustomerFactory(organization=other_tenant.org)
    for url in list(urls(tenant.org, theirs).values())[1:]:
        assert admin_client_org.post(url, {"reason": "x", "confirm": "on"}).status_code == 404


def test_caseworkers_get_403_and_see_no_buttons(tenant, customer, staff_client):
    for name, url in urls(tenant.org, customer).items():
        assert staff_client.get(url).status_code in (403, 405), name
        assert staff_client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403, name
    page = staff_client.get(
        reverse("customers:customer_detail", args=[tenant.org.slug, customer.pk])
    )
    assert b"Export personal data" not in page.content
    assert b"Erase personal data" not in page.content


def test_admin_sees_the_buttons_on_the_customer_page(tenant, customer, admin_client_org):
    page = admin_client_org.get(
        reverse("customers:customer_detail", args=[tenant.org.slug, customer.pk])
    )
    assert page.status_code == 200
    assert urls(tenant.org, customer)["export"].encode() in page.content
    assert urls(tenant.org, customer)["erase"].encode() in page.content


def test_export_downloads_a_zip(tenant, customer, admin_client_org):
    response = admin_client_org.post(urls(tenant.org, customer)["export"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"customer-{customer.pk}-personal-data.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))
    assert data["customers"]["customer"]["name"] == "Kari Testesen"


def test_export_is_post_only(tenant, customer, admin_client_org):
    assert admin_client_org.get(urls(tenant.org, customer)["export"]).status_code == 405
    assert not PrivacyLog.objects.exists()


def test_erase_confirmation_names_what_goes_and_needs_the_tick(tenant, customer, admin_client_org):
    url = urls(tenant.org, customer)["erase"]
    page = admin_client_org.get(url)
    assert page.status_code == 200
    assert b"What will be removed" in page.content and b"Customer details" in page.content

    response = admin_client_org.post(url, {"reason": "She asked on the phone"})
    assert response.status_code == 200
    assert b"Tick the box to confirm the erasure." in response.content
    assert b'value="She asked on the phone"' in response.content
    customer.refresh_from_db()
    assert customer.anonymised_at is None

    response = admin_client_org.post(url, {"reason": "She asked", "confirm": "on"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.anonymised_at is not None and customer.email == ""
    assert admin_client_org.get(url).status_code == 200  # says it is done, offers no form
    assert admin_client_org.post(url, {"reason": "x", "confirm": "on"}).status_code == 200
    assert PrivacyLog.objects.filter(action="erase").count() == 1


def test_erase_and_export_need_the_csrf_token(tenant, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant.admin)
    for url in list(urls(tenant.org, customer).values()):
        assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403
    assert Customer.objects.get(pk=customer.pk).anonymised_at is None
    assert not RetentionPolicy.objects.exists() and not PrivacyLog.objects.exists()


def test_policy_form_saves_and_shows_the_log(tenant, customer, admin_client_org):
    url = urls(tenant.org, customer)["settings"]
    PrivacyLog.objects.create(
        organization=tenant.org, action="export", actor=tenant.admin, customer_id_ref=customer.pk
    )
    page = admin_client_org.get(url)
    assert page.status_code == 200
    assert b"Retention rules" in page.content and f"#{customer.pk}".encode() in page.content
    assert b"data.json" in page.content
    response = admin_client_org.post(
        url,
        {
            "anonymise_customers_after_months": "24",
            "raw_email_days": "",
            "deleted_inquiry_days": "60",
        },
    )
    assert response.status_code == 302
    policy = RetentionPolicy.objects.get(organization=tenant.org)
    assert policy.anonymise_customers_after_months == 24
    assert policy.raw_email_days is None and policy.deleted_inquiry_days == 60
    assert policy.updated_by == tenant.admin


@pytest.mark.parametrize("bad", ["0", "-3", "abc", "99999999999", "1\x00"])
def test_bad_policy_input_keeps_what_was_typed(tenant, customer, admin_client_org, bad):
    url = urls(tenant.org, customer)["settings"]
    response = admin_client_org.post(
        url, {"anonymise_customers_after_months": "12", "raw_email_days": bad}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "raw_email_days" in form.errors
    assert b'value="12"' in response.content
    assert not RetentionPolicy.objects.filter(raw_email_days__isnull=False).exists()


def test_privacy_log_is_paginated(tenant, customer, admin_client_org):
    PrivacyLog.objects.bulk_create(
        PrivacyLog(organization=tenant.org, action="export", customer_id_ref=i) for i in range(60)
    )
    url = urls(tenant.org, customer)["settings"]
    first = admin_client_org.get(url)
    assert first.context["log"].paginator.num_pages == 2
    assert admin_client_org.get(url + "?page=2").status_code == 200
    assert admin_client_org.get(url + "?page=abc").status_code == 200


def test_privacy_page_costs_the_same_queries_for_1_or_50_log_rows(
    tenant, customer, admin_client_org
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = urls(tenant.org, customer)["settings"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client_org.get(url).status_code == 200
        return len(captured)

    PrivacyLog.objects.create(organization=tenant.org, action="erase", actor=tenant.admin)
    queries()  # the first request of a session reads what later ones find cached
    one = queries()
    PrivacyLog.objects.bulk_create(
        PrivacyLog(organization=tenant.org, action="erase", actor=tenant.caseworker)
        for _ in range(49)
    )
    assert queries() == one


def test_case_and_customer_pages_show_the_erased_person(tenant, person, admin_client_org):
    from privacy.services import customer_erase

    customer_erase(org=tenant.org, actor=tenant.admin, customer=person.customer, reason="Asked")
    for url in (
        reverse("cases:case_detail", args=[tenant.org.slug, person.case.number]),
        reverse("customers:customer_detail", args=[tenant.org.slug, person.customer.pk]),
    ):
        page = admin_client_org.get(url)
        assert page.status_code == 200, url
        content = page.content.decode()
        for value in person.strings.values():
            assert value not in content, (url, value)
    assert (
        "Message removed (personal data erased)."
        in admin_client_org.get(
            reverse("cases:case_detail", args=[tenant.org.slug, person.case.number])
        ).content.decode()
    )
