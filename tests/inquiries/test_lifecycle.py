"""Deleting with a reason, restoring within 30 days, and the nightly purge."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from inquiries.models import Inquiry
from inquiries.services.convert import inquiry_convert_many
from inquiries.services.lifecycle import inquiry_delete_many, inquiry_restore_many
from inquiries.tasks import purge_deleted_inquiries
from tests.inquiries.conftest import png_bytes


def test_delete_records_reason_time_and_who(tenant, make_inquiry):
    inquiry = make_inquiry()
    count = inquiry_delete_many(
        org=tenant.org, actor=tenant.caseworker, inquiries=[inquiry], reason="Duplicate"
    )
    inquiry.refresh_from_db()
    assert count == 1
    assert inquiry.status == Inquiry.Status.DELETED
    assert inquiry.deleted_reason == "Duplicate"
    assert inquiry.deleted_at is not None
    assert inquiry.handled_by == tenant.caseworker


def test_delete_needs_a_reason(tenant, make_inquiry):
    with pytest.raises(ValidationError):
        inquiry_delete_many(
            org=tenant.org, actor=tenant.caseworker, inquiries=[make_inquiry()], reason="  "
        )


def test_converted_inquiries_are_not_deleted(tenant, make_inquiry):
    inquiry = make_inquiry()
    inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=[inquiry])
    assert inquiry_delete_many(org=tenant.org, actor=None, inquiries=[inquiry], reason="x") == 0
    assert Inquiry.objects.get(pk=inquiry.pk).status == Inquiry.Status.CONVERTED


def test_restore_brings_the_inquiry_back_to_the_tray(tenant, make_inquiry):
    inquiry = make_inquiry()
    inquiry_delete_many(org=tenant.org, actor=None, inquiries=[inquiry], reason="Oops")
    assert inquiry_restore_many(org=tenant.org, actor=None, inquiries=[inquiry]) == 1
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.deleted_reason, inquiry.deleted_at) == ("new", "", None)


def test_delete_and_restore_ignore_other_organizations(tenant, other_tenant, make_inquiry):
    foreign = make_inquiry(org=other_tenant.org)
    assert inquiry_delete_many(org=tenant.org, actor=None, inquiries=[foreign], reason="x") == 0
    inquiry_delete_many(org=other_tenant.org, actor=None, inquiries=[foreign], reason="x")
    assert inquiry_restore_many(org=tenant.org, actor=None, inquiries=[foreign]) == 0
    assert Inquiry.objects.get(pk=foreign.pk).status == Inquiry.Status.DELETED


def _deleted(make_inquiry, days_ago, **fields):
    inquiry = make_inquiry(**fields)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=Inquiry.Status.DELETED,
        deleted_reason="Spam",
        deleted_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    return inquiry


def test_purge_removes_inquiries_deleted_over_30_days_ago_with_their_files(
    tenant, other_tenant, make_inquiry
):
    old = _deleted(make_inquiry, 31, attachments=[("a.png", png_bytes())])
    old_foreign = _deleted(make_inquiry, 40, org=other_tenant.org)
    recent = _deleted(make_inquiry, 29)
    waiting = make_inquiry()
    path = old.attachments.get().file.name
    assert default_storage.exists(path)

    assert purge_deleted_inquiries.delay().get() == 2

    remaining = set(Inquiry.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, waiting.pk}
    assert old_foreign.pk not in remaining
    assert not default_storage.exists(path)


def test_purge_with_nothing_to_do_is_quiet(tenant, make_inquiry):
    make_inquiry()
    assert purge_deleted_inquiries() == 0
    assert Inquiry.objects.count() == 1
