"""Receiving addresses, IMAP mailboxes, failed/ignored e-mails with retry, and "link to case"."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.db import transaction

from cases.models import Case, CaseEvent
from cases.services.cases import case_change
from inquiries.email.imap import mailbox_poll
from inquiries.email.pipeline import inbound_process, inbound_store
from inquiries.email.secrets import password_decrypt
from inquiries.models import ImapMailbox, ImapSeen, InboundEmail, Inquiry
from inquiries.services.email_settings import imap_mailbox_save
from notifications.models import ReceivingAddress
from tests.factories.cases import make_case
from tests.inquiries.conftest import png_bytes
from tests.inquiries.email_helpers import _fresh_email_settings  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def raw_mail(n: int = 1, *, subject="Lekkasje", html="", sender="kari@example.net") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Kari Kunde <{sender}>"
    msg["To"] = "post@alpha.example"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<m{n}@example.net>"
    msg.set_content("Det drypper fra taket.")
    if html:
        msg.add_alternative(html, subtype="html")
    msg.add_attachment(png_bytes(), maintype="image", subtype="png", filename="tak.png")
    return msg.as_bytes()


def received(org, raw: bytes) -> InboundEmail:
    with transaction.atomic():
        pk, _c = inbound_store(org=org, raw=raw, source="file", enqueue_processing=False)
    inbound_process(pk)
    return InboundEmail.objects.get(pk=pk)


def url(org, path: str) -> str:
    return f"/{org.slug}/inquiries/{path}"


# --- Receiving addresses --------------------------------------------------------------------


def test_admin_adds_an_address_and_the_first_becomes_the_reply_address(tenant, admin_client_org):
    response = admin_client_org.post(
        url(tenant.org, "settings/receiving/addresses/"), {"address": "Post@Alpha.example"}
    )
    assert response.status_code == 302
    address = ReceivingAddress.objects.get(organization=tenant.org)
    assert address.address == "Post@Alpha.example" and address.is_primary
    page = admin_client_org.get(url(tenant.org, "settings/receiving/addresses/"))
    assert page.status_code == 200 and b"Post@Alpha.example" in page.content


def test_an_address_taken_by_another_organization_is_refused(
    tenant, other_tenant, admin_client_org
):
    ReceivingAddress.objects.create(organization=other_tenant.org, address="post@alpha.example")
    response = admin_client_org.post(
        url(tenant.org, "settings/receiving/addresses/"), {"address": "POST@alpha.example"}
    )
    assert response.status_code == 200
    assert b"already in use" in response.content
    assert not ReceivingAddress.objects.filter(organization=tenant.org).exists()


def test_invalid_address_is_a_form_error(tenant, admin_client_org):
    response = admin_client_org.post(
        url(tenant.org, "settings/receiving/addresses/"), {"address": "not an address"}
    )
    assert response.status_code == 200
    assert not ReceivingAddress.objects.exists()


def test_make_primary_and_remove(tenant, admin_client_org):
    first = ReceivingAddress.objects.create(
        organization=tenant.org, address="a@alpha.example", is_primary=True
    )
    second = ReceivingAddress.objects.create(organization=tenant.org, address="b@alpha.example")
    admin_client_org.post(url(tenant.org, f"settings/receiving/addresses/{second.pk}/primary/"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_primary and not first.is_primary
    admin_client_org.post(url(tenant.org, f"settings/receiving/addresses/{second.pk}/delete/"))
    first.refresh_from_db()
    assert first.is_primary
    assert not ReceivingAddress.objects.filter(pk=second.pk).exists()


def test_caseworker_gets_403_on_the_email_settings(tenant, staff_client):
    for path in (
        "settings/receiving/addresses/",
        "settings/receiving/imap/",
        "settings/receiving/emails/",
    ):
        assert staff_client.get(url(tenant.org, path)).status_code == 403


def test_outsider_gets_404_on_every_email_page_and_action(
    tenant, other_tenant, outsider_client, staff_client
):
    address = ReceivingAddress.objects.create(organization=tenant.org, address="p@alpha.example")
    mailbox = imap_mailbox_save(
        org=tenant.org, actor=tenant.admin, host="imap.alpha.example", username="u", password="pw"
    )
    email = received(tenant.org, b"   ")
    inquiry = received(tenant.org, raw_mail()).inquiry
    gets = [
        "settings/receiving/addresses/",
        "settings/receiving/imap/",
        "settings/receiving/imap/new/",
        f"settings/receiving/imap/{mailbox.pk}/",
        "settings/receiving/emails/",
        f"settings/receiving/emails/{email.pk}/",
        f"{inquiry.pk}/link/",
    ]
    posts = [
        f"settings/receiving/addresses/{address.pk}/primary/",
        f"settings/receiving/addresses/{address.pk}/delete/",
        f"settings/receiving/imap/{mailbox.pk}/delete/",
        f"settings/receiving/emails/{email.pk}/retry/",
        f"{inquiry.pk}/link/",
    ]
    for path in gets:
        assert outsider_client.get(url(tenant.org, path)).status_code == 404, path
    for path in posts:
        assert outsider_client.post(url(tenant.org, path), {"number": 1}).status_code == 404, path
    assert ReceivingAddress.objects.filter(pk=address.pk).exists()
    assert ImapMailbox.objects.filter(pk=mailbox.pk).exists()
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW


def test_admin_of_another_org_cannot_reach_our_ids_through_their_prefix(tenant, other_tenant):
    address = ReceivingAddress.objects.create(organization=tenant.org, address="p@alpha.example")
    email = received(tenant.org, b"   ")
    client = other_tenant.client_for(other_tenant.admin)
    prefix = f"/{other_tenant.org.slug}/inquiries/settings/receiving"
    assert client.post(f"{prefix}/addresses/{address.pk}/delete/").status_code == 404
    assert client.get(f"{prefix}/emails/{email.pk}/").status_code == 404
    assert client.post(f"{prefix}/emails/{email.pk}/retry/").status_code == 404


# --- IMAP mailboxes -------------------------------------------------------------------------


def test_admin_adds_a_mailbox_and_the_password_is_stored_encrypted(tenant, admin_client_org):
    response = admin_client_org.post(
        url(tenant.org, "settings/receiving/imap/new/"),
        {
            "host": "imap.alpha.example",
            "port": "993",
            "use_ssl": "on",
            "username": "post@alpha.example",
            "password": "hemmelig-passord",
            "folder": "INBOX",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    mailbox = ImapMailbox.objects.get(organization=tenant.org)
    assert "hemmelig" not in mailbox.password_encrypted
    assert password_decrypt(mailbox.password_encrypted) == "hemmelig-passord"
    page = admin_client_org.get(url(tenant.org, f"settings/receiving/imap/{mailbox.pk}/"))
    assert page.status_code == 200 and b"hemmelig" not in page.content


def test_editing_a_mailbox_without_a_password_keeps_it(tenant, admin_client_org):
    mailbox = imap_mailbox_save(
        org=tenant.org, actor=tenant.admin, host="imap.a.example", username="u", password="pw1"
    )
    admin_client_org.post(
        url(tenant.org, f"settings/receiving/imap/{mailbox.pk}/"),
        {"host": "imap.b.example", "port": "993", "username": "u", "folder": "INBOX"},
    )
    mailbox.refresh_from_db()
    assert mailbox.host == "imap.b.example" and not mailbox.is_active
    assert password_decrypt(mailbox.password_encrypted) == "pw1"


def test_new_mailbox_without_password_is_a_form_error(tenant, admin_client_org):
    response = admin_client_org.post(
        url(tenant.org, "settings/receiving/imap/new/"),
        {"host": "imap.a.example", "port": "993", "username": "u", "folder": "INBOX"},
    )
    assert response.status_code == 200
    assert not ImapMailbox.objects.exists()


class FakeIMAP:
    """The part of imapclient.IMAPClient the poller uses, over an in-memory folder."""

    folders: dict[str, dict[int, bytes]] = {}
    uidvalidity = 7
    password = "pw"
    calls: list[tuple] = []

    def __init__(self, host, port=993, ssl=True, timeout=None):
        self.calls.append(("connect", host, port, ssl))

    def login(self, username, password):
        if password != self.password:
            raise RuntimeError("[AUTHENTICATIONFAILED] Invalid credentials")
        self.calls.append(("login", username))

    def select_folder(self, folder, readonly=False):
        self.calls.append(("select", folder, readonly))
        self.folder = self.folders[folder]
        return {b"UIDVALIDITY": self.uidvalidity, b"EXISTS": len(self.folder)}

    def search(self, criteria):
        low = int(criteria[1].split(":")[0])
        uids = [u for u in self.folder if u >= low]
        return uids or [max(self.folder)]  # "n:*" always answers the newest

    def fetch(self, uids, data):
        assert data == ["BODY.PEEK[]"]  # never marks anything read
        return {u: {b"BODY[]": self.folder[u], b"SEQ": u} for u in uids}

    def logout(self):
        self.calls.append(("logout",))


@pytest.fixture
def fake_imap():
    FakeIMAP.folders = {"INBOX": {1: raw_mail(1), 2: raw_mail(2), 5: raw_mail(5)}}
    FakeIMAP.calls = []
    FakeIMAP.uidvalidity = 7
    return FakeIMAP


def test_imap_poll_stores_new_messages_once_and_deletes_nothing(tenant, fake_imap):
    mailbox = imap_mailbox_save(
        org=tenant.org, actor=tenant.admin, host="imap.a.example", username="u", password="pw"
    )
    assert mailbox_poll(mailbox, factory=fake_imap) == 3
    assert ("select", "INBOX", True) in fake_imap.calls
    assert InboundEmail.objects.filter(organization=tenant.org, source="imap").count() == 3
    assert sorted(ImapSeen.objects.values_list("uid", flat=True)) == [1, 2, 5]
    assert len(fake_imap.folders["INBOX"]) == 3
    # The next poll takes only what is new.
    fake_imap.folders["INBOX"][9] = raw_mail(9)
    assert mailbox_poll(mailbox, factory=fake_imap) == 1
    assert mailbox_poll(mailbox, factory=fake_imap) == 0
    mailbox.refresh_from_db()
    assert mailbox.uidvalidity == 7 and mailbox.last_polled_at and not mailbox.last_error


def test_new_uidvalidity_reads_again_but_creates_nothing_twice(tenant, fake_imap):
    mailbox = imap_mailbox_save(
        org=tenant.org, actor=tenant.admin, host="imap.a.example", username="u", password="pw"
    )
    mailbox_poll(mailbox, factory=fake_imap)
    fake_imap.uidvalidity = 8
    assert mailbox_poll(mailbox, factory=fake_imap) == 0  # same Message-IDs: stored once
    assert InboundEmail.objects.filter(organization=tenant.org).count() == 3


def test_imap_messages_are_processed_by_the_worker(
    tenant, fake_imap, django_capture_on_commit_callbacks
):
    mailbox = imap_mailbox_save(
        org=tenant.org, actor=tenant.admin, host="imap.a.example", username="u", password="pw"
    )
    with django_capture_on_commit_callbacks(execute=True):
        mailbox_poll(mailbox, factory=fake_imap)
    assert Inquiry.objects.filter(organization=tenant.org).count() == 3


def test_wrong_password_is_recorded_on_the_mailbox(tenant, fake_imap):
    mailbox = imap_mailbox_save(
        org=tenant.org, actor=tenant.admin, host="imap.a.example", username="u", password="bad"
    )
    assert mailbox_poll(mailbox, factory=fake_imap) == 0
    mailbox.refresh_from_db()
    assert "AUTHENTICATIONFAILED" in mailbox.last_error
    assert not InboundEmail.objects.exists()


def test_the_beat_schedule_polls_and_sweeps(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "inquiries.tasks.poll_imap_mailboxes" in tasks
    assert "inquiries.tasks.sweep_inbound_email" in tasks


# --- Failed and ignored e-mails -------------------------------------------------------------


def test_admin_sees_failed_emails_and_retries_one(tenant, admin_client_org):
    email = received(tenant.org, b"   ")
    listing = admin_client_org.get(url(tenant.org, "settings/receiving/emails/"))
    assert listing.status_code == 200
    assert f"emails/{email.pk}/".encode() in listing.content
    detail = admin_client_org.get(url(tenant.org, f"settings/receiving/emails/{email.pk}/"))
    assert detail.status_code == 200 and b"empty" in detail.content
    InboundEmail.objects.filter(pk=email.pk).update(raw=raw_mail(3))
    response = admin_client_org.post(
        url(tenant.org, f"settings/receiving/emails/{email.pk}/retry/")
    )
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == InboundEmail.Status.PROCESSED and email.inquiry_id


def test_ignored_list_shows_auto_replies(tenant, admin_client_org):
    received(tenant.org, raw_mail(subject="Automatic reply: Lekkasje"))
    page = admin_client_org.get(url(tenant.org, "settings/receiving/emails/?status=ignored"))
    assert page.status_code == 200 and b"Automatic reply: Lekkasje" in page.content
    bad = admin_client_org.get(url(tenant.org, "settings/receiving/emails/?status=<script>"))
    assert bad.status_code == 200


def test_detail_page_never_renders_the_emails_html(tenant, admin_client_org):
    email = received(
        tenant.org,
        raw_mail(subject="Automatic reply", html='<p>Hi</p><script>alert("x")</script>'),
    )
    page = admin_client_org.get(url(tenant.org, f"settings/receiving/emails/{email.pk}/"))
    assert page.status_code == 200
    assert b'<script>alert("x")' not in page.content


# --- Link to case ---------------------------------------------------------------------------


def test_caseworker_links_an_email_inquiry_to_a_case(tenant, staff_client):
    case = make_case(tenant.org, tenant.caseworker, assignee=tenant.admin)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status=Case.Status.RESOLVED)
    email = received(
        tenant.org, raw_mail(html='<p onclick="x()">Det <b>drypper</b></p><script>x</script>')
    )
    inquiry = email.inquiry
    preview = staff_client.get(url(tenant.org, f"{inquiry.pk}/"))
    assert f"{inquiry.pk}/link/".encode() in preview.content
    assert staff_client.get(url(tenant.org, f"{inquiry.pk}/link/")).status_code == 200
    response = staff_client.post(url(tenant.org, f"{inquiry.pk}/link/"), {"number": case.number})
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.MESSAGE_IN)
    assert event.inbound_email_id == email.pk and event.actor == tenant.caseworker
    assert event.data["text"] == "Det drypper fra taket."
    assert event.data["attachments"] == ["tak.png"]
    assert "<script" not in event.data["html"] and "onclick" not in event.data["html"]
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONVERTED and inquiry.case_id == case.pk
    case.refresh_from_db()
    assert case.is_open
    email.refresh_from_db()
    assert email.case_id == case.pk


def test_link_to_unknown_case_number_is_a_form_error(tenant, staff_client):
    inquiry = received(tenant.org, raw_mail()).inquiry
    response = staff_client.post(url(tenant.org, f"{inquiry.pk}/link/"), {"number": 99999})
    assert response.status_code == 200 and b"no case with that number" in response.content
    response = staff_client.post(url(tenant.org, f"{inquiry.pk}/link/"), {"number": "abc"})
    assert response.status_code == 200


def test_link_to_another_organizations_case_number_finds_nothing(
    tenant, other_tenant, staff_client
):
    other_case = make_case(other_tenant.org, other_tenant.caseworker)
    Case.objects.filter(pk=other_case.pk).update(number=4242)
    inquiry = received(tenant.org, raw_mail()).inquiry
    response = staff_client.post(url(tenant.org, f"{inquiry.pk}/link/"), {"number": 4242})
    assert response.status_code == 200
    assert not CaseEvent.objects.filter(case=other_case, kind=CaseEvent.Kind.MESSAGE_IN).exists()


def test_link_service_refuses_another_organizations_case(tenant, other_tenant):
    from django.core.exceptions import ValidationError

    from inquiries.services.email_link import inquiry_link_to_case

    other_case = make_case(other_tenant.org, other_tenant.caseworker)
    inquiry = received(tenant.org, raw_mail()).inquiry
    with pytest.raises(ValidationError):
        inquiry_link_to_case(
            org=tenant.org, actor=tenant.caseworker, inquiry=inquiry, case=other_case
        )


def test_inquiry_from_another_channel_has_no_link_page(tenant, staff_client, make_inquiry):
    inquiry = make_inquiry()
    assert staff_client.get(url(tenant.org, f"{inquiry.pk}/link/")).status_code == 404
