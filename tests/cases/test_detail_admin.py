"""The Django admin lists every cases model, filtered by organization, status and priority; the
history is read-only there."""

from __future__ import annotations

import pytest
from django.contrib import admin

from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Category,
    Note,
    NotificationRequest,
    Tag,
    Task,
    TimeEntry,
)
from cases.services.notes import note_add
from tests.factories.cases import make_case
from tests.factories.organizations import UserFactory

MODELS = [Attachment, Case, CaseEvent, Category, Note, NotificationRequest, Tag, Task, TimeEntry]


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    return client


def test_every_cases_model_is_registered():
    assert all(admin.site.is_registered(model) for model in MODELS)


def test_case_list_filters_by_organization_status_and_priority():
    filters = admin.site._registry[Case].list_filter
    assert {"organization", "status", "priority"} <= set(filters)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelists_load(superuser_client, tenant, model):
    case = make_case(tenant.org, tenant.caseworker)
    note_add(org=tenant.org, actor=tenant.caseworker, case=case, body="Hei")

    url = f"/admin/cases/{model._meta.model_name}/"
    assert superuser_client.get(url).status_code == 200


def test_case_change_page_shows_history_read_only(superuser_client, tenant):
    case = make_case(tenant.org, tenant.caseworker)

    response = superuser_client.get(f"/admin/cases/case/{case.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Case created" in html
    assert 'name="events-0-kind"' not in html
    assert 'name="events-0-new_value"' not in html


def test_case_events_cannot_be_added_changed_or_deleted_in_the_admin(superuser_client, tenant):
    case = make_case(tenant.org, tenant.caseworker)
    event = case.events.get()

    assert superuser_client.get("/admin/cases/caseevent/add/").status_code == 403
    assert superuser_client.get(f"/admin/cases/caseevent/{event.pk}/delete/").status_code == 403
    response = superuser_client.post(
        f"/admin/cases/caseevent/{event.pk}/change/", {"kind": "closed"}
    )
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.kind == "created"
