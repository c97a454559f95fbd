"""Receiving addresses and IMAP mailboxes of an organization (admins' settings)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inquiries.email.secrets import password_encrypt
from inquiries.models import ImapMailbox
from notifications.models import ReceivingAddress
from organizations.audit import audit_changes, audit_created, audit_record, model_snapshot
from organizations.models import Organization, User
from organizations.scoping import check_same_org


@transaction.atomic
def receiving_address_add(
    *, org: Organization, actor: User, address: str, is_primary: bool = False
) -> ReceivingAddress:
    address = (address or "").strip()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ValidationError({"address": _("Enter a valid e-mail address.")}) from exc
    if ReceivingAddress.objects.filter(address__iexact=address).exists():
        raise ValidationError({"address": _("This address is already in use.")})
    has_primary = ReceivingAddress.objects.filter(organization=org, is_primary=True).exists()
    if is_primary and has_primary:
        ReceivingAddress.objects.filter(organization=org, is_primary=True).update(is_primary=False)
    try:
        with transaction.atomic():
            row = ReceivingAddress.objects.create(
                organization=org, address=address, is_primary=is_primary or not has_primary
            )
    except IntegrityError as exc:  # taken at the same moment by someone else
        raise ValidationError({"address": _("This address is already in use.")}) from exc
    audit_created(org=org, actor=actor, module=SETTINGS, obj=row, fields=("address", "is_primary"))
    return row


@transaction.atomic
def receiving_address_make_primary(
    *, org: Organization, actor: User, address: ReceivingAddress
) -> None:
    check_same_org(org, address)
    ReceivingAddress.objects.filter(organization=org, is_primary=True).update(is_primary=False)
    ReceivingAddress.objects.filter(pk=address.pk).update(is_primary=True)
    if not address.is_primary:
        audit_record(
            org=org,
            actor=actor,
            module=SETTINGS,
            obj=address,
            action="changed",
            changes={"is_primary": ["No", "Yes"]},
        )


@transaction.atomic
def receiving_address_delete(*, org: Organization, actor: User, address: ReceivingAddress) -> None:
    check_same_org(org, address)
    was_primary = address.is_primary
    audit_record(org=org, actor=actor, module=SETTINGS, obj=address, action="deleted")
    address.delete()
    if was_primary:
        successor = ReceivingAddress.objects.filter(organization=org).order_by("pk").first()
        if successor is not None:
            ReceivingAddress.objects.filter(pk=successor.pk).update(is_primary=True)


IMAP_FIELDS = ("host", "port", "use_ssl", "username", "folder", "is_active")
SETTINGS = "settings"  # the audit trail's module


@transaction.atomic
def imap_mailbox_save(
    *,
    org: Organization,
    actor: User,
    mailbox: ImapMailbox | None = None,
    password: str = "",
    **fields,
) -> ImapMailbox:
    """Create or change a mailbox; an empty password keeps the stored one."""
    if mailbox is None:
        if not password:
            raise ValidationError({"password": _("Enter the mailbox's password.")})
        mailbox = ImapMailbox(organization=org)
    check_same_org(org, mailbox)
    created = mailbox.pk is None
    before = {} if created else model_snapshot(mailbox, IMAP_FIELDS)
    for name in IMAP_FIELDS:
        if name in fields:
            setattr(mailbox, name, fields[name])
    if not (mailbox.host or "").strip() or not (mailbox.username or "").strip():
        raise ValidationError(_("Enter the server and the user name."))
    if password:
        mailbox.password_encrypted = password_encrypt(password)
    duplicate = ImapMailbox.objects.filter(
        organization=org, host=mailbox.host, username=mailbox.username, folder=mailbox.folder
    ).exclude(pk=mailbox.pk)
    if duplicate.exists():
        raise ValidationError(_("This mailbox is already set up."))
    mailbox.save()
    changes = audit_changes(before, mailbox, IMAP_FIELDS)
    if password and not created:
        changes["password"] = ["•••", "•••"]  # changed; never the secret itself
    if created or changes:
        action = "created" if created else "changed"
        audit_record(
            org=org, actor=actor, module=SETTINGS, obj=mailbox, action=action, changes=changes
        )
    return mailbox


@transaction.atomic
def imap_mailbox_delete(*, org: Organization, actor: User, mailbox: ImapMailbox) -> None:
    """Stop polling and forget the mailbox; e-mails already received stay."""
    check_same_org(org, mailbox)
    audit_record(org=org, actor=actor, module=SETTINGS, obj=mailbox, action="deleted")
    mailbox.delete()
