"""Account e-mails — an invitation, a password reset — are decided here and sent through the
notifications app's outbox. notifications sits above organizations in the import stack, so it
hands its sender over when it starts (NotificationsConfig.ready) instead of being imported.

Links start at settings.SITE_URL, never at the Host header of the request that caused them (a
forged Host would otherwise put an attacker's domain in front of a valid reset token).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from organizations.models import Organization, User

INVITATION = "invitation"
PASSWORD_RESET = "password_reset"


class AccountEmailSender(Protocol):
    def __call__(
        self,
        *,
        kind: str,
        org: Organization | None,
        user: User,
        actor: User | None,
        link: str,
        needs_password: bool,
    ) -> None: ...


_sender: Callable[..., None] | None = None


def register_account_email_sender(sender: AccountEmailSender) -> None:
    global _sender
    _sender = sender


def set_password_link(user: User, site_url: str | None = None) -> str:
    """A link that lets `user` choose a password (Django's reset token: it works once, for
    PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{(site_url or settings.SITE_URL).rstrip('/')}{path}"


def sign_in_link(site_url: str | None = None) -> str:
    return f"{(site_url or settings.SITE_URL).rstrip('/')}{reverse('login')}"


def send_account_email(
    *,
    kind: str,
    org: Organization | None,
    user: User,
    actor: User | None = None,
    link: str,
    needs_password: bool = True,
) -> None:
    """Queue one account e-mail in the caller's transaction (sent after commit). `org` is the
    organization it comes from; None only for a user who belongs to none (a superuser)."""
    if _sender is None:
        raise ImproperlyConfigured("No account e-mail sender: is 'notifications' installed?")
    _sender(kind=kind, org=org, user=user, actor=actor, link=link, needs_password=needs_password)


def home_organization(user: User) -> Organization | None:
    """The organization a password reset e-mail comes from: the user's first active one, in
    the order the landing page uses."""
    from organizations.selectors import user_memberships

    memberships = user_memberships(user)
    return memberships[0].organization if memberships else None
