"""One organization's worth of real objects, each made the way production makes it (services,
factories), for the tenancy tests to point at from another organization.

A `World` makes each object the first time it is asked for (`world["task"]`), so a test pays only
for what it uses; `build_world` makes all of them: a case visible to its resident customer (with a
task, a file, a tag, a note, a reply in the outbox and a resident's message with a photo),
customers, suppliers, contact roles, properties, containers, agreements, an e-mail inquiry with a
file, received e-mails, receiving addresses and IMAP mailboxes, notifications, saved replies,
inquiry forms, print jobs, members, teams, invitations, API keys, residents with their sign-in
links and kept uploads. Organization B's case numbers start far above A's, so B's case number
names no case of A.
"""

from __future__ import annotations

import datetime
import io
from email.message import EmailMessage
from functools import cached_property

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases.models import Attachment, CaseCounter, Category, DeviationCounter
from cases.services.attachments import (
    attachment_check,
    attachment_thumbnails_make,
    attachments_add,
)
from cases.services.categories import category_ensure_defaults
from cases.services.deviation_files import deviation_thumbnails_make
from cases.services.deviations import DeviationData, deviation_create, deviation_files_add
from cases.services.messages import Outgoing, case_message_send
from cases.services.notes import note_add
from cases.services.service_level_policies import service_level_policy_save
from cases.services.tags import case_tag_add
from cases.services.tasks import task_add
from inquiries.models import Channel, InboundEmail, InquiryAttachment, IntakeRule
from inquiries.services.email_settings import imap_mailbox_save, receiving_address_add
from inquiries.services.intake import inquiry_receive
from inquiries.services.rules import intake_rule_for_group
from notifications.models import Notification, OutboundMessage
from notifications.saved_replies import saved_reply_save
from notifications.services import notification_create_many
from organizations.calendar import closed_day_add
from organizations.models import Invitation, Membership
from organizations.services import team_save
from organizations.services_api_keys import api_key_create
from portal.inquiry.pending import pending_store
from portal.inquiry.services import inquiry_form_create_general
from portal.models import PortalToken, ResidentAccount
from portal.services.messages import resident_message_send
from portal.tokens import token_issue
from printing.models import PrintJob
from tests.factories.cases import make_case
from tests.factories.customers import ContactRoleFactory, CustomerFactory, SupplierFactory
from tests.factories.organizations import MembershipFactory, UserFactory
from tests.factories.properties import AgreementFactory, ContainerFactory, PropertyFactory


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


class World:
    """An organization's objects, each made on first use: `world["case"]`, `world.values[...]`
    for raw URL values (tokens, the API key's secret)."""

    NAMES = (
        "category",
        "property",
        "container",
        "customer",
        "contact_role",
        "agreement",
        "supplier",
        "team",
        "case",
        "task",
        "attachment",
        "tag",
        "note",
        "message",
        "resident",
        "portal_attachment",
        "inquiry",
        "inquiry_attachment",
        "email",
        "address",
        "mailbox",
        "notification",
        "saved_reply",
        "inquiry_form",
        "print_job",
        "membership",
        "invitation",
        "api_key",
        "intake_rule",
        "supplier_user",
        "deviation",
        "deviation_task",
        "deviation_file",
        "service_level_policy",
        "closed_day",
    )

    def __init__(self, tenant, *, first_case_number: int = 1, label: str = "a"):
        self.tenant = tenant
        self.label = label
        self.first_case_number = first_case_number
        self.values = _Values(self)

    @property
    def org(self):
        return self.tenant.org

    def __getitem__(self, name: str):
        assert name in self.NAMES, name
        return getattr(self, name)

    # --- Customers, properties, suppliers, teams --------------------------------------------

    @cached_property
    def category(self):
        category_ensure_defaults(self.org)
        return Category.objects.filter(organization=self.org).order_by("pk").first()

    @cached_property
    def property(self):
        return PropertyFactory(organization=self.org, address=f"Tenancy Road {self.label}")

    @cached_property
    def container(self):
        return ContainerFactory(property=self.property, container_id=f"TEN-{self.label}-1")

    @cached_property
    def customer(self):
        return CustomerFactory(
            organization=self.org,
            name=f"Resident {self.label.upper()}",
            email=f"resident-{self.label}@example.net",
            address=f"Tenancy Road {self.label}",
        )

    @cached_property
    def contact_role(self):
        return ContactRoleFactory(customer=self.customer, property=self.property)

    @cached_property
    def agreement(self):
        return AgreementFactory(property=self.property, customer=self.customer)

    @cached_property
    def supplier(self):
        return SupplierFactory(organization=self.org, name=f"Pipes {self.label.upper()} AS")

    @cached_property
    def supplier_user(self):
        """A user with the supplier role, working for the supplier."""
        user = UserFactory(email=f"fitter-{self.label}@example.com")
        MembershipFactory(organization=self.org, user=user, role=Membership.Role.SUPPLIER)
        self.supplier.users.add(user)
        return user

    @cached_property
    def team(self):
        return team_save(
            org=self.org,
            actor=self.tenant.admin,
            name=f"Crew {self.label.upper()}",
            members=[self.tenant.caseworker],
        )

    @cached_property
    def membership(self):
        return Membership.objects.get(organization=self.org, user=self.tenant.caseworker)

    @cached_property
    def invitation(self):
        invited = UserFactory(email=f"invited-{self.label}@example.com")
        return Invitation.objects.create(
            organization=self.org,
            user=invited,
            email=invited.email,
            invited_by=self.tenant.admin,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )

    @cached_property
    def api_key(self):
        api_key, self._api_secret = api_key_create(
            org=self.org, actor=self.tenant.admin, name="ERP"
        )
        return api_key

    # --- A case and what hangs on it --------------------------------------------------------

    @cached_property
    def case(self):
        CaseCounter.objects.update_or_create(
            organization=self.org, defaults={"last_number": self.first_case_number - 1}
        )
        return make_case(
            self.org,
            self.tenant.caseworker,
            customer=self.customer,
            property=self.property,
            containers=[self.container],
            teams=[self.team],
            category=self.category,
            assignee=self.tenant.caseworker,
            visible_to_customer=True,
            title=f"Leaking roof {self.label.upper()}",
        )

    @cached_property
    def task(self):
        return task_add(
            org=self.org,
            actor=self.tenant.admin,
            case=self.case,
            title="Check the gutter",
            assignee=self.tenant.caseworker,
        )

    @cached_property
    def attachment(self):
        row = attachments_add(
            org=self.org, actor=self.tenant.admin, case=self.case, uploads=[png_upload()]
        )[0]
        # Thumbnails are made by a task after commit, which a test's transaction never reaches.
        attachment_thumbnails_make([row.pk])
        return row

    @cached_property
    def tag(self):
        name = f"roof-{self.label}"
        case_tag_add(org=self.org, actor=self.tenant.admin, case=self.case, name=name)
        return self.case.tags.get()

    @cached_property
    def note(self):
        return note_add(
            org=self.org, actor=self.tenant.admin, case=self.case, body="Internal: ladder needed."
        )

    @cached_property
    def message(self):
        """A reply that failed: "Send again" is a write a foreign id must not reach."""
        events = case_message_send(
            org=self.org,
            actor=self.tenant.admin,
            case=self.case,
            kind=OutboundMessage.Kind.REPLY,
            message=Outgoing(text="We come on Monday.", email=self.customer.email),
        )
        OutboundMessage.objects.filter(pk=events[0].outbound_message_id).update(
            status=OutboundMessage.Status.FAILED, last_error="mailbox full"
        )
        return OutboundMessage.objects.get(pk=events[0].outbound_message_id)

    # --- Residents --------------------------------------------------------------------------

    @cached_property
    def resident(self):
        return ResidentAccount.objects.create(
            organization=self.org, customer=self.customer, email=self.customer.email
        )

    @cached_property
    def portal_attachment(self):
        """A photo the resident sent with a message on their case (they may open it)."""
        resident_message_send(
            org=self.org,
            account=self.resident,
            case=self.case,
            text="Here is a photo.",
            files=[("roof.png", png_bytes("blue"))],
        )
        row = Attachment.objects.filter(organization=self.org, case=self.case).latest("pk")
        attachment_thumbnails_make([row.pk])
        return row

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


class _Values:
    """Raw values a URL or a header carries: sign-in link and kept-upload tokens, API secret."""

    def __init__(self, world: World):
        self._world = world

    def __getitem__(self, name: str) -> str:
        return getattr(self, name)

    @cached_property
    def link_token(self) -> str:
        w = self._world
        _row, raw = token_issue(org=w.org, purpose=PortalToken.Purpose.LOGIN, account=w.resident)
        return raw

    @cached_property
    def pending_token(self) -> str:
        w = self._world
        return pending_store(w.org, w.resident, attachment_check(png_upload("kept.png"))).token

    @property
    def api_secret(self) -> str:
        self._world.api_key  # noqa: B018 - made with its secret
        return self._world._api_secret


def build_world(tenant, *, first_case_number: int = 1, label: str = "a") -> World:
    """Every kind of object of `tenant`'s organization that a URL can name, made now."""
    world = World(tenant, first_case_number=first_case_number, label=label)
    for name in World.NAMES:
        world[name]
    world.values["link_token"]
    world.values["pending_token"]
    return world
