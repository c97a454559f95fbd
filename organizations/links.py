"""Many-to-many links that carry their organization (issue 10).

Every link between two rows of an organization — a team's members, a case's teams, containers
and tags, a note's mentions, a supplier's users, an intake rule's assignees and teams — is an
explicit through model (`TenantLink`) with a NOT NULL `organization`, unique per
(left, right, organization). On PostgreSQL the database itself refuses a link across
organizations: each side is a composite foreign key `(x_id, organization_id)` to
`x (id, organization_id)`, and a link to a user goes to that user's membership
`(user_id, organization_id)` (`link_keys`, run by the migrations that made the links).

`TenantManyToManyField` keeps Django's many-to-many API: `.add()`, `.set()` and `.create()`
fill the link's organization from the row they are called on (the case, the team, the tag...)
when `through_defaults` names none, so ModelForms' `save_m2m` and the Django admin work
unchanged. Services pass `through_defaults={"organization": org}` explicitly anyway. Adding stays
one INSERT ... ON CONFLICT DO NOTHING, as with Django's own link tables: the only unique
constraint is the link itself, so a conflict can only be a link that is already there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connections, migrations, models, router
from django.db.models.fields.related_descriptors import ManyToManyDescriptor
from django.db.models.utils import resolve_callables
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantManager, all_organizations


class TenantLink(models.Model):
    """Base of the link tables: the organization both linked rows belong to."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    objects = TenantManager()

    class Meta:
        abstract = True


def _with_organization(instance, through_defaults) -> dict:
    defaults = dict(resolve_callables(through_defaults or {}))
    if "organization" not in defaults and "organization_id" not in defaults:
        organization_id = getattr(instance, "organization_id", None)
        if organization_id is not None:
            defaults["organization_id"] = organization_id
    return defaults


def _link_manager(base: type) -> type:
    class TenantLinkManager(base):
        def _add_items(self, source_field_name, target_field_name, *objs, through_defaults=None):
            if not objs:
                return
            defaults = _with_organization(self.instance, through_defaults)
            db = router.db_for_write(self.through, instance=self.instance)
            _, must_send_signals, _ = self._get_add_plan(db, source_field_name)
            if must_send_signals or not connections[db].features.supports_ignore_conflicts:
                super()._add_items(
                    source_field_name, target_field_name, *objs, through_defaults=defaults
                )
                return
            # Django takes this one-query path only for its auto-created link tables: it cannot
            # know that a user-defined one has no other unique constraint. Ours have none.
            source = {f"{source_field_name}_id": self.related_val[0]}
            self.through._default_manager.using(db).bulk_create(
                [
                    self.through(**defaults, **source, **{f"{target_field_name}_id": target_id})
                    for target_id in self._get_target_ids(target_field_name, objs)
                ],
                ignore_conflicts=True,
            )

    return TenantLinkManager


class TenantLinkDescriptor(ManyToManyDescriptor):
    @cached_property
    def related_manager_cls(self):
        return _link_manager(super().related_manager_cls)


class TenantManyToManyField(models.ManyToManyField):
    """A many-to-many field whose `through` model is a `TenantLink`."""

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        setattr(cls, self.name, TenantLinkDescriptor(self.remote_field, reverse=False))

    def contribute_to_related_class(self, cls, related):
        super().contribute_to_related_class(cls, related)
        if not self.remote_field.hidden and not related.related_model._meta.swapped:
            setattr(cls, related.accessor_name, TenantLinkDescriptor(self.remote_field, True))


# --- The database's side (PostgreSQL), used by migrations -------------------------------------

MEMBERSHIP = "organizations_membership"


@dataclass(frozen=True)
class Side:
    """One side of a link table: its column and the table it names a row of. A side naming a
    user (`table=MEMBERSHIP`) references the user's membership in the link's organization."""

    column: str
    table: str

    @property
    def target(self) -> str:
        return "user_id" if self.table == MEMBERSHIP else "id"


def _constraint(link_table: str, side: Side) -> str:
    return f"{link_table}_{side.column}_org_fk"[:63]


def id_organization_unique(table: str) -> str:
    return f"{table}_id_org_uniq"[:63]


def _tenant_unique_sql(table: str) -> str:
    return (
        f"ALTER TABLE {table} ADD CONSTRAINT {id_organization_unique(table)}"
        " UNIQUE (id, organization_id)"
    )


def _link_key_sql(link_table: str, side: Side) -> str:
    # A deleted membership takes the person's links in that organization with it (a member
    # removed in the Django admin); tenant rows are deleted by Django, links first, as before.
    on_delete = " ON DELETE CASCADE" if side.table == MEMBERSHIP else ""
    return (
        f"ALTER TABLE {link_table} ADD CONSTRAINT {_constraint(link_table, side)}"
        f" FOREIGN KEY ({side.column}, organization_id)"
        f" REFERENCES {side.table} ({side.target}, organization_id){on_delete}"
        " DEFERRABLE INITIALLY DEFERRED"
    )


def tenant_uniques(*tables: str) -> migrations.RunPython:
    """UNIQUE (id, organization_id) on tenant tables, for link tables' composite keys to name."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for table in tables:
                schema_editor.execute(_tenant_unique_sql(table))

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for table in tables:
                schema_editor.execute(
                    f"ALTER TABLE {table} DROP CONSTRAINT {id_organization_unique(table)}"
                )

    return migrations.RunPython(forwards, backwards, elidable=False)


def link_keys(link_table: str, sides: Sequence[Side]) -> migrations.RunPython:
    """Composite foreign keys from a link table's sides to rows of the link's organization."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for side in sides:
                schema_editor.execute(_link_key_sql(link_table, side))

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for side in sides:
                schema_editor.execute(
                    f"ALTER TABLE {link_table} DROP CONSTRAINT {_constraint(link_table, side)}"
                )

    return migrations.RunPython(forwards, backwards, elidable=False)


def link_organization_backfill(
    app_label: str, link_model: str, owner_field: str
) -> migrations.RunPython:
    """Fill a link table's new `organization` from the row that owns each link."""

    def forwards(apps, schema_editor):
        link = apps.get_model(app_label, link_model)
        owner = link._meta.get_field(owner_field).related_model
        postgresql = schema_editor.connection.vendor == "postgresql"
        alias = schema_editor.connection.alias
        with all_organizations("a migration fills every organization's links"):
            if postgresql:  # the owner's rows may already be under row-level security
                schema_editor.execute("SELECT set_config('app.all_organizations', 'on', true)")
            owners = owner._base_manager.using(alias)
            link._base_manager.using(alias).update(
                organization_id=models.Subquery(
                    owners.filter(pk=models.OuterRef(f"{owner_field}_id")).values(
                        "organization_id"
                    )[:1]
                )
            )
        if postgresql:
            # Run the foreign key checks the update queued now: the table is altered next, which
            # PostgreSQL refuses while checks are pending in the transaction.
            schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)
