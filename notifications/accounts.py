"""Account e-mails through the outbox: an invitation to an organization and a password reset
(organizations/account_email.py decides them; NotificationsConfig.ready registers this sender)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.messages import DEFAULTS, language_for, render, substitute
from notifications.models import OutboundMessage
from notifications.outbox import message_queue
from organizations.account_email import INVITATION, PASSWORD_RESET
from organizations.models import Organization, User
from organizations.tenancy import organization_scope

logger = logging.getLogger(__name__)

Kind = OutboundMessage.Kind
KINDS = {INVITATION: Kind.INVITATION, PASSWORD_RESET: Kind.PASSWORD_RESET}


def _existing_user_invitation(language: str) -> tuple[str, str, str]:
    """The invitation for someone who already has an account: a link to accept or decline it
    (they join only by accepting), not a set-password one."""
    with translation.override(language):
        return (
            str(DEFAULTS[Kind.INVITATION].subject),
            _(
                "Hello {{ recipient_name }},\n\n{{ actor_name }} has invited you to join "
                "{{ organization }} in Saksflyt.\n\nSign in with your existing account to "
                "accept or decline the invitation (it is open for 14 days):\n{{ link }}"
            ),
            "",
        )


def account_email_queue(
    *,
    kind: str,
    org: Organization | None,
    user: User,
    actor: User | None,
    link: str,
    needs_password: bool = True,
) -> None:
    message_kind = KINDS[kind]
    values = {
        "recipient_name": user.get_full_name(),
        "actor_name": actor.get_full_name() if actor else "",
        "link": link,
    }
    if org is None:
        # A user in no organization (a superuser) has no outbox to write to: Django's mail.
        language = user.language or settings.LANGUAGE_CODE
        default = DEFAULTS[message_kind]
        with translation.override(language):
            subject, text = str(default.subject), str(default.text)
        values["organization"] = "Saksflyt"
        allowed = default.placeholders
        send_mail(
            substitute(subject, values, allowed, html=False),
            substitute(text, values, allowed, html=False),
            None,
            [user.email],
        )
        return
    # A password reset comes before any organization is chosen: the e-mail is the
    # organization's, so it is written in that organization's scope.
    with organization_scope(org):
        _queue(org, user, actor, kind, message_kind, values, needs_password)


def _queue(org, user, actor, kind, message_kind, values, needs_password) -> None:
    language = language_for(org, user.language)
    template = None
    if kind == INVITATION and not needs_password:
        template = _existing_user_invitation(language)
    rendered = render(
        org=org, kind=message_kind, language=language, values=values, template=template
    )
    message_queue(
        org=org,
        channel=OutboundMessage.Channel.EMAIL,
        to=user.email,
        to_name=user.get_full_name(),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        kind=message_kind,
        language=language,
        reply_to="",
        automatic=True,
        created_by=actor,
    )
