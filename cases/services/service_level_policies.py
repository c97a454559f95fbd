"""Settings → Service levels: creating, changing and deleting an organization's policies.

A policy's targets apply to cases opened afterwards and to cases whose priority, category or
customer changes afterwards; due times already set stay as they are (the case keeps the targets
that applied, see cases/models/service_levels.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cases.models import Case, Category, ServiceLevelPolicy
from customers.models import Customer
from organizations.audit import audit_changes, audit_record, model_snapshot
from organizations.models import Organization, User
from organizations.scoping import check_same_org

NAME_MAX = ServiceLevelPolicy._meta.get_field("name").max_length
# A year of round-the-clock business time: anything longer is a typing mistake.
TARGET_MAX_MINUTES = 365 * 24 * 60
AUDIT_FIELDS = [
    "name",
    "priority",
    "category",
    "customer",
    "first_response_minutes",
    "resolution_minutes",
    "risk_percent",
]


def _check(
    org: Organization,
    policy: ServiceLevelPolicy | None,
    *,
    name: str,
    priority: str,
    category: Category | None,
    customer: Customer | None,
    first_response_minutes: int | None,
    resolution_minutes: int | None,
    risk_percent: int | None,
) -> None:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the service level a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Keep the name under %(max)s characters.") % {"max": NAME_MAX}
    if priority and priority not in Case.Priority.values:
        errors["priority"] = _("Unknown priority.")
    for field, value in (
        ("first_response_minutes", first_response_minutes),
        ("resolution_minutes", resolution_minutes),
    ):
        if value is not None and not 1 <= value <= TARGET_MAX_MINUTES:
            errors[field] = _("Give a time from 1 minute to %(max)s hours.") % {
                "max": TARGET_MAX_MINUTES // 60
            }
    if not first_response_minutes and not resolution_minutes and not errors:
        errors["first_response_minutes"] = _(
            "Give a first-response time, a resolution time or both."
        )
    if (
        first_response_minutes
        and resolution_minutes
        and first_response_minutes > resolution_minutes
    ):
        errors["resolution_minutes"] = _(
            "The resolution time cannot be shorter than the first-response time."
        )
    if risk_percent is not None and not 1 <= risk_percent <= 99:
        errors["risk_percent"] = _("Give a share from 1 to 99 %.")
    if errors:
        raise ValidationError(errors)
    others = ServiceLevelPolicy.objects.filter(organization=org)
    if policy is not None:
        others = others.exclude(pk=policy.pk)
    if others.filter(name__iexact=name).exists():
        errors["name"] = _("Another service level has this name.")
    same_scope = others.filter(priority=priority).filter(
        Q(category=category) if category else Q(category__isnull=True),
        Q(customer=customer) if customer else Q(customer__isnull=True),
    )
    if same_scope.exists():
        errors["__all__"] = _(
            "Another service level already covers this priority, category and customer."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def service_level_policy_save(
    *,
    org: Organization,
    actor: User | None,
    policy: ServiceLevelPolicy | None = None,
    name: str,
    priority: str = "",
    category: Category | None = None,
    customer: Customer | None = None,
    first_response_minutes: int | None = None,
    resolution_minutes: int | None = None,
    risk_percent: int | None = None,
) -> ServiceLevelPolicy:
    """Create (`policy` None) or change a policy. Targets are business minutes; None for no
    target of that kind (at least one is needed); `risk_percent` None uses the organization's
    share."""
    check_same_org(org, policy, category, customer)
    name = " ".join((name or "").split())
    values = {
        "name": name,
        "priority": priority or "",
        "category": category,
        "customer": customer,
        "first_response_minutes": first_response_minutes,
        "resolution_minutes": resolution_minutes,
        "risk_percent": risk_percent,
    }
    _check(org, policy, **values)
    created = policy is None
    if created:
        policy = ServiceLevelPolicy(organization=org)
        before = {}
    else:
        before = model_snapshot(policy, AUDIT_FIELDS)
    for field, value in values.items():
        setattr(policy, field, value)
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as exc:  # the same name or scope saved at the same moment
        raise ValidationError(
            _("Another service level already covers this priority, category and customer.")
        ) from exc
    changes = audit_changes(before, policy, AUDIT_FIELDS)
    if created or changes:
        audit_record(
            org=org,
            actor=actor,
            module="settings",
            obj=policy,
            action="created" if created else "changed",
            changes=changes,
        )
    return policy


@transaction.atomic
def service_level_policy_delete(
    *, org: Organization, actor: User | None, policy: ServiceLevelPolicy
) -> None:
    """Delete a policy. Cases it applied to keep their due times (and the targets they were
    computed from) until their priority, category or customer changes."""
    check_same_org(org, policy)
    audit_record(
        org=org,
        actor=actor,
        module="settings",
        obj=policy,
        action="deleted",
        changes={name: [value, ""] for name, value in model_snapshot(policy, AUDIT_FIELDS).items()},
    )
    policy.delete()
