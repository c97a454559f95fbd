"""The organization's printing settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from organizations.models import Organization, User
from printing.formats import FORMATS
from printing.models import PrintSettings


def print_settings_save(*, org: Organization, actor: User, label_format: str) -> PrintSettings:
    if label_format not in FORMATS:
        raise ValidationError({"label_format": _("Choose one of the label formats.")})
    row, _created = PrintSettings.objects.update_or_create(
        organization=org, defaults={"label_format": label_format}
    )
    return row
