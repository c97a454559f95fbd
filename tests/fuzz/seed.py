"""The organization the form fuzz walks: the demo data plus the rows the demo leaves out."""

from __future__ import annotations

import io
from datetime import timedelta

from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cases.models import Case, ServiceLevelPolicy
from cases.services.messages import Outgoing, case_message_send
from cases.services.service_level_policies import service_level_policy_save
from customers.models import ContactRole
from inquiries.models import Inquiry, InquiryAttachment, IntakeRule
from inquiries.models_email import InboundEmail
from inquiries.services.email_settings import imap_mailbox_save
from notifications.models import Notification
from organizations.calendar import closed_day_add
from organizations.models import Invitation, Membership, Organization
from organizations.services_api_keys import api_key_create
from properties.models import Property
from tests.factories.properties import ContainerFactory
from tests.fuzz.pages import Seeded

ORG_SLUG = "nordbygg"


def _member(org: Organization, role: str):
    return Membership.objects.filter(organization=org, role=role).order_by("pk").first().user


def _resident(org: Organization, case: Case):
    """A portal account for the open case's customer, when the portal exists."""
    if not apps.is_installed("portal") or case.customer is None:
        return None
    model = apps.get_model("portal", "ResidentAccount")
    account, _made = model.objects.get_or_create(
        organization=org,
        customer=case.customer,
        defaults={"email": case.customer.email or "resident@example.com"},
    )
    return account


def _other_apps(org: Organization, admin) -> None:
    """Rows of apps whose demo data does not have them yet (the portal's inquiry forms, print
    jobs): looked up by model, so this file needs no change when they arrive or move."""
    if apps.is_installed("portal"):
        model = apps.get_model("portal", "InquiryForm")
        if not model.objects.filter(organization=org).exists():
            model.objects.create(organization=org, name="Fuzz form")
    if apps.is_installed("printing"):
        model = apps.get_model("printing", "PrintJob")
        if not model.objects.filter(organization=org).exists():
            model.objects.create(organization=org, kind="case", requested_by=admin)
    if apps.is_installed("reports"):
        model = apps.get_model("reports", "ExportJob")
        if not model.objects.filter(organization=org).exists():
            model.objects.create(organization=org, requested_by=admin, format="csv")
        model = apps.get_model("reports", "SavedView")
        if not model.objects.filter(organization=org).exists():
            model.objects.create(organization=org, owner=admin, name="Fuzz", query="status=open")


def _first_pk(app: str, model_name: str, org: Organization) -> list[str]:
    """The first row of a model of an app that may not be installed, as a URL value."""
    if not apps.is_installed(app):
        return []
    model = apps.get_model(app, model_name)
    row = model.objects.filter(organization=org).order_by("pk").first()
    return [str(row.pk)] if row else []


def seed() -> Seeded:
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    org = Organization.objects.get(slug=ORG_SLUG)
    admin = _member(org, "admin")
    open_case = max(
        Case.objects.filter(organization=org).exclude(status="closed"),
        key=lambda c: (c.tasks.count() + c.attachments.count() + c.tags.count(), -c.number),
    )
    closed_case = Case.objects.filter(organization=org, status="closed").first()

    prop = Property.objects.filter(organization=org).order_by("pk").first()
    if not prop.containers.exists():
        ContainerFactory(property=prop)
    other_user = Membership.objects.exclude(organization=org).first().user
    Invitation.objects.get_or_create(
        organization=org,
        user=other_user,
        defaults={"email": other_user.email, "expires_at": timezone.now() + timedelta(days=7)},
    )
    api_key_create(org=org, actor=admin, name="Fuzz")
    imap_mailbox_save(
        org=org, actor=admin, host="imap.example.com", username="post", password="secret"
    )
    email = InboundEmail.objects.create(
        organization=org,
        source=InboundEmail.Source.FILE,
        message_id="<fuzz@example.com>",
        raw=b"Subject: Fuzz\r\n\r\nBody",
        status=InboundEmail.Status.FAILED,
        error="could not be read",
    )
    inquiry = Inquiry.objects.filter(organization=org, status="new").order_by("pk").first()
    attachment = InquiryAttachment(
        organization=org,
        inquiry=inquiry,
        stored_name="fuzz-note.txt",
        original_name="note.txt",
        content_type="text/plain",
        size=4,
    )
    attachment.file.save("note.txt", ContentFile(b"note"), save=False)
    attachment.save()
    case_message_send(
        org=org,
        actor=admin,
        case=open_case,
        kind="forward",
        message=Outgoing(text="Can you look at this?", email="fuzz@example.com"),
    )
    _other_apps(org, admin)
    notification = Notification.objects.filter(organization=org, recipient=admin).first()
    closed_day = closed_day_add(
        org=org, actor=admin, date=timezone.localdate() + timedelta(days=40), label="Staff day"
    )
    policy = ServiceLevelPolicy.objects.filter(organization=org).first() or (
        service_level_policy_save(
            org=org, actor=admin, name="Fuzz", first_response_minutes=60, resolution_minutes=480
        )
    )

    values = {
        "inquiry_id": [str(inquiry.pk)],
        "email_id": [str(email.pk)],
        "group": [g.value for g in IntakeRule.ChannelGroup],
        "kind": ["mention"],
        "language": ["nb"],
        "field": ["status"],
        "role_id": [str(r.pk) for r in ContactRole.objects.filter(organization=org)[:1]],
        "policy_id": [str(policy.pk)],
        "closed_day_id": [str(closed_day.pk)],
        # Several models end in "job" (print runs, exports): named, not guessed.
        "job_id": _first_pk("printing", "PrintJob", org),
        "export_id": _first_pk("reports", "ExportJob", org),
        "view_id": _first_pk("reports", "SavedView", org),
        "report": ["summary"],
        "fmt": ["csv", "xlsx"],
        "uidb64": [urlsafe_base64_encode(force_bytes(admin.pk))],
        "token": [default_token_generator.make_token(admin)],
    }
    if notification is not None:
        values["notification_id"] = [str(notification.pk)]
    return Seeded(
        org=org,
        admin=admin,
        supplier=_member(org, "supplier"),
        resident=_resident(org, open_case),
        cases=[open_case, closed_case],
        values={k: v for k, v in values.items() if v},
    )
