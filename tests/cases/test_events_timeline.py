"""Every write on the case page leaves its CaseEvent, and the timeline renders them all, oldest
first, with labels in the reader's language."""

from __future__ import annotations

import datetime

from cases.mentions import mention_token
from cases.models import CaseEvent
from cases.services.attachments import attachments_add
from cases.services.cases import case_change, case_close, case_reopen
from cases.services.notes import note_add
from cases.services.tags import case_tag_add
from cases.services.tasks import task_add, task_complete
from cases.services.time import time_entry_add
from tests.cases.detail_support import case_url, png_upload
from tests.factories.cases import make_case
from tests.factories.customers import SupplierFactory
from tests.factories.organizations import TeamFactory


def _everything(tenant, case):
    """One of each write the case page can make, in this order."""
    org, actor = tenant.org, tenant.caseworker
    case_change(org=org, actor=actor, case=case, status="in_progress")
    case_change(org=org, actor=actor, case=case, priority="high")
    case_change(org=org, actor=actor, case=case, category=org.categories.get(key="order"))
    case_change(org=org, actor=actor, case=case, deadline=datetime.date(2031, 6, 1))
    case_change(org=org, actor=actor, case=case, assignee=tenant.admin)
    case_change(
        org=org, actor=actor, case=case, teams=[TeamFactory(organization=org, name="Drift")]
    )
    case_change(
        org=org,
        actor=actor,
        case=case,
        supplier=SupplierFactory(organization=org, name="Hauler AS"),
    )
    note_add(org=org, actor=actor, case=case, body=f"{mention_token(tenant.admin.pk, 'Admin')} ok?")
    task = task_add(org=org, actor=actor, case=case, title="Tøm containeren")
    task_complete(org=org, actor=tenant.admin, task=task, note="Tømt")
    attachments_add(org=org, actor=actor, case=case, uploads=[png_upload("tak.png")])
    time_entry_add(org=org, actor=actor, case=case, minutes=75)
    case_tag_add(org=org, actor=actor, case=case, name="Garanti")
    case_close(org=org, actor=actor, case=case, resolution="Ferdig")
    case_reopen(org=org, actor=actor, case=case)


EXPECTED = [
    ("created", "", "", ""),
    ("status", "status", "new", "in_progress"),
    ("priority", "priority", "normal", "high"),
    ("category", "category", "", "Order"),
    ("deadline", "deadline", "", "2031-06-01"),
    ("assignee", "assignee", "", "Admin Alpha Bolig"),
    ("teams", "teams", "", "Drift"),
    ("supplier", "supplier", "", "Hauler AS"),
    ("note", "", "", ""),
    ("task_added", "", "", "Tøm containeren"),
    ("task_done", "", "Tøm containeren", "Tømt"),
    ("attachment", "", "", "tak.png"),
    ("time", "", "", "75"),
    ("tags", "tags", "", "Garanti"),
    ("field", "resolution", "", "Ferdig"),
    ("status", "status", "in_progress", "closed"),
    ("status", "status", "closed", "in_progress"),
]


def test_every_service_writes_its_event_with_old_and_new_values(tenant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = make_case(tenant.org, tenant.caseworker)

    _everything(tenant, case)

    events = list(
        CaseEvent.objects.filter(case=case)
        .order_by("created_at", "id")
        .values_list("kind", "field", "old_value", "new_value")
    )
    assert events == EXPECTED


def test_timeline_renders_every_event_in_order(tenant, staff_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = make_case(tenant.org, tenant.caseworker)
    _everything(tenant, case)

    html = staff_client.get(case_url(case)).content.decode()
    timeline = html.split('id="timeline-list"')[1].split("</ol>")[0]

    sentences = [
        "created the case (source: Manual)",
        'changed the status from <span class="old-value">New</span> to '
        '<strong class="new-value">In progress</strong>',
        'changed the priority from <span class="old-value">Normal</span> to '
        '<strong class="new-value">High</strong>',
        "changed the category from",
        "changed the deadline from",
        "changed the assignee from",
        "changed the teams from",
        "changed the supplier from",
        "added an internal note",
        "added the task <strong>“Tøm containeren”</strong>",
        "completed the task <strong>“Tøm containeren”</strong>",
        "attached <strong>“tak.png”</strong>",
        "logged <strong>1:15</strong>",
        "changed the tags from",
        "changed the resolution:",
        'to <strong class="new-value">Closed</strong>',
        'from <span class="old-value">Closed</span>',
    ]
    positions = [timeline.index(s) for s in sentences]
    assert positions == sorted(positions)
    assert timeline.count('class="event ') == len(EXPECTED)
    assert '<mark class="mention">@Admin</mark>' in timeline
    assert "06/01/2031" in timeline
    assert "Tømt" in timeline and "Ferdig" in timeline


def test_timeline_labels_follow_the_readers_language(tenant, settings, tmp_path):
    reader = tenant.admin
    reader.language = "sv"
    reader.save(update_fields=["language"])
    case = make_case(tenant.org, tenant.caseworker)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="in_progress")

    html = tenant.client_for(reader).get(case_url(case)).content.decode()
    timeline = html.split('id="timeline-list"')[1].split("</ol>")[0]

    assert "Pågående" in timeline
    assert "In progress" not in timeline


def test_event_times_are_shown_in_the_organizations_time_zone(tenant, staff_client):
    tenant.org.time_zone = "America/New_York"
    tenant.org.save(update_fields=["time_zone"])
    case = make_case(tenant.org, tenant.caseworker)
    CaseEvent.objects.filter(case=case).update(
        created_at=datetime.datetime(2030, 1, 15, 12, 0, tzinfo=datetime.UTC)
    )

    html = staff_client.get(case_url(case)).content.decode()

    assert 'datetime="2030-01-15T07:00:00-05:00"' in html


def test_event_by_a_deleted_user_reads_as_system(tenant, staff_client):
    case = make_case(tenant.org, tenant.caseworker)
    CaseEvent.objects.filter(case=case).update(actor=None)

    html = staff_client.get(case_url(case)).content.decode()

    assert '<span class="event-actor">System</span>' in html
