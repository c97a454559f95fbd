"""Writes for saved replies: an organization's canned responses for the reply composer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from notifications.models import SavedReply
from organizations.models import Organization, User

TITLE_MAX = SavedReply._meta.get_field("title").max_length
BODY_MAX = 5000


@transaction.atomic
def saved_reply_save(
    *,
    org: Organization,
    actor: User,
    saved_reply: SavedReply | None = None,
    title: str,
    body: str,
) -> SavedReply:
    """Create (`saved_reply` None) or change one saved reply; titles are unique per
    organization, compared without regard to case."""
    if saved_reply is not None and saved_reply.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    title = " ".join((title or "").split())
    body = (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the saved reply a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %(max)s characters.") % {"max": TITLE_MAX}
    if not body:
        errors["body"] = _("Write the text of the reply.")
    elif len(body) > BODY_MAX:
        errors["body"] = _("Keep the text under %(max)s characters.") % {"max": BODY_MAX}
    if not errors:
        taken = SavedReply.objects.filter(organization=org, title__iexact=title)
        if saved_reply is not None:
            taken = taken.exclude(pk=saved_reply.pk)
        if taken.exists():
            errors["title"] = _("Another saved reply has this title.")
    if errors:
        raise ValidationError(errors)
    if saved_reply is None:
        saved_reply = SavedReply(organization=org)
    saved_reply.title = title
    saved_reply.body = body
    saved_reply.save()
    return saved_reply


@transaction.atomic
def saved_reply_delete(*, org: Organization, actor: User, saved_reply: SavedReply) -> None:
    if saved_reply.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    saved_reply.delete()
