"""The deviation services: numbering, validation, history with old and new values, the status
flow (open → in treatment → closed, closing needs a corrective action, reopening), files, and
refusing other organizations' objects."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Deviation, DeviationFile
from cases.services.deviations import (
    DeviationData,
    deviation_close,
    deviation_create,
    deviation_files_add,
    deviation_reopen,
    deviation_status_change,
    deviation_update,
    due_date_bounds,
)
from notifications.models import Notification
from organizations.models_audit import AuditEvent
from tests.cases.detail_support import exe_upload, png_upload
from tests.deviations.support import make_deviation
from tests.factories.cases import make_case
from tests.factories.properties import PropertyFactory


def events_of(deviation: Deviation) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="cases.deviation", object_id=deviation.pk).order_by(
            "id"
        )
    )


def test_numbers_count_per_organization_from_one(tenant, other_tenant):
    first = make_deviation(tenant)
    second = make_deviation(tenant)
    elsewhere = make_deviation(other_tenant)

    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)


def test_numbering_continues_after_the_highest_number_without_a_counter(tenant):
    Deviation.objects.create(organization=tenant.org, number=41, title="Imported")

    assert make_deviation(tenant).number == 42


def test_the_same_number_twice_in_one_organization_is_refused_by_the_database(tenant):
    make_deviation(tenant)

    with pytest.raises(IntegrityError), transaction.atomic():
        Deviation.objects.create(organization=tenant.org, number=1, title="Again")


def test_a_closed_deviation_without_corrective_action_is_refused_by_the_database(tenant):
    with pytest.raises(IntegrityError), transaction.atomic():
        Deviation.objects.create(
            organization=tenant.org, number=9, title="Closed", status=Deviation.Status.CLOSED
        )


def test_create_records_who_and_every_value_given(tenant):
    prop = PropertyFactory(organization=tenant.org, address="Solbakken 12")

    deviation = make_deviation(
        tenant,
        title="Broken step",
        type=Deviation.Type.HAZARD,
        severity=Deviation.Severity.HIGH,
        property=prop,
        location="Stairwell B",
        responsible=tenant.admin,
    )

    [event] = events_of(deviation)
    assert (event.action, event.module, event.actor_id) == (
        "created",
        "deviations",
        tenant.caseworker.pk,
    )
    assert event.changes["title"] == ["", "Broken step"]
    assert event.changes["type"] == ["", "Hazard"]
    assert event.changes["severity"] == ["", "High"]
    assert event.changes["property"] == ["", str(prop)]
    assert event.changes["location"] == ["", "Stairwell B"]
    assert event.changes["responsible"] == ["", str(tenant.admin)]
    assert event.changes["status"] == ["", "Open"]
    assert "due_date" not in event.changes


def test_update_records_old_and_new_values_of_the_changed_fields_only(tenant):
    deviation = make_deviation(tenant, severity=Deviation.Severity.LOW, location="Cellar")

    changes = deviation_update(
        org=tenant.org,
        actor=tenant.admin,
        deviation=deviation,
        data=DeviationData(
            title=deviation.title,
            severity=Deviation.Severity.CRITICAL,
            location="Cellar, room 2",
            due_date=datetime.date(2031, 5, 17),
        ),
    )

    assert changes == {
        "severity": ["Low", "Critical"],
        "location": ["Cellar", "Cellar, room 2"],
        "due_date": ["", "2031-05-17"],
    }
    event = events_of(deviation)[-1]
    assert (event.action, event.actor_id, event.changes) == ("changed", tenant.admin.pk, changes)
    deviation.refresh_from_db()
    assert deviation.severity == "critical"


def test_update_without_changes_records_nothing(tenant):
    deviation = make_deviation(tenant, location="Cellar")

    changes = deviation_update(
        org=tenant.org,
        actor=tenant.admin,
        deviation=deviation,
        data=DeviationData(title=deviation.title, location="  Cellar "),
    )

    assert changes == {}
    assert len(events_of(deviation)) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "   ", "A deviation needs a title."),
        ("title", "x" * 201, "At most 200 characters."),
        ("type", "flood", "Choose a type from the list."),
        ("severity", "extreme", "Choose a severity from the list."),
        ("due_date", datetime.date(1999, 12, 31), "Choose a date between"),
        ("due_date", datetime.date(2999, 1, 1), "Choose a date between"),
    ],
)
def test_bad_values_are_refused_on_their_field(tenant, field, value, message):
    fields = {"title": "Broken step", field: value}

    with pytest.raises(ValidationError) as caught:
        make_deviation(tenant, **fields)

    assert message in " ".join(caught.value.message_dict[field])
    assert not Deviation.objects.exists()


def test_due_date_ten_years_ahead_is_accepted_one_day_more_is_not(tenant):
    earliest, latest = due_date_bounds()
    assert earliest == datetime.date(2000, 1, 1)
    assert 3650 <= (latest - timezone.localdate()).days <= 3653

    assert make_deviation(tenant, due_date=earliest).due_date == earliest
    assert make_deviation(tenant, due_date=latest).due_date == latest
    with pytest.raises(ValidationError):
        make_deviation(tenant, due_date=latest + datetime.timedelta(days=1))


def test_responsible_must_be_staff_of_the_organization(tenant, other_tenant):
    for user in (tenant.supplier, other_tenant.caseworker):
        with pytest.raises(ValidationError) as caught:
            make_deviation(tenant, responsible=user)
        assert "responsible" in caught.value.message_dict


def test_another_organizations_property_or_case_is_refused(tenant, other_tenant):
    foreign_property = PropertyFactory(organization=other_tenant.org)
    foreign_case = make_case(other_tenant.org, other_tenant.caseworker)

    with pytest.raises(ValidationError, match="That belongs to another organization."):
        make_deviation(tenant, property=foreign_property)
    with pytest.raises(ValidationError, match="That belongs to another organization."):
        make_deviation(tenant, case=foreign_case)
    assert not Deviation.objects.filter(organization=tenant.org).exists()


def test_services_refuse_another_organizations_deviation(tenant, other_tenant):
    foreign = make_deviation(other_tenant)

    calls = [
        lambda: deviation_update(
            org=tenant.org, actor=tenant.admin, deviation=foreign, data=DeviationData("Mine")
        ),
        lambda: deviation_status_change(
            org=tenant.org, actor=tenant.admin, deviation=foreign, status="in_treatment"
        ),
        lambda: deviation_close(
            org=tenant.org, actor=tenant.admin, deviation=foreign, corrective_action="x"
        ),
        lambda: deviation_files_add(
            org=tenant.org, actor=tenant.admin, deviation=foreign, uploads=[png_upload()]
        ),
    ]
    for call in calls:
        with pytest.raises(ValidationError, match="That belongs to another organization."):
            call()
    foreign.refresh_from_db()
    assert (foreign.title, foreign.status) == ("Loose railing in stairwell B", "open")


def test_closing_needs_a_corrective_action(tenant):
    deviation = make_deviation(tenant)

    with pytest.raises(ValidationError) as caught:
        deviation_close(org=tenant.org, actor=tenant.admin, deviation=deviation)

    assert "corrective_action" in caught.value.message_dict
    deviation.refresh_from_db()
    assert deviation.status == "open"


def test_status_flow_open_treatment_closed_and_reopened_with_history(tenant):
    deviation = make_deviation(tenant)

    deviation_status_change(
        org=tenant.org, actor=tenant.admin, deviation=deviation, status="in_treatment"
    )
    deviation_close(
        org=tenant.org,
        actor=tenant.admin,
        deviation=deviation,
        corrective_action="Railing fastened; checked monthly.",
    )
    deviation.refresh_from_db()
    assert deviation.status == "closed" and deviation.closed_at is not None
    deviation_reopen(org=tenant.org, actor=tenant.admin, deviation=deviation)

    deviation.refresh_from_db()
    assert (deviation.status, deviation.closed_at) == ("open", None)
    assert deviation.corrective_action == "Railing fastened; checked monthly."
    history = [(e.action, e.changes) for e in events_of(deviation)[1:]]
    assert history == [
        ("changed", {"status": ["Open", "In treatment"]}),
        (
            "closed",
            {
                "status": ["In treatment", "Closed"],
                "corrective_action": ["", "Railing fastened; checked monthly."],
            },
        ),
        ("reopened", {"status": ["Closed", "Open"]}),
    ]


def test_a_deviation_with_a_corrective_action_can_be_closed_straight_from_open(tenant):
    deviation = make_deviation(tenant, corrective_action="Sign put up.")

    deviation_close(org=tenant.org, actor=tenant.admin, deviation=deviation)

    deviation.refresh_from_db()
    assert deviation.status == "closed"


def test_the_same_status_again_or_an_unknown_one_is_refused(tenant):
    deviation = make_deviation(tenant)

    for status in ("open", "archived"):
        with pytest.raises(ValidationError):
            deviation_status_change(
                org=tenant.org, actor=tenant.admin, deviation=deviation, status=status
            )
    assert len(events_of(deviation)) == 1


def test_reopening_needs_a_closed_deviation_and_an_open_status(tenant):
    deviation = make_deviation(tenant, corrective_action="Done")
    with pytest.raises(ValidationError, match="already open"):
        deviation_reopen(org=tenant.org, actor=tenant.admin, deviation=deviation)
    deviation_close(org=tenant.org, actor=tenant.admin, deviation=deviation)

    with pytest.raises(ValidationError):
        deviation_reopen(org=tenant.org, actor=tenant.admin, deviation=deviation, status="closed")
    deviation_reopen(org=tenant.org, actor=tenant.admin, deviation=deviation, status="in_treatment")
    deviation.refresh_from_db()
    assert deviation.status == "in_treatment"


def test_a_closed_deviation_keeps_its_corrective_action_when_edited(tenant):
    deviation = make_deviation(tenant, corrective_action="Done")
    deviation_close(org=tenant.org, actor=tenant.admin, deviation=deviation)

    with pytest.raises(ValidationError) as caught:
        deviation_update(
            org=tenant.org,
            actor=tenant.admin,
            deviation=deviation,
            data=DeviationData(title=deviation.title, corrective_action=" "),
        )

    assert "corrective_action" in caught.value.message_dict


def test_files_are_checked_stored_under_new_names_and_recorded(tenant):
    deviation = make_deviation(tenant, uploads=[png_upload("railing.png")])

    [row] = DeviationFile.objects.filter(deviation=deviation)
    assert row.original_name == "railing.png"
    assert row.content_type == "image/png"
    assert row.file.name.startswith(f"deviations/{tenant.org.pk}/")
    assert "railing" not in row.file.name
    assert [e.changes for e in events_of(deviation) if e.action == "attached"] == [
        {"file": ["", "railing.png"]}
    ]


def test_a_program_is_refused_and_nothing_is_stored(tenant):
    deviation = make_deviation(tenant)

    with pytest.raises(ValidationError, match="is a program"):
        deviation_files_add(
            org=tenant.org, actor=tenant.admin, deviation=deviation, uploads=[exe_upload()]
        )

    assert not DeviationFile.objects.exists()


def test_the_new_responsible_hears_of_it_in_the_bell(tenant):
    deviation = make_deviation(tenant)

    deviation_update(
        org=tenant.org,
        actor=tenant.caseworker,
        deviation=deviation,
        data=DeviationData(title=deviation.title, responsible=tenant.admin),
    )

    [notice] = Notification.objects.filter(recipient=tenant.admin)
    assert f"deviation #{deviation.number}" in notice.text
    assert notice.url == f"/{tenant.org.slug}/deviations/{deviation.number}/"


def test_registered_from_a_case_it_is_linked_to_the_case(tenant):
    case = make_case(tenant.org, tenant.caseworker)

    deviation = deviation_create(
        org=tenant.org, actor=tenant.caseworker, data=DeviationData("From case"), case=case
    )

    assert list(case.deviations.all()) == [deviation]
    assert events_of(deviation)[0].changes["case"] == ["", str(case)]
