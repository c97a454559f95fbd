"""A person with data in every app (a case with messages both ways, files, a note, inquiries, a
received e-mail, an SMS), a second customer of the same organization with similar data, and a
customer of another organization."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from django.db import transaction

from cases.models import Case
from cases.services.messages import Outgoing, case_message_send
from cases.services.notes import note_add
from customers.models import Customer
from inquiries.email.pipeline import inbound_process, inbound_store
from inquiries.models import Channel, InboundEmail, Inquiry
from inquiries.services.intake import inquiry_receive
from inquiries.services.lifecycle import inquiry_delete_many
from notifications.models import OutboundMessage
from portal.models import ResidentAccount
from tests.factories.cases import make_case
from tests.factories.customers import ContactRoleFactory, CustomerFactory
from tests.factories.properties import PropertyFactory
from tests.inquiries.conftest import png_bytes
from tests.inquiries.email_helpers import _fresh_email_settings  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Person:
    customer: Customer
    case: Case
    strings: dict[str, str]  # what identifies them: name, email, phone, compact phone, address
    email: InboundEmail
    inquiry: Inquiry
    deleted_inquiry: Inquiry


def mail(*, sender: str, name: str, subject: str, text: str, message_id: str, in_reply_to=""):
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = "post@alpha.example"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    msg.set_content(text)
    msg.add_attachment(png_bytes(), maintype="image", subtype="png", filename="leak-photo.png")
    return msg.as_bytes()


def receive(org, raw: bytes) -> InboundEmail:
    with transaction.atomic():
        pk, _created = inbound_store(org=org, raw=raw, source="file", enqueue_processing=False)
    inbound_process(pk)
    return InboundEmail.objects.get(pk=pk)


def make_person(tenant, *, name, email, phone, address, slug) -> Person:
    org, worker = tenant.org, tenant.caseworker
    customer = CustomerFactory(
        organization=org,
        name=name,
        email=email,
        phone=phone,
        address=address,
        notes=f"{name} prefers calls after four.",
    )
    ResidentAccount.objects.create(organization=org, customer=customer, email=email)
    ContactRoleFactory(
        customer=customer, property=PropertyFactory(organization=org, address=f"Blokkveien {slug}")
    )
    case = make_case(
        org,
        worker,
        customer=customer,
        assignee=worker,
        title=f"Leak at {address}",
        description=f"{name} reports a leak; call {phone} or write to {email}.",
    )
    note_add(org=org, actor=worker, case=case, body=f"Spoke with {name} about the leak.")
    events = case_message_send(
        org=org,
        actor=worker,
        case=case,
        kind=OutboundMessage.Kind.REPLY,
        message=Outgoing(text=f"Dear {name}, a plumber comes Monday.", email=email, phone=phone),
    )
    out = OutboundMessage.objects.get(pk=events[0].outbound_message_id)
    received = receive(
        org,
        mail(
            sender=email,
            name=name,
            subject=f"Re: {out.subject}",
            text=f"Thanks! {name}, {address}, {phone}",
            message_id=f"<reply-{slug}@example.org>",
            in_reply_to=out.message_id,
        ),
    )
    assert received.outcome == InboundEmail.Outcome.CASE_MESSAGE
    inquiry = inquiry_receive(
        org=org,
        channel=Channel.WEB_FORM,
        sender_name=name,
        sender_email=email,
        sender_phone=phone,
        subject="Another leak",
        message=f"Water again at {address}.",
        address=address,
        attachments=[(f"{slug}-basement.png", png_bytes())],
    )
    deleted = inquiry_receive(
        org=org, channel=Channel.API, sender_name=name, sender_email=email, message="Ignore me"
    )
    inquiry_delete_many(org=org, actor=worker, inquiries=[deleted], reason=f"Duplicate of {name}")
    case.refresh_from_db()
    return Person(
        customer=customer,
        case=case,
        strings={
            "name": name,
            "email": email,
            "phone": phone,
            "compact phone": "".join(phone.split()),
            "address": address,
        },
        email=received,
        inquiry=inquiry,
        deleted_inquiry=deleted,
    )


@pytest.fixture
def person(tenant) -> Person:
    return make_person(
        tenant,
        name="Kari Testesen",
        email="kari.testesen@example.org",
        phone="+47 912 34 567",
        address="Solsikkeveien 12",
        slug="kari",
    )


@pytest.fixture
def neighbour(tenant) -> Person:
    """Same organization, similar data: nothing of it may be exported or erased with `person`."""
    return make_person(
        tenant,
        name="Kari Testmann",
        email="kari.testmann@example.org",
        phone="+47 912 34 568",
        address="Solsikkeveien 14",
        slug="neighbour",
    )
