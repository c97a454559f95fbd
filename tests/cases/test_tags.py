"""Tags: per organization, created on the fly, unique ignoring case; each change is an event."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cases.models import CaseEvent, Tag
from cases.services.tags import case_tag_add, case_tag_remove, tag_get_or_create
from tests.cases.detail_support import HX, case_url
from tests.factories.cases import TagFactory, make_case


@pytest.fixture
def case(tenant):
    return make_case(tenant.org, tenant.caseworker)


def test_adding_a_new_tag_creates_it_and_writes_an_event(tenant, case):
    event = case_tag_add(org=tenant.org, actor=tenant.caseworker, case=case, name="  Vann  skade ")

    tag = Tag.objects.get()
    assert (tag.organization, tag.name) == (tenant.org, "Vann skade")
    assert list(case.tags.all()) == [tag]
    assert (event.kind, event.old_value, event.new_value) == ("tags", "", "Vann skade")


def test_existing_tag_is_reused_ignoring_case(tenant, case):
    existing = TagFactory(organization=tenant.org, name="Garanti")

    event = case_tag_add(org=tenant.org, actor=tenant.caseworker, case=case, name="GARANTI")

    assert Tag.objects.count() == 1
    assert list(case.tags.all()) == [existing]
    assert event.new_value == "Garanti"


def test_same_name_in_another_organization_is_another_tag(tenant, other_tenant, case):
    foreign = TagFactory(organization=other_tenant.org, name="Garanti")

    tag = tag_get_or_create(org=tenant.org, name="garanti")

    assert tag != foreign and tag.organization == tenant.org


def test_adding_a_tag_twice_writes_one_event(tenant, case):
    case_tag_add(org=tenant.org, actor=tenant.caseworker, case=case, name="Garanti")

    assert case_tag_add(org=tenant.org, actor=tenant.caseworker, case=case, name="garanti") is None
    assert CaseEvent.objects.filter(kind="tags").count() == 1


def test_removing_a_tag_writes_old_and_new(tenant, case):
    case_tag_add(org=tenant.org, actor=tenant.caseworker, case=case, name="Garanti")
    case_tag_add(org=tenant.org, actor=tenant.caseworker, case=case, name="akutt")
    garanti = Tag.objects.get(name="Garanti")

    event = case_tag_remove(org=tenant.org, actor=tenant.caseworker, case=case, tag=garanti)

    assert (event.old_value, event.new_value) == ("akutt, Garanti", "akutt")
    assert Tag.objects.filter(pk=garanti.pk).exists()  # the tag stays for other cases


def test_empty_or_long_tags_are_refused(tenant, case):
    for name in ("   ", "x" * 51):
        with pytest.raises(ValidationError):
            case_tag_add(org=tenant.org, actor=tenant.caseworker, case=case, name=name)
    assert not Tag.objects.exists()


def test_another_organizations_tag_cannot_be_removed_through_this_case(tenant, other_tenant, case):
    foreign = TagFactory(organization=other_tenant.org, name="X")

    with pytest.raises(ValidationError):
        case_tag_remove(org=tenant.org, actor=tenant.caseworker, case=case, tag=foreign)


def test_tags_through_the_page(tenant, staff_client, case):
    response = staff_client.post(case_url(case, "tags/"), {"tag-name": "Garanti"}, headers=HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="case-tags"' in html and "Remove tag Garanti" in html
    assert "changed the tags from" in html
    tag = Tag.objects.get()

    response = staff_client.post(case_url(case, f"tags/{tag.pk}/remove/"), headers=HX)

    assert response.status_code == 200
    assert not case.tags.exists()


def test_blank_tag_through_the_page_answers_400(staff_client, case):
    response = staff_client.post(case_url(case, "tags/"), {"tag-name": ""}, headers=HX)

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_removing_another_organizations_tag_id_gives_404(other_tenant, staff_client, case):
    foreign = TagFactory(organization=other_tenant.org, name="X")

    assert staff_client.post(case_url(case, f"tags/{foreign.pk}/remove/")).status_code == 404
