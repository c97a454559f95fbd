"""Staff notifications by e-mail: mentions, case assignments and tasks reach the bell always and
the member's inbox when they chose e-mail; suppliers get an e-mail when a case or task is handed
to them. Every e-mail goes through the outbox, marked automatic, in the recipient's language."""

from __future__ import annotations

import pytest
from django.core import mail

from cases.mentions import mention_token
from cases.services.cases import case_change
from cases.services.notes import note_add
from cases.services.tasks import task_add
from notifications.models import Notification, OutboundMessage
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory, SupplierFactory

Kind = OutboundMessage.Kind


@pytest.fixture
def case(tenant):
    customer = CustomerFactory(organization=tenant.org, name="Kari Nordmann")
    return make_case(tenant.org, tenant.caseworker, title="Vannlekkasje", customer=customer)


def _mention(tenant, case, user, text="kan du se på denne?"):
    body = f"{mention_token(user.pk, user.full_name)} {text}"
    return note_add(org=tenant.org, actor=tenant.caseworker, case=case, body=body)


def test_mention_of_a_member_who_chose_email_sends_one_automatic_email(
    tenant, case, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = _mention(tenant, case, tenant.admin)

    row = OutboundMessage.objects.get(kind=Kind.MENTION)
    assert row.to == tenant.admin.email
    assert row.status == OutboundMessage.Status.SENT
    assert row.headers["Auto-Submitted"] == "auto-generated"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [f'"Admin Alpha Bolig" <{tenant.admin.email}>']
    assert message.subject == f"Caseworker Alpha Bolig mentioned you on case {case.number}"
    assert "@Admin Alpha Bolig kan du se på denne?" in message.body  # the token as read
    assert "(user:" not in message.body
    assert f"{settings.SITE_URL}/alpha/cases/{case.number}/#note-{note.pk}" in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.extra_headers["X-Auto-Response-Suppress"] == "All"
    # the bell as before
    assert Notification.objects.get().recipient == tenant.admin


def test_email_links_start_at_site_url(tenant, case, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://saksflyt.example"
    with django_capture_on_commit_callbacks(execute=True):
        note = _mention(tenant, case, tenant.admin)

    assert f"https://saksflyt.example/alpha/cases/{case.number}/#note-{note.pk}" in (
        mail.outbox[0].body
    )


def test_mention_of_a_member_who_chose_the_app_only_sends_no_email(
    tenant, case, django_capture_on_commit_callbacks
):
    tenant.admin.notify_mentions_by_email = False
    tenant.admin.save()

    with django_capture_on_commit_callbacks(execute=True):
        _mention(tenant, case, tenant.admin)

    assert Notification.objects.filter(recipient=tenant.admin).count() == 1
    assert not OutboundMessage.objects.exists()
    assert mail.outbox == []


def test_mention_email_is_in_the_recipients_language(
    tenant, case, django_capture_on_commit_callbacks
):
    tenant.admin.language = "nb"
    tenant.admin.save()

    with django_capture_on_commit_callbacks(execute=True):
        _mention(tenant, case, tenant.admin)

    row = OutboundMessage.objects.get()
    assert row.language == "nb"


def test_a_rolled_back_note_sends_nothing(tenant, case, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _mention(tenant, case, tenant.admin)
                raise RuntimeError("boom")
        except RuntimeError:
            pass

    assert not OutboundMessage.objects.exists()
    assert mail.outbox == []


def test_assignment_emails_the_new_assignee_by_preference(
    tenant, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_change(org=tenant.org, actor=tenant.caseworker, case=case, assignee=tenant.admin)

    row = OutboundMessage.objects.get(kind=Kind.ASSIGNED)
    assert row.to == tenant.admin.email
    assert str(case.number) in row.subject
    assert tenant.admin.email in mail.outbox[0].to[0]


def test_assignment_of_a_member_who_chose_the_app_only_sends_no_email(
    tenant, case, django_capture_on_commit_callbacks
):
    tenant.admin.notify_assignments_by_email = False
    tenant.admin.save()

    with django_capture_on_commit_callbacks(execute=True):
        case_change(org=tenant.org, actor=tenant.caseworker, case=case, assignee=tenant.admin)

    assert Notification.objects.filter(recipient=tenant.admin, kind="assigned").exists()
    assert not OutboundMessage.objects.exists()


def test_assigning_yourself_sends_nothing(tenant, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case_change(org=tenant.org, actor=tenant.admin, case=case, assignee=tenant.admin)

    assert not Notification.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_task_for_a_colleague_emails_them_with_the_task_title(
    tenant, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task_add(
            org=tenant.org,
            actor=tenant.caseworker,
            case=case,
            title="Ring rørlegger",
            assignee=tenant.admin,
        )

    row = OutboundMessage.objects.get(kind=Kind.TASK_ASSIGNED)
    assert row.to == tenant.admin.email
    assert "Ring rørlegger" in row.subject
    assert "Vannlekkasje" in row.body_text


def test_task_of_a_member_who_chose_the_app_only_sends_no_email(
    tenant, case, django_capture_on_commit_callbacks
):
    tenant.admin.notify_tasks_by_email = False
    tenant.admin.save()

    with django_capture_on_commit_callbacks(execute=True):
        task_add(
            org=tenant.org, actor=tenant.caseworker, case=case, title="Ring", assignee=tenant.admin
        )

    assert Notification.objects.filter(recipient=tenant.admin, kind="task").exists()
    assert not OutboundMessage.objects.exists()


def test_task_for_a_supplier_emails_its_users_and_its_address_once_each(
    tenant, case, django_capture_on_commit_callbacks
):
    supplier = SupplierFactory(organization=tenant.org, email="post@rorlegger.example")
    supplier.users.add(tenant.supplier)

    with django_capture_on_commit_callbacks(execute=True):
        task = task_add(
            org=tenant.org,
            actor=tenant.caseworker,
            case=case,
            title="Bytt pakning",
            supplier=supplier,
        )

    rows = OutboundMessage.objects.filter(kind=Kind.TASK_ASSIGNED).order_by("to")
    assert sorted(r.to for r in rows) == sorted([tenant.supplier.email, "post@rorlegger.example"])
    for row in rows:
        assert "Bytt pakning" in row.subject
        assert f"/alpha/cases/{case.number}/tasks/{task.pk}/" in row.body_text
    assert Notification.objects.get(kind="task").recipient == tenant.supplier


def test_supplier_address_shared_with_its_user_gets_one_email(
    tenant, case, django_capture_on_commit_callbacks
):
    supplier = SupplierFactory(organization=tenant.org, email=tenant.supplier.email.upper())
    supplier.users.add(tenant.supplier)

    with django_capture_on_commit_callbacks(execute=True):
        task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="X", supplier=supplier)

    assert OutboundMessage.objects.count() == 1


def test_supplier_set_on_an_existing_case_gets_the_handover_email(
    tenant, case, django_capture_on_commit_callbacks
):
    tenant.org.email_signature = "Alpha Bolig AS\nTlf 22 22 22 22"
    tenant.org.save()
    supplier = SupplierFactory(
        organization=tenant.org, name="Rørlegger AS", email="post@rorlegger.example"
    )

    with django_capture_on_commit_callbacks(execute=True):
        case_change(org=tenant.org, actor=tenant.caseworker, case=case, supplier=supplier)

    row = OutboundMessage.objects.get()
    assert row.kind == Kind.SUPPLIER_HANDOVER
    assert row.to == "post@rorlegger.example"
    assert row.subject == "New job for you: Vannlekkasje"
    assert "Hello Rørlegger AS" in row.body_text
    assert row.body_text.endswith("Alpha Bolig AS\nTlf 22 22 22 22")
    assert row.headers["Auto-Submitted"] == "auto-generated"
    assert mail.outbox[0].to == ['"Rørlegger AS" <post@rorlegger.example>']


def test_changing_another_field_sends_no_supplier_email(tenant, django_capture_on_commit_callbacks):
    supplier = SupplierFactory(organization=tenant.org)
    case = make_case(tenant.org, tenant.caseworker, supplier=supplier)
    OutboundMessage.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        case_change(org=tenant.org, actor=tenant.caseworker, case=case, priority="high")

    assert not OutboundMessage.objects.exists()


def test_an_edited_mention_template_is_used(tenant, case, django_capture_on_commit_callbacks):
    from notifications.models import MessageTemplate

    MessageTemplate.objects.create(
        organization=tenant.org,
        kind=Kind.MENTION,
        language="en",
        subject="Ping {{ case_number }} for {{ customer_name }}",
        body_text="{{ message }}",
    )

    with django_capture_on_commit_callbacks(execute=True):
        _mention(tenant, case, tenant.admin, text="hei")

    row = OutboundMessage.objects.get()
    assert row.subject == f"Ping {case.number} for Kari Nordmann"
