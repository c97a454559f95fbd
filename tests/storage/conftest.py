"""An S3 store for the storage tests: moto's server on a free port of 127.0.0.1, in a thread of
the test process (no network, no credentials), started once per session. Each test that uses
`s3` gets a bucket of its own, and the default storage is django-storages' S3Storage configured
by config/storage.py's `s3_settings` from environment-style values, exactly as MEDIA_STORAGE=s3
configures production; MEDIA_ROOT points at an empty directory, so a file written to the local
disk instead would show."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import boto3
import pytest

from config.env import Env
from config.storage import BACKENDS, s3_settings

REGION = "eu-north-1"
KEYS = {"AWS_ACCESS_KEY_ID": "saksflyt-test", "AWS_SECRET_ACCESS_KEY": "saksflyt-test-secret"}


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    name: str
    client: object
    location: str = ""

    def objects(self) -> set[str]:
        """The keys of every object in the bucket."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", ())}

    def key(self, name: str) -> str:
        """The object key of a stored file's name."""
        return f"{self.location}/{name}" if self.location else name

    def read(self, name: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=self.key(name))["Body"].read()

    def put(self, key: str, data: bytes = b"data") -> None:
        self.client.put_object(Bucket=self.name, Key=key, Body=data)


def use_s3(settings, endpoint: str, **environ: str) -> Bucket:
    """Create a fresh bucket and make it the default storage (settings restored after the
    test by pytest-django, which also drops the storage object)."""
    name = f"saksflyt-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **_boto_keys())
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    values = {
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_ADDRESSING_STYLE": "path",
        **KEYS,
        **environ,
    }
    for key, value in s3_settings(Env(values), max_memory_size=5 * 1024 * 1024).items():
        setattr(settings, key, value)
    # Last: changing STORAGES resets default_storage, which then reads the AWS_* above.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": BACKENDS["s3"]}}
    settings.MEDIA_STORAGE = "s3"
    return Bucket(name, client, settings.AWS_LOCATION)


def _boto_keys() -> dict:
    return {
        "aws_access_key_id": KEYS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": KEYS["AWS_SECRET_ACCESS_KEY"],
    }


@pytest.fixture
def local_media(settings, tmp_path):
    """MEDIA_ROOT, which must stay empty while S3 is on."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def s3(settings, s3_endpoint, local_media):
    """S3 on for this test; afterwards nothing may have been written to the local disk."""
    yield use_s3(settings, s3_endpoint)
    written = [p for p in local_media.rglob("*") if p.is_file()] if local_media.exists() else []
    assert written == [], written
