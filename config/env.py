"""Typed readers for environment variables.

Every setting that comes from the environment passes through one of these, so a bad value stops the
process at start with a message naming the variable instead of surfacing later as odd behaviour.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def is_set(self, name: str) -> bool:
        return bool(self.environ.get(name, "").strip())

    def str(self, name: str, default: str | None = None, *, required: bool = False) -> str:
        value = self.environ.get(name, "").strip()
        if value:
            return value
        if required or default is None:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default

    def bool(self, name: str, default: bool) -> bool:
        raw = self.environ.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a boolean (true/false, 1/0, yes/no, on/off),"
            f" not {raw!r}."
        )

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        raw = self.environ.get(name, "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ImproperlyConfigured(
                f"The environment variable {name} must be a whole number, not {raw!r}."
            ) from None
        if minimum is not None and value < minimum:
            raise ImproperlyConfigured(
                f"The environment variable {name} must be at least {minimum}, not {value}."
            )
        return value

    def list(self, name: str, default: list[str] | None = None) -> list[str]:
        raw = self.environ.get(name, "").strip()
        if not raw:
            return list(default or [])
        return [item.strip() for item in raw.split(",") if item.strip()]

    def url(self, name: str, *, schemes: tuple[str, ...]) -> str | None:
        raw = self.environ.get(name, "").strip()
        if not raw:
            return None
        scheme = raw.split("://", 1)[0] if "://" in raw else ""
        if scheme not in schemes:
            raise ImproperlyConfigured(
                f"The environment variable {name} must be a URL starting with one of"
                f" {', '.join(s + '://' for s in schemes)}, not {raw.split('@')[-1]!r}."
            )
        return raw

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.str(name, default)
        if value not in choices:
            raise ImproperlyConfigured(
                f"The environment variable {name} must be one of {', '.join(choices)},"
                f" not {value!r}."
            )
        return value
