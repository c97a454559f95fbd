"""Every user-controlled value the hand-built HTML renders comes out escaped (issue 9, item 17).

The case rows (cases/views/lists_table.py) and the timeline (cases/templatetags/case_timeline.py)
are f-strings, not templates: one forgotten `esc(...)` is an XSS. Each value below is a distinct
payload, so a failure names the field that leaked."""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.files.base import ContentFile

from cases.models import Attachment, CaseEvent, Category
from cases.services.cases import case_change
from cases.services.notes import note_add
from cases.services.tags import case_tag_add
from cases.services.tasks import task_add
from cases.services.time import time_entry_add
from organizations.models import Membership
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory, SupplierFactory
from tests.factories.organizations import MembershipFactory, TeamFactory, UserFactory
from tests.factories.properties import PropertyFactory

# Fields too short for the full payload (a postcode is at most 16 characters).
SHORT = {"postcode": "<i>pc</i>"}


def evil(label: str) -> str:
    if label in SHORT:
        return SHORT[label]
    return f'<script>x("{label}")</script>"><img src=x onerror=y("{label}")>'


def raw_marks(label: str) -> list[str]:
    if label in SHORT:
        return [SHORT[label]]
    return [f'<script>x("{label}")', f'<img src=x onerror=y("{label}")']


def escaped(label: str) -> str:
    if label in SHORT:
        return html.escape(SHORT[label])
    return html.escape(f'<script>x("{label}")')


LIST_FIELDS = ["title", "customer", "address", "postcode", "city", "assignee", "category"]
PAGE_ONLY_FIELDS = [
    "supplier",
    "team",
    "tag",
    "note",
    "task-title",
    "task-description",
    "task-assignee",
    "task-supplier",
    "time-note",
    "attachment",
    "out-subject",
    "out-text",
    "out-to",
    "out-to-name",
    "out-file",
    "in-subject",
    "in-text",
    "in-quoted",
    "in-from-name",
    "in-file",
    "in-refused",
    "old-title",
    "actor",
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def _staff(org, label: str):
    user = UserFactory(full_name=evil(label))
    MembershipFactory(organization=org, user=user, role=Membership.Role.CASEWORKER)
    return user


@pytest.fixture
def evil_case(tenant, media):
    org, actor = tenant.org, tenant.caseworker
    assignee = _staff(org, "assignee")
    task_assignee = _staff(org, "task-assignee")
    author = _staff(org, "actor")  # shown as the actor of the note's event
    category = Category.objects.create(organization=org, name=evil("category"), key="evil")
    case = make_case(
        org,
        actor,
        title=evil("old-title"),
        customer=CustomerFactory(organization=org, name=evil("customer")),
        property=PropertyFactory(
            organization=org,
            address=evil("address"),
            postcode=evil("postcode"),
            city=evil("city"),
        ),
        assignee=assignee,
        category=category,
    )
    case_change(
        org=org,
        actor=actor,
        case=case,
        title=evil("title"),
        supplier=SupplierFactory(organization=org, name=evil("supplier")),
        teams=[TeamFactory(organization=org, name=evil("team"))],
    )
    case_tag_add(org=org, actor=actor, case=case, name=evil("tag")[:50])
    note_add(org=org, actor=author, case=case, body=evil("note"))
    task_add(
        org=org,
        actor=actor,
        case=case,
        title=evil("task-title"),
        description=evil("task-description"),
        assignee=task_assignee,
        due_date=datetime.date.today(),
    )
    task_add(
        org=org,
        actor=actor,
        case=case,
        title="For the supplier",
        supplier=SupplierFactory(organization=org, name=evil("task-supplier")),
    )
    time_entry_add(org=org, actor=actor, case=case, minutes=30, note=evil("time-note"))
    attachment = Attachment(
        organization=org,
        case=case,
        original_name=evil("attachment"),
        content_type="text/plain",
        uploaded_by=actor,
        stored_name="evil.txt",
        size=5,
    )
    attachment.file.save("evil.txt", ContentFile(b"hello"), save=False)
    attachment.save()
    CaseEvent.objects.create(
        organization=org,
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.ATTACHMENT,
        new_value=attachment.original_name,
        attachment=attachment,
    )
    CaseEvent.objects.create(
        organization=org,
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.MESSAGE_OUT,
        data={
            "channel": "email",
            "to": evil("out-to"),
            "to_name": evil("out-to-name"),
            "subject": evil("out-subject"),
            "text": evil("out-text"),
            "attachments": [evil("out-file")],
        },
    )
    CaseEvent.objects.create(
        organization=org,
        case=case,
        kind=CaseEvent.Kind.MESSAGE_IN,
        data={
            "from": "ola@example.com",
            "from_name": evil("in-from-name"),
            "subject": evil("in-subject"),
            "text": evil("in-text"),
            "quoted": evil("in-quoted"),
            "attachments": [evil("in-file")],
            "refused_attachments": [evil("in-refused")],
        },
    )
    return case


def _assert_escaped(body: str, labels: list[str]) -> None:
    leaked = [label for label in labels if any(mark in body for mark in raw_marks(label))]
    assert not leaked, f"rendered unescaped: {leaked}"
    missing = [label for label in labels if escaped(label) not in body]
    assert not missing, f"not rendered at all (so not tested): {missing}"


@pytest.mark.parametrize("path", ["?tab=all", "cases/"])
def test_case_rows_escape_every_value(tenant, staff_client, evil_case, path):
    body = staff_client.get(f"/{tenant.org.slug}/{path}").content.decode()
    _assert_escaped(body, LIST_FIELDS)


def test_case_page_and_timeline_escape_every_value(tenant, staff_client, evil_case):
    response = staff_client.get(f"/{tenant.org.slug}/cases/{evil_case.number}/")
    assert response.status_code == 200
    _assert_escaped(response.content.decode(), LIST_FIELDS + PAGE_ONLY_FIELDS)
