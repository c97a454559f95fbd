"""Helpers shared by the case-page tests (test_detail*, test_notes*, test_tasks*, ...)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.models import Case
from tests.factories.cases import make_case
from tests.factories.customers import ContactRoleFactory, CustomerFactory
from tests.factories.properties import AgreementFactory, ContainerFactory, PropertyFactory

HX = {"HX-Request": "true"}


def case_url(case: Case, suffix: str = "") -> str:
    return f"/{case.organization.slug}/cases/{case.number}/{suffix}"


def rich_case(tenant, container_id: str = "B-4711", **fields) -> Case:
    """A case with a customer, a property under an estate, a container and an agreement."""
    org = tenant.org
    estate = PropertyFactory(organization=org, name="Solbakken borettslag", address="Solbakken")
    prop = PropertyFactory(
        organization=org, parent=estate, address="Solbakken 12", property_type="Rekkehus"
    )
    customer = CustomerFactory(organization=org, name="Kari Nordmann")
    ContactRoleFactory(customer=customer, property=prop)
    container = ContainerFactory(property=prop, container_id=container_id, fraction="Plast")
    AgreementFactory(property=prop, price=1250)
    fields.setdefault("customer", customer)
    fields.setdefault("property", prop)
    fields.setdefault("containers", [container])
    return make_case(tenant.org, tenant.caseworker, **fields)


def png_bytes(size=(640, 480), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def png_upload(name: str = "photo.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def exe_upload(name: str = "holiday.jpg") -> SimpleUploadedFile:
    """A Windows program (MZ header) dressed up as a JPEG."""
    body = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    return SimpleUploadedFile(name, body, content_type="image/jpeg")


def elf_upload(name: str = "scan.jpg") -> SimpleUploadedFile:
    body = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
    return SimpleUploadedFile(name, body, content_type="image/jpeg")
