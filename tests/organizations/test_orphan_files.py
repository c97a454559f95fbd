"""The daily sweep removes stored files no row points to, and nothing else."""

from __future__ import annotations

import datetime
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from organizations.services_files import GRACE, orphan_files_sweep
from organizations.tasks import sweep_orphan_files
from tests.factories.cases import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _store(name: str, *, age: datetime.timedelta) -> str:
    name = default_storage.save(name, ContentFile(b"data"))
    then = (timezone.now() - age).timestamp()
    os.utime(default_storage.path(name), (then, then))
    return name


def test_old_files_no_row_names_are_removed_and_the_rest_kept(tenant):
    from cases.models import Attachment

    case = make_case(tenant.org, tenant.caseworker)
    old = GRACE + datetime.timedelta(hours=1)
    kept_file = _store(f"attachments/{tenant.org.pk}/kept.txt", age=old)
    Attachment.objects.create(
        organization=tenant.org,
        case=case,
        file=kept_file,
        stored_name="kept.txt",
        original_name="notes.txt",
        content_type="text/plain",
        size=4,
    )
    tenant.org.logo = _store(f"logos/{tenant.org.pk}/logo.png", age=old)
    tenant.org.save(update_fields=["logo"])
    orphan = _store(f"attachments/{tenant.org.pk}/left-behind.txt", age=old)
    nested = _store("inquiries/99/deep/left.png", age=old)
    in_flight = _store(f"attachments/{tenant.org.pk}/just-written.txt", age=datetime.timedelta())

    removed = orphan_files_sweep()

    assert sorted(removed) == sorted([orphan, nested])
    for name in (kept_file, tenant.org.logo.name, in_flight):
        assert default_storage.exists(name), name
    assert not default_storage.exists(orphan) and not default_storage.exists(nested)


def test_the_task_sweeps_and_an_empty_storage_is_fine(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "not-there-yet"
    assert sweep_orphan_files() == 0
