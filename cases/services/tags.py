"""Per-organization tags on cases: added by name (created on the fly), removed, each change with
one "tags changed" event showing the old and the new set."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Tag
from cases.services.events import event_record
from organizations.models import Organization, User

TAG_MAX_LENGTH = 50


def tag_clean_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name or "").strip()
    if not name:
        raise ValidationError({"name": _("Write a tag.")})
    if len(name) > TAG_MAX_LENGTH:
        raise ValidationError(
            {"name": _("A tag can be at most %(max)s characters.") % {"max": TAG_MAX_LENGTH}}
        )
    return name


def tag_get_or_create(*, org: Organization, name: str) -> Tag:
    """The organization's tag with this name, ignoring case; created if there is none."""
    name = tag_clean_name(name)
    tag = Tag.objects.filter(organization=org, name__iexact=name).first()
    if tag is not None:
        return tag
    try:
        with transaction.atomic():
            return Tag.objects.create(organization=org, name=name)
    except IntegrityError:
        # Someone created it in the meantime (the unique index ignores case).
        return Tag.objects.get(organization=org, name__iexact=name)


@transaction.atomic
def case_tag_add(*, org: Organization, actor: User, case: Case, name: str) -> CaseEvent | None:
    """Put the tag called `name` on the case, creating the tag if the organization lacks it."""
    if case.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    tag = tag_get_or_create(org=org, name=name)
    current = list(case.tags.all())
    if any(t.pk == tag.pk for t in current):
        return None
    return _tags_set(org, actor, case, current, [*current, tag])


@transaction.atomic
def case_tag_remove(*, org: Organization, actor: User, case: Case, tag: Tag) -> CaseEvent | None:
    if case.organization_id != org.pk or tag.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    current = list(case.tags.all())
    if all(t.pk != tag.pk for t in current):
        return None
    return _tags_set(org, actor, case, current, [t for t in current if t.pk != tag.pk])


def tag_names(tags: Iterable[Tag]) -> str:
    return ", ".join(sorted((t.name for t in tags), key=str.casefold))


def _tags_set(org, actor, case: Case, old: list[Tag], new: list[Tag]) -> CaseEvent:
    case.tags.set(new, through_defaults={"organization": org})
    case.save(update_fields=["updated_at"])
    return event_record(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.TAGS,
        field="tags",
        old=tag_names(old),
        new=tag_names(new),
        data={"old_ids": sorted(t.pk for t in old), "new_ids": sorted(t.pk for t in new)},
    )
