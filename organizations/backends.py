"""Signing in and the signed-in user of each request."""

from __future__ import annotations

from django.contrib.auth import backends, get_user_model

from organizations.compiled import compiled_list


def _user(user_id: int):
    return get_user_model()._default_manager.filter(pk=user_id)


class ModelBackend(backends.ModelBackend):
    """Django's, with the per-request read of the signed-in user compiled once
    (organizations/compiled.py): every page pays for that read."""

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        found = compiled_list("signed-in user", _user, user_id, scoped=False)
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
