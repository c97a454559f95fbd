"""The demo deviations `make run` starts with: each organization's language, with histories,
a photo, tasks, one registered from a demo case; seeding twice adds nothing."""

from __future__ import annotations

import io

from django.core.management import call_command

from cases.demo_deviations import DEMO_DEVIATIONS
from cases.models import Deviation, DeviationFile, Task
from organizations.models_audit import AuditEvent


def seed() -> None:
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())


def test_each_organization_gets_its_deviations_with_histories(db):
    seed()

    for slug, specs in DEMO_DEVIATIONS.items():
        titles = set(
            Deviation.objects.filter(organization__slug=slug).values_list("title", flat=True)
        )
        assert titles == {spec.title for spec in specs}, slug
    railing = Deviation.objects.get(title="Løst rekkverk i trappeoppgang B")
    assert railing.status == "in_treatment"
    assert railing.property is not None and railing.responsible is not None
    assert DeviationFile.objects.filter(deviation=railing).exists()
    assert Task.objects.filter(deviation=railing).exists()
    from_case = Deviation.objects.get(title="Vannskade etter lekkasje fra bad")
    assert from_case.case.external_reference == "DEMO-NB-001"
    closed = Deviation.objects.get(title="Avfallsrom ikke låst etter tømming")
    assert closed.status == "closed" and closed.corrective_action
    actions = set(
        AuditEvent.objects.filter(object_type="cases.deviation", object_id=closed.pk).values_list(
            "action", flat=True
        )
    )
    assert actions == {"created", "closed"}


def test_seeding_twice_adds_no_deviations(db):
    seed()
    count = Deviation.objects.count()

    seed()

    assert Deviation.objects.count() == count
