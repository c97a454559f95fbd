"""The organization's reference lists behind every list page's pickers and filters: its staff,
categories, teams, suppliers and tags. Each list page read all five (the inbox two) on every
request; they change a few times a week. So each is cached per organization and forgotten
whenever one of its rows is saved or deleted (signals below, wired in OrganizationsConfig.ready)
or changed in bulk (`forget`, called by the services that bypass the signals).

Forgetting happens at once and again when the transaction commits (as organizations/user_cache.py
does), and entries expire after TTL seconds whatever happens, so a change made outside the
application (a database console) shows within that time. The key carries a fingerprint of the
models' fields: after a deployment that changes them, the old pickles are never read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

TTL = 300
KINDS = ("staff", "categories", "teams", "suppliers", "tags")

_fingerprint = ""


def _key(kind: str, org_id: int) -> str:
    return f"directory:{_fingerprint}:{kind}:{org_id}"


def directory_list(org, kind: str, read: Callable[[object], Iterable]) -> list:
    """List `kind` of `org` from the cache, or `read(org)` from the database and kept."""
    key = _key(kind, org.pk)
    rows = cache.get(key)
    if rows is None:
        rows = list(read(org))
        cache.set(key, rows, TTL)
    return rows


def forget(org_ids: Iterable[int], *kinds: str) -> None:
    """Drop the cached lists `kinds` of organizations `org_ids`, now and after the commit."""
    keys = [_key(kind, org_id) for org_id in set(org_ids) if org_id for kind in kinds]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _on_change(kind: str):
    def handler(sender, instance, **kwargs):
        forget([instance.organization_id], kind)

    return handler


def _on_user_change(sender, instance, **kwargs):
    """A user's name, address or active flag shows in the staff list of each organization."""
    from organizations.models import Membership
    from organizations.tenancy import all_organizations

    with all_organizations("the organizations whose staff list shows this user"):
        org_ids = list(
            Membership.objects.filter(user_id=instance.pk).values_list("organization_id", flat=True)
        )
    forget(org_ids, "staff")


def connect() -> None:
    """Wire the signals and fix the key's fingerprint (OrganizationsConfig.ready)."""
    global _fingerprint
    from cases.models import Category, Tag
    from customers.models import Supplier
    from organizations.models import Membership, Team, User

    models = {"categories": Category, "tags": Tag, "suppliers": Supplier, "teams": Team}
    models["staff"] = Membership
    for kind, model in models.items():
        for signal in (post_save, post_delete):
            signal.connect(_on_change(kind), sender=model, weak=False, dispatch_uid=f"dir-{kind}")
    for signal in (post_save, post_delete):
        signal.connect(_on_user_change, sender=User, weak=False, dispatch_uid="dir-user")
    fields = ";".join(
        f"{model._meta.label}:{','.join(f.attname for f in model._meta.concrete_fields)}"
        for model in (*models.values(), User)
    )
    _fingerprint = hashlib.sha1(fields.encode()).hexdigest()[:10]
