"""A case made from an inquiry links back to it, on the case page and in its history
(issue 14)."""

from __future__ import annotations

from django.urls import reverse

from cases.models import Case
from inquiries.services.convert import inquiry_convert_many


def test_the_case_page_links_the_inquiry_it_was_made_from(tenant, staff_client, make_inquiry):
    inquiry = make_inquiry(subject="Leaking roof")
    case = inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=[inquiry])[0]
    page = staff_client.get(
        reverse("cases:case_detail", kwargs={"org_slug": "alpha", "number": case.number})
    ).content.decode()
    link = reverse(
        "inquiries:inquiry_preview", kwargs={"org_slug": "alpha", "inquiry_id": inquiry.pk}
    )
    assert f'<a href="{link}" id="case-inquiry">from the inquiry “Leaking roof”</a>' in page
    assert f'<a class="event-inquiry" href="{link}">from an inquiry</a>' in page


def test_a_case_typed_in_links_no_inquiry(tenant, staff_client):
    from cases.services.manual import case_create_manual

    case = case_create_manual(org=tenant.org, actor=tenant.caseworker, title="By hand")
    page = staff_client.get(
        reverse("cases:case_detail", kwargs={"org_slug": "alpha", "number": case.number})
    ).content.decode()
    assert 'id="case-inquiry"' not in page and "event-inquiry" not in page


def test_outsiders_see_neither_the_case_nor_the_inquiry(tenant, outsider_client, make_inquiry):
    inquiry = make_inquiry()
    case = inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=[inquiry])[0]
    for url in (
        reverse("cases:case_detail", kwargs={"org_slug": "alpha", "number": case.number}),
        reverse(
            "inquiries:inquiry_preview", kwargs={"org_slug": "alpha", "inquiry_id": inquiry.pk}
        ),
    ):
        assert outsider_client.get(url).status_code == 404
    assert Case.objects.filter(pk=case.pk).exists()
