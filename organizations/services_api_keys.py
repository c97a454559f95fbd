"""API keys: creating, revoking and recognising them.

A key is `prefix + random`. Only its SHA-256 is stored, so a leaked database does not leak working
keys; the full key is returned once, by `api_key_create`, for the caller to show.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import string

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations import tenancy
from organizations.audit import audit_changes, audit_created, audit_record
from organizations.models import ApiKey, Organization, User

logger = logging.getLogger(__name__)

_PREFIX_ALPHABET = string.ascii_letters + string.digits
# Recording every use would write a row per request; once a minute is plenty for "last used".
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
# Longer headers are refused without hashing: no key we issue is anywhere near this long.
MAX_KEY_LENGTH = 200
# Recognised keys are kept in the shared cache briefly, sparing a database query per request.
# Revoking deletes the entry at once; other changes (the organization's language) show within
# this many seconds.
AUTH_CACHE_SECONDS = 30


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_cache_keys(hashed_key: str) -> list[str]:
    """Where a recognised key is cached and where its revocation is marked; public for callers
    that read them along with other values (the API's authentication reads them with the
    rate-limit counter in one round trip)."""
    return [f"apikey:{hashed_key}", f"apikey-revoked:{hashed_key}"]


# A revoked key is marked, once the revoke has committed, under a key of its own that every read
# checks, for longer than any copy of the key can live in the cache. A request that read the key
# from the database just before the revoke committed, or recorded its use meanwhile, may still
# store it after the revoke's delete: it then reads the mark again and deletes its own copy
# (see `_cache_valid`), so no copy outlives the mark.
REVOKED_MARK_SECONDS = 10 * AUTH_CACHE_SECONDS


def _forget(api_key: ApiKey) -> None:
    cache.delete(api_key_cache_keys(api_key.hashed_key)[0])


def _mark_revoked(api_key: ApiKey) -> None:
    """Run on commit: the mark first, then the delete (`_cache_valid` relies on the order)."""
    cached, revoked = api_key_cache_keys(api_key.hashed_key)
    cache.set(revoked, True, REVOKED_MARK_SECONDS)
    cache.delete(cached)


def _cache_valid(api_key: ApiKey, *, replace: bool) -> None:
    """Cache `api_key` as valid, unless a revoke has marked it meanwhile.

    A copy stored before a revoke's delete is removed by that delete; one stored after it finds
    the mark, written before the delete, when it reads it right after storing."""
    cached, revoked = api_key_cache_keys(api_key.hashed_key)
    if replace:
        cache.set(cached, api_key, AUTH_CACHE_SECONDS)
    else:
        cache.add(cached, api_key, AUTH_CACHE_SECONDS)
    if cache.get(revoked):
        cache.delete(cached)


def _new_secret() -> str:
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(ApiKey.PREFIX_LENGTH))
    return prefix + secrets.token_urlsafe(32)


@transaction.atomic
def api_key_create(*, org: Organization, actor: User | None, name: str) -> tuple[ApiKey, str]:
    """Create a key for `org`; returns the row and the full secret, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the key a name, e.g. the system that uses it.")})
    if len(name) > ApiKey._meta.get_field("name").max_length:
        raise ValidationError({"name": _("The name is too long.")})
    for _attempt in range(3):
        secret = _new_secret()
        try:
            with transaction.atomic():
                api_key = ApiKey.objects.create(
                    organization=org,
                    name=name,
                    prefix=secret[: ApiKey.PREFIX_LENGTH],
                    hashed_key=hash_key(secret),
                    created_by=actor,
                )
        except IntegrityError:  # the same prefix twice in one organization: draw again
            continue
        logger.info("API key %s created in %s by %s", api_key.prefix, org.slug, actor)
        audit_created(
            org=org, actor=actor, module="settings", obj=api_key, fields=("name", "prefix")
        )
        return api_key, secret
    raise RuntimeError("Could not draw a unique API key prefix.")


@transaction.atomic
def api_key_revoke(*, org: Organization, actor: User | None, api_key: ApiKey) -> ApiKey:
    """Stop `api_key` from working, at once. Revoking twice changes nothing."""
    if api_key.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        # Only once committed: a revoke rolled back leaves the key working.
        transaction.on_commit(lambda: _mark_revoked(api_key))
        audit_record(
            org=org,
            actor=actor,
            module="settings",
            obj=api_key,
            action="revoked",
            changes=audit_changes({"revoked_at": ""}, api_key, ["revoked_at"]),
        )
        logger.info("API key %s revoked in %s by %s", api_key.prefix, org.slug, actor)
    return api_key


def api_key_list(org: Organization) -> list[ApiKey]:
    """The organization's keys, newest first, active and revoked (one query)."""
    return list(ApiKey.objects.filter(organization=org).select_related("created_by"))


def api_key_for_secret(raw: str) -> ApiKey | None:
    """The active key whose secret is `raw` (with its organization), or None."""
    if not raw or len(raw) > MAX_KEY_LENGTH:
        return None
    hashed = hash_key(raw)
    keys = api_key_cache_keys(hashed)
    found = cache.get_many(keys)
    return api_key_from_cached(hashed, [found.get(key) for key in keys])


def api_key_from_cached(hashed_key: str, cached: list) -> ApiKey | None:
    """The active key with hash `hashed_key`, given the cache's values at its
    api_key_cache_keys (None where missing), reading the database, and caching what it finds,
    only on a miss."""
    key, revoked = cached
    if revoked:
        return None
    if key is not None:
        return key
    # The key says which organization is asking; before that, no organization is known.
    with tenancy.all_organizations("an API key is looked up by its hash"):
        api_key = (
            ApiKey.objects.select_related("organization")
            .filter(hashed_key=hashed_key, revoked_at__isnull=True)
            .first()
        )
    if api_key is not None:
        _cache_valid(api_key, replace=False)
    return api_key


def api_key_touch(api_key: ApiKey, *, now: datetime.datetime | None = None) -> None:
    """Record that `api_key` was just used, writing at most once per LAST_USED_RESOLUTION."""
    now = now or timezone.now()
    last = api_key.last_used_at
    if last is not None and now - last < LAST_USED_RESOLUTION:
        return
    # The condition keeps concurrent workers from all writing in the same minute.
    updated = (
        ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True)
        .exclude(last_used_at__gte=now - LAST_USED_RESOLUTION)
        .update(last_used_at=now)
    )
    api_key.last_used_at = now
    if updated:
        _cache_valid(api_key, replace=True)
    else:  # touched by another worker, or revoked meanwhile: let the next request re-read
        _forget(api_key)
