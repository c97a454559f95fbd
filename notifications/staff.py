"""Staff notifications: every notice reaches the bell; members who chose it also get an e-mail
(settings → my notifications). And the e-mail a supplier gets when a case or a task is handed
to them.

Callers (the cases app) say who, what and where; the wording of the e-mail is the message
template of the kind in the recipient's language, so notifications still knows nothing about
cases. E-mails go through the outbox in the caller's transaction: a rolled-back change sends
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

from customers.models import Supplier, SupplierUser
from notifications.messages import language_for, render, template_for
from notifications.models import Notification, OutboundMessage
from notifications.outbox import message_queue_many
from notifications.selectors import forget_unread_counts
from organizations.models import Membership, Organization, User

Email = OutboundMessage.Kind

# Which e-mail each in-app kind sends, and the member's choice that allows it.
EMAIL_KIND = {
    Notification.Kind.MENTION: Email.MENTION,
    Notification.Kind.ASSIGNED: Email.ASSIGNED,
    Notification.Kind.TASK: Email.TASK_ASSIGNED,
    Notification.Kind.SERVICE_LEVEL: Email.SERVICE_LEVEL,
    Notification.Kind.TASK_DONE: Email.TASK_DONE,
}
PREFERENCE = {
    Notification.Kind.MENTION: "notify_mentions_by_email",
    Notification.Kind.ASSIGNED: "notify_assignments_by_email",
    Notification.Kind.TASK: "notify_tasks_by_email",
    Notification.Kind.SERVICE_LEVEL: "notify_service_levels_by_email",
    Notification.Kind.TASK_DONE: "notify_tasks_by_email",  # tasks given and tasks done
}


def absolute_url(path: str) -> str:
    """Links in e-mails start at settings.SITE_URL, never at the Host of some request."""
    return f"{settings.SITE_URL}{path}" if path.startswith("/") else path


def wants_email(user: User, kind: str) -> bool:
    name = PREFERENCE.get(kind)
    return bool(name and user.email and user.is_active and getattr(user, name, False))


@dataclass
class StaffNotice:
    """One notice to one member. `text` is called with the recipient's language active (the
    bell's text is stored, so it is written in their language, not the actor's)."""

    recipient: User
    kind: str
    text: Callable[[], str]
    url: str = ""
    email_values: Mapping[str, str] = field(default_factory=dict)


class _Templates:
    """Message templates read once per (kind, language) for a batch of notices."""

    def __init__(self, org: Organization):
        self.org = org
        self.cache: dict[tuple[str, str], tuple[str, str, str]] = {}

    def get(self, kind: str, language: str) -> tuple[str, str, str]:
        key = (kind, language)
        if key not in self.cache:
            self.cache[key] = template_for(self.org, kind, language)
        return self.cache[key]


def notify_staff_many(
    *, org: Organization, actor: User | None, notices: Iterable[StaffNotice]
) -> list[Notification]:
    """Bell rows for all `notices` in one insert, and the e-mails their recipients asked for
    in one outbox insert. Nobody is notified of their own action."""
    rows: list[Notification] = []
    emails: list[dict] = []
    templates = _Templates(org)
    for notice in notices:
        user = notice.recipient
        if actor is not None and user.pk == actor.pk:
            continue
        language = language_for(org, user.language)
        with translation.override(language):
            text = str(notice.text())
        rows.append(
            Notification(
                organization=org,
                recipient=user,
                actor=actor,
                kind=notice.kind,
                text=text[:300],
                url=notice.url[:300],
            )
        )
        if wants_email(user, notice.kind):
            emails.append(
                _email(
                    org,
                    actor,
                    to=user,
                    kind=EMAIL_KIND[notice.kind],
                    language=language,
                    values={
                        **notice.email_values,
                        "link": absolute_url(notice.url),
                        "recipient_name": user.get_full_name(),
                    },
                    templates=templates,
                )
            )
    Notification.objects.bulk_create(rows)
    forget_unread_counts(org.pk, [row.recipient_id for row in rows])
    message_queue_many(emails)
    return rows


def notify_staff(
    *,
    org: Organization,
    actor: User | None,
    recipients: Iterable[User],
    kind: str,
    text: Callable[[], str],
    url: str = "",
    email_values: Mapping[str, str] | None = None,
) -> list[Notification]:
    """The same notice to several members (a note's mentions, a supplier's users)."""
    seen: set[int] = set()
    notices = []
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        notices.append(StaffNotice(user, kind, text, url, email_values or {}))
    return notify_staff_many(org=org, actor=actor, notices=notices)


def _email(
    org: Organization,
    actor: User | None,
    *,
    to: User | None = None,
    address: str = "",
    name: str = "",
    kind: str,
    language: str,
    values: Mapping[str, str],
    templates: _Templates,
) -> dict:
    values = {"actor_name": actor.get_full_name() if actor else org.name, **values}
    rendered = render(
        org=org,
        kind=kind,
        language=language,
        values=values,
        template=templates.get(kind, language),
    )
    return {
        "org": org,
        "channel": OutboundMessage.Channel.EMAIL,
        "to": to.email if to is not None else address,
        "to_name": to.get_full_name() if to is not None else name,
        "subject": rendered.subject,
        "text": rendered.text,
        "html": rendered.html,
        "kind": kind,
        "language": language,
        "automatic": True,
        "created_by": actor,
    }


def supplier_users(org: Organization, supplier: Supplier) -> list[User]:
    """The supplier's people who may sign in to `org`: active users with an active supplier
    membership."""
    return supplier_users_by_supplier(org, [supplier.pk]).get(supplier.pk, [])


def supplier_users_by_supplier(org: Organization, supplier_ids) -> dict[int, list[User]]:
    """supplier_users of several suppliers in one query: {supplier id: users}."""
    links = (
        SupplierUser.objects.filter(
            organization=org,
            supplier_id__in=set(supplier_ids),
            user__is_active=True,
            user__memberships__organization=org,
            user__memberships__is_active=True,
            user__memberships__role=Membership.Role.SUPPLIER,
        )
        .select_related("user")
        .distinct()
    )
    found: dict[int, list[User]] = {}
    for link in links:
        found.setdefault(link.supplier_id, []).append(link.user)
    return found


def supplier_email(
    *,
    org: Organization,
    actor: User | None,
    supplier: Supplier,
    values: Mapping[str, str],
    kind: str = Email.SUPPLIER_HANDOVER,
    users: Iterable[User] | None = None,
    skip_addresses: Iterable[str] = (),
) -> list[OutboundMessage]:
    """E-mail a supplier that work was handed to them: to the supplier's own address in the
    organization's language, and to each of `users` (default: the supplier's users) who keeps
    case e-mails on, in their language. An address is written to once; `skip_addresses` were
    told already."""
    if supplier.organization_id != org.pk:
        raise ValueError("supplier of another organization")
    templates = _Templates(org)
    emails: list[dict] = []
    written = {a.lower() for a in skip_addresses}
    base = {"supplier_name": supplier.name, **values}
    if supplier.email and supplier.email.lower() not in written:
        written.add(supplier.email.lower())
        emails.append(
            _email(
                org,
                actor,
                address=supplier.email,
                name=supplier.name,
                kind=kind,
                language=org.default_language,
                values={**base, "recipient_name": supplier.name},
                templates=templates,
            )
        )
    for user in supplier_users(org, supplier) if users is None else users:
        if user.email.lower() in written or not wants_email(user, Notification.Kind.ASSIGNED):
            continue
        written.add(user.email.lower())
        emails.append(
            _email(
                org,
                actor,
                to=user,
                kind=kind,
                language=language_for(org, user.language),
                values={**base, "recipient_name": user.get_full_name()},
                templates=templates,
            )
        )
    return message_queue_many(emails)
