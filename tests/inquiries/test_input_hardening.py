"""Ids in the tray's bulk actions: anything that is not an id is refused with a form error,
never a 500 (issue 9, item 8: "²" passed `str.isdigit()` and then failed `int()`; 5,000 digits
are beyond `int()`'s limit)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case
from inquiries.models import Inquiry

BAD_IDS = ["²", "9" * 5000, "9" * 19, "-1", "0", "1e309", " 1", "1_0", "\x00", "٣"]
BAD_IDS_LABELS = [
    "superscript-two", "5000-digits", "over-bigint", "minus-one", "zero", "1e309",
    "space", "underscore", "nul", "arabic-indic-three",
]  # fmt: skip


def bulk_url(org) -> str:
    return reverse("inquiries:inquiry_bulk", kwargs={"org_slug": org.slug})


@pytest.mark.parametrize("action", ["convert", "delete", "restore"])
@pytest.mark.parametrize("bad", BAD_IDS, ids=BAD_IDS_LABELS)
def test_bulk_action_with_a_malformed_id_is_a_form_error(
    tenant, staff_client, make_inquiry, bad, action
):
    inquiry = make_inquiry()

    response = staff_client.post(
        bulk_url(tenant.org), {"action": action, "ids": [bad], "reason": "Spam"}
    )

    assert response.status_code == 200
    assert b"Select at least one inquiry." in response.content
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW
    assert not Case.objects.exists()


def test_malformed_ids_next_to_a_good_one_are_dropped_and_the_good_one_is_used(
    tenant, staff_client, make_inquiry
):
    inquiry = make_inquiry()

    response = staff_client.post(
        bulk_url(tenant.org),
        {"action": "delete", "ids": ["²", str(inquiry.pk), "9" * 5000], "reason": "Spam"},
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.DELETED


def test_a_rejected_form_keeps_the_good_ids_ticked(tenant, staff_client, make_inquiry):
    inquiry = make_inquiry()

    response = staff_client.post(
        bulk_url(tenant.org), {"action": "delete", "ids": [str(inquiry.pk), "²"], "reason": ""}
    )

    assert response.status_code == 200
    assert b"Give a reason for deleting." in response.content
    assert response.context["selected"] == {inquiry.pk}


def test_a_good_id_with_leading_zeros_still_works(tenant, staff_client, make_inquiry):
    inquiry = make_inquiry()

    response = staff_client.post(
        bulk_url(tenant.org), {"action": "delete", "ids": [f"000{inquiry.pk}"], "reason": "Spam"}
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.DELETED


def test_outsider_gets_404_on_bulk_with_malformed_ids(tenant, outsider_client):
    response = outsider_client.post(bulk_url(tenant.org), {"action": "convert", "ids": ["²"]})

    assert response.status_code == 404
