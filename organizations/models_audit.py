"""The audit trail: who did what and when, in every module, with old and new values.

`AuditEvent` lives in the lowest app so every app can write it (through `organizations.audit`).
Each module's Events tab is switched per organization (`Organization.event_tabs`, read through
`events_enabled`), so checking it costs no query on pages that already have `request.org`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantManager


class AuditModule(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    PROPERTIES = "properties", _("Properties")
    INQUIRIES = "inquiries", _("Inquiries")
    CASES = "cases", _("Cases")
    DEVIATIONS = "deviations", _("Deviations")
    SETTINGS = "settings", _("Settings")


# Modules whose object pages can show an Events tab, with the tab's default when an
# organization has not chosen. Settings has no object pages: its events are on the
# organization-wide events page only.
EVENT_TAB_DEFAULTS: dict[str, bool] = {
    AuditModule.CUSTOMERS: False,
    AuditModule.PROPERTIES: False,
    AuditModule.INQUIRIES: True,
    AuditModule.CASES: True,
    AuditModule.DEVIATIONS: True,
}


class AuditAction(models.TextChoices):
    """The verbs the app writes. `action` is not limited to these (a module may add its own
    verb); an unknown verb is shown as written."""

    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    DELETED = "deleted", _("deleted")
    CONVERTED = "converted", _("converted")
    ASSIGNED = "assigned", _("assigned")
    MERGED = "merged", _("merged")
    INVITED = "invited", _("invited")
    JOINED = "joined", _("joined")
    ACTIVATED = "activated", _("activated")
    DEACTIVATED = "deactivated", _("deactivated")
    REVOKED = "revoked", _("revoked")
    LINKED = "linked", _("linked")
    UNLINKED = "unlinked", _("unlinked")
    COMMENTED = "commented", _("commented")
    SENT = "sent", _("sent")
    RECEIVED = "received", _("received")
    ATTACHED = "attached", _("attached")
    CLOSED = "closed", _("closed")
    REOPENED = "reopened", _("reopened")
    NOTE_ADDED = "note_added", _("added a note")
    TASK_ADDED = "task_added", _("added a task")
    TASK_DONE = "task_done", _("completed a task")
    TIME_LOGGED = "time_logged", _("logged time")
    MESSAGE_REQUESTED = "message_requested", _("message requested")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")
    RESTORED = "restored", _("restored")
    ANONYMISED = "anonymised", _("anonymised")


class AuditEvent(models.Model):
    """One write in one module. Labels are copied at the time (the object, or the actor, may
    be renamed or deleted later); `changes` is {field name: [old, new]} as display text."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Who did it, as text: the user's name then, or "API key 'ERP'", "Resident Kari"; empty
    # for the system.
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    module = models.CharField(_("module"), max_length=16, choices=AuditModule.choices)
    object_type = models.CharField(_("object type"), max_length=64)  # app_label.model_name
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=32)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = TenantManager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "module", "-created_at"], name="audit_org_module_idx"
            ),
            models.Index(
                fields=["organization", "object_type", "object_id", "-created_at"],
                name="audit_org_object_idx",
            ),
            models.Index(
                fields=["organization", "actor", "-created_at"], name="audit_org_actor_idx"
            ),
            models.Index(fields=["organization", "-created_at", "-id"], name="audit_org_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.object_label}: {self.action}"

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action.replace("_", " ")
