"""Shared by the e-mail test modules (imported there, so the autouse fixture applies)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_email_settings():
    """The e-mail pipeline keeps organizations' addresses and rules a few seconds per process;
    each test starts without them (ids are reused between tests)."""
    from inquiries.email.pipeline import forget_cached_settings

    forget_cached_settings()
