"""Inquiry forms: the field registry's check of `fields`, the admins' services, and the editor
under Settings (admins only; other organizations' admins get 404)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cases.models import Category
from cases.services.categories import category_ensure_defaults
from portal.inquiry.selectors import inquiry_forms_for_portal
from portal.inquiry.services import (
    inquiry_form_create_general,
    inquiry_form_move,
    inquiry_form_save,
    inquiry_form_set_active,
)
from portal.inquiry_forms import FIELDS, asked_fields, default_fields, fields_clean
from portal.models import InquiryForm


def _save(org, actor, **values):
    values.setdefault("name", "Leaking tap")
    values.setdefault("fields", default_fields())
    return inquiry_form_save(org=org, actor=actor, **values)


def _url(org, name="list", *args):
    return reverse(f"inquiry_forms:{name}", args=[org.slug, *args])


def _post_data(**overrides):
    data = {"name": "Leaking tap", "intro": "", "category": "", "is_active": "on"}
    for name, spec in FIELDS.items():
        data[f"{name}_mode"] = spec.default_mode
        data[f"{name}_help"] = ""
    data.update(overrides)
    return data


# The registry ------------------------------------------------------------------------------


def test_fields_clean_fills_in_missing_fields_as_hidden():
    cleaned = fields_clean({"location": {"mode": "required", "help": "  Which  room? "}})
    assert set(cleaned) == set(FIELDS)
    assert cleaned["location"] == {"mode": "required", "help": "Which room?"}
    assert cleaned["phone"]["mode"] == "hidden"


@pytest.mark.parametrize(
    "raw",
    [
        [],
        "location",
        {"colour": {"mode": "optional"}},
        {"location": {"mode": "sometimes"}},
        {"location": "required"},
        {"location": {"mode": "optional", "help": "x" * 301}},
    ],
)
def test_fields_clean_refuses_what_the_portal_cannot_ask(raw):
    with pytest.raises(ValidationError) as error:
        fields_clean(raw)
    assert "fields" in error.value.message_dict


def test_asked_fields_skip_hidden_ones_and_fall_back_to_built_in_help():
    asked = asked_fields(
        {"phone": {"mode": "required", "help": ""}, "location": {"mode": "hidden"}}
    )
    assert list(asked) == ["phone"]
    assert asked["phone"].required is True
    assert asked["phone"].help == str(FIELDS["phone"].help)


def test_asked_fields_tolerate_a_broken_stored_value():
    assert asked_fields({"phone": "yes", "location": None, "nonsense": {}}) == {}
    assert asked_fields(None) == {}


# Services ----------------------------------------------------------------------------------


def test_new_forms_go_last(tenant):
    first = _save(tenant.org, tenant.admin, name="First")
    second = _save(tenant.org, tenant.admin, name="Second")
    assert second.position > first.position


def test_name_is_unique_per_organization_ignoring_case(tenant, other_tenant):
    _save(tenant.org, tenant.admin, name="Leaking tap")
    _save(other_tenant.org, other_tenant.admin, name="Leaking tap")
    with pytest.raises(ValidationError) as error:
        _save(tenant.org, tenant.admin, name="  leaking   TAP ")
    assert error.value.message_dict["name"] == ["Another inquiry form has this name."]


def test_photo_required_needs_the_photo_field(tenant):
    fields = default_fields()
    fields["attachments"]["mode"] = "hidden"
    with pytest.raises(ValidationError) as error:
        _save(tenant.org, tenant.admin, fields=fields, photo_required=True)
    assert "photo_required" in error.value.message_dict


def test_service_refuses_another_organizations_form_and_category(tenant, other_tenant):
    theirs = _save(other_tenant.org, other_tenant.admin)
    category_ensure_defaults(other_tenant.org)
    with pytest.raises(ValidationError):
        _save(tenant.org, tenant.admin, inquiry_form=theirs, name="Mine now")
    with pytest.raises(ValidationError):
        inquiry_form_set_active(
            org=tenant.org, actor=tenant.admin, inquiry_form=theirs, active=False
        )
    with pytest.raises(ValidationError):
        inquiry_form_move(org=tenant.org, actor=tenant.admin, inquiry_form=theirs, up=True)
    foreign_category = Category.objects.filter(organization=other_tenant.org).first()
    with pytest.raises(ValidationError):
        _save(tenant.org, tenant.admin, name="Other", category=foreign_category)
    theirs.refresh_from_db()
    assert theirs.name == "Leaking tap" and theirs.is_active


def test_move_swaps_with_the_neighbour_and_stops_at_the_ends(tenant):
    a, b, c = (_save(tenant.org, tenant.admin, name=n) for n in ("A", "B", "C"))
    inquiry_form_move(org=tenant.org, actor=tenant.admin, inquiry_form=c, up=True)
    assert [f.name for f in inquiry_forms_for_portal(tenant.org)] == ["A", "C", "B"]
    inquiry_form_move(org=tenant.org, actor=tenant.admin, inquiry_form=a, up=True)
    assert [f.name for f in inquiry_forms_for_portal(tenant.org)] == ["A", "C", "B"]
    inquiry_form_move(org=tenant.org, actor=tenant.admin, inquiry_form=a, up=False)
    assert [f.name for f in inquiry_forms_for_portal(tenant.org)] == ["C", "A", "B"]


def test_portal_offers_the_built_in_form_until_one_is_active(tenant):
    offered = inquiry_forms_for_portal(tenant.org)
    assert [f.pk for f in offered] == [None]
    assert offered[0].name == "General inquiry"
    own = _save(tenant.org, tenant.admin, name="Noise")
    assert inquiry_forms_for_portal(tenant.org) == [own]
    inquiry_form_set_active(org=tenant.org, actor=tenant.admin, inquiry_form=own, active=False)
    assert [f.pk for f in inquiry_forms_for_portal(tenant.org)] == [None]


def test_general_form_is_saved_once(tenant):
    first = inquiry_form_create_general(org=tenant.org, actor=tenant.admin)
    again = inquiry_form_create_general(org=tenant.org, actor=tenant.admin)
    assert first == again
    assert first.name == "General inquiry"
    assert asked_fields(first.fields).keys() == asked_fields(default_fields()).keys()


# The editor --------------------------------------------------------------------------------


def test_admin_creates_a_form_with_required_fields_and_help(tenant, admin_client_org):
    category_ensure_defaults(tenant.org)
    category = Category.objects.filter(organization=tenant.org).first()
    data = _post_data(
        name="Leaking tap",
        intro="Turn off the water first.",
        category=str(category.pk),
        location_mode="required",
        location_help="Kitchen or bathroom?",
        photo_required="on",
    )
    response = admin_client_org.post(_url(tenant.org, "new"), data)
    assert response.status_code == 302
    form = InquiryForm.objects.get(organization=tenant.org)
    assert form.category == category
    assert form.photo_required
    assert form.fields["location"] == {"mode": "required", "help": "Kitchen or bathroom?"}
    listing = admin_client_org.get(_url(tenant.org)).content.decode()
    assert "Leaking tap" in listing


def test_editor_keeps_what_was_typed_when_refused(tenant, admin_client_org):
    data = _post_data(
        name="Broken window",
        intro="Say which window.",
        attachments_mode="hidden",
        photo_required="on",
    )
    response = admin_client_org.post(_url(tenant.org, "new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "A form that requires a photo must ask for photos and documents." in page
    assert 'value="Broken window"' in page
    assert "Say which window." in page
    assert not InquiryForm.objects.exists()


def test_editor_refuses_a_made_up_mode_without_error(tenant, admin_client_org):
    response = admin_client_org.post(_url(tenant.org, "new"), _post_data(phone_mode="<script>"))
    assert response.status_code == 200
    assert not InquiryForm.objects.exists()


def test_reorder_and_switch_off_from_the_list(tenant, admin_client_org):
    a = _save(tenant.org, tenant.admin, name="A")
    b = _save(tenant.org, tenant.admin, name="B")
    admin_client_org.post(_url(tenant.org, "move", b.pk), {"direction": "up"})
    assert [f.name for f in inquiry_forms_for_portal(tenant.org)] == ["B", "A"]
    admin_client_org.post(_url(tenant.org, "set_active", a.pk), {"active": "0"})
    a.refresh_from_db()
    assert not a.is_active
    page = admin_client_org.get(_url(tenant.org)).content.decode()
    assert "Offer again" in page


def test_general_form_button_saves_it_and_opens_the_editor(tenant, admin_client_org):
    page = admin_client_org.get(_url(tenant.org)).content.decode()
    assert "built-in" in page
    response = admin_client_org.post(_url(tenant.org, "create_general"))
    form = InquiryForm.objects.get(organization=tenant.org)
    assert response["Location"] == _url(tenant.org, "edit", form.pk)


def test_caseworker_may_not_edit_forms(tenant, staff_client):
    assert staff_client.get(_url(tenant.org)).status_code == 403
    assert staff_client.post(_url(tenant.org, "new"), _post_data()).status_code == 403
    assert not InquiryForm.objects.exists()


def test_other_organizations_admin_gets_404(tenant, other_tenant):
    mine = _save(tenant.org, tenant.admin)
    theirs = other_tenant.client_for(other_tenant.admin)
    for name, args in (("list", []), ("new", []), ("edit", [mine.pk])):
        assert theirs.get(_url(tenant.org, name, *args)).status_code == 404
    for name in ("move", "set_active"):
        assert theirs.post(_url(tenant.org, name, mine.pk), {"active": "0"}).status_code == 404
    # Their own settings cannot reach our form either.
    assert theirs.get(_url(other_tenant.org, "edit", mine.pk)).status_code == 404
    assert (
        theirs.post(_url(other_tenant.org, "set_active", mine.pk), {"active": "0"}).status_code
        == 404
    )
    mine.refresh_from_db()
    assert mine.is_active


def test_anonymous_visitor_is_sent_to_sign_in(tenant):
    response = Client().get(_url(tenant.org))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_editor_posts_need_a_csrf_token(tenant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant.admin)
    assert client.post(_url(tenant.org, "new"), _post_data()).status_code == 403
    assert not InquiryForm.objects.exists()


def test_settings_navigation_links_to_inquiry_forms(tenant, admin_client_org):
    page = admin_client_org.get(_url(tenant.org)).content.decode()
    assert f'href="{_url(tenant.org)}" aria-current="page"' in page
