"""What each app holds about a customer, for the privacy export and erasure (GDPR).

`customers` sits low in the import stack, so it cannot know the tables above it. Each app that
keeps personal data about a customer registers one `Part` in its `AppConfig.ready()`; the privacy
app walks the registry to build an export ZIP or to erase a person, without importing the apps.

    personal_data.register(Part(
        name="portal",
        export=lambda org, customer: {...},          # JSON-serialisable
        files=lambda org, customer: [(arcname, fieldfile), ...],
        erase=lambda org, customer, actor: None,     # scrub or delete; runs inside a transaction
    ))

Every callable gets the organization and must touch only that organization's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models.fields.files import FieldFile


@dataclass(frozen=True)
class Part:
    name: str
    export: Callable[[Any, Any], Any]
    erase: Callable[[Any, Any, Any], None]
    files: Callable[[Any, Any], Iterable[tuple[str, FieldFile]]] = lambda org, customer: ()


_parts: dict[str, Part] = {}


def register(part: Part) -> None:
    _parts[part.name] = part


def parts() -> list[Part]:
    return list(_parts.values())
