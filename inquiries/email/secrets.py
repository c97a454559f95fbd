"""IMAP passwords encrypted at rest with Fernet, keyed from SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"saksflyt:imap-password:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def password_encrypt(password: str) -> str:
    return _fernet().encrypt(password.encode("utf-8")).decode("ascii")


def password_decrypt(token: str) -> str:
    """The password; "" when the token cannot be read (SECRET_KEY changed): the mailbox then
    fails to sign in and shows that error until an admin enters the password again."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return ""
