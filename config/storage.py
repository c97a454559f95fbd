"""Where uploaded files live: the local disk (the default) or an S3-compatible object store.

`MEDIA_STORAGE=local` keeps files under MEDIA_ROOT with Django's FileSystemStorage.
`MEDIA_STORAGE=s3` makes django-storages' S3Storage the default storage; it reads its own
`AWS_*` settings, which `s3_settings` builds from the environment with the defaults Saksflyt
needs: objects private (no ACL sent, so the bucket's own — private — applies; a public ACL is
refused), every URL the storage makes signed (`AWS_QUERYSTRING_AUTH`) and short-lived, no custom
domain (it would hand out unsigned public URLs), files never overwritten, signature v4.

Files are served only by the organization-checked views, streamed through Django
(`FileResponse` over `storage.open`). With `MEDIA_S3_REDIRECT=true` those views answer with a
redirect to a presigned URL instead (`presigned_redirect`): it names exactly one object, carries
the view's content type and disposition, and expires after `AWS_QUERYSTRING_EXPIRE` seconds; the
browser then fetches the file from the store, which must be reachable at AWS_S3_ENDPOINT_URL.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import Env

BACKENDS = {
    "local": "django.core.files.storage.FileSystemStorage",
    "s3": "storages.backends.s3.S3Storage",
}
# Canned ACLs that keep an object private; "" sends none (the bucket's own applies, which is
# private unless someone made the bucket public; buckets with ACLs disabled refuse any other).
PRIVATE_ACLS = ("", "private", "bucket-owner-full-control")


def media_storage(env: Env) -> str:
    return env.choice("MEDIA_STORAGE", "local", tuple(BACKENDS))


def _required(env: Env, name: str) -> str:
    if not env.is_set(name):
        raise ImproperlyConfigured(
            f"The environment variable {name} must be set with MEDIA_STORAGE=s3."
        )
    return env.str(name)


def s3_settings(env: Env, *, max_memory_size: int) -> dict:
    """django-storages' AWS_* settings from the environment; a missing or bad one stops the
    process at start, naming the variable."""
    access_key = env.str("AWS_ACCESS_KEY_ID", "")
    secret_key = env.str("AWS_SECRET_ACCESS_KEY", "")
    if bool(access_key) != bool(secret_key):
        missing = "AWS_SECRET_ACCESS_KEY" if access_key else "AWS_ACCESS_KEY_ID"
        raise ImproperlyConfigured(
            f"The environment variable {missing} must be set with MEDIA_STORAGE=s3 when"
            " the other key is (or leave both unset to use the machine's AWS credentials)."
        )
    acl = env.str("AWS_DEFAULT_ACL", "")
    if acl not in PRIVATE_ACLS:
        raise ImproperlyConfigured(
            f"The environment variable AWS_DEFAULT_ACL must be unset, private or"
            f" bucket-owner-full-control, not {acl!r}: files are never public."
        )
    return {
        "AWS_STORAGE_BUCKET_NAME": _required(env, "AWS_STORAGE_BUCKET_NAME"),
        # Presigned URLs are signed for the bucket's region (MinIO: any, e.g. us-east-1).
        "AWS_S3_REGION_NAME": _required(env, "AWS_S3_REGION_NAME"),
        # Unset: AWS itself. MinIO, Ceph and the like: their address.
        "AWS_S3_ENDPOINT_URL": env.url("AWS_S3_ENDPOINT_URL", schemes=("https", "http")),
        "AWS_S3_ADDRESSING_STYLE": env.choice(
            "AWS_S3_ADDRESSING_STYLE", "auto", ("auto", "path", "virtual")
        ),
        # Unset (None): boto3's own chain (instance profile, web identity, ~/.aws).
        "AWS_ACCESS_KEY_ID": access_key or None,
        "AWS_SECRET_ACCESS_KEY": secret_key or None,
        # A prefix inside the bucket; the orphan-file sweep only looks under it.
        "AWS_LOCATION": env.str("AWS_LOCATION", "").strip("/"),
        "AWS_DEFAULT_ACL": acl or None,
        "AWS_QUERYSTRING_AUTH": True,
        "AWS_QUERYSTRING_EXPIRE": env.int("AWS_QUERYSTRING_EXPIRE", 60, minimum=1),
        "AWS_S3_CUSTOM_DOMAIN": None,
        "AWS_S3_FILE_OVERWRITE": False,
        "AWS_S3_SIGNATURE_VERSION": "s3v4",
        # A file read back (a download, a thumbnail's source) is spooled to disk above this.
        "AWS_S3_MAX_MEMORY_SIZE": max_memory_size,
    }


def media_s3_redirect(env: Env, storage: str) -> bool:
    redirect = env.bool("MEDIA_S3_REDIRECT", False)
    if redirect and storage != "s3":
        raise ImproperlyConfigured(
            "The environment variable MEDIA_S3_REDIRECT needs MEDIA_STORAGE=s3: local files"
            " are always streamed by the application."
        )
    return redirect


def presigned_redirect(file, *, content_type: str, disposition: str, cache_control: str):
    """With MEDIA_S3_REDIRECT on: a redirect to a presigned URL for this one stored file, which
    the store answers with these headers; None otherwise (the caller streams the file).
    Raises FileNotFoundError when the object is gone, as opening it would."""
    if not getattr(settings, "MEDIA_S3_REDIRECT", False):
        return None
    from django.http import HttpResponseRedirect  # not at import: settings.py imports this module

    storage, name = file.storage, file.name
    if not name or not storage.exists(name):
        raise FileNotFoundError(name)
    url = storage.url(
        name,
        parameters={
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
            "ResponseCacheControl": cache_control,
        },
        expire=settings.AWS_QUERYSTRING_EXPIRE,
    )
    response = HttpResponseRedirect(url)
    # The URL is a bearer token for a minute: not cached, not sent on as a referrer.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
