"""The inbound webhook: authenticated, stores the raw message, answers fast; forgeries get 403."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest
from django.test import Client

from inquiries.models import InboundEmail, Inquiry
from notifications.models import ReceivingAddress
from tests.inquiries.email_helpers import _fresh_email_settings  # noqa: F401

pytestmark = pytest.mark.django_db

RAW = (Path("/work/shared/fixtures/email/nordic") / "no-iso8859-1-new-inquiry.eml").read_bytes()
SECRET = "mailhook:s3cret-passw0rd"
SIGNING_KEY = "mailgun-signing-key"


@pytest.fixture(autouse=True)
def _anymail(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


@pytest.fixture
def address(tenant):
    return ReceivingAddress.objects.create(
        organization=tenant.org, address="Post@Fjordbolig.example", is_primary=True
    )


def auth(secret: str = SECRET) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def sendgrid_post(client: Client, raw: bytes = RAW, **extra):
    return client.post(
        "/webhooks/inbound-email/sendgrid/",
        {"email": raw.decode("latin-1"), "to": "post@fjordbolig.example"},
        **extra,
    )


def mailgun_fields(raw: bytes = RAW, key: str = SIGNING_KEY) -> dict[str, str]:
    timestamp, token = str(int(time.time())), "tok" * 10
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "body-mime": raw.decode("latin-1"),
        "recipient": "post@fjordbolig.example",
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
    }


def test_sendgrid_post_stores_the_message_and_the_worker_makes_the_inquiry(
    tenant, address, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sendgrid_post(Client(), **auth())
    assert response.status_code == 200
    email = InboundEmail.objects.get(organization=tenant.org)
    assert email.source == InboundEmail.Source.WEBHOOK
    assert email.message_id == "<20261116081402.4711@mail.example.no>"
    assert email.outcome == InboundEmail.Outcome.INQUIRY
    inquiry = Inquiry.objects.get(organization=tenant.org)
    assert inquiry.sender_email == "kare.odegard@example.no"
    assert inquiry.subject == "Lekkasje på badet - leilighet H0203"


def test_the_same_post_twice_stores_one_message(tenant, address):
    client = Client()
    assert sendgrid_post(client, **auth()).status_code == 200
    assert sendgrid_post(client, **auth()).status_code == 200
    assert InboundEmail.objects.filter(organization=tenant.org).count() == 1


def test_the_webhook_itself_does_not_parse(tenant, address):
    """Without commit callbacks the row stays as received: parsing belongs to the worker."""
    assert sendgrid_post(Client(), **auth()).status_code == 200
    assert InboundEmail.objects.get().status == InboundEmail.Status.RECEIVED
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{}, auth("mailhook:wrong"), auth("other:s3cret-passw0rd"), {"HTTP_AUTHORIZATION": "Bearer x"}],
)
def test_forged_sendgrid_post_gets_403_and_stores_nothing(tenant, address, headers):
    assert sendgrid_post(Client(), **headers).status_code == 403
    assert not InboundEmail.objects.exists()


def test_mailgun_post_with_valid_signature_is_stored(tenant, address):
    response = Client().post("/webhooks/inbound-email/mailgun/", mailgun_fields(), **auth())
    assert response.status_code == 200
    assert InboundEmail.objects.filter(organization=tenant.org).count() == 1


def test_mailgun_post_with_forged_signature_gets_403(tenant, address):
    fields = mailgun_fields(key="guessed-key")
    response = Client().post("/webhooks/inbound-email/mailgun/", fields, **auth())
    assert response.status_code == 403
    assert not InboundEmail.objects.exists()


def test_postmark_raw_email_is_stored(tenant, address):
    body = json.dumps(
        {
            "RawEmail": RAW.decode("latin-1"),
            "OriginalRecipient": "post@fjordbolig.example",
            "FromFull": {"Email": "kare.odegard@example.no", "Name": ""},
            "ToFull": [{"Email": "post@fjordbolig.example", "Name": ""}],
            "Headers": [],
        }
    )
    response = Client().post(
        "/webhooks/inbound-email/postmark/", body, content_type="application/json", **auth()
    )
    assert response.status_code == 200
    assert InboundEmail.objects.filter(organization=tenant.org).count() == 1


def test_without_a_configured_secret_every_post_gets_403(settings, tenant, address):
    settings.ANYMAIL = {}
    assert sendgrid_post(Client()).status_code == 403
    assert not InboundEmail.objects.exists()


def test_unknown_provider_is_404(tenant):
    assert Client().post("/webhooks/inbound-email/nosuch/", {}, **auth()).status_code == 404


def test_get_is_not_allowed(tenant):
    assert Client().get("/webhooks/inbound-email/sendgrid/", **auth()).status_code == 405


def test_mail_to_an_address_nobody_receives_is_accepted_and_not_stored(tenant):
    assert sendgrid_post(Client(), **auth()).status_code == 200
    assert not InboundEmail.objects.exists()


def test_mail_goes_to_the_organization_owning_the_address(tenant, other_tenant):
    ReceivingAddress.objects.create(
        organization=other_tenant.org, address="post@fjordbolig.example"
    )
    assert sendgrid_post(Client(), **auth()).status_code == 200
    assert InboundEmail.objects.get().organization_id == other_tenant.org.pk


def test_plus_addressing_finds_the_address(tenant, address):
    raw = RAW.replace(b"To: post@fjordbolig.example", b"To: post+123@fjordbolig.example")
    assert sendgrid_post(Client(), raw=raw, **auth()).status_code == 200
    assert InboundEmail.objects.filter(organization=tenant.org).count() == 1


def test_garbage_payload_is_a_400_not_a_500(tenant, address):
    response = Client().post(
        "/webhooks/inbound-email/postmark/", "{not json", content_type="application/json", **auth()
    )
    assert response.status_code == 400


def test_webhook_p95_is_under_50_ms(tenant, address):
    client = Client()
    timings = []
    for n in range(60):
        raw = RAW.replace(b"<20261116081402.4711@", f"<p95-{n}@".encode())
        started = time.perf_counter()
        response = sendgrid_post(client, raw=raw, **auth())
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    assert p95 < 0.050, f"p95 {p95 * 1000:.1f} ms"
