"""Sign-in by e-mailed link and by password; the link pages that fail clearly."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from notifications.models import OutboundMessage
from portal.auth import SESSION_KEY
from portal.models import PortalToken
from portal.tokens import token_hash
from tests.portal.conftest import portal_url

pytestmark = pytest.mark.django_db(transaction=False)

LINK = re.compile(r"http://testserver/portal/[a-z-]+/link/([A-Za-z0-9_-]+)/")


def ask_for_link(client: Client, org, email: str):
    return client.post(portal_url(org, "login"), {"action": "link", "link-email": email})


def sent_link(org) -> str:
    row = OutboundMessage.objects.filter(organization=org).latest("pk")
    return LINK.search(row.body_text).group(0).replace("http://testserver", "")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver"


def test_login_page_renders_for_anonymous_visitor(tenant):
    response = Client().get(portal_url(tenant.org, "login"))
    assert response.status_code == 200
    assert tenant.org.name in response.content.decode()


def test_link_request_e_mails_a_link_through_the_outbox(
    tenant, resident, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_for_link(client, tenant.org, "Resident@Example.net ")
    assert response.status_code == 302
    assert response["Location"] == portal_url(tenant.org, "link_sent")
    row = OutboundMessage.objects.get(organization=tenant.org)
    assert row.to == "resident@example.net"
    assert len(mail.outbox) == 1
    token = PortalToken.objects.get(account=resident)
    raw = LINK.search(row.body_text).group(1)
    assert token.token_hash == token_hash(raw)
    assert raw not in token.token_hash


def test_link_signs_in_once(tenant, resident):
    client = Client()
    ask_for_link(client, tenant.org, resident.email)
    url = sent_link(tenant.org)
    page = client.get(url)
    assert page.status_code == 200
    assert SESSION_KEY not in client.session  # the GET spends nothing
    response = client.post(url)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == {str(tenant.org.pk): resident.pk}
    assert client.get(portal_url(tenant.org)).status_code == 200
    again = Client().post(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
