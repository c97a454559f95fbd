"""Writes for new inquiries: admins' inquiry forms, and a resident filing an inquiry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cases.models import Category
from inquiries.models import Channel, Inquiry
from inquiries.services.files import MAX_FILES
from inquiries.services.intake import inquiry_receive
from organizations.models import Organization, User
from organizations.scoping import check_same_org
from portal.inquiry.pending import PendingFile, pending_delete, pending_read
from portal.inquiry.selectors import default_form, resident_properties
from portal.inquiry_forms import FIELDS, HIDDEN, MESSAGE_MAX, asked_fields, fields_clean
from portal.models import InquiryForm, ResidentAccount
from properties.models import Property

NAME_MAX = InquiryForm._meta.get_field("name").max_length
INTRO_MAX = 2000


@transaction.atomic
def inquiry_form_save(
    *,
    org: Organization,
    actor: User,
    inquiry_form: InquiryForm | None = None,
    name: str,
    intro: str = "",
    category: Category | None = None,
    fields: Any,
    photo_required: bool = False,
    is_active: bool = True,
) -> InquiryForm:
    """Create (`inquiry_form` None, placed last) or change one of the organization's forms."""
    check_same_org(org, inquiry_form, category)
    name = " ".join((name or "").split())
    intro = (intro or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the form a name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("Keep the name under %(max)s characters.") % {"max": NAME_MAX}]
    if len(intro) > INTRO_MAX:
        errors["intro"] = [
            _("Keep the introduction under %(max)s characters.") % {"max": INTRO_MAX}
        ]
    try:
        fields = fields_clean(fields)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if photo_required and fields["attachments"]["mode"] == HIDDEN:
            errors["photo_required"] = [
                _("A form that requires a photo must ask for photos and documents.")
            ]
    if "name" not in errors:
        taken = InquiryForm.objects.filter(organization=org, name__iexact=name)
        if inquiry_form is not None:
            taken = taken.exclude(pk=inquiry_form.pk)
        if taken.exists():
            errors["name"] = [_("Another inquiry form has this name.")]
    if errors:
        raise ValidationError(errors)
    if inquiry_form is None:
        last = InquiryForm.objects.filter(organization=org).aggregate(last=Max("position"))
        inquiry_form = InquiryForm(organization=org, position=min((last["last"] or 0) + 1, 32000))
    inquiry_form.name = name
    inquiry_form.intro = intro
    inquiry_form.category = category
    inquiry_form.fields = fields
    inquiry_form.photo_required = photo_required
    inquiry_form.is_active = is_active
    inquiry_form.save()
    return inquiry_form


@transaction.atomic
def inquiry_form_set_active(
    *, org: Organization, actor: User, inquiry_form: InquiryForm, active: bool
) -> InquiryForm:
    """Offer the form to residents again, or stop offering it (inquiries already filed stay)."""
    check_same_org(org, inquiry_form)
    inquiry_form.is_active = active
    inquiry_form.save(update_fields=["is_active"])
    return inquiry_form


@transaction.atomic
def inquiry_form_move(
    *, org: Organization, actor: User, inquiry_form: InquiryForm, up: bool
) -> InquiryForm:
    """Move the form one place up or down in the order residents see; positions become
    0, 1, 2... in the current order first, so equal or sparse positions move predictably."""
    check_same_org(org, inquiry_form)
    ordered = list(
        InquiryForm.objects.select_for_update()
        .filter(organization=org)
        .order_by("position", "name", "pk")
    )
    index = next(i for i, f in enumerate(ordered) if f.pk == inquiry_form.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, row in enumerate(ordered):
        row.position = position
    InquiryForm.objects.bulk_update(ordered, ["position"])
    return next(f for f in ordered if f.pk == inquiry_form.pk)


@transaction.atomic
def inquiry_form_create_general(*, org: Organization, actor: User) -> InquiryForm:
    """Save the built-in "General inquiry" as the organization's own form, to be changed; when
    a form of that name exists already, that one is returned."""
    general = default_form(org)
    existing = InquiryForm.objects.filter(organization=org, name__iexact=general.name).first()
    if existing is not None:
        return existing
    return inquiry_form_save(
        org=org, actor=actor, name=general.name, intro=general.intro, fields=general.fields
    )


def _required_errors(
    inquiry_form: InquiryForm, values: dict[str, Any], files: Sequence
) -> dict[str, list[str]]:
    asked = asked_fields(inquiry_form.fields)
    errors: dict[str, list[str]] = {}
    if not (values.get("message") or "").strip():
        errors["message"] = [_("Write what the inquiry is about.")]
    elif len(values["message"]) > MESSAGE_MAX:
        errors["message"] = [_("Keep it under %(max)s characters.") % {"max": MESSAGE_MAX}]
    for name, field in asked.items():
        if not field.required or name == "attachments":
            continue
        if name == "property":
            given = values.get("property") is not None or (values.get("address") or "").strip()
        else:
            given = (values.get(name) or "").strip()
        if not given:
            errors[name] = [_("“%(field)s” is required.") % {"field": field.label}]
    needs_files = "attachments" in asked and asked["attachments"].required
    if needs_files and not files:
        errors["attachments"] = [_("Add at least one photo or document.")]
    if inquiry_form.photo_required and not any(f.is_image for f in files):
        errors.setdefault("attachments", []).append(_("Add at least one photo."))
    if len(files) > MAX_FILES:
        errors.setdefault("attachments", []).append(
            _("Attach at most %(count)s files.") % {"count": MAX_FILES}
        )
    return errors


def portal_inquiry_submit(
    *,
    org: Organization,
    resident: ResidentAccount,
    inquiry_form: InquiryForm,
    values: dict[str, Any],
    files: Iterable[PendingFile],
) -> Inquiry:
    """A signed-in resident files an inquiry through `inquiry_form`: it becomes an inquiry of
    the portal channel with the resident's customer and the chosen home, and the portal intake
    rule decides whether it waits in the tray or becomes a case at once.

    `values`: message, and the asked fields among subject, property (a Property), address,
    location, phone, access. `files`: the resident's kept uploads (`portal.inquiry.pending`),
    deleted once the inquiry holds its own copies. The property must be one of the resident's
    own homes; what the form does not ask is ignored."""
    check_same_org(org, inquiry_form if inquiry_form.pk else None, resident)
    files = list(files)
    asked = asked_fields(inquiry_form.fields)
    values = {
        key: value
        for key, value in values.items()
        if key == "message" or key in asked or (key == "address" and "property" in asked)
    }
    home: Property | None = values.get("property")
    customer = resident.customer
    errors = _required_errors(inquiry_form, values, files)
    if home is not None:
        check_same_org(org, home)
        if home.pk not in {p.pk for p in resident_properties(org, customer)}:
            errors["property"] = [_("Choose one of your own homes, or type the address.")]
    if errors:
        raise ValidationError(errors)
    message = values["message"].strip()
    access = (values.get("access") or "").strip()
    if access:
        message += "\n\n" + _("Access and when to come: %(text)s") % {"text": access}
    category = inquiry_form.category if inquiry_form.category_id else None
    inquiry = inquiry_receive(
        org=org,
        channel=Channel.PORTAL,
        sender_name=customer.name,
        sender_email=resident.email or customer.email,
        sender_phone=(values.get("phone") or "").strip() or customer.phone,
        subject=(values.get("subject") or "").strip(),
        message=message,
        address="" if home is not None else (values.get("address") or ""),
        location=values.get("location") or "",
        category=(category.key or category.name) if category else "",
        attachments=[pending_read(f) for f in files],
        raw_payload={"portal_form": inquiry_form.pk, "portal_form_name": inquiry_form.name},
        customer=customer,
        property=home,
    )
    transaction.on_commit(lambda: pending_delete(files))
    return inquiry


__all__ = [
    "FIELDS",
    "inquiry_form_create_general",
    "inquiry_form_move",
    "inquiry_form_save",
    "inquiry_form_set_active",
    "portal_inquiry_submit",
]
