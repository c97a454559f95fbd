"""The demo data of customers and properties: in each organization's language, and idempotent."""

from __future__ import annotations

from customers import demo as customers_demo
from customers.models import ContactRole, Customer, Supplier
from organizations import demo as organizations_demo
from properties import demo as properties_demo
from properties.models import Agreement, Container, Property
from properties.selectors import property_ancestors

MODELS = (Customer, Supplier, ContactRole, Property, Container, Agreement)


def _seed() -> dict:
    context: dict = {}
    organizations_demo.seed(context)
    customers_demo.seed(context)
    properties_demo.seed(context)
    return context


def test_seeding_twice_creates_nothing_new(db):
    _seed()
    counts = [model.objects.count() for model in MODELS]

    _seed()

    assert [model.objects.count() for model in MODELS] == counts
    assert all(counts)


def test_nordbygg_has_solsiden_terrasse_with_buildings_units_and_owners(db):
    context = _seed()
    org = context["orgs"]["nordbygg"].org

    units = Property.objects.filter(organization=org, property_type="Leilighet")
    unit = units.get(property_number="ST-B-H0101")

    assert units.count() == 8
    assert [str(p) for p in property_ancestors(unit)] == ["Solsiden Terrasse", "Hus B"]
    roles = ContactRole.objects.filter(property=unit).order_by("role")
    assert [(r.customer.name, r.role) for r in roles] == [
        ("Ida Andersen", "co_owner"),
        ("Emil Andersen", "owner"),
    ]
    plumber = Supplier.objects.get(organization=org, name="Rørlegger Hansen AS")
    assert [u.email for u in plumber.users.all()] == ["leverandor@nordbygg.example"]
    assert Supplier.objects.filter(organization=org, name="Elektro Nord AS").exists()


def test_renova_has_containers_and_agreements_in_kroner(db):
    context = _seed()
    org = context["orgs"]["renova"].org

    assert Container.objects.get(organization=org, container_id="100234").fraction == "Restaffald"
    assert set(
        Container.objects.filter(organization=org).values_list("size_litres", flat=True)
    ) == {140, 190, 240, 660}
    assert set(
        Property.objects.filter(organization=org).values_list("property_type", flat=True)
    ) == {"Parcelhus", "Fælles: Rækkehus", "Etageejendom"}
    agreements = Agreement.objects.filter(organization=org)
    assert set(agreements.values_list("currency", flat=True)) == {"DKK"}
    assert agreements.filter(price=0).exists()
    hauler = Supplier.objects.get(organization=org, name="Vognmand Jensen ApS")
    assert [u.email for u in hauler.users.all()] == ["leverandor@renova.example"]


def test_hyresbo_has_apartments_with_tenants(db):
    context = _seed()
    org = context["orgs"]["hyresbo"].org

    apartment = Property.objects.get(organization=org, property_number="FN-1014-1101")

    assert apartment.property_type == "Lägenhet"
    assert apartment.parent.property_type == "Flerbostadshus"
    assert ContactRole.objects.get(property=apartment).role == "resident"
    service = Supplier.objects.get(organization=org, name="Fastighetsservice Norr AB")
    assert [u.email for u in service.users.all()] == ["leverantor@hyresbo.example"]
