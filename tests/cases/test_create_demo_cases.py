"""The demo cases `make run` starts with: each organization's own language, with histories."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.demo import DEMO_CASES
from cases.models import Attachment, Case, CaseEvent, Note, Task, TimeEntry
from organizations.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def seed() -> None:
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())


def test_each_organization_gets_cases_in_its_language_with_histories_and_a_photo():
    seed()

    titles = {
        slug: set(Case.objects.filter(organization__slug=slug).values_list("title", flat=True))
        for slug in DEMO_CASES
    }
    assert {"Sprekk i flis på bad", "Dør som ikke lukker", "Fukt i kjeller"} <= titles["nordbygg"]
    assert {"Manglende tømning af restaffald", "Beskadiget beholder"} <= titles["renova"]
    assert {"Läckande kran i köket", "Trasig tvättmaskin i tvättstugan"} <= titles["hyresbo"]

    # Histories made by the services
    org = Organization.objects.get(slug="nordbygg")
    crack = Case.objects.get(organization=org, external_reference="DEMO-NB-001")

    kinds = set(CaseEvent.objects.filter(case=crack).values_list("kind", flat=True))
    assert {"created", "status", "note", "task_added", "time", "tags", "attachment"} <= kinds
    note = Note.objects.get(case=crack)
    assert note.mentions.filter(email="lotte@nordbygg.example").exists()
    task = Task.objects.get(case=crack)
    assert task.supplier.name == "Rørlegger Hansen AS"
    assert TimeEntry.objects.filter(case=crack).exists()
    assert set(crack.tags.values_list("name", flat=True)) == {"Bad", "Befaring"}
    assert crack.customer and crack.property and crack.category.key == "warranty_claim"

    # One photo per organization
    for slug in DEMO_CASES:
        photos = Attachment.objects.filter(case__organization__slug=slug)
        assert photos.count() == 1
        assert photos.get().content_type == "image/png"

    # Statuses and deadlines that make every inbox tab useful
    for slug in DEMO_CASES:
        statuses = set(
            Case.objects.filter(organization__slug=slug).values_list("status", flat=True)
        )
        assert {"new", "in_progress", "closed"} <= statuses
    overdue = [c for c in Case.objects.filter(organization__slug="nordbygg") if c.is_overdue]
    assert overdue


def test_seeding_twice_adds_nothing():
    seed()
    counts = (Case.objects.count(), CaseEvent.objects.count(), Attachment.objects.count())

    seed()

    assert (Case.objects.count(), CaseEvent.objects.count(), Attachment.objects.count()) == counts


def test_demo_caseworker_inbox_and_supplier_work_page_show_demo_cases():
    from django.test import Client

    from organizations.models import User

    seed()
    client = Client()
    client.force_login(User.objects.get(email="saksbehandler@nordbygg.example"))
    inbox = client.get(reverse("cases:inbox", kwargs={"org_slug": "nordbygg"}) + "?tab=all")
    assert "Sprekk i flis på bad" in inbox.content.decode()

    client.force_login(User.objects.get(email="leverandor@nordbygg.example"))
    work = client.get(reverse("cases:supplier_work", kwargs={"org_slug": "nordbygg"}))
    assert "Befaring av sluk og membran" in work.content.decode()


def test_demo_cases_answered_by_a_reply_have_a_first_response_and_the_others_do_not():
    seed()

    crack = Case.objects.get(external_reference="DEMO-NB-001")
    reply = CaseEvent.objects.get(case=crack, kind=CaseEvent.Kind.MESSAGE_OUT)
    assert reply.data["purpose"] == "reply"
    assert crack.first_response_at == reply.created_at
    # Taken in hand but never answered: still unanswered.
    unanswered = Case.objects.filter(
        status__in=Case.OPEN_STATUSES, first_response_at__isnull=True
    ).exclude(events__kind=CaseEvent.Kind.MESSAGE_OUT)
    assert unanswered.exists()


def test_each_organization_has_an_office_full_of_cases_over_the_last_three_months():
    from datetime import timedelta

    from django.utils import timezone

    from cases.demo_volume import DEMO_MINIMUM
    from notifications.models import OutboundMessage

    seed()

    since = timezone.now() - timedelta(days=91)
    for slug in DEMO_CASES:
        cases = Case.objects.filter(organization__slug=slug)
        assert cases.count() >= DEMO_MINIMUM >= 60
        assert not cases.filter(created_at__lt=since).exists()
        assert cases.filter(created_at__lt=timezone.now() - timedelta(days=60)).count() >= 10
        assert set(cases.values_list("status", flat=True)) == set(Case.Status.values)
        events = CaseEvent.objects.filter(case__organization__slug=slug)
        kinds = set(events.values_list("kind", flat=True))
        assert {"created", "status", "note", "task_added", "task_done", "time"} <= kinds
        assert {"message_out", "message_in"} <= kinds
        # Every case has its history, and none of it lies in the future.
        assert events.values("case").distinct().count() == cases.count()
        assert not events.filter(created_at__gt=timezone.now()).exists()
        notes = Note.objects.filter(case__organization__slug=slug)
        assert notes.count() >= 30 and notes.filter(mentions__isnull=False).exists()
        tasks = Task.objects.filter(case__organization__slug=slug)
        assert {"open", "done"} <= set(tasks.values_list("status", flat=True))
        assert tasks.filter(supplier__isnull=False).exists()
        assert TimeEntry.objects.filter(case__organization__slug=slug).count() >= 20
        replies = OutboundMessage.objects.filter(organization__slug=slug, kind="reply")
        # Recorded as the outbox records a sent e-mail (the story cases' replies are queued
        # under tests, where nothing commits).
        assert replies.filter(status="delivered").count() >= 10
        assert not replies.filter(status__in=["sent", "delivered"], sent_at__isnull=True).exists()
        # Closed cases say how they were solved; resolved and closed ones say when.
        closed = cases.filter(status="closed")
        assert not closed.filter(resolution="").exists()
        assert not closed.filter(closed_at__isnull=True).exists()
        assert not cases.filter(status="resolved", resolved_at__isnull=True).exists()


def test_a_demo_conversation_shows_on_the_case_page_in_the_organizations_language():
    from django.test import Client

    from organizations.models import User

    seed()
    answered = (
        Case.objects.filter(organization__slug="renova", events__kind="message_in")
        .order_by("number")
        .first()
    )
    answer = CaseEvent.objects.filter(case=answered, kind="message_in").first()
    reply = CaseEvent.objects.filter(case=answered, kind="message_out").first()
    client = Client()
    client.force_login(User.objects.get(email="sagsbehandler@renova.example"))

    page = client.get(
        reverse("cases:case_detail", kwargs={"org_slug": "renova", "number": answered.number})
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert answer.data["text"] in html
    assert reply.data["text"].split("\n")[0] in html
