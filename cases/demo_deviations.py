"""Demo deviations (avvik) for `manage.py seed_demo`, each organization in its own language.

Run by `cases.demo.seed` after the demo cases, through the services, so each deviation has its
number, history, photo and tasks. Idempotent: a deviation whose title already exists in the
organization is skipped.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Case, Deviation
from cases.services.deviations import (
    DeviationData,
    deviation_close,
    deviation_create,
    deviation_status_change,
)
from cases.services.tasks import task_add, task_complete
from properties.models import Property

Type, Severity = Deviation.Type, Deviation.Severity


@dataclass
class Spec:
    title: str
    description: str
    type: str
    severity: str
    property: str = ""  # property number
    location: str = ""
    due_in: int | None = 14  # days from today
    case_ref: str = ""  # a demo case's external reference: registered from that case
    photo: str = ""
    task: str = ""
    status: str = Deviation.Status.OPEN
    corrective_action: str = ""
    steps: list[str] = field(default_factory=list)


DEMO_DEVIATIONS = {
    "nordbygg": [
        Spec(
            "Løst rekkverk i trappeoppgang B",
            "Rekkverket mellom 1. og 2. etasje gir etter når man lener seg på det.",
            Type.HAZARD,
            Severity.HIGH,
            property="ST-B-H0101",
            location="Trappeoppgang B, mellom 1. og 2. etasje",
            due_in=3,
            photo="rekkverk.png",
            task="Fest rekkverket og kontroller de andre etasjene",
            status=Deviation.Status.IN_TREATMENT,
        ),
        Spec(
            "Vannskade etter lekkasje fra bad",
            "Lekkasjen fra badet i 1. etasje har gitt fuktskjolder i taket under.",
            Type.DAMAGE,
            Severity.MEDIUM,
            property="ST-A-H0101",
            case_ref="DEMO-NB-001",
            due_in=-2,
        ),
        Spec(
            "Avfallsrom ikke låst etter tømming",
            "Renovatøren lot døra til avfallsrommet stå åpen over natta.",
            Type.BROKEN_ROUTINE,
            Severity.LOW,
            location="Avfallsrom ved hovedinngang",
            status=Deviation.Status.CLOSED,
            corrective_action="Renovatøren har fått beskjed, og døra har fått automatisk lås.",
        ),
    ],
    "renova": [
        Spec(
            "Olie spildt ved containerplads",
            "Der er spildt hydraulikolie fra skraldebilen ved containerpladsen.",
            Type.ENVIRONMENT,
            Severity.HIGH,
            property="751-000123",
            location="Containerplads, nordlige hjørne",
            due_in=1,
            photo="olie.png",
            task="Opsug olien med granulat og bortskaf det korrekt",
        ),
        Spec(
            "Beholder uden låg på legeplads",
            "En beholder uden låg står ved legepladsen; børn kan komme til skade.",
            Type.HAZARD,
            Severity.MEDIUM,
            property="751-000456",
            due_in=7,
        ),
    ],
    "hyresbo": [
        Spec(
            "Halt på trappan vid entrén",
            "Trappan vid entrén har inte sandats sedan i måndags.",
            Type.HAZARD,
            Severity.HIGH,
            property="FN-1014",
            location="Entrétrappan",
            due_in=0,
            task="Sanda trappan och lägg in den i vinterrutinen",
            status=Deviation.Status.IN_TREATMENT,
        ),
        Spec(
            "Brandcentralen larmade utan orsak",
            "Brandcentralen i källaren har larmat två nätter i rad utan brand.",
            Type.OTHER,
            Severity.MEDIUM,
            property="FN-1052",
            location="Källaren",
            status=Deviation.Status.CLOSED,
            corrective_action="Rökdetektorn i pannrummet är bytt.",
        ),
    ],
}


def seed(context: dict) -> None:
    from cases.demo import demo_png  # that module imports this one

    for slug, demo in context.get("orgs", {}).items():
        specs = DEMO_DEVIATIONS.get(slug, [])
        existing = set(
            Deviation.objects.filter(
                organization=demo.org, title__in=[s.title for s in specs]
            ).values_list("title", flat=True)
        )
        for spec in specs:
            if spec.title not in existing:
                _create(demo, spec, demo_png)


def _property(org, number: str) -> Property | None:
    if not number:
        return None
    return Property.objects.filter(organization=org, property_number=number).first()


def _create(demo, spec: Spec, demo_png) -> Deviation:
    org, actor = demo.org, demo.caseworker
    case = (
        Case.objects.filter(organization=org, external_reference=spec.case_ref).first()
        if spec.case_ref
        else None
    )
    uploads = (
        [SimpleUploadedFile(spec.photo, demo_png(spec.title), content_type="image/png")]
        if spec.photo
        else []
    )
    due = (
        timezone.localdate() + datetime.timedelta(days=spec.due_in)
        if spec.due_in is not None
        else None
    )
    deviation = deviation_create(
        org=org,
        actor=actor,
        data=DeviationData(
            title=spec.title,
            description=spec.description,
            type=spec.type,
            severity=spec.severity,
            property=_property(org, spec.property),
            location=spec.location,
            responsible=demo.colleague,
            due_date=due,
        ),
        case=case,
        uploads=uploads,
    )
    if spec.task:
        task = task_add(
            org=org, actor=actor, deviation=deviation, title=spec.task, assignee=demo.colleague
        )
        if spec.status == Deviation.Status.CLOSED:
            task_complete(org=org, actor=demo.colleague, task=task)
    if spec.status == Deviation.Status.IN_TREATMENT:
        deviation_status_change(org=org, actor=actor, deviation=deviation, status=spec.status)
    elif spec.status == Deviation.Status.CLOSED:
        deviation_close(
            org=org, actor=actor, deviation=deviation, corrective_action=spec.corrective_action
        )
    return deviation
