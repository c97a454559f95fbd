"""Revoking an API key: the revocation mark is written once the revoke commits, and a
concurrent authentication cannot leave the key cached as valid after it (issue 9, item 15).

The interleavings run in one thread, in a fixed order, with real commits (transaction=True)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from organizations import services_api_keys as svc
from organizations.models import ApiKey
from organizations.services_api_keys import (
    api_key_cache_keys,
    api_key_create,
    api_key_for_secret,
    api_key_revoke,
    api_key_touch,
)

pytestmark = pytest.mark.django_db(transaction=True)


class Undo(Exception):
    pass


def _key(tenant):
    return api_key_create(org=tenant.org, actor=tenant.admin, name="ERP")


def _revoke(tenant, api_key_id: int) -> None:
    with transaction.atomic():
        api_key_revoke(
            org=tenant.org, actor=tenant.admin, api_key=ApiKey.objects.get(pk=api_key_id)
        )


def test_a_revoke_rolled_back_leaves_the_key_working(tenant):
    api_key, secret = _key(tenant)
    with pytest.raises(Undo), transaction.atomic():
        api_key_revoke(org=tenant.org, actor=tenant.admin, api_key=api_key)
        raise Undo

    assert cache.get(api_key_cache_keys(api_key.hashed_key)[1]) is None
    assert api_key_for_secret(secret) is not None


def test_the_mark_is_written_when_the_revoke_commits(tenant):
    api_key, secret = _key(tenant)
    assert api_key_for_secret(secret) is not None  # now cached as valid
    cached, revoked = api_key_cache_keys(api_key.hashed_key)
    with transaction.atomic():
        api_key_revoke(org=tenant.org, actor=tenant.admin, api_key=api_key)
        assert cache.get(revoked) is None  # not before the commit
    assert cache.get(revoked) is True
    assert cache.get(cached) is None
    assert api_key_for_secret(secret) is None


def test_an_authentication_that_read_the_key_before_the_revoke_cannot_cache_it(tenant, monkeypatch):
    api_key, secret = _key(tenant)
    cached, revoked = api_key_cache_keys(api_key.hashed_key)
    real_objects = ApiKey.objects

    class ReadThenRevoke:
        """ApiKey.objects for the authentication: its read returns the key still active,
        then the revoke commits (mark and delete) before the authentication caches it."""

        def select_related(self, *args):
            return self._Query(real_objects.select_related(*args))

        class _Query:
            def __init__(self, qs):
                self.qs = qs

            def filter(self, **kwargs):
                return type(self)(self.qs.filter(**kwargs))

            def first(self):
                found = self.qs.first()
                _revoke(tenant, api_key.pk)
                return found

    class ApiKeyForTheRead:
        objects = ReadThenRevoke()

    monkeypatch.setattr(svc, "ApiKey", ApiKeyForTheRead)
    assert api_key_for_secret(secret) is not None  # it read the key before the revoke
    monkeypatch.undo()

    assert ApiKey.objects.get(pk=api_key.pk).revoked_at is not None
    assert cache.get(cached) is None  # no copy cached as valid, even once the mark expires
    assert api_key_for_secret(secret) is None
    cache.delete(revoked)  # the mark has expired
    assert api_key_for_secret(secret) is None


def test_a_use_recorded_before_the_revoke_cannot_cache_the_key_after_it(tenant, monkeypatch):
    api_key, secret = _key(tenant)
    cached, revoked = api_key_cache_keys(api_key.hashed_key)
    authenticated = api_key_for_secret(secret)
    real_set = cache.set
    revoked_once: list[bool] = []

    def revoke_then_set(key, value, *args, **kwargs):
        # The use's UPDATE has committed; the revoke commits before the use caches the key.
        if key == cached and not revoked_once:
            revoked_once.append(True)
            _revoke(tenant, api_key.pk)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", revoke_then_set)
    api_key_touch(authenticated)
    monkeypatch.undo()

    assert revoked_once
    assert cache.get(cached) is None
    cache.delete(revoked)  # the mark has expired
    assert api_key_for_secret(secret) is None
