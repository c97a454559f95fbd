"""What the form fuzz (tests/fuzz/test_forms.py) found, pinned one by one."""

from __future__ import annotations

from cases.services.categories import category_ensure_defaults
from inquiries.services.intake import inquiry_receive
from organizations.services_api_keys import api_key_create
from properties.models import Container
from tests.factories.cases import make_case
from tests.factories.properties import PropertyFactory


def test_language_switch_with_a_next_that_is_no_path_goes_home(tenant, admin_client_org):
    """`redirect()` took a bare word for a URL name to reverse: NoReverseMatch, a 500."""
    for next_url in ("a\x00b", "²", "inbox", "-1"):
        response = admin_client_org.post(
            "/accounts/language/", {"language": "nb", "next": next_url}
        )

        assert response.status_code == 302, next_url
        assert response["Location"] == "/"


def test_language_switch_still_returns_to_a_path_on_this_site(tenant, admin_client_org):
    response = admin_client_org.post(
        "/accounts/language/", {"language": "nb", "next": f"/{tenant.org.slug}/cases/"}
    )

    assert response["Location"] == f"/{tenant.org.slug}/cases/"


def test_container_size_beyond_the_database_column_is_a_form_error(tenant, staff_client):
    """PositiveIntegerField: 2,147,483,648 was "integer out of range" from PostgreSQL."""
    home = PropertyFactory(organization=tenant.org)

    response = staff_client.post(
        f"/{tenant.org.slug}/properties/containers/new/",
        {
            "property": home.pk,
            "container_id": "100234",
            "fraction": "Restaffald",
            "size_litres": "2147483648",
        },
    )

    assert response.status_code == 200
    assert "less than or equal to 2147483647" in response.content.decode()
    assert not Container.objects.exists()


def test_property_search_with_nul_on_the_convert_page_shows_the_form(tenant, staff_client):
    inquiry = inquiry_receive(
        org=tenant.org,
        channel="web_form",
        sender_name="Kari",
        sender_email="kari@example.net",
        message="Drips",
    )

    response = staff_client.post(
        f"/{tenant.org.slug}/inquiries/{inquiry.pk}/convert/",
        {"title": "Typed title", "property_search": "stor\x00gata", "_refresh": "property"},
    )

    assert response.status_code == 200
    assert 'value="Typed title"' in response.content.decode()


def test_api_choice_error_quoting_a_lone_surrogate_is_a_400(tenant, client, settings):
    """The message "'\\udfff' is not a valid choice." could not be encoded by the renderer."""
    category_ensure_defaults(tenant.org)
    make_case(tenant.org)
    secret = api_key_create(org=tenant.org, actor=tenant.admin, name="Fuzz")[1]

    response = client.generic(
        "PATCH",
        "/api/v1/cases/1/",
        b'{"status": "\\udfff"}',
        content_type="application/json",
        headers={"Authorization": f"Api-Key {secret}", "Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json()["errors"]["status"] == ['"\\udfff" is not a valid choice.']
