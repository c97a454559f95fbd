"""More of a `World` (tests/tenancy/world.py): inquiries and received e-mail, the settings an
organization keeps (notifications, saved replies, inquiry forms, print jobs), deviations,
service levels and the business calendar; and the files the objects carry."""

from __future__ import annotations

import datetime
import io
from email.message import EmailMessage
from functools import cached_property

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases.models import DeviationCounter
from cases.services.deviation_files import deviation_thumbnails_make
from cases.services.deviations import DeviationData, deviation_create, deviation_files_add
from cases.services.service_level_policies import service_level_policy_save
from cases.services.tasks import task_add
from inquiries.models import Channel, InboundEmail, InquiryAttachment, IntakeRule
from inquiries.services.email_settings import imap_mailbox_save, receiving_address_add
from inquiries.services.intake import inquiry_receive
from inquiries.services.rules import intake_rule_for_group
from notifications.models import Notification
from notifications.saved_replies import saved_reply_save
from notifications.services import notification_create_many
from organizations.calendar import closed_day_add
from portal.inquiry.services import inquiry_form_create_general
from printing.models import PrintJob
from reports.models import ExportJob, SavedView


def png_bytes(colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def _mail(sender: str, message_id: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Sender <{sender}>"
    msg["To"] = "post@example.com"
    msg["Subject"] = "Broken door"
    msg["Message-ID"] = message_id
    msg.set_content("The front door does not close.")
    return msg.as_bytes()


class MoreObjects:
    """Mixed into `World`: each object made on first use, like the rest."""

    # --- Inquiries and e-mail ---------------------------------------------------------------

    @cached_property
    def inquiry(self):
        """An e-mail inquiry with a file and the message it came in ("Link to case" takes it)."""
        inquiry = inquiry_receive(
            org=self.org,
            channel=Channel.EMAIL,
            sender_name=f"Sender {self.label.upper()}",
            sender_email=f"sender-{self.label}@example.net",
            subject="Broken door",
            message="The front door does not close.",
            attachments=[("door.png", png_bytes("green"))],
        )
        InboundEmail.objects.create(
            organization=self.org,
            source=InboundEmail.Source.FILE,
            message_id=f"<door-{self.label}@example.net>",
            raw=_mail(f"sender-{self.label}@example.net", f"<door-{self.label}@example.net>"),
            status=InboundEmail.Status.PROCESSED,
            outcome=InboundEmail.Outcome.INQUIRY,
            inquiry=inquiry,
        )
        return inquiry

    @cached_property
    def inquiry_attachment(self):
        return InquiryAttachment.objects.get(inquiry=self.inquiry)

    @cached_property
    def email(self):
        """A received e-mail that could not be read: an admin may retry it."""
        return InboundEmail.objects.create(
            organization=self.org,
            source=InboundEmail.Source.FILE,
            message_id=f"<tenancy-{self.label}@example.com>",
            raw=b"Subject: Hello\r\n\r\nBody",
            status=InboundEmail.Status.FAILED,
            error="could not be read",
        )

    @cached_property
    def address(self):
        """A receiving address that is not the primary one."""
        admin, slug = self.tenant.admin, self.org.slug
        receiving_address_add(org=self.org, actor=admin, address=f"post@{slug}.example")
        return receiving_address_add(org=self.org, actor=admin, address=f"more@{slug}.example")

    @cached_property
    def mailbox(self):
        return imap_mailbox_save(
            org=self.org,
            actor=self.tenant.admin,
            host=f"imap.{self.org.slug}.example",
            username="post",
            password="secret",
        )

    @cached_property
    def intake_rule(self):
        return intake_rule_for_group(self.org, IntakeRule.ChannelGroup.EXTERNAL)

    # --- Settings and the rest --------------------------------------------------------------

    @cached_property
    def notification(self):
        return notification_create_many(
            org=self.org,
            actor=None,
            recipients=[self.tenant.admin],
            kind=Notification.Kind.OTHER,
            text="Hello",
        )[0]

    @cached_property
    def saved_reply(self):
        return saved_reply_save(
            org=self.org,
            actor=self.tenant.admin,
            title=f"Thanks {self.label}",
            body="Thank you for writing.",
        )

    @cached_property
    def inquiry_form(self):
        return inquiry_form_create_general(org=self.org, actor=self.tenant.admin)

    @cached_property
    def print_job(self):
        job = PrintJob.objects.create(
            organization=self.org,
            kind=PrintJob.Kind.CASE,
            requested_by=self.tenant.admin,
            parameters={"number": self.case.number, "audience": "staff"},
            status=PrintJob.Status.DONE,
            filename=f"case-{self.case.number}.pdf",
            finished_at=timezone.now(),
        )
        job.file.save(f"case-{self.label}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
        return job

    @cached_property
    def export_job(self):
        job = ExportJob.objects.create(
            organization=self.org,
            requested_by=self.tenant.admin,
            format=ExportJob.Format.CSV,
            status=ExportJob.Status.DONE,
            filename="cases.csv",
            finished_at=timezone.now(),
        )
        job.file.save(f"cases-{self.label}.csv", ContentFile(b"\xef\xbb\xbfNo.\n"), save=True)
        return job

    @cached_property
    def saved_view(self):
        return SavedView.objects.create(
            organization=self.org, owner=self.tenant.admin, name=f"Open {self.label}", query=""
        )

    # --- A deviation with a task and a photo -------------------------------------------------

    @cached_property
    def deviation(self):
        # B's deviation numbers start far above A's too, so B's number names none of A's.
        DeviationCounter.objects.update_or_create(
            organization=self.org, defaults={"last_number": self.first_case_number - 1}
        )
        return deviation_create(
            org=self.org,
            actor=self.tenant.admin,
            data=DeviationData(title=f"Loose railing {self.label.upper()}", property=self.property),
        )

    @cached_property
    def deviation_task(self):
        return task_add(
            org=self.org,
            actor=self.tenant.admin,
            deviation=self.deviation,
            title="Fasten the railing",
            assignee=self.tenant.caseworker,
        )

    @cached_property
    def deviation_file(self):
        [row] = deviation_files_add(
            org=self.org, actor=self.tenant.admin, deviation=self.deviation, uploads=[png_upload()]
        )
        deviation_thumbnails_make([row.pk])  # the worker's job after commit
        return row

    # --- Service levels and the business calendar --------------------------------------------

    @cached_property
    def service_level_policy(self):
        return service_level_policy_save(
            org=self.org,
            actor=self.tenant.admin,
            name=f"Gold {self.label}",
            priority="high",
            first_response_minutes=60,
        )

    @cached_property
    def closed_day(self):
        return closed_day_add(
            org=self.org,
            actor=self.tenant.admin,
            date=datetime.date(2030, 12, 27),
            label="Staff day",
        )
