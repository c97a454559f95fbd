"""One organization's worth of real objects, each made the way production makes it (services,
factories), for the tenancy tests to point at from another organization.

A `World` makes each object the first time it is asked for (`world["task"]`), so a test pays only
for what it uses; `build_world` makes all of them: a case visible to its resident customer (with a
task, a file, a tag, a note, a reply in the outbox and a resident's message with a photo),
customers, suppliers, contact roles, properties, containers, agreements, an e-mail inquiry with a
file, received e-mails, receiving addresses and IMAP mailboxes, notifications, saved replies,
inquiry forms, print jobs, members, teams, invitations, API keys, residents with their sign-in
links and kept uploads, deviations, service levels and closed days (those of inquiries, e-mail,
settings, deviations and service levels in tests/tenancy/world_parts.py). Organization B's case
and deviation numbers start far above A's, so B's number names nothing of A's.
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.utils import timezone

from cases.models import Attachment, CaseCounter, Category
from cases.services.attachments import (
    attachment_check,
    attachment_thumbnails_make,
    attachments_add,
)
from cases.services.categories import category_ensure_defaults
from cases.services.messages import Outgoing, case_message_send
from cases.services.notes import note_add
from cases.services.tags import case_tag_add
from cases.services.tasks import task_add
from notifications.models import OutboundMessage
from organizations.models import Invitation, Membership
from organizations.services import team_save
from organizations.services_api_keys import api_key_create
from portal.inquiry.pending import pending_store
from portal.models import PortalToken, ResidentAccount
from portal.services.messages import resident_message_send
from portal.tokens import token_issue
from tests.factories.cases import make_case
from tests.factories.customers import ContactRoleFactory, CustomerFactory, SupplierFactory
from tests.factories.organizations import MembershipFactory, UserFactory
from tests.factories.properties import AgreementFactory, ContainerFactory, PropertyFactory
from tests.tenancy.world_parts import MoreObjects, png_bytes, png_upload


class World(MoreObjects):
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
        "export_job",
        "saved_view",
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
