"""Rows that link across organizations: a row of one organization pointing at another's.

For every model with an `organization`, each foreign key to another organization-owned model
must point at a row of the same organization, and each foreign key to a user at a member of it
(any membership, active or not: a member who left still authored what they wrote). Link tables
without an organization of their own (plain many-to-many) must join rows of one organization.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, F, OuterRef

from organizations.models import Membership, User
from tests.tenancy.snapshot import PROJECT_APPS

# User foreign keys that may name someone who is not (yet) a member, and why.
NON_MEMBER_USERS = {
    ("organizations", "invitation", "user"): "the invited person becomes a member on accepting",
    ("organizations", "membership", "user"): "the membership itself",
}


def _has_organization(model) -> bool:
    return any(f.name == "organization" for f in model._meta.concrete_fields)


def _user_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if f.many_to_one and f.related_model is User and f.name != "organization"
    ]


def cross_organization_links() -> list[str]:
    """'table.column: n rows' for every link found across organizations."""
    found: list[str] = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in PROJECT_APPS or not meta.managed:
            continue
        rows = model._base_manager.all()
        fks = [f for f in meta.concrete_fields if f.many_to_one and f.name != "organization"]
        if _has_organization(model):
            for f in fks:
                if _has_organization(f.related_model):
                    bad = rows.filter(**{f"{f.name}__isnull": False}).exclude(
                        **{f"{f.name}__organization_id": F("organization_id")}
                    )
                elif f.related_model is User:
                    if (meta.app_label, meta.model_name, f.name) in NON_MEMBER_USERS:
                        continue
                    member = Membership.objects.filter(
                        user_id=OuterRef(f.attname), organization_id=OuterRef("organization_id")
                    )
                    bad = rows.filter(**{f"{f.name}__isnull": False}).exclude(Exists(member))
                else:
                    continue
                if bad.exists():
                    found.append(f"{meta.db_table}.{f.column}: {bad.count()} rows")
        else:  # a link table of two organization-owned rows (or a row and a user)
            owned = [f for f in fks if _has_organization(f.related_model)]
            users = [f for f in fks if f.related_model is User]
            if len(owned) == 2:
                first, second = owned
                bad = rows.exclude(
                    **{f"{first.name}__organization_id": F(f"{second.name}__organization_id")}
                )
            elif len(owned) == 1 and len(users) == 1:
                member = Membership.objects.filter(
                    user_id=OuterRef(users[0].attname),
                    organization_id=OuterRef(f"{owned[0].name}__organization_id"),
                )
                bad = rows.exclude(Exists(member))
            else:
                continue
            if bad.exists():
                found.append(f"{meta.db_table}: {bad.count()} rows")
    return found
