import factory

from customers.models import ContactRole, Customer, Supplier
from tests.factories.organizations import OrganizationFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Faker("name", locale="no_NO")
    email = factory.Sequence(lambda n: f"customer{n}@example.net")
    phone = factory.Sequence(lambda n: f"+47 9{n:07d}")
    address = factory.Sequence(lambda n: f"Testveien {n}")  # random streets broke searches
    postcode = "0150"
    city = "Oslo"


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Supplier {n} AS")
    email = factory.Sequence(lambda n: f"supplier{n}@example.net")
    trade = "Plumbing"


class ContactRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactRole

    organization = factory.SelfAttribute("customer.organization")
    customer = factory.SubFactory(CustomerFactory)
    property = factory.SubFactory(
        "tests.factories.properties.PropertyFactory",
        organization=factory.SelfAttribute("..customer.organization"),
    )
    role = ContactRole.Role.OWNER
