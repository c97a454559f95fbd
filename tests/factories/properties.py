import datetime

import factory

from properties.models import Agreement, Container, Property
from tests.factories.organizations import OrganizationFactory


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    organization = factory.SubFactory(OrganizationFactory)
    property_number = factory.Sequence(lambda n: f"P-{n:05d}")
    address = factory.Sequence(lambda n: f"Storgata {n}")
    postcode = "0150"
    city = "Oslo"
    property_type = "Rekkehus"
    area = "Oslo sentrum"


class ContainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Container

    organization = factory.SelfAttribute("property.organization")
    property = factory.SubFactory(PropertyFactory)
    container_id = factory.Sequence(lambda n: f"C{n:06d}")
    fraction = "Restaffald"
    container_type = "240 l"
    size_litres = 240


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    organization = factory.SelfAttribute("property.organization")
    property = factory.SubFactory(PropertyFactory)
    period_start = datetime.date(2026, 1, 1)
    price = 0
