"""Settings → API keys: admins create and revoke keys; the secret is shown once, stored hashed."""

from __future__ import annotations

import datetime
import hashlib
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from inquiries.models import Inquiry
from organizations.models import ApiKey
from organizations.services_api_keys import (
    api_key_create,
    api_key_for_secret,
    api_key_revoke,
    api_key_touch,
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def page_url(org) -> str:
    return f"/{org.slug}/settings/api-keys/"


def revoke_url(api_key) -> str:
    return f"/{api_key.organization.slug}/settings/api-keys/{api_key.pk}/revoke/"


def post_inquiry(secret: str):
    return Client().post(
        "/api/v1/inquiries/",
        data=json.dumps({"email": "kari@example.com", "message": "Hello"}),
        content_type="application/json",
        headers={"Authorization": f"Api-Key {secret}"},
    )


def test_admin_sees_keys_with_prefix_docs_link_and_curl_example(tenant, admin_client_org):
    api_key, _secret = api_key_create(org=tenant.org, actor=tenant.admin, name="Website")
    response = admin_client_org.get(page_url(tenant.org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Website" in html and f"{api_key.prefix}…" in html
    assert 'href="/api/docs/"' in html
    assert "curl -X POST" in html and "/api/v1/inquiries/" in html
    assert "&lt;your API key&gt;" in html
    assert f"/form/{tenant.org.slug}/" in html


def test_admin_creates_a_key_shown_once_and_stored_hashed(tenant, admin_client_org):
    response = admin_client_org.post(page_url(tenant.org), {"name": "ERP integration"})
    assert response.status_code == 200
    api_key = ApiKey.objects.get(organization=tenant.org)
    secret = response.context["secret"]
    assert secret.startswith(api_key.prefix) and len(secret) > 40
    assert api_key.hashed_key == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {api_key.name, api_key.prefix, api_key.hashed_key}
    assert api_key.created_by == tenant.admin
    html = response.content.decode()
    assert secret in html
    assert f"Api-Key {secret}" in html  # the curl example is ready to paste
    # Shown once: the next visit cannot show it any more.
    assert secret not in admin_client_org.get(page_url(tenant.org)).content.decode()
    # And it works.
    assert post_inquiry(secret).status_code == 201
    assert Inquiry.objects.get().organization == tenant.org


def test_create_without_name_keeps_the_form_with_an_error(tenant, admin_client_org):
    response = admin_client_org.post(page_url(tenant.org), {"name": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiKey.objects.exists()


def test_admin_revokes_a_key_and_it_stops_working(
    tenant, admin_client_org, django_capture_on_commit_callbacks
):
    api_key, secret = api_key_create(org=tenant.org, actor=tenant.admin, name="Website")
    assert post_inquiry(secret).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):  # the revocation mark, on commit
        response = admin_client_org.post(revoke_url(api_key))
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert post_inquiry(secret).status_code == 401
    assert "Revoked" in admin_client_org.get(page_url(tenant.org)).content.decode()


def test_revoke_needs_post(tenant, admin_client_org):
    api_key, _secret = api_key_create(org=tenant.org, actor=tenant.admin, name="Website")
    assert admin_client_org.get(revoke_url(api_key)).status_code == 405
    api_key.refresh_from_db()
    assert api_key.revoked_at is None


@pytest.mark.parametrize("role", ["caseworker", "supplier"])
def test_non_admin_members_get_403(tenant, role):
    client = tenant.client_for(getattr(tenant, role))
    api_key, _secret = api_key_create(org=tenant.org, actor=tenant.admin, name="Website")
    assert client.get(page_url(tenant.org)).status_code == 403
    assert client.post(page_url(tenant.org), {"name": "Mine"}).status_code == 403
    assert client.post(revoke_url(api_key)).status_code == 403
    assert ApiKey.objects.count() == 1
    assert ApiKey.objects.get().revoked_at is None


def test_outsider_gets_404_for_the_api_keys_page_and_revoke(tenant, outsider_client):
    api_key, _secret = api_key_create(org=tenant.org, actor=tenant.admin, name="Website")
    assert outsider_client.get(page_url(tenant.org)).status_code == 404
    assert outsider_client.post(revoke_url(api_key)).status_code == 404
    api_key.refresh_from_db()
    assert api_key.revoked_at is None


def test_admin_of_another_organization_gets_404_revoking_our_key(tenant, other_tenant):
    api_key, _secret = api_key_create(org=tenant.org, actor=tenant.admin, name="Website")
    client = other_tenant.client_for(other_tenant.admin)
    url = f"/{other_tenant.org.slug}/settings/api-keys/{api_key.pk}/revoke/"
    assert client.post(url).status_code == 404
    api_key.refresh_from_db()
    assert api_key.revoked_at is None


def test_settings_tabs_link_to_api_keys(tenant, admin_client_org):
    html = admin_client_org.get(f"/{tenant.org.slug}/settings/teams/").content.decode()
    assert page_url(tenant.org) in html


def test_anonymous_visitor_is_sent_to_sign_in(tenant):
    response = Client().get(page_url(tenant.org))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- The service and the command ------------------------------------------------------------


def test_last_used_is_written_at_most_once_a_minute(tenant, django_assert_num_queries):
    api_key, secret = api_key_create(org=tenant.org, actor=None, name="Website")
    now = timezone.now()
    with django_assert_num_queries(1):
        api_key_touch(api_key, now=now)
    with django_assert_num_queries(0):
        api_key_touch(api_key, now=now + datetime.timedelta(seconds=59))
    with django_assert_num_queries(1):
        api_key_touch(api_key, now=now + datetime.timedelta(seconds=61))
    # Another process holding a stale copy does not write again within the minute.
    stale = api_key_for_secret(secret)
    stale.last_used_at = None
    api_key_touch(stale, now=now + datetime.timedelta(seconds=70))
    api_key.refresh_from_db()
    assert api_key.last_used_at == now + datetime.timedelta(seconds=61)


def test_recognised_key_is_cached_and_revoking_forgets_it(
    tenant, django_assert_num_queries, django_capture_on_commit_callbacks
):
    api_key, secret = api_key_create(org=tenant.org, actor=None, name="Website")
    with django_assert_num_queries(1):
        assert api_key_for_secret(secret) == api_key
    with django_assert_num_queries(0):
        cached = api_key_for_secret(secret)
    assert cached == api_key and cached.organization == tenant.org
    with django_capture_on_commit_callbacks(execute=True):
        api_key_revoke(org=tenant.org, actor=None, api_key=api_key)
    assert api_key_for_secret(secret) is None
    assert api_key_for_secret(secret + "x") is None


def test_create_api_key_command_prints_a_working_key(tenant):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_key", org=tenant.org.slug, name="Import job", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    api_key = ApiKey.objects.get(organization=tenant.org)
    assert api_key.name == "Import job"
    assert secret.startswith(api_key.prefix)
    assert "cannot be shown again" in err.getvalue()
    assert post_inquiry(secret).status_code == 201
    assert Inquiry.objects.get().organization == tenant.org


def test_create_api_key_command_refuses_an_unknown_organization(db):
    with pytest.raises(CommandError):
        call_command("create_api_key", org="nope", name="X", stdout=io.StringIO())


def test_a_request_that_read_the_key_before_the_revoke_cannot_cache_it_again(
    db, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from organizations.services_api_keys import (
        api_key_cache_keys,
        api_key_create,
        api_key_for_secret,
        api_key_revoke,
    )
    from tests.factories.organizations import OrganizationFactory

    org = OrganizationFactory(slug="revoke-race")
    api_key, secret = api_key_create(org=org, actor=None, name="shop")
    stale = api_key_for_secret(secret)  # read before the revoke

    with django_capture_on_commit_callbacks(execute=True):
        api_key_revoke(org=org, actor=None, api_key=api_key)
    cached_at = api_key_cache_keys(api_key.hashed_key)[0]
    cache.add(cached_at, stale, 30)  # what the slow request would do

    assert api_key_for_secret(secret) is None


def test_recording_a_use_just_after_the_revoke_cannot_bring_the_key_back(
    db, django_capture_on_commit_callbacks
):
    from organizations.services_api_keys import (
        api_key_create,
        api_key_for_secret,
        api_key_revoke,
        api_key_touch,
    )
    from tests.factories.organizations import OrganizationFactory

    org = OrganizationFactory(slug="touch-race")
    api_key, secret = api_key_create(org=org, actor=None, name="shop")
    in_flight = api_key_for_secret(secret)  # a request authenticated before the revoke ...
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        api_key_revoke(org=org, actor=None, api_key=api_key)
    # ... records its use after it; pretend its UPDATE ran before the revoke committed.
    ApiKey.objects.filter(pk=api_key.pk).update(revoked_at=None)
    api_key_touch(in_flight)
    ApiKey.objects.filter(pk=api_key.pk).update(revoked_at=timezone.now())

    assert api_key_for_secret(secret) is None


def test_iframe_snippet_escapes_the_organization_name(tenant):
    tenant.org.name = 'Bolig "Nord" AS'
    tenant.org.save(update_fields=["name"])
    client = tenant.client_for(tenant.admin)

    body = client.get(f"/{tenant.org.slug}/settings/api-keys/").content.decode()

    # Shown as text to copy: the snippet's own escaping (&quot;) escaped once more for the page.
    assert "title=&quot;Bolig &amp;quot;Nord&amp;quot; AS&quot;" in body
