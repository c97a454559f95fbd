"""The case PDF: its fields, Nordic letters and long words, internal notes only when asked for
in a staff printout, the reader's language, page numbers."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from cases.models import CaseEvent, Category
from cases.services.notes import note_add
from cases.services.tasks import task_add
from printing.services.case_pdf import CUSTOMER, STAFF, case_pdf_render
from printing.services.jobs import case_job_create
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory
from tests.factories.properties import AgreementFactory, ContainerFactory, PropertyFactory
from tests.printing.support import pdf_text

NOTE = "Intern: nøkkelen ligger hos vaktmester Åsmund"
LONG_WORD = "Ø" * 40 + "x" * 300


@pytest.fixture
def case(tenant):
    org = tenant.org
    prop = PropertyFactory(organization=org, address="Fjordgata 7", city="Ålesund")
    container = ContainerFactory(property=prop, container_id="GL-0042", fraction="Glass og metall")
    AgreementFactory(property=prop, description="Tømming hver fjortende dag", price=1234)
    customer = CustomerFactory(organization=org, name="Ærlige Øystein Åberg", email="oa@ex.no")
    category = Category.objects.create(organization=org, name="Reklamasjon")
    case = make_case(
        org,
        tenant.caseworker,
        title="Lekkasje på badet – ÆØÅ äö",
        description=f"Vannet renner under døra.\n{LONG_WORD}",
        customer=customer,
        property=prop,
        category=category,
        deadline=datetime.date(2026, 5, 17),
    )
    case.containers.add(container)
    task_add(org=org, actor=tenant.caseworker, case=case, title="Bytt pakning i kranen")
    note_add(org=org, actor=tenant.caseworker, case=case, body=NOTE)
    CaseEvent.objects.create(
        organization=org,
        case=case,
        kind=CaseEvent.Kind.MESSAGE_IN,
        data={
            "from": "oa@ex.no",
            "from_name": "Øystein",
            "subject": "Hjelp",
            "text": "Det drypper fortsatt.",
        },
    )
    CaseEvent.objects.create(
        organization=org,
        case=case,
        kind=CaseEvent.Kind.MESSAGE_OUT,
        data={
            "to": "oa@ex.no",
            "subject": "Re: Hjelp",
            "text": "Rørleggeren kommer tirsdag.",
            "purpose": "reply",
        },
    )
    CaseEvent.objects.create(
        organization=org,
        case=case,
        kind=CaseEvent.Kind.MESSAGE_OUT,
        data={"to": "sub@ex.no", "text": "Videresendt til underleverandør", "purpose": "forward"},
    )
    return case


def _text(tenant, case, **kwargs) -> str:
    return pdf_text(case_pdf_render(tenant.org, case.number, language="en", **kwargs).content)


def test_pdf_contains_the_case_fields_and_nordic_letters(tenant, case):
    text = " ".join(_text(tenant, case).split())  # table cells wrap their lines
    for expected in (
        tenant.org.name,
        f"Case {case.number}",
        "Lekkasje på badet – ÆØÅ äö",
        "New",  # status
        "Normal",  # priority
        "Reklamasjon",
        "May 17, 2026",
        "Ærlige Øystein Åberg",
        "Fjordgata 7",
        "GL-0042",
        "Glass og metall",
        "Tømming hver fjortende dag",
        "Vannet renner under døra.",
        "Bytt pakning i kranen",
        "Det drypper fortsatt.",
        "Rørleggeren kommer tirsdag.",
        "Page 1 of",
        "Printed",
    ):
        assert expected in text, expected
    assert "Videresendt til underleverandør" not in text  # not the conversation with the customer


def test_long_unbroken_text_is_wrapped_not_lost(tenant, case):
    flat = _text(tenant, case).replace("\n", "")
    assert LONG_WORD in flat


def test_internal_notes_only_when_asked_for_in_a_staff_printout(tenant, case):
    assert NOTE not in _text(tenant, case, audience=STAFF)
    assert NOTE in _text(tenant, case, audience=STAFF, include_notes=True)


def test_customer_printout_never_contains_internal_notes(tenant, case):
    assert NOTE not in _text(tenant, case, audience=CUSTOMER, include_notes=True)
    assert NOTE not in _text(tenant, case)


def test_printout_is_in_the_readers_language(tenant, case):
    content = case_pdf_render(tenant.org, case.number, language="nb").content
    text = pdf_text(content)
    with translation.override("nb"):
        assert translation.gettext("Priority") in text
        assert translation.gettext("Containers") in text
        assert translation.gettext("Priority") != "Priority"  # an existing translated label


def test_other_organizations_case_is_not_found(tenant, other_tenant, case):
    with pytest.raises(Http404):
        case_pdf_render(other_tenant.org, case.number)


def test_job_service_refuses_another_organizations_case(tenant, other_tenant, case):
    with pytest.raises(ValidationError):
        case_job_create(org=other_tenant.org, actor=other_tenant.admin, case=case, audience=STAFF)
