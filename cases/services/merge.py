"""Merging two cases of the same customer: everything on one case moves to the other.

The merged case keeps its number and row (links, e-mails and the audit trail name it): it is
closed, points to the survivor (`Case.merged_into`), its page redirects there and replies to
its messages land there (`cases.services.inbound`). What moves is found from the model graph —
every table with a foreign key to the case, those of apps above `cases` too (inquiries, their
e-mails) — so a table added later moves without this module knowing it. The audit trail is not
rewritten: its rows about the merged case stay about it, and both cases get a history entry
(with its audit row) naming the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.utils.translation import gettext as _

from cases.models import Case, CaseContainer, CaseEvent, CaseTag, CaseTeam, Task
from cases.services.cases import case_change
from cases.services.events import event_record
from organizations.models import Organization, User
from organizations.scoping import check_same_org

# Link tables: the survivor gets the links it lacks, the merged case's are removed.
LINKS: dict[type[models.Model], str] = {
    CaseTeam: "team",
    CaseTag: "tag",
    CaseContainer: "container",
}


@dataclass
class MergePreview:
    """What a merge would move, for the confirmation page: (label, count) per kind of row,
    and the links (tags, teams, containers) the survivor would gain."""

    merged: Case
    survivor: Case
    moves: list[tuple[str, int]] = field(default_factory=list)
    open_tasks: int = 0

    @property
    def total(self) -> int:
        return sum(count for _label, count in self.moves)


def _label(meta, count: int) -> str:
    return str(meta.verbose_name if count == 1 else meta.verbose_name_plural)


def _relations() -> list[ForeignObjectRel]:
    """Every foreign key (and one-to-one) pointing at Case from another table, hidden ones
    included (InboundEmail.case has no reverse name), except the link tables and
    `merged_into`, which are handled on their own."""
    return [
        rel
        for rel in Case._meta.get_fields(include_hidden=True)
        if isinstance(rel, ForeignObjectRel)
        and not rel.many_to_many
        and rel.related_model not in LINKS
        and rel.related_model is not Case
    ]


def merge_check(*, org: Organization, merged: Case, survivor: Case) -> None:
    """Refuse what may not be merged, with a message a caseworker understands."""
    check_same_org(org, merged, survivor)
    if merged.pk == survivor.pk:
        raise ValidationError(_("A case cannot be merged into itself."), code="same")
    if merged.merged_into_id is not None:
        raise ValidationError(_("This case was already merged into another."), code="merged")
    if survivor.merged_into_id is not None:
        raise ValidationError(
            _("Case #%(number)s was merged into another case; choose that one.")
            % {"number": survivor.number},
            code="merged",
        )
    if merged.customer_id is None or merged.customer_id != survivor.customer_id:
        raise ValidationError(_("Only cases of the same customer can be merged."), code="customer")


def merge_candidates(org: Organization, case: Case, limit: int = 50) -> list[Case]:
    """Cases `case` may be merged into: the same customer's, not merged, newest first."""
    if case.customer_id is None:
        return []
    return list(
        Case.objects.filter(
            organization=org, customer_id=case.customer_id, merged_into__isnull=True
        )
        .exclude(pk=case.pk)
        .only("id", "organization_id", "number", "title", "status", "created_at")
        .order_by("-created_at", "-id")[:limit]
    )


def merge_preview(*, org: Organization, merged: Case, survivor: Case) -> MergePreview:
    """Check the merge and count what would move (one query per related table)."""
    merge_check(org=org, merged=merged, survivor=survivor)
    preview = MergePreview(merged=merged, survivor=survivor)
    for rel in _relations():
        manager = rel.related_model._default_manager
        count = manager.filter(**{rel.field.name: merged}).count()
        if count:
            preview.moves.append((_label(rel.related_model._meta, count), count))
    for model, other in LINKS.items():
        count = model.objects.filter(case=merged).count()
        if count:
            linked = Case._meta.get_field(f"{other}s").related_model._meta
            preview.moves.append((_label(linked, count), count))
    preview.open_tasks = Task.objects.filter(case=merged, status=Task.Status.OPEN).count()
    return preview


@transaction.atomic
def case_merge(*, org: Organization, actor: User | None, merged: Case, survivor: Case) -> Case:
    """Move everything on `merged` to `survivor`, close `merged` and point it there.

    Both rows are locked (in id order, so two merges of the same pair cannot deadlock) and
    checked again under the lock. Returns the survivor.
    """
    check_same_org(org, merged, survivor)
    locked = {
        c.pk: c
        for c in Case.objects.select_for_update(of=("self",))
        .filter(organization=org, pk__in=[merged.pk, survivor.pk])
        .order_by("pk")
    }
    merged, survivor = locked.get(merged.pk, merged), locked.get(survivor.pk, survivor)
    merge_check(org=org, merged=merged, survivor=survivor)
    was_open = merged.is_open

    moved: dict[str, int] = {}
    for rel in _relations():
        manager = rel.related_model._default_manager
        rows = manager.filter(**{rel.field.name: merged})
        # One per case (an inquiry): it moves only if the survivor has none; otherwise it
        # stays with the merged case, whose page leads to the survivor.
        if rel.one_to_one and manager.filter(**{rel.field.name: survivor}).exists():
            continue
        count = rows.update(**{rel.field.name: survivor})
        if count:
            label = str(rel.related_model._meta.verbose_name_plural)
            moved[label] = moved.get(label, 0) + count
    for model, other in LINKS.items():
        ids = list(model.objects.filter(case=merged).values_list(f"{other}_id", flat=True))
        if ids:
            model.objects.bulk_create(
                [model(organization=org, case=survivor, **{f"{other}_id": i}) for i in ids],
                ignore_conflicts=True,
            )
            model.objects.filter(case=merged).delete()
            label = str(Case._meta.get_field(f"{other}s").verbose_name)
            moved[label] = len(ids)
    # Cases merged into this one before now point to the survivor: no chains to follow.
    Case.objects.filter(organization=org, merged_into=merged).update(merged_into=survivor)

    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])
    if merged.is_open:
        case_change(org=org, actor=actor, case=merged, status=Case.Status.CLOSED)
    if was_open and not survivor.is_open:
        # The merged case's open work continues on the survivor.
        case_change(org=org, actor=actor, case=survivor, status=Case.Status.IN_PROGRESS)
    if merged.visible_to_customer and not survivor.visible_to_customer:
        # The resident saw the merged case's messages in the portal; they still see them.
        case_change(org=org, actor=actor, case=survivor, visible_to_customer=True)
    event_record(
        case=merged,
        actor=actor,
        kind=CaseEvent.Kind.MERGED,
        old=merged.number,
        new=survivor.number,
        data={"direction": "into", "other": survivor.number},
    )
    event_record(
        case=survivor,
        actor=actor,
        kind=CaseEvent.Kind.MERGED,
        old=merged.number,
        new=survivor.number,
        data={"direction": "from", "other": merged.number, "moved": moved},
    )
    survivor.save(update_fields=["updated_at"])
    return survivor
