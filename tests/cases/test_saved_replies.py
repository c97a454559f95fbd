"""Settings → Saved replies (notifications/views_settings.py): admins manage the canned
responses that the reply composer offers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import SavedReply


def url(org, name="saved_reply_list", **kwargs):
    return reverse(f"cases:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_admin_creates_lists_edits_and_deletes_a_saved_reply(tenant, admin_client_org):
    org = tenant.org

    response = admin_client_org.post(
        url(org, "saved_reply_new"), {"title": "Thanks", "body": "Thank you for writing."}
    )
    assert response.status_code == 302
    saved = SavedReply.objects.get(organization=org)
    listing = admin_client_org.get(url(org)).content.decode()
    assert "Thanks" in listing and "Thank you for writing." in listing

    admin_client_org.post(
        url(org, "saved_reply_edit", saved_reply_id=saved.pk),
        {"title": "Thanks!", "body": "Changed"},
    )
    saved.refresh_from_db()
    assert (saved.title, saved.body) == ("Thanks!", "Changed")

    admin_client_org.post(url(org, "saved_reply_delete", saved_reply_id=saved.pk))
    assert not SavedReply.objects.exists()


def test_duplicate_title_is_refused_keeping_what_was_typed(tenant, admin_client_org):
    SavedReply.objects.create(organization=tenant.org, title="Thanks", body="x")

    response = admin_client_org.post(
        url(tenant.org, "saved_reply_new"), {"title": "thanks", "body": "My new words"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Another saved reply has this title." in html
    assert "My new words" in html
    assert SavedReply.objects.count() == 1


def test_empty_form_shows_errors_not_a_500(tenant, admin_client_org):
    response = admin_client_org.post(url(tenant.org, "saved_reply_new"), {"title": " "})

    assert response.status_code == 200
    assert not SavedReply.objects.exists()


def test_caseworker_may_not_manage_saved_replies(tenant, staff_client):
    assert staff_client.get(url(tenant.org)).status_code == 403


def test_saved_reply_titles_are_escaped(tenant, admin_client_org):
    SavedReply.objects.create(organization=tenant.org, title="<script>x</script>", body="b")

    html = admin_client_org.get(url(tenant.org)).content.decode()

    assert "<script>x</script>" not in html


@pytest.mark.parametrize("name", ["saved_reply_edit", "saved_reply_delete"])
def test_outsider_gets_404_for_another_organizations_saved_reply(tenant, other_tenant, name):
    saved = SavedReply.objects.create(organization=tenant.org, title="Ours", body="b")
    intruder = other_tenant.client_for(other_tenant.admin)

    # Through their own organization's URL, with our row's id:
    response = intruder.post(url(other_tenant.org, name, saved_reply_id=saved.pk), {"title": "x"})
    assert response.status_code == 404
    # And through ours:
    response = intruder.post(url(tenant.org, name, saved_reply_id=saved.pk), {"title": "x"})
    assert response.status_code == 404
    saved.refresh_from_db()
    assert saved.title == "Ours"


def test_outsider_gets_404_for_the_list(tenant, outsider_client):
    assert outsider_client.get(url(tenant.org)).status_code == 404


def test_composer_links_admins_to_the_saved_replies(tenant, admin_client_org, staff_client):
    from tests.cases.detail_support import case_url
    from tests.factories.cases import make_case

    case = make_case(tenant.org, tenant.caseworker)
    link = f'href="/{tenant.org.slug}/settings/saved-replies/"'

    form = case_url(case, "forms/reply/")  # the reply tab's form
    hx = {"HX-Request": "true"}
    assert link in admin_client_org.get(form, headers=hx).content.decode()
    assert link not in staff_client.get(form, headers=hx).content.decode()
