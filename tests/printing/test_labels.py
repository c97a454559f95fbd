"""Container labels: the Code 128 reads back as the container ID, the QR code as the container
page's address, and the label PDF carries the container's details on the chosen format."""

from __future__ import annotations

import pytest
from django.urls import reverse

from printing.formats import FORMATS
from printing.services.labels import barcode_svg, label_items, labels_pdf_render
from tests.factories.properties import ContainerFactory, PropertyFactory
from tests.printing.support import decode_barcode_svg, decode_qr_data_uri, pdf_pages, pdf_text

IDS = ["ABC-123", "0042-17-x", "BIN-Q9", "7", "a-b-c-d-e-f-1234567890", "N2-0000-ZZ", "123456"]


@pytest.mark.parametrize("container_id", IDS)
def test_barcode_reads_back_as_the_container_id(container_id):
    svg, width = barcode_svg(container_id, width_mm=45, height_mm=10)
    assert decode_barcode_svg(svg) == [container_id]
    assert width <= 45 or len(container_id) > 15


def test_barcode_is_vector_svg_without_text():
    svg, _width = barcode_svg("ABC-123", width_mm=45, height_mm=10)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "viewBox" in svg
    assert "<text" not in svg  # the ID is printed as text in the label, not in the SVG


def test_qr_code_opens_the_container_page(tenant, settings):
    settings.SITE_URL = "https://saksflyt.example"
    container = ContainerFactory(property=PropertyFactory(organization=tenant.org))
    [item] = label_items(tenant.org, [container], FORMATS["a4_3x8"])
    path = reverse(
        "properties:container_detail",
        kwargs={"org_slug": tenant.org.slug, "container_pk": container.pk},
    )
    assert decode_qr_data_uri(item["qr"]) == [f"https://saksflyt.example{path}"]


@pytest.mark.parametrize("key", list(FORMATS))
def test_label_pdf_holds_the_container_details_on_each_format(tenant, key):
    prop = PropertyFactory(organization=tenant.org, address="Bjørkåsen 12", city="Tromsø")
    containers = [
        ContainerFactory(
            property=prop,
            container_id=f"BO-{n:03d}",
            fraction="Matavfall ÆØÅ äö",
            container_type="Kärl",
            size_litres=240,
        )
        for n in range(30)
    ]
    fmt = FORMATS[key]
    content = labels_pdf_render(tenant.org, containers, fmt, language="en")
    text = pdf_text(content)
    for container in containers:
        assert container.container_id in text
    assert "Matavfall ÆØÅ äö" in text
    assert "Bjørkåsen 12" in text
    assert "Kärl 240 l" in text
    assert tenant.org.name in text
    expected_pages = -(-len(containers) // fmt.per_page)
    assert pdf_pages(content) == expected_pages


def test_id_outside_code_128_gets_a_label_without_barcode(tenant):
    container = ContainerFactory(
        property=PropertyFactory(organization=tenant.org), container_id="BØ-1"
    )
    [item] = label_items(tenant.org, [container], FORMATS["a4_3x8"])
    assert item["barcode"] == "" and item["qr"]
    assert "BØ-1" in pdf_text(labels_pdf_render(tenant.org, [container], FORMATS["a4_3x8"]))


def test_placement_address_wins_over_the_property_address(tenant):
    container = ContainerFactory(
        property=PropertyFactory(organization=tenant.org, address="Storgata 1"),
        placement_address="Bakgården, port 3",
    )
    text = pdf_text(labels_pdf_render(tenant.org, [container], FORMATS["single_100x50"]))
    assert "Bakgården, port 3" in text
