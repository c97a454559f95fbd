"""The portal's own e-mails (sign-in link, invitation, finishing a registration), through the
outbox like every other message, in the resident's language."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from notifications.messages import language_for, text_to_html
from notifications.models import OutboundMessage
from notifications.outbox import message_queue
from organizations.models import Organization, User
from portal.models import PortalToken

Purpose = PortalToken.Purpose


def _wording(purpose: str, org: Organization, name: str, link: str) -> tuple[str, str]:
    values = {"organization": org.name, "name": name, "link": link}
    greeting = _("Hello %(name)s,") % values if name else _("Hello,")
    if purpose == Purpose.LOGIN:
        subject = _("Your sign-in link for %(organization)s") % values
        body = _(
            "Use this link to sign in to %(organization)s's resident pages. It works once and "
            "for 30 minutes:\n%(link)s\n\nIf you did not ask for it, you can ignore this e-mail."
        )
    elif purpose == Purpose.INVITE:
        subject = _("You are invited to %(organization)s's resident pages") % values
        body = _(
            "%(organization)s has invited you to its resident pages, where you can follow "
            "your cases and send messages and inquiries. Open this link within 7 days to "
            "start:\n%(link)s"
        )
    else:
        subject = _("Finish your registration with %(organization)s") % values
        body = _(
            "Open this link within 24 hours to finish your registration on "
            "%(organization)s's resident pages:\n%(link)s\n\nIf you did not register, you "
            "can ignore this e-mail."
        )
    return subject, f"{greeting}\n\n{body % values}\n\n{_('Kind regards')}\n{org.name}"


def portal_email_queue(
    *,
    org: Organization,
    purpose: str,
    to: str,
    name: str,
    link: str,
    language: str,
    actor: User | None = None,
) -> OutboundMessage:
    """Queue one portal e-mail (written in the caller's transaction, sent after commit)."""
    language = language_for(org, language)
    with translation.override(language):
        subject, text = _wording(purpose, org, name, link)
    kind = (
        OutboundMessage.Kind.INVITATION if purpose == Purpose.INVITE else OutboundMessage.Kind.OTHER
    )
    return message_queue(
        org=org,
        channel=OutboundMessage.Channel.EMAIL,
        to=to,
        to_name=name,
        subject=subject,
        text=text,
        html=text_to_html(text),
        kind=kind,
        language=language,
        reply_to="",
        automatic=True,
        created_by=actor,
    )
