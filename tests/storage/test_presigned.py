"""MEDIA_S3_REDIRECT: after the organization check, a file view redirects to a presigned URL
that names exactly that one object and expires after AWS_QUERYSTRING_EXPIRE seconds.

moto's server does not check presigned signatures or their expiry, so the URL is checked here
the way S3 checks it: the AWS Signature Version 4 query-string signature recomputed from the
secret key (an implementation of its own, not botocore's), which covers the object's path and
the expiry, and the expiry compared with the clock."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import urllib.request
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Attachment
from cases.services.attachments import attachments_add
from config.env import Env
from config.storage import media_s3_redirect
from printing.models import PrintJob
from printing.services.jobs import print_job_run
from tests.cases.detail_support import png_bytes
from tests.factories.cases import make_case
from tests.factories.properties import ContainerFactory, PropertyFactory
from tests.storage.conftest import KEYS, use_s3

pytestmark = [pytest.mark.s3, pytest.mark.django_db]

SECRET = KEYS["AWS_SECRET_ACCESS_KEY"]


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def check_presigned(url: str, *, now: datetime.datetime, secret: str = SECRET) -> str:
    """ "valid", "expired" or "bad signature", as S3 would judge a GET of `url` at `now`."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = dict(query)
    signed = sorted(
        (quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in query if k != "X-Amz-Signature"
    )
    canonical = "\n".join(
        [
            "GET",
            parts.path,
            "&".join(f"{k}={v}" for k, v in signed),
            f"host:{parts.netloc}\n",
            params["X-Amz-SignedHeaders"],
            "UNSIGNED-PAYLOAD",
        ]
    )
    key_id, day, region, service, terminator = params["X-Amz-Credential"].split("/")
    scope = f"{day}/{region}/{service}/{terminator}"
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            params["X-Amz-Date"],
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = _hmac(f"AWS4{secret}".encode(), day)
    for part in (region, service, terminator):
        key = _hmac(key, part)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, params["X-Amz-Signature"]):
        return "bad signature"
    lifetime = datetime.timedelta(seconds=int(params["X-Amz-Expires"]))
    if now > signed_time(url) + lifetime:
        return "expired"
    return "valid"


def signed_time(url: str) -> datetime.datetime:
    stamp = dict(parse_qsl(urlsplit(url).query))["X-Amz-Date"]
    return datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)


def _with(url: str, *, path: str | None = None, **params: str) -> str:
    """`url` with its path or some query parameters changed, signature kept."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True)) | params
    encoded = "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    return urlunsplit(parts._replace(path=path or parts.path, query=encoded))


def _fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (moto on 127.0.0.1)
        return response.read(), response.headers


@pytest.fixture
def s3_redirect(settings, s3):
    settings.MEDIA_S3_REDIRECT = True
    return s3


@pytest.fixture
def two_photos(tenant, s3_redirect):
    case = make_case(tenant.org, tenant.caseworker)
    attachments_add(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        uploads=[
            SimpleUploadedFile("first photo.png", png_bytes(size=(11, 11))),
            SimpleUploadedFile("second.png", png_bytes(size=(12, 12))),
        ],
    )
    return case, list(Attachment.objects.filter(case=case).order_by("pk"))


def _download_url(case, attachment, query="") -> str:
    return f"/{case.organization.slug}/cases/{case.number}/attachments/{attachment.pk}/{query}"


def test_the_redirect_names_exactly_that_object_and_expires_after_a_minute(
    tenant, staff_client, two_photos, s3_redirect
):
    case, (first, second) = two_photos
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

    response = staff_client.get(_download_url(case, first, "?download=1"))

    assert response.status_code == 302
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert response["Referrer-Policy"] == "no-referrer"
    url = response["Location"]
    parts, params = urlsplit(url), dict(parse_qsl(urlsplit(url).query))
    assert parts.path == f"/{s3_redirect.name}/{first.file.name}"
    assert params["X-Amz-Expires"] == "60"
    assert params["X-Amz-SignedHeaders"] == "host"
    signed_at = signed_time(url)
    assert before <= signed_at <= datetime.datetime.now(datetime.UTC)
    now = signed_at
    assert check_presigned(url, now=signed_at + datetime.timedelta(seconds=60)) == "valid"
    assert check_presigned(url, now=signed_at + datetime.timedelta(seconds=61)) == "expired"
    # The signature covers the object and the lifetime: neither can be changed.
    assert check_presigned(_with(url, path=f"/{s3_redirect.name}/{second.file.name}"), now=now) == (
        "bad signature"
    )
    assert check_presigned(_with(url, path=f"/{s3_redirect.name}/"), now=now) == "bad signature"
    assert check_presigned(_with(url, **{"X-Amz-Expires": "604800"}), now=now) == "bad signature"

    content, headers = _fetch(url)
    assert content == s3_redirect.read(first.file.name)
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"].startswith('attachment; filename="first photo.png"')
    assert "filename*=UTF-8''first%20photo.png" in headers["Content-Disposition"]


def test_the_lifetime_follows_aws_querystring_expire(settings, s3_endpoint, tenant, staff_client):
    use_s3(settings, s3_endpoint, AWS_QUERYSTRING_EXPIRE="5")
    settings.MEDIA_S3_REDIRECT = True
    case = make_case(tenant.org, tenant.caseworker)
    [attachment] = attachments_add(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        uploads=[SimpleUploadedFile("a.png", png_bytes(size=(5, 5)))],
    )
    url = staff_client.get(_download_url(case, attachment))["Location"]
    signed_at = signed_time(url)
    assert dict(parse_qsl(urlsplit(url).query))["X-Amz-Expires"] == "5"
    assert check_presigned(url, now=signed_at + datetime.timedelta(seconds=5)) == "valid"
    assert check_presigned(url, now=signed_at + datetime.timedelta(seconds=6)) == "expired"


def test_an_inline_image_keeps_inline_and_a_missing_object_is_404_not_a_redirect(
    tenant, staff_client, two_photos, s3_redirect
):
    case, (first, second) = two_photos
    url = staff_client.get(_download_url(case, first))["Location"]
    assert _fetch(url)[1]["Content-Disposition"].startswith("inline;")

    s3_redirect.client.delete_object(Bucket=s3_redirect.name, Key=second.file.name)
    response = staff_client.get(_download_url(case, second))
    assert response.status_code == 404 and not response.has_header("Location")


def test_a_label_run_download_redirects_to_its_pdf(tenant, staff_client, s3_redirect):
    prop = PropertyFactory(organization=tenant.org)
    job = PrintJob.objects.create(
        organization=tenant.org,
        kind=PrintJob.Kind.LABELS,
        requested_by=tenant.caseworker,
        parameters={
            "container_ids": [ContainerFactory(property=prop, container_id="P-1").pk],
            "format": "a4_3x8",
        },
        progress_total=1,
    )
    print_job_run(job.pk)
    job.refresh_from_db()

    response = staff_client.get(reverse("printing:job_download", args=[tenant.org.slug, job.pk]))

    assert response.status_code == 302
    url = response["Location"]
    assert urlsplit(url).path == f"/{s3_redirect.name}/{job.file.name}"
    assert check_presigned(url, now=signed_time(url)) == "valid"
    content, headers = _fetch(url)
    assert content.startswith(b"%PDF-") and headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert job.filename in headers["Content-Disposition"]


def test_the_redirect_is_refused_at_start_without_s3():
    with pytest.raises(ImproperlyConfigured, match="MEDIA_S3_REDIRECT needs MEDIA_STORAGE=s3"):
        media_s3_redirect(Env({"MEDIA_S3_REDIRECT": "true"}), "local")
    assert media_s3_redirect(Env({"MEDIA_S3_REDIRECT": "true"}), "s3") is True
    assert media_s3_redirect(Env({}), "s3") is False
