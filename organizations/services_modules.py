"""Settings → Modules: which modules' pages show their Events tab (seed 002: "to see who did
what and when in a module, the Events tab must be switched on in the module's settings")."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organizations.audit import audit_record, value_text
from organizations.audit_display import EVENTS_TAB_PREFIX
from organizations.models import Organization, User
from organizations.models_audit import EVENT_TAB_DEFAULTS


@transaction.atomic
def organization_event_tabs_set(
    *, org: Organization, actor: User | None, tabs: dict[str, bool]
) -> dict[str, bool]:
    """Switch modules' Events tabs on or off (modules not named keep theirs); the change is
    itself an event (module "settings"). Returns every module's switch after the change."""
    unknown = set(tabs) - set(EVENT_TAB_DEFAULTS)
    if unknown:
        raise ValidationError(_("Unknown module."))
    locked = Organization.objects.select_for_update().get(pk=org.pk)
    before = {module: locked.events_enabled(module) for module in EVENT_TAB_DEFAULTS}
    after = {**before, **{module: bool(value) for module, value in tabs.items()}}
    changes = {
        f"{EVENTS_TAB_PREFIX}{module}": [value_text(before[module]), value_text(after[module])]
        for module in EVENT_TAB_DEFAULTS
        if before[module] != after[module]
    }
    if changes:
        locked.event_tabs = after
        locked.save(update_fields=["event_tabs"])
        org.event_tabs = after
        audit_record(
            org=org,
            actor=actor,
            module="settings",
            obj=org,
            action="changed",
            changes=changes,
            label=org.name,
        )
    return after
