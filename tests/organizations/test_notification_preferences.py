"""My notifications: every member (admin, caseworker, supplier) chooses whether mentions, cases
and tasks given to them are also e-mailed; the bell always shows them."""

from __future__ import annotations

import pytest

from organizations.models import User


def _url(tenant) -> str:
    return f"/{tenant.org.slug}/me/notifications/"


def test_defaults_are_email_at_once(tenant, staff_client):
    response = staff_client.get(_url(tenant))

    assert response.status_code == 200
    assert "My notifications" in response.content.decode()
    form = response.context["form"]
    assert form.initial == {
        "mentions": "email",
        "assignments": "email",
        "tasks": "email",
        "service_levels": "email",
    }


@pytest.mark.parametrize("role", ["admin", "caseworker", "supplier"])
def test_every_member_can_choose_the_app_only(tenant, role):
    user = getattr(tenant, role)
    client = tenant.client_for(user)

    response = client.post(
        _url(tenant),
        {"mentions": "app", "assignments": "email", "tasks": "app", "service_levels": "app"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.notify_mentions_by_email is False
    assert user.notify_assignments_by_email is True
    assert user.notify_tasks_by_email is False
    assert user.notify_service_levels_by_email is False
    # the page shows what is saved
    page = client.get(_url(tenant))
    assert page.context["form"].initial == {
        "mentions": "app",
        "assignments": "email",
        "tasks": "app",
        "service_levels": "app",
    }


def test_changes_only_my_own_preferences(tenant, staff_client):
    staff_client.post(_url(tenant), {"mentions": "app", "assignments": "app", "tasks": "app"})

    assert User.objects.get(pk=tenant.admin.pk).notify_mentions_by_email is True


def test_an_invalid_choice_is_refused_and_keeps_the_rest(tenant, staff_client):
    response = staff_client.post(
        _url(tenant), {"mentions": "sms<script>", "assignments": "app", "tasks": "app"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["mentions"]
    assert "<script>" not in response.content.decode()
    assert response.context["form"]["assignments"].value() == "app"
    tenant.caseworker.refresh_from_db()
    assert tenant.caseworker.notify_assignments_by_email is True


def test_outsider_gets_404(tenant, outsider_client):
    assert outsider_client.get(_url(tenant)).status_code == 404
    response = outsider_client.post(_url(tenant), {"mentions": "app"})
    assert response.status_code == 404


def test_anonymous_is_sent_to_sign_in(tenant, client):
    response = client.get(_url(tenant))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_user_menu_links_to_my_notifications(tenant, staff_client):
    html = staff_client.get(f"/{tenant.org.slug}/").content.decode()
    assert _url(tenant) in html
