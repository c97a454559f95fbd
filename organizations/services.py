"""Writes for organizations, members and teams."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import UnidentifiedImageError

from organizations.account_email import (
    INVITATION,
    send_account_email,
    set_password_link,
)
from organizations.audit import audit_changes, audit_record, model_snapshot
from organizations.images import ImageTooLarge, image_size
from organizations.models import Invitation, Membership, Organization, Team, User
from organizations.scoping import check_same_org

logger = logging.getLogger(__name__)

SETTINGS = "settings"  # the audit trail's module for everything on this page


def _audit(
    org: Organization, actor, obj, action: str, changes: dict | None = None, label: str = ""
) -> None:
    if isinstance(obj, Membership) and not label:
        label = str(obj.user)  # not "user @ organization (role)"
    audit_record(
        org=org, actor=actor, module=SETTINGS, obj=obj, action=action, changes=changes, label=label
    )


def _last_admin_guard(org: Organization, membership: Membership) -> None:
    others = (
        Membership.objects.filter(organization=org, role=Membership.Role.ADMIN, is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise ValidationError(_("An organization must keep at least one active administrator."))


def _role_label(role: str) -> str:
    return model_snapshot(Membership(role=role), ["role"])["role"]


def invitation_link(org: Organization, site_url: str | None = None) -> str:
    """Where an invited user accepts or declines (they must sign in as themselves first)."""
    path = reverse("organizations:invitation", kwargs={"org_slug": org.slug})
    return f"{(site_url or settings.SITE_URL).rstrip('/')}{path}"


@transaction.atomic
def member_invite(
    *,
    org: Organization,
    actor: User,
    email: str,
    full_name: str = "",
    role: str,
    site_url: str,
) -> Membership | Invitation:
    """Invite a person to `org` and e-mail them through the outbox.

    Someone without an account gets a user and a membership at once, and a link to choose a
    password (choosing it accepts). Someone who already has an account gets an Invitation they
    must accept while signed in: until then they are no member, and the organization sees only
    the e-mail address, not the name they gave elsewhere. Inviting again renews the invitation.
    """
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role."))
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
        membership = Membership.objects.create(organization=org, user=user, role=role)
        _audit(org, actor, membership, "invited", {"role": ["", _role_label(role)]})
        # The outbox row is written in this transaction and sent after it commits.
        send_account_email(
            kind=INVITATION,
            org=org,
            user=user,
            actor=actor,
            link=set_password_link(user, site_url),
            needs_password=True,
        )
        return membership
    if Membership.objects.filter(organization=org, user=user, is_active=True).exists():
        raise ValidationError(_("%(email)s is already a member.") % {"email": email})
    now = timezone.now()
    invitation, _made = Invitation.objects.update_or_create(
        organization=org,
        user=user,
        defaults={
            "email": email,
            "role": role,
            "invited_by": actor,
            "invited_at": now,
            "expires_at": now + timedelta(days=Invitation.VALID_DAYS),
        },
    )
    _audit(org, actor, invitation, "invited", {"role": ["", _role_label(role)]}, label=email)
    send_account_email(
        kind=INVITATION,
        org=org,
        user=user,
        actor=actor,
        link=invitation_link(org, site_url),
        needs_password=False,
    )
    return invitation


def _own_invitation(user: User, invitation: Invitation) -> Invitation:
    """The invitation, locked, if it is `user`'s; anyone else's is refused."""
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk, user=user).first()
    if locked is None:
        raise ValidationError(_("This invitation is no longer open."))
    return locked


@transaction.atomic
def invitation_accept(*, user: User, invitation: Invitation) -> Membership:
    """`user` accepts their own invitation: the membership becomes active with the invited
    role (a deactivated earlier membership is reactivated) and the invitation is used up."""
    invitation = _own_invitation(user, invitation)
    if invitation.is_expired:
        raise ValidationError(
            _("This invitation has expired. Ask an administrator of %(org)s to invite you again.")
            % {"org": invitation.organization.name}
        )
    membership, made = Membership.objects.get_or_create(
        organization_id=invitation.organization_id, user=user, defaults={"role": invitation.role}
    )
    before = model_snapshot(membership, ["role", "is_active"]) if not made else {}
    if not made:
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    changes = audit_changes(before, membership, ["role", "is_active"] if before else ["role"])
    _audit(invitation.organization, user, membership, "joined", changes)
    invitation.delete()
    return membership


@transaction.atomic
def invitation_decline(*, user: User, invitation: Invitation) -> None:
    """`user` declines their own invitation (an expired one too): it is removed."""
    invitation = _own_invitation(user, invitation)
    _audit(invitation.organization, user, invitation, "declined", label=invitation.email)
    invitation.delete()


@transaction.atomic
def invitation_withdraw(*, org: Organization, actor: User, invitation: Invitation) -> None:
    """An admin of `org` takes back an invitation not yet accepted."""
    check_same_org(org, invitation)
    _audit(org, actor, invitation, "withdrawn", label=invitation.email)
    invitation.delete()


@transaction.atomic
def member_change_role(
    *, org: Organization, actor: User, membership: Membership, role: str
) -> None:
    check_same_org(org, membership)
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role."))
    if membership.role == Membership.Role.ADMIN and role != Membership.Role.ADMIN:
        _last_admin_guard(org, membership)
    before = model_snapshot(membership, ["role"])
    membership.role = role
    membership.save(update_fields=["role"])
    changes = audit_changes(before, membership, ["role"])
    if changes:
        _audit(org, actor, membership, "changed", changes)


@transaction.atomic
def member_set_active(
    *, org: Organization, actor: User, membership: Membership, active: bool
) -> None:
    check_same_org(org, membership)
    if not active and membership.role == Membership.Role.ADMIN:
        _last_admin_guard(org, membership)
    before = model_snapshot(membership, ["is_active"])
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    changes = audit_changes(before, membership, ["is_active"])
    if changes:
        _audit(org, actor, membership, "activated" if active else "deactivated", changes)


def _check_members(org: Organization, members: Iterable[User]) -> list[User]:
    members = list(members)
    ids = {m.pk for m in members}
    valid = set(
        Membership.objects.filter(organization=org, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    if ids - valid:
        raise ValidationError(_("Only members of this organization can join its teams."))
    return members


@transaction.atomic
def team_save(
    *, org: Organization, actor: User, name: str, members: Iterable[User], team: Team | None = None
) -> Team:
    check_same_org(org, team)
    name = name.strip()
    if not name:
        raise ValidationError(_("A team needs a name."))
    clash = Team.objects.filter(organization=org, name__iexact=name)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError(_("A team with this name already exists."))
    members = _check_members(org, members)
    before = model_snapshot(team, ["name", "members"]) if team is not None else {}
    if team is None:
        team = Team.objects.create(organization=org, name=name)
    else:
        team.name = name
        team.save(update_fields=["name"])
    team.members.set(members, through_defaults={"organization": org})
    changes = audit_changes(before, team, ["name", "members"])
    if changes:
        _audit(org, actor, team, "changed" if before else "created", changes)
    return team


@transaction.atomic
def team_delete(*, org: Organization, actor: User, team: Team) -> None:
    check_same_org(org, team)
    _audit(org, actor, team, "deleted", {"name": [team.name, ""]})
    team.delete()


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


NOTIFICATION_PREFERENCES = (
    "notify_mentions_by_email",
    "notify_assignments_by_email",
    "notify_tasks_by_email",
    "notify_service_levels_by_email",
)


@transaction.atomic
def user_set_notification_preferences(*, user: User, **preferences: bool) -> None:
    """Whether mentions, cases and tasks given to `user` also reach them by e-mail (the bell
    always shows them)."""
    unknown = set(preferences) - set(NOTIFICATION_PREFERENCES)
    if unknown:
        raise ValueError(f"unknown preferences: {', '.join(sorted(unknown))}")
    for name, value in preferences.items():
        setattr(user, name, bool(value))
    user.save(update_fields=sorted(preferences))


# --- The organization itself ----------------------------------------------------------------

LOGO_MAX_BYTES = 2 * 1024 * 1024
SIGNATURE_MAX_LENGTH = 2000
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
ORGANIZATION_AUDIT_FIELDS = (
    "name",
    "default_language",
    "time_zone",
    "brand_color",
    "logo",
    "email_signature",
)


def _checked_logo(upload) -> str:
    """The extension for `upload` if it is a PNG, JPEG, GIF or WebP image (by its content, not
    its name) of at most LOGO_MAX_BYTES; ValidationError on `logo` otherwise."""
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            {
                "logo": _("The logo is larger than %(size)s.")
                % {"size": filesizeformat(LOGO_MAX_BYTES)}
            }
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(262))
    upload.seek(0)
    if kind is None or kind.mime not in LOGO_TYPES:
        raise ValidationError({"logo": _("Use a PNG, JPEG, GIF or WebP image for the logo.")})
    try:
        image_size(upload, verify=True)  # refuses a huge image before anything decodes it
    except ImageTooLarge as exc:
        too_big = _("The logo has too many pixels; use a smaller image.")
        raise ValidationError({"logo": too_big}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError({"logo": _("The logo could not be read as an image.")}) from exc
    finally:
        upload.seek(0)
    return LOGO_TYPES[kind.mime]


@transaction.atomic
def organization_update(
    *,
    org: Organization,
    actor: User,
    name: str,
    default_language: str,
    time_zone: str,
    brand_color: str,
    logo=None,
    remove_logo: bool = False,
    email_signature: str | None = None,
) -> Organization:
    """Change the organization's settings. `logo`: a new image upload (replaces the old one),
    or None to keep it; `remove_logo` drops it. A replaced or dropped file is deleted after
    commit; a new one is stored under a generated name and deleted again if saving fails.
    `email_signature` (plain text, None keeps it) ends the e-mails to customers and suppliers."""
    old_logo = org.logo.name
    before = model_snapshot(org, ORGANIZATION_AUDIT_FIELDS)
    old_language = org.default_language
    org.name, org.default_language = name, default_language
    org.time_zone, org.brand_color = time_zone, brand_color
    if email_signature is not None:
        signature = email_signature.replace("\r\n", "\n").strip()
        if len(signature) > SIGNATURE_MAX_LENGTH:
            raise ValidationError(
                {
                    "email_signature": _("The signature can be at most %(max)s characters.")
                    % {"max": SIGNATURE_MAX_LENGTH}
                }
            )
        org.email_signature = signature
    org.full_clean(exclude=["logo", "slug"])
    if logo is not None:
        extension = _checked_logo(logo)
        org.logo.save(f"{org.pk}/{uuid.uuid4().hex}.{extension}", logo, save=False)
        try:
            org.save()
        except Exception:
            org.logo.storage.delete(org.logo.name)
            raise
    else:
        if remove_logo:
            org.logo = ""
        org.save()
    if old_logo and old_logo != org.logo.name:
        transaction.on_commit(lambda: org.logo.storage.delete(old_logo))
    changes = audit_changes(before, org, ORGANIZATION_AUDIT_FIELDS)
    if changes:
        _audit(org, actor, org, "changed", changes)
    if org.default_language != old_language:
        for hook in LANGUAGE_CHANGED_HOOKS:
            transaction.on_commit(lambda hook=hook: hook(org.pk))
    logger.info("Organization %s settings changed by %s", org.slug, actor)
    return org


# Called after commit with the organization's id when its language changed; apps above register
# here (the search rebuilds its stemmed text in the new language: search/apps.py).
LANGUAGE_CHANGED_HOOKS: list[Callable[[int], None]] = []


def register_language_changed(hook: Callable[[int], None]) -> None:
    if hook not in LANGUAGE_CHANGED_HOOKS:
        LANGUAGE_CHANGED_HOOKS.append(hook)
