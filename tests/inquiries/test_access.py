"""Tenancy and roles: outsiders get 404 on every inquiry URL, suppliers 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inquiries.models import Inquiry
from tests.inquiries.conftest import png_bytes


@pytest.fixture
def inquiry(make_inquiry):
    return make_inquiry(attachments=[("a.png", png_bytes())])


def _urls(org, inquiry):
    slug = org.slug
    attachment = inquiry.attachments.get()
    return [
        reverse("inquiries:inquiry_list", kwargs={"org_slug": slug}),
        reverse("inquiries:inquiry_register", kwargs={"org_slug": slug}),
        reverse("inquiries:inquiry_preview", kwargs={"org_slug": slug, "inquiry_id": inquiry.pk}),
        reverse("inquiries:inquiry_convert", kwargs={"org_slug": slug, "inquiry_id": inquiry.pk}),
        reverse(
            "inquiries:inquiry_attachment",
            kwargs={"org_slug": slug, "inquiry_id": inquiry.pk, "attachment_id": attachment.pk},
        ),
        reverse("inquiries:intake_settings", kwargs={"org_slug": slug}),
        reverse("inquiries:intake_rule_edit", kwargs={"org_slug": slug, "group": "external"}),
        reverse("inquiries:bulk_category_edit", kwargs={"org_slug": slug}),
    ]


def test_outsider_gets_404_on_every_inquiry_url(tenant, inquiry, outsider_client):
    for url in _urls(tenant.org, inquiry):
        assert outsider_client.get(url).status_code == 404, url
    bulk = reverse("inquiries:inquiry_bulk", kwargs={"org_slug": tenant.org.slug})
    response = outsider_client.post(bulk, {"action": "convert", "ids": [inquiry.pk]})
    assert response.status_code == 404
    convert = _urls(tenant.org, inquiry)[3]
    assert outsider_client.post(convert, {"title": "x"}).status_code == 404
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.NEW


def test_outsider_gets_404_for_inquiries_through_their_own_organization(
    tenant, other_tenant, inquiry, outsider_client
):
    """Ids of organization A under organization B's URLs do not resolve either."""
    slug = other_tenant.org.slug
    attachment = inquiry.attachments.get()
    for url in [
        reverse("inquiries:inquiry_preview", kwargs={"org_slug": slug, "inquiry_id": inquiry.pk}),
        reverse("inquiries:inquiry_convert", kwargs={"org_slug": slug, "inquiry_id": inquiry.pk}),
        reverse(
            "inquiries:inquiry_attachment",
            kwargs={"org_slug": slug, "inquiry_id": inquiry.pk, "attachment_id": attachment.pk},
        ),
    ]:
        assert outsider_client.get(url).status_code == 404, url


def test_supplier_users_get_403(tenant, inquiry):
    client = tenant.client_for(tenant.supplier)
    for url in _urls(tenant.org, inquiry):
        assert client.get(url).status_code == 403, url
    bulk = reverse("inquiries:inquiry_bulk", kwargs={"org_slug": tenant.org.slug})
    assert client.post(bulk, {"action": "convert", "ids": [inquiry.pk]}).status_code == 403
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.NEW


def test_anonymous_visitors_are_sent_to_sign_in(tenant, inquiry, client):
    for url in _urls(tenant.org, inquiry):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
