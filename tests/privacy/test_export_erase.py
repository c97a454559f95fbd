"""GDPR export and erasure of one customer: everything of theirs, nothing of anyone else's, and
no trace left behind in any table, file or search."""

from __future__ import annotations

import json
import zipfile

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models

from cases.models import Attachment, Case, CaseEvent
from cases.selectors.lists import _search
from customers.models import Customer
from customers.selectors import customer_search
from inquiries.models import InboundEmail, Inquiry, InquiryAttachment
from privacy.models import PrivacyLog
from privacy.services import customer_erase, customer_export
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.BinaryField)


def traces(strings) -> list[str]:
    """Every (model, row, column) of any table whose text, JSON or raw bytes hold one of
    `strings` (case-insensitive)."""
    wanted = [s.casefold() for s in strings]
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not fields:
            continue
        for row in model._base_manager.values_list("pk", *(f.attname for f in fields)):
            for field, value in zip(fields, row[1:], strict=True):
                if value is None:
                    continue
                if isinstance(value, bytes | memoryview):
                    text = bytes(value).decode("utf-8", "replace")
                elif isinstance(value, str):
                    text = value
                else:
                    text = json.dumps(value, ensure_ascii=False)
                for needle in wanted:
                    if needle in text.casefold():
                        found.append(f"{model._meta.label}#{row[0]}.{field.name}: {needle}")
    return found


def stored_files() -> set[str]:
    def walk(path=""):
        if not default_storage.exists(path or "."):
            return
        directories, files = default_storage.listdir(path)
        for name in files:
            yield f"{path}/{name}" if path else name
        for directory in directories:
            yield from walk(f"{path}/{directory}" if path else directory)

    return set(walk())


def open_export(tenant, customer):
    archive = customer_export(org=tenant.org, actor=tenant.admin, customer=customer)
    return zipfile.ZipFile(archive)


# --- Export ------------------------------------------------------------------------------------


def test_export_holds_the_persons_data_from_every_app(tenant, person, neighbour):
    zf = open_export(tenant, person.customer)
    data = json.loads(zf.read("data.json"))
    assert data["customers"]["customer"]["email"] == "kari.testesen@example.org"
    assert len(data["customers"]["contact_roles"]) == 1
    [case] = data["cases"]
    assert case["number"] == person.case.number
    directions = sorted(m["direction"] for m in case["messages"])
    assert directions == ["in", "out", "out"]  # their e-mail; our e-mail and SMS to them
    assert any("Thanks! Kari Testesen" in m.get("text", "") for m in case["messages"])
    assert case["notes"][0]["text"] == "Spoke with Kari Testesen about the leak."
    assert [f["name"] for f in case["files_sent"]] == ["leak-photo.png"]
    inquiries = data["inquiries"]["inquiries"]
    assert {i["id"] for i in inquiries} == {person.inquiry.pk, person.deleted_inquiry.pk}
    [email] = data["inquiries"]["received_emails"]
    assert email["from"] == "kari.testesen@example.org"
    assert {m["channel"] for m in data["notifications"]} == {"email", "sms"}
    assert PrivacyLog.objects.get(action="export").customer_id_ref == person.customer.pk


def test_export_contains_nobody_elses_data(tenant, other_tenant, person, neighbour):
    twin = CustomerFactory(  # another organization's customer with the very same details
        organization=other_tenant.org,
        name="Kari Testesen",
        email="kari.testesen@example.org",
        phone="+47 912 34 567",
    )
    zf = open_export(tenant, person.customer)
    everything = zf.read("data.json").decode() + " ".join(zf.namelist())
    for value in neighbour.strings.values():
        assert value not in everything
    assert f'"customer_id": {twin.pk}' not in everything
    assert "neighbour-basement.png" not in everything
    assert other_tenant.org.name not in everything


def test_export_zip_contains_their_files_and_raw_emails(tenant, person, neighbour):
    zf = open_export(tenant, person.customer)
    names = zf.namelist()
    photo = Attachment.objects.get(case=person.case, original_name="leak-photo.png")
    case_files = [n for n in names if n.startswith("files/cases/")]
    assert case_files == [f"files/cases/case-{person.case.number}/{photo.pk}-leak-photo.png"]
    assert zf.read(case_files[0]) == photo.file.open("rb").read()
    inquiry_files = [n for n in names if n.startswith("files/inquiries/inquiry-")]
    assert len(inquiry_files) == 1 and inquiry_files[0].endswith("kari-basement.png")
    eml = zf.read(f"files/inquiries/emails/{person.email.pk}.eml")
    assert b"Thanks! Kari Testesen" in eml


def test_export_refuses_another_organizations_customer(tenant, other_tenant):
    outsider = CustomerFactory(organization=other_tenant.org)
    with pytest.raises(ValidationError):
        customer_export(org=tenant.org, actor=tenant.admin, customer=outsider)
    assert not PrivacyLog.objects.exists()


# --- Erasure -----------------------------------------------------------------------------------


def test_erasure_leaves_no_trace_in_any_table(tenant, other_tenant, person, neighbour):
    outsider = CustomerFactory(organization=other_tenant.org, name="Per Utenfor")
    assert traces(person.strings.values())  # the scan does find them before

    customer_erase(
        org=tenant.org,
        actor=tenant.admin,
        customer=person.customer,
        reason="Kari Testesen asked by phone (+47 912 34 567)",
    )

    assert traces(person.strings.values()) == []
    # The neighbour and the other organization keep everything.
    for value in neighbour.strings.values():
        assert traces([value]), value
    outsider.refresh_from_db()
    assert outsider.name == "Per Utenfor" and outsider.anonymised_at is None


def test_erasure_keeps_the_case_with_the_person_anonymised(tenant, person):
    customer_erase(org=tenant.org, actor=tenant.admin, customer=person.customer, reason="Asked")
    customer = Customer.objects.get(pk=person.customer.pk)
    assert customer.name == f"Anonymised customer #{customer.pk}"
    assert (customer.email, customer.phone, customer.address, customer.notes) == ("", "", "", "")
    assert customer.anonymised_at is not None
    case = Case.objects.get(pk=person.case.pk)
    assert case.customer_id == customer.pk
    assert case.description == "[removed] reports a leak; call [removed] or write to [removed]."
    message_in = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.MESSAGE_IN)
    assert message_in.data["erased"] is True and "text" in message_in.data
    assert not customer.contact_roles.exists()


def test_erasure_removes_their_files_and_raw_emails(
    tenant, person, neighbour, django_capture_on_commit_callbacks
):
    theirs = [
        Attachment.objects.get(case=person.case, original_name="leak-photo.png").file.name,
        *InquiryAttachment.objects.filter(inquiry=person.inquiry).values_list("file", flat=True),
    ]
    before = stored_files()
    assert set(theirs) <= before

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        customer_erase(org=tenant.org, actor=tenant.admin, customer=person.customer, reason="Asked")
        assert stored_files() == before  # nothing deleted before the commit
    assert callbacks

    after = stored_files()
    assert not set(theirs) & after
    kept = before - set(theirs)
    thumbnails = {n for n in kept if n.startswith("thumbnails/")}
    assert kept - thumbnails <= after  # the neighbour's files are all there
    email = InboundEmail.objects.get(pk=person.email.pk)
    assert bytes(email.raw) == b"" and email.from_address == ""
    assert bytes(InboundEmail.objects.get(pk=neighbour.email.pk).raw) != b""
    assert not Inquiry.objects.filter(pk__in=[person.inquiry.pk, person.deleted_inquiry.pk])
    assert Inquiry.objects.filter(pk=neighbour.inquiry.pk).exists()


def test_search_no_longer_finds_them(tenant, person, neighbour):
    assert list(customer_search(tenant.org, "Kari Testesen")) == [person.customer]
    cases = Case.objects.filter(organization=tenant.org)
    assert list(cases.filter(_search(tenant.org, "Testesen"))) == [person.case]

    customer_erase(org=tenant.org, actor=tenant.admin, customer=person.customer, reason="Asked")

    # (every word is searched for on its own, so "Solsikkeveien 12" finds the neighbour at 14)
    for text in person.strings.values():
        assert person.customer not in customer_search(tenant.org, text), text
        assert person.case not in cases.filter(_search(tenant.org, text)), text
    assert list(customer_search(tenant.org, "Kari Testmann")) == [neighbour.customer]


def test_erasure_is_logged_without_the_personal_data(tenant, person):
    customer_erase(
        org=tenant.org,
        actor=tenant.admin,
        customer=person.customer,
        reason="Kari Testesen asked in writing",
    )
    entry = PrivacyLog.objects.get(action=PrivacyLog.Action.ERASE)
    assert entry.customer_id_ref == person.customer.pk and entry.actor == tenant.admin
    assert entry.reason == "[removed] asked in writing"
    assert entry.counts["cases"] == 1 and entry.counts["files"] >= 2
    assert "Testesen" not in json.dumps(entry.counts) + entry.subject


def test_erasure_refuses_another_organizations_customer(tenant, other_tenant):
    outsider = CustomerFactory(organization=other_tenant.org, name="Per Utenfor")
    with pytest.raises(ValidationError):
        customer_erase(org=tenant.org, actor=tenant.admin, customer=outsider, reason="x")
    outsider.refresh_from_db()
    assert outsider.name == "Per Utenfor"


def test_erasure_needs_a_reason_and_happens_once(tenant, person):
    with pytest.raises(ValidationError) as error:
        customer_erase(org=tenant.org, actor=tenant.admin, customer=person.customer, reason=" ")
    assert "reason" in error.value.message_dict
    customer_erase(org=tenant.org, actor=tenant.admin, customer=person.customer, reason="Asked")
    with pytest.raises(ValidationError):
        customer_erase(org=tenant.org, actor=tenant.admin, customer=person.customer, reason="x")
    assert PrivacyLog.objects.filter(action="erase").count() == 1


def test_a_failing_part_rolls_the_whole_erasure_back(tenant, person, monkeypatch):
    from customers import personal_data
    from customers.personal_data import Part

    def broken(org, customer, actor):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(
        personal_data._parts, "broken", Part(name="broken", export=lambda o, c: [], erase=broken)
    )
    files = stored_files()
    with pytest.raises(RuntimeError):
        customer_erase(org=tenant.org, actor=tenant.admin, customer=person.customer, reason="x")
    person.customer.refresh_from_db()
    assert person.customer.name == "Kari Testesen" and person.customer.anonymised_at is None
    assert stored_files() == files
    assert not PrivacyLog.objects.exists()


def test_erasure_scrubs_the_admin_history_of_the_customer(tenant, person):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from customers.models import ContactRole

    role = ContactRole.objects.get(customer=person.customer)
    for obj in (person.customer, role):
        LogEntry.objects.create(
            user=tenant.admin,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
            change_message=f"Changed {person.strings['email']}",
        )
    customer_erase(org=tenant.org, actor=tenant.admin, customer=person.customer, reason="Asked")
    assert traces(person.strings.values()) == []
    assert LogEntry.objects.count() == 2


def test_a_shared_building_address_is_not_removed_from_the_neighbours_cases(tenant):
    from tests.factories.cases import make_case
    from tests.factories.properties import PropertyFactory

    PropertyFactory(organization=tenant.org, address="Storgata 1")
    leaving = CustomerFactory(organization=tenant.org, name="Lena Flytter", address="Storgata 1")
    staying = CustomerFactory(organization=tenant.org, name="Sara Blir", address="Storgata 1")
    make_case(tenant.org, tenant.caseworker, customer=leaving, title="Lena Flytter, Storgata 1")
    kept = make_case(tenant.org, tenant.caseworker, customer=staying, title="Door at Storgata 1")

    customer_erase(org=tenant.org, actor=tenant.admin, customer=leaving, reason="Asked")

    kept.refresh_from_db()
    assert kept.title == "Door at Storgata 1"
    assert Case.objects.get(customer=leaving).title == "[removed], Storgata 1"
    leaving.refresh_from_db()
    assert leaving.address == ""
