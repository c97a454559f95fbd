"""files_removed_on_error: files written in a block that fails are deleted, also when the
failure comes later, in an enclosing block whose transaction rolls back."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from cases.services.attachments import files_removed_on_error


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def write(written: list[str], name: str) -> str:
    written.append(default_storage.save(name, ContentFile(b"data")))
    return written[-1]


def test_the_files_of_a_failing_block_are_deleted():
    with pytest.raises(RuntimeError), files_removed_on_error() as written:
        name = write(written, "a.txt")
        raise RuntimeError

    assert not default_storage.exists(name)


def test_a_block_that_ends_well_keeps_its_files():
    with files_removed_on_error() as written:
        name = write(written, "a.txt")

    assert default_storage.exists(name)


@pytest.mark.django_db
def test_an_enclosing_block_that_fails_later_deletes_the_inner_blocks_files():
    with pytest.raises(RuntimeError), files_removed_on_error() as outer:
        with files_removed_on_error() as inner:
            inner_name = write(inner, "inner.txt")
        outer_name = write(outer, "outer.txt")
        raise RuntimeError  # the transaction holding the inner block's rows rolls back

    assert not default_storage.exists(inner_name)
    assert not default_storage.exists(outer_name)


@pytest.mark.django_db
def test_files_whose_transaction_committed_stay_when_the_enclosing_block_fails(
    django_capture_on_commit_callbacks,
):
    with pytest.raises(RuntimeError), files_removed_on_error():
        # The capture stands in for the COMMIT of the inner block's transaction.
        with django_capture_on_commit_callbacks(execute=True), files_removed_on_error() as inner:
            name = write(inner, "committed.txt")
        raise RuntimeError

    assert default_storage.exists(name)
