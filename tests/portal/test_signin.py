"""Sign-in by e-mailed link and by password; the link pages that fail clearly."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

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


def test_unknown_and_known_addresses_get_byte_identical_answers(tenant, resident):
    known = ask_for_link(Client(), tenant.org, resident.email)
    unknown = ask_for_link(Client(), tenant.org, "nobody@example.net")
    assert known.status_code == unknown.status_code == 302
    assert known.content == unknown.content
    assert dict(known.headers) == dict(unknown.headers)
    assert known.cookies.output() == unknown.cookies.output()
    assert OutboundMessage.objects.filter(organization=tenant.org).count() == 1


def test_expired_link_fails_clearly(tenant, resident):
    client = Client()
    ask_for_link(client, tenant.org, resident.email)
    url = sent_link(tenant.org)
    PortalToken.objects.filter(account=resident).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 410
        assert "This link has expired." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_link_of_another_organization_fails_clearly(tenant, other_tenant, resident):
    client = Client()
    ask_for_link(client, tenant.org, resident.email)
    url = sent_link(tenant.org).replace(f"/{tenant.org.slug}/", f"/{other_tenant.org.slug}/")
    response = client.post(url)
    assert response.status_code == 404
    assert "belongs to another organization" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert PortalToken.objects.get(account=resident).used_at is None


def test_made_up_link_fails_clearly(tenant):
    response = Client().get(portal_url(tenant.org, "link", "x" * 43))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_new_link_retires_the_previous_one(tenant, resident):
    client = Client()
    ask_for_link(client, tenant.org, resident.email)
    first = sent_link(tenant.org)
    ask_for_link(client, tenant.org, resident.email)
    assert client.post(first).status_code == 410
    assert client.post(sent_link(tenant.org)).status_code == 302


def test_link_requests_per_address_are_limited_silently(tenant, resident):
    for _attempt in range(8):
        response = ask_for_link(Client(), tenant.org, resident.email)
        assert response.status_code == 302
    assert OutboundMessage.objects.filter(organization=tenant.org).count() == 5


def test_sign_in_attempts_per_client_address_are_limited(tenant, settings):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(30):
        assert ask_for_link(client, tenant.org, f"n{n}@example.net").status_code == 302
    response = ask_for_link(client, tenant.org, "more@example.net")
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert 'value="more@example.net"' in response.content.decode()
    assert (
        ask_for_link(Client(REMOTE_ADDR="203.0.113.10"), tenant.org, "x@example.net").status_code
        == 302
    )


def test_invalid_address_is_refused_next_to_the_field(tenant):
    response = ask_for_link(Client(), tenant.org, "not-an-address")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_link-email_error"' in html
    assert 'aria-describedby="id_link-email_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="not-an-address"' in html


def test_password_sign_in(tenant, resident):
    resident.set_password("a long resident password")
    resident.save()
    client = Client()
    response = client.post(
        portal_url(tenant.org, "login"),
        {
            "action": "password",
            "pw-email": "RESIDENT@example.net",
            "pw-password": "a long resident password",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == portal_url(tenant.org)
    assert client.session[SESSION_KEY] == {str(tenant.org.pk): resident.pk}


def test_wrong_password_keeps_the_address_and_says_so(tenant, resident):
    resident.set_password("a long resident password")
    resident.save()
    client = Client()
    response = client.post(
        portal_url(tenant.org, "login"),
        {"action": "password", "pw-email": resident.email, "pw-password": "wrong"},
    )
    assert response.status_code == 400
    assert "The e-mail address or the password is wrong." in response.content.decode()
    assert f'value="{resident.email}"' in response.content.decode()
    assert SESSION_KEY not in client.session


def test_password_is_locked_after_repeated_failures(tenant, resident):
    resident.set_password("a long resident password")
    resident.save()
    login = portal_url(tenant.org, "login")
    for _attempt in range(5):
        Client().post(login, {"action": "password", "pw-email": resident.email, "pw-password": "x"})
    response = Client().post(
        login,
        {
            "action": "password",
            "pw-email": resident.email,
            "pw-password": "a long resident password",
        },
    )
    assert response.status_code == 400


def test_account_without_password_cannot_sign_in_with_an_empty_one(tenant, resident):
    response = Client().post(
        portal_url(tenant.org, "login"),
        {"action": "password", "pw-email": resident.email, "pw-password": ""},
    )
    assert response.status_code == 400


def test_sign_in_returns_to_the_page_asked_for_but_never_outside_the_portal(tenant, resident):
    resident.set_password("a long resident password")
    resident.save()
    wanted = portal_url(tenant.org, "profile")
    redirect = Client().get(wanted)
    assert redirect.status_code == 302
    assert redirect["Location"].startswith(portal_url(tenant.org, "login"))
    for next_url, expected in (
        (wanted, wanted),
        ("https://evil.example/", portal_url(tenant.org)),
        ("/admin/", portal_url(tenant.org)),
    ):
        response = Client().post(
            portal_url(tenant.org, "login"),
            {
                "action": "password",
                "pw-email": resident.email,
                "pw-password": "a long resident password",
                "next": next_url,
            },
        )
        assert response["Location"] == expected


def test_sign_out(tenant, resident, resident_client):
    response = resident_client.post(portal_url(tenant.org, "logout"))
    assert response.status_code == 302
    assert resident_client.get(portal_url(tenant.org)).status_code == 302


def test_sign_out_needs_post(tenant, resident_client):
    assert resident_client.get(portal_url(tenant.org, "logout")).status_code == 405


def test_csrf_is_enforced_on_sign_in(tenant, resident):
    client = Client(enforce_csrf_checks=True)
    response = ask_for_link(client, tenant.org, resident.email)
    assert response.status_code == 403
    assert not OutboundMessage.objects.exists()
    page = client.get(portal_url(tenant.org, "login"))
    token = page.cookies["csrftoken"].value
    response = client.post(
        portal_url(tenant.org, "login"),
        {"action": "link", "link-email": resident.email, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_link_failure_page_is_in_the_visitors_language(tenant, resident):
    from django.utils import translation

    client = Client()
    client.post(portal_url(tenant.org, "language"), {"language": "sv"})
    response = client.get(portal_url(tenant.org, "link", "y" * 43))
    html = response.content.decode()
    assert '<html lang="sv">' in html
    with translation.override("sv"):
        assert translation.gettext("The link cannot be used") in html


def test_link_e_mail_is_in_the_accounts_language(tenant, resident):
    resident.language = "en"
    resident.save()
    ask_for_link(Client(), tenant.org, resident.email)
    row = OutboundMessage.objects.get(organization=tenant.org)
    assert row.language == "en"
    assert row.subject == f"Your sign-in link for {tenant.org.name}"


def test_link_uses_site_url_not_the_host_header(tenant, resident, settings):
    settings.SITE_URL = "https://saksflyt.example"
    settings.ALLOWED_HOSTS = ["*"]
    Client(HTTP_HOST="attacker.example").post(
        portal_url(tenant.org, "login"), {"action": "link", "link-email": resident.email}
    )
    row = OutboundMessage.objects.get(organization=tenant.org)
    assert f"https://saksflyt.example/portal/{tenant.org.slug}/link/" in row.body_text
    assert "attacker.example" not in row.body_text


def test_deactivated_account_gets_no_link(tenant, resident):
    resident.is_active = False
    resident.save()
    assert ask_for_link(Client(), tenant.org, resident.email).status_code == 302
    assert not OutboundMessage.objects.exists()


def test_unknown_organization_portal_is_404():
    assert Client().get("/portal/no-such-org/sign-in/").status_code == 404


def test_nightly_job_removes_links_expired_over_a_day_ago_only(tenant, resident):
    from portal.tasks import delete_expired_portal_links
    from portal.tokens import token_issue

    now = timezone.now()
    old, _raw = token_issue(org=tenant.org, purpose="login", account=resident)
    recent, _raw = token_issue(org=tenant.org, purpose="login", account=resident)
    live, _raw = token_issue(org=tenant.org, purpose="invite", account=resident)
    PortalToken.objects.filter(pk=old.pk).update(expires_at=now - datetime.timedelta(days=2))
    PortalToken.objects.filter(pk=recent.pk).update(expires_at=now - datetime.timedelta(hours=2))
    assert delete_expired_portal_links() == 1
    assert set(PortalToken.objects.values_list("pk", flat=True)) == {recent.pk, live.pk}
