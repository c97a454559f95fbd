"""Intake rules: which rule a channel follows, round-robin assignment, and settings changes."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cases.models import Case, Category
from customers.models import Customer
from inquiries.models import Channel, IntakeRule
from organizations.audit import audit_changes, audit_record, model_snapshot
from organizations.directory import forget as forget_directory
from organizations.models import Organization, Team, User
from organizations.selectors import staff_members

Group = IntakeRule.ChannelGroup

# API and web form are the "external" group; a phone call typed in by staff follows the same
# settings (seed 002 has no tab of its own for it).
CHANNEL_GROUPS = {
    Channel.API: Group.EXTERNAL,
    Channel.WEB_FORM: Group.EXTERNAL,
    Channel.PHONE: Group.EXTERNAL,
    Channel.PORTAL: Group.PORTAL,
    Channel.EMAIL: Group.EMAIL,
}


def channel_group_for(channel: str) -> str:
    try:
        return CHANNEL_GROUPS[Channel(channel)]
    except ValueError as exc:
        raise ValidationError({"channel": _("Unknown channel.")}) from exc


def _defaults(group: str) -> dict[str, Any]:
    # The model's defaults fit every group; the portal's cases are shown to the resident.
    return {"visible_to_customer_default": group == Group.PORTAL}


def intake_rule_for(org: Organization, channel: str) -> IntakeRule:
    """The rule for `channel` in `org`, created with defaults the first time it is needed."""
    group = channel_group_for(channel)
    rule, _created = IntakeRule.objects.get_or_create(
        organization=org, channel_group=group, defaults=_defaults(group)
    )
    return rule


def _at_once_cache_key(org_id: int, group: str) -> str:
    """Where the rule's current generation is kept; deleting it forgets the cached answer."""
    return f"intake:at-once:{org_id}:{group}"


def _answer_cache_key(org_id: int, group: str, generation: str) -> str:
    return f"{_at_once_cache_key(org_id, group)}:{generation}"


# The shared cache keeps each answer under the rule's current *generation*, a random token that
# saving the rule replaces once the save has committed. A request that read the rule before the
# commit can only store what it read under the generation it saw before that, which nobody asks
# for any more: no stale answer is ever written where later requests look. (Deleting the answer
# instead is not enough: such a request may store the old value after the delete.)
VALUE_SECONDS = 600
GENERATION_SECONDS = 24 * 3600

# This process's copy of the answer, kept for LOCAL_SECONDS: a busy API worker asks Redis once
# a second instead of once per inquiry. Saving a rule clears it here at once; other processes
# follow within LOCAL_SECONDS.
LOCAL_SECONDS = 1.0
_local: dict[tuple[int, str], tuple[float, bool]] = {}
# Rules saved in a transaction of this thread that may not have committed yet: until it ends, a
# read here sees the uncommitted value, which must not be cached (it may yet be rolled back).
_uncommitted = threading.local()


def _saved_in_open_transaction(where: tuple[int, str]) -> bool:
    pending: set[tuple[int, str]] = getattr(_uncommitted, "rules", set())
    if where not in pending:
        return False
    if transaction.get_connection().in_atomic_block:
        return True
    pending.discard(where)  # that transaction has ended (committed or rolled back)
    return False


def _current_generation(org_id: int, group: str) -> str | None:
    key = _at_once_cache_key(org_id, group)
    generation = cache.get(key)
    if generation is None:
        fresh = secrets.token_hex(8)
        generation = fresh if cache.add(key, fresh, GENERATION_SECONDS) else cache.get(key)
    return generation


def creates_case_at_once(org: Organization, channel: str) -> bool:
    """Whether `channel`'s rule turns inquiries into cases at once.

    Asked on every inquiry the API and the web form take in, so the answer is kept in the
    shared cache (and for a second in this process); saving or deleting an IntakeRule (service,
    admin or shell) starts a new generation of it once committed (see `forget_cached_rule`)."""
    group = channel_group_for(channel)
    where = (org.pk, group)
    now = time.monotonic()
    local = _local.get(where)
    if local is not None and local[0] > now:
        return local[1]
    if _saved_in_open_transaction(where):
        # Changed by this thread's open transaction: answer from its own view, and keep that
        # out of the shared cache (it may yet be rolled back).
        cached = intake_rule_for(org, channel).create_case_immediately
    else:
        # The generation is read before the rule: an answer read from before a change is
        # stored under a generation that the change's commit replaces, or has replaced.
        generation = _current_generation(*where)
        key = _answer_cache_key(org.pk, group, generation) if generation else None
        cached = cache.get(key) if key else None
        if cached is None:
            cached = intake_rule_for(org, channel).create_case_immediately
            if key:
                cache.set(key, cached, timeout=VALUE_SECONDS)
    _local[where] = (now + LOCAL_SECONDS, cached)
    return cached


def forget_cached_rule(sender, instance: IntakeRule, **kwargs) -> None:
    """Forget the rule's answer in this process now, and start a new generation of it in the
    shared cache once the change has committed (connected to post_save and post_delete)."""
    where = (instance.organization_id, instance.channel_group)
    _local.pop(where, None)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        if not hasattr(_uncommitted, "rules"):
            _uncommitted.rules = set()
        _uncommitted.rules.add(where)

    def renew() -> None:
        cache.set(_at_once_cache_key(*where), secrets.token_hex(8), GENERATION_SECONDS)
        _local.pop(where, None)
        getattr(_uncommitted, "rules", set()).discard(where)

    transaction.on_commit(renew)


def forget_local_rules() -> None:
    """Empty this process's copies (tests do, between tests, as they empty the cache)."""
    _local.clear()
    getattr(_uncommitted, "rules", set()).clear()


def intake_rule_for_group(org: Organization, group: str) -> IntakeRule:
    if group not in Group.values:
        raise ValidationError({"channel_group": _("Unknown channel.")})
    rule, _created = IntakeRule.objects.get_or_create(
        organization=org, channel_group=group, defaults=_defaults(group)
    )
    return rule


def intake_rules_locked(org: Organization, groups: Iterable[str]) -> dict[str, IntakeRule]:
    """The rules of `groups`, created if missing, locked FOR UPDATE with their assignees
    (still-active staff only, by id) and teams prefetched. A fixed number of queries."""
    groups = sorted(set(groups))
    if not groups:
        return {}

    def fetch() -> dict[str, IntakeRule]:
        rules = (
            IntakeRule.objects.select_for_update(of=("self",))
            .filter(organization=org, channel_group__in=groups)
            .select_related("category")
            .prefetch_related(
                Prefetch("assignees", queryset=staff_members(org).order_by("id")),
                Prefetch("teams", queryset=Team.objects.order_by("name")),
            )
            .order_by("pk")
        )
        return {rule.channel_group: rule for rule in rules}

    rules = fetch()
    missing = [g for g in groups if g not in rules]
    if missing:
        IntakeRule.objects.bulk_create(
            [IntakeRule(organization=org, channel_group=g, **_defaults(g)) for g in missing],
            ignore_conflicts=True,
        )
        rules = fetch()
    return rules


def assignees_take(rule: IntakeRule, count: int) -> list[User | None]:
    """The next `count` assignees of a locked, prefetched rule, advancing its rotation.

    The caller saves `next_assignee_index` (see rotation_save) in the same transaction.
    """
    people = list(rule.assignees.all())
    if not people or count <= 0:
        return [None] * max(count, 0)
    start = rule.next_assignee_index % len(people)
    picked = [people[(start + i) % len(people)] for i in range(count)]
    rule.next_assignee_index = (start + count) % len(people)
    return picked


def assignee_peek(org: Organization, rule: IntakeRule) -> User | None:
    """Who would get the next case, without moving the rotation (for pre-filled forms)."""
    people = list(rule.assignees.filter(pk__in=staff_members(org)).order_by("id"))
    if not people:
        return None
    return people[rule.next_assignee_index % len(people)]


def rotation_save(rules: Iterable[IntakeRule]) -> None:
    for rule in rules:
        rule.save(update_fields=["next_assignee_index"])


@transaction.atomic
def assignee_rotation_advance_if(*, org: Organization, channel: str, user: User | None) -> None:
    """A case made by hand from an inquiry went to `user`: when that was the rule's next
    person, move the rotation on so the following inquiry goes to the one after."""
    if user is None:
        return
    group = channel_group_for(channel)
    rule = intake_rules_locked(org, [group])[group]
    people = list(rule.assignees.all())
    if people and people[rule.next_assignee_index % len(people)].pk == user.pk:
        assignees_take(rule, 1)
        rotation_save([rule])


# --- Settings -------------------------------------------------------------------------------

RULE_FIELDS = (
    "customer_handling",
    "new_customer_kind",
    "deadline_days",
    "category",
    "contact_method",
    "priority",
    "send_confirmation",
    "visible_to_customer_default",
    "allow_self_registration",
    "create_case_immediately",
)


def _validate_rule(org: Organization, values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    choices = {
        "customer_handling": IntakeRule.CustomerHandling.values,
        "new_customer_kind": Customer.Kind.values,
        "contact_method": Case.ContactMethod.values,
        "priority": Case.Priority.values,
    }
    for name, allowed in choices.items():
        if name in values and values[name] not in allowed:
            errors[name] = _("Choose one of the options.")
    days = values.get("deadline_days")
    if days is not None and not 1 <= days <= 14:
        errors["deadline_days"] = _("Choose between 1 and 14 days, or no deadline.")
    category = values.get("category")
    if category is not None and category.organization_id != org.pk:
        errors["category"] = _("That belongs to another organization.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def intake_rule_update(
    *,
    org: Organization,
    actor: User | None,
    rule: IntakeRule,
    assignees: Sequence[User] | None = None,
    teams: Sequence[Team] | None = None,
    **changes: Any,
) -> IntakeRule:
    """Change a rule's settings. Assignees must be active staff, teams the organization's."""
    if rule.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"intake_rule_update got unknown fields: {sorted(unknown)}")
    _validate_rule(org, changes)
    if assignees is not None:
        ids = {u.pk for u in assignees}
        if ids - set(staff_members(org).filter(pk__in=ids).values_list("pk", flat=True)):
            raise ValidationError(
                {"assignees": _("Cases can only be given to staff of this organization.")}
            )
    if teams is not None and any(t.organization_id != org.pk for t in teams):
        raise ValidationError({"teams": _("That belongs to another organization.")})
    changed = [name for name, value in changes.items() if getattr(rule, name) != value]
    watched = [
        *changed,
        *(["assignees"] if assignees is not None else []),
        *(["teams"] if teams is not None else []),
    ]
    snapshot = model_snapshot(rule, watched)
    for name in changed:
        setattr(rule, name, changes[name])
    if changed:
        rule.save(update_fields=changed)
    if assignees is not None:
        before = set(rule.assignees.values_list("pk", flat=True))
        if before != {u.pk for u in assignees}:
            rule.assignees.set(assignees, through_defaults={"organization": org})
            rule.next_assignee_index = 0
            rule.save(update_fields=["next_assignee_index"])
    if teams is not None:
        rule.teams.set(teams, through_defaults={"organization": org})
    diff = audit_changes(snapshot, rule, watched)
    if diff:
        audit_record(
            org=org, actor=actor, module="settings", obj=rule, action="changed", changes=diff
        )
    return rule


@transaction.atomic
def bulk_category_set(*, org: Organization, actor: User | None, category: Category) -> Category:
    """Make `category` the one used when inquiries are turned into cases in bulk."""
    if category.organization_id != org.pk:
        raise ValidationError({"category": _("That belongs to another organization.")})
    if not category.is_active:
        raise ValidationError({"category": _("Choose an active case type.")})
    Category.objects.filter(organization=org, is_bulk_default=True).exclude(pk=category.pk).update(
        is_bulk_default=False
    )
    forget_directory([org.pk], "categories")  # update() sends no post_save
    if not category.is_bulk_default:
        category.is_bulk_default = True
        category.save(update_fields=["is_bulk_default"])
        audit_record(
            org=org,
            actor=actor,
            module="settings",
            obj=category,
            action="changed",
            changes={"is_bulk_default": ["No", "Yes"]},
        )
    return category
