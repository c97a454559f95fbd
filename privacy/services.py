"""A person's data, exported or erased (GDPR), through the registry every app fills
(`customers.personal_data`), and each action written to the privacy log.

Large exports are written as a ZIP to a temporary file (on disk, not in memory: files are copied
in chunks, raw e-mails one at a time) and streamed to the browser from there. Not a Celery task:
one person's data is bounded (their own cases, inquiries and e-mails, each file within the upload
limit), the admin asked for it and waits for it, and a task would have to park the archive of
someone's personal data in shared storage and clean it up later — one more copy to protect.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import unicodedata
import zipfile
from typing import IO, Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import personal_data
from customers.models import ContactRole, Customer
from customers.personal_data_part import identifiers, redact
from organizations.models import Organization, User
from organizations.scoping import check_same_org
from privacy.models import PrivacyLog, RetentionPolicy
from privacy.selectors import exported_count

REASON_MAX = 300
COPY_CHUNK = 1024 * 1024


def _safe_path(name: str) -> str:
    """An archive path that unpacks inside the folder whatever the stored names hold: no
    "..", no absolute paths, no control characters."""
    segments = []
    for segment in re.split(r"[\\/]+", name):
        segment = "".join(ch for ch in segment if unicodedata.category(ch)[0] != "C").strip()
        if segment and segment not in (".", ".."):
            segments.append(segment[:150])
    return "/".join(segments) or "file"


def _write_file(archive: zipfile.ZipFile, arcname: str, source: FieldFile | bytes) -> bool:
    if isinstance(source, bytes | bytearray | memoryview):
        archive.writestr(arcname, bytes(source))
        return True
    if not source or not source.name or not source.storage.exists(source.name):
        return False
    with source.storage.open(source.name, "rb") as stream, archive.open(arcname, "w") as target:
        shutil.copyfileobj(stream, target, COPY_CHUNK)
    return True


def customer_export(*, org: Organization, actor: User | None, customer: Customer) -> IO[bytes]:
    """A ZIP of everything the organization holds about `customer`: `data.json` with every
    registered part's export, and their files under `files/<part>/`. Returned as an open
    temporary file at position 0 (deleted when closed)."""
    check_same_org(org, customer)
    data: dict[str, Any] = {
        "exported_at": timezone.now(),
        "organization": org.name,
        "customer_id": customer.pk,
    }
    counts: dict[str, int] = {}
    target = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 (returned to the caller)
    try:
        # Files are stored as they are (photos and PDFs are compressed already: deflating them
        # took 14 s for 200 MiB and saved nothing); data.json is deflated.
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
            files = 0
            for part in personal_data.parts():
                exported = part.export(org, customer)
                data[part.name] = exported
                counts[part.name] = exported_count(exported)
                for arcname, source in part.files(org, customer):
                    path = f"files/{_safe_path(part.name)}/{_safe_path(arcname)}"
                    files += _write_file(archive, path, source)
            counts["files"] = files
            archive.writestr(
                "data.json",
                json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    except BaseException:
        target.close()
        raise
    PrivacyLog.objects.create(
        organization=org,
        action=PrivacyLog.Action.EXPORT,
        actor=actor,
        customer_id_ref=customer.pk,
        counts=counts,
    )
    target.seek(0)
    return target


def _admin_log_scrub(customer: Customer, role_ids: list[int]) -> None:
    """Django admin's history names the objects it changed: the customer's entries and those
    of their contact roles lose the name (other rows are not searched: the admin history has no
    organization, and must not be rewritten across organizations)."""
    customer_type = ContentType.objects.get_for_model(Customer)
    LogEntry.objects.filter(content_type=customer_type, object_id=str(customer.pk)).update(
        object_repr=_("Anonymised customer #%(id)s") % {"id": customer.pk}, change_message=""
    )
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ContactRole),
        object_id__in=[str(pk) for pk in role_ids],
    ).update(object_repr="", change_message="")


def customer_erase(
    *, org: Organization, actor: User | None, customer: Customer, reason: str
) -> PrivacyLog:
    """Erase `customer`: every registered part removes or scrubs what it holds (the topmost
    apps first and the customers part, which scrubs the row itself, last, so each part still
    sees the person's details), their files are deleted from storage once the transaction has
    committed, and the log row names the customer by id only. The cases stay."""
    check_same_org(org, customer)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the erasure.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("At most %(limit)d characters.") % {"limit": REASON_MAX}}
        )
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.anonymised_at is not None:
            raise ValidationError(_("This customer has already been anonymised."))
        needles = identifiers(customer)
        role_ids = list(customer.contact_roles.values_list("pk", flat=True))
        parts = personal_data.parts()
        counts: dict[str, int] = {}
        names: list[str] = []
        for part in parts:
            counts[part.name] = exported_count(part.export(org, customer))
            for _arcname, source in part.files(org, customer):
                if isinstance(source, FieldFile) and source.name:
                    names.append(source.name)
        counts["files"] = len(names)
        for part in reversed(parts):
            part.erase(org, customer, actor)
        _admin_log_scrub(customer, role_ids)
        entry = PrivacyLog.objects.create(
            organization=org,
            action=PrivacyLog.Action.ERASE,
            actor=actor,
            customer_id_ref=customer.pk,
            reason=redact(reason, needles)[:REASON_MAX],
            counts=counts,
        )
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    return entry


POLICY_FIELDS = ("anonymise_customers_after_months", "raw_email_days", "deleted_inquiry_days")


def retention_policy_save(
    *, org: Organization, actor: User | None, **values: int | None
) -> RetentionPolicy:
    """Set the organization's retention rules (None switches a rule off)."""
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"unknown retention fields: {sorted(unknown)}")
    with transaction.atomic():
        policy, _created = RetentionPolicy.objects.select_for_update().get_or_create(
            organization=org
        )
        for field, value in values.items():
            setattr(policy, field, value)
        policy.updated_by = actor
        policy.full_clean(exclude=["organization"])
        policy.save()
    return policy
