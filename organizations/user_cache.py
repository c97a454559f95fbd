"""Short per-person caches of figures shown on every page (the inbox's tab counts, the bell's
unread count, the saved views' menu counts): one key per organization and user, and one way to
forget them after a write.

Forgetting happens at once and again when the transaction commits: a request that reads in
between would otherwise cache the figures of before the write for the whole lifetime.

The kinds every staff page's frame shows (the bell, the saved views' menu) register with
`frame_kind`; `frame_values` reads all of them in one round trip to the cache the first time a
page asks for one, and keeps them on the request for the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

_FRAME_KINDS: list[str] = []


def user_key(kind: str, org_id: int, user_id: int) -> str:
    return f"{kind}:{org_id}:{user_id}"


def forget_for_users(kind: str, org_id: int, user_ids: Iterable[int | None]) -> None:
    """Drop `kind`'s cached value of each of `user_ids` (None skipped) in organization `org_id`."""
    keys = [user_key(kind, org_id, pk) for pk in {pk for pk in user_ids if pk}]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def frame_kind(kind: str) -> str:
    """Register `kind` as shown in every page's frame (read by `frame_values`)."""
    if kind not in _FRAME_KINDS:
        _FRAME_KINDS.append(kind)
    return kind


def frame_values(request) -> dict[str, Any]:
    """{kind: cached value or None} of every frame kind of the request's organization and
    user: one cache read the first time a page asks, kept on the request. A kind missing from
    the result (not registered yet) is read by its owner as before."""
    found = getattr(request, "_frame_values", None)
    if found is None:
        keys = {user_key(kind, request.org.pk, request.user.pk): kind for kind in _FRAME_KINDS}
        read = cache.get_many(list(keys)) if keys else {}
        found = {kind: read.get(key) for key, kind in keys.items()}
        request._frame_values = found
    return found


def cached_for_user(kind: str, org_id: int, user_id: int, frame: dict | None = None) -> Any:
    """`kind`'s cached value of the user, or None: from `frame` (what `frame_values` read)
    when it holds the kind, else from the cache."""
    if frame is not None and kind in frame:
        return frame[kind]
    return cache.get(user_key(kind, org_id, user_id))
