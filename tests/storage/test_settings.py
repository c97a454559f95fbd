"""MEDIA_STORAGE and django-storages' AWS_* settings: local disk by default, S3 with private,
signed, short-lived defaults, and a missing or unsafe value stops the start naming it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env
from config.storage import BACKENDS, media_storage, s3_settings

ROOT = Path(__file__).resolve().parent.parent.parent
MINIMAL = {"AWS_STORAGE_BUCKET_NAME": "saksflyt-media", "AWS_S3_REGION_NAME": "eu-north-1"}


def _s3(**environ: str) -> dict:
    return s3_settings(Env({**MINIMAL, **environ}), max_memory_size=1024)


def test_local_disk_is_the_default_and_s3_is_django_storages():
    assert media_storage(Env({})) == "local"
    assert BACKENDS["local"] == "django.core.files.storage.FileSystemStorage"
    assert media_storage(Env({"MEDIA_STORAGE": "s3"})) == "s3"
    assert BACKENDS["s3"] == "storages.backends.s3.S3Storage"
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE must be one of local, s3"):
        media_storage(Env({"MEDIA_STORAGE": "gcs"}))


def test_s3_defaults_keep_files_private_signed_and_short_lived():
    values = _s3()
    assert values["AWS_QUERYSTRING_AUTH"] is True
    assert values["AWS_QUERYSTRING_EXPIRE"] == 60
    assert values["AWS_DEFAULT_ACL"] is None  # the bucket's own, private
    assert values["AWS_S3_CUSTOM_DOMAIN"] is None  # it would make unsigned public URLs
    assert values["AWS_S3_FILE_OVERWRITE"] is False
    assert values["AWS_S3_SIGNATURE_VERSION"] == "s3v4"
    assert values["AWS_S3_ENDPOINT_URL"] is None  # AWS itself
    assert values["AWS_ACCESS_KEY_ID"] is None and values["AWS_SECRET_ACCESS_KEY"] is None
    assert values["AWS_S3_MAX_MEMORY_SIZE"] == 1024


def test_s3_settings_read_the_environment():
    values = _s3(
        AWS_S3_ENDPOINT_URL="http://minio:9000",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_S3_ADDRESSING_STYLE="path",
        AWS_LOCATION="/saksflyt/",
        AWS_QUERYSTRING_EXPIRE="30",
        AWS_DEFAULT_ACL="private",
    )
    assert values["AWS_STORAGE_BUCKET_NAME"] == "saksflyt-media"
    assert values["AWS_S3_REGION_NAME"] == "eu-north-1"
    assert values["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert (values["AWS_ACCESS_KEY_ID"], values["AWS_SECRET_ACCESS_KEY"]) == ("key", "secret")
    assert values["AWS_S3_ADDRESSING_STYLE"] == "path"
    assert values["AWS_LOCATION"] == "saksflyt"
    assert values["AWS_QUERYSTRING_EXPIRE"] == 30
    assert values["AWS_DEFAULT_ACL"] == "private"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        (
            {"AWS_STORAGE_BUCKET_NAME": ""},
            "AWS_STORAGE_BUCKET_NAME must be set with MEDIA_STORAGE=s3",
        ),
        ({"AWS_S3_REGION_NAME": " "}, "AWS_S3_REGION_NAME must be set with MEDIA_STORAGE=s3"),
        ({"AWS_ACCESS_KEY_ID": "key"}, "AWS_SECRET_ACCESS_KEY must be set"),
        ({"AWS_SECRET_ACCESS_KEY": "secret"}, "AWS_ACCESS_KEY_ID must be set"),
        ({"AWS_S3_ENDPOINT_URL": "minio:9000"}, "AWS_S3_ENDPOINT_URL must be a URL"),
        ({"AWS_DEFAULT_ACL": "public-read"}, "AWS_DEFAULT_ACL must be unset, private or"),
        ({"AWS_QUERYSTRING_EXPIRE": "0"}, "AWS_QUERYSTRING_EXPIRE must be at least 1"),
        ({"AWS_S3_ADDRESSING_STYLE": "dns"}, "AWS_S3_ADDRESSING_STYLE must be one of"),
    ],
)
def test_a_missing_or_unsafe_value_is_refused_naming_it(environ, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        _s3(**environ)


def _manage(*args: str, **environ: str) -> subprocess.CompletedProcess:
    """manage.py with only PATH, HOME and `environ` (nothing of the test run leaks in)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_process_stops_at_start_naming_the_missing_bucket(tmp_path):
    result = _manage(
        "check", MEDIA_STORAGE="s3", AWS_S3_REGION_NAME="eu-north-1", SAKSFLYT_VAR_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME must be set with MEDIA_STORAGE=s3" in result.stderr


def test_with_s3_configured_the_default_storage_is_the_bucket(tmp_path):
    script = (
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.region_name, s.endpoint_url,"
        " s.querystring_auth, s.querystring_expire, s.file_overwrite, s.default_acl)"
    )
    result = _manage(
        "shell",
        "-c",
        script,
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="saksflyt-media",
        AWS_S3_REGION_NAME="eu-north-1",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
        SAKSFLYT_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    # The last line: Django's shell may first say what it imported.
    assert result.stdout.splitlines()[-1].split() == [
        "S3Storage",
        "saksflyt-media",
        "eu-north-1",
        "https://s3.example.net",
        "True",
        "60",
        "False",
        "None",
    ]


def test_readme_documents_every_variable_config_storage_reads():
    source = (ROOT / "config" / "storage.py").read_text()
    names = set(re.findall(r'(?:env\.\w+\(|_required\(env, )\s*"([A-Z][A-Z0-9_]+)"', source))
    assert {"MEDIA_STORAGE", "AWS_STORAGE_BUCKET_NAME", "MEDIA_S3_REDIRECT"} <= names

    readme = (ROOT / "README.md").read_text()
    assert sorted(name for name in names if f"`{name}`" not in readme) == []
