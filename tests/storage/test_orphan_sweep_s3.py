"""The daily orphan-file sweep on S3: it walks the bucket (under AWS_LOCATION) through the
storage API, removes old objects no row names, and keeps named, young and foreign ones."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import Attachment
from cases.services.attachments import attachment_thumbnails_make, attachments_add
from organizations.services_files import GRACE, orphan_files_sweep
from organizations.tasks import sweep_orphan_files
from tests.cases.detail_support import png_upload
from tests.factories.cases import make_case
from tests.storage.conftest import use_s3

pytestmark = [pytest.mark.s3, pytest.mark.django_db]

LATER = GRACE + datetime.timedelta(hours=1)


@pytest.fixture
def bucket(settings, s3_endpoint, local_media):
    """A bucket shared with something else: Saksflyt's files live under saksflyt/."""
    return use_s3(settings, s3_endpoint, AWS_LOCATION="saksflyt")


def test_unnamed_objects_are_removed_and_named_young_and_foreign_ones_kept(tenant, bucket):
    case = make_case(tenant.org, tenant.caseworker)
    [attachment] = attachments_add(
        org=tenant.org, actor=tenant.caseworker, case=case, uploads=[png_upload()]
    )
    attachment_thumbnails_make([attachment.pk])
    attachment.refresh_from_db()
    tenant.org.logo.save("logo.png", ContentFile(b"\x89PNG logo"))
    named = {attachment.file.name, attachment.thumbnail.name, tenant.org.logo.name}
    orphan = f"attachments/{tenant.org.pk}/left-behind.txt"
    nested = "inquiries/99/deep/left.png"
    for name in (orphan, nested):
        bucket.put(bucket.key(name))
    bucket.put("other-app/report.csv")  # outside AWS_LOCATION: not ours
    assert {bucket.key(n) for n in named} < bucket.objects()

    assert orphan_files_sweep() == []  # everything is younger than the grace period

    removed = orphan_files_sweep(now=timezone.now() + LATER)

    assert sorted(removed) == sorted([orphan, nested])
    assert bucket.objects() == {bucket.key(n) for n in named} | {"other-app/report.csv"}
    assert Attachment.objects.get().file.name == attachment.file.name


def test_the_beat_task_sweeps_the_bucket_and_an_empty_bucket_is_fine(bucket):
    assert sweep_orphan_files() == 0

    bucket.put(bucket.key("portal/pending/1/abandoned.png"))
    assert sweep_orphan_files() == 0  # young

    later = timezone.now() + LATER
    with mock.patch("organizations.services_files.timezone.now", return_value=later):
        assert sweep_orphan_files() == 1
    assert bucket.objects() == set()
