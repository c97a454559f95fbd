import factory

from cases.models import Case, Tag
from cases.services.cases import case_create


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag{n}")


def make_case(org, actor=None, **fields):
    """Open a case through the real service (so number, event and links are as in production)."""
    fields.setdefault("title", "Dripping tap in the bathroom")
    return case_create(org=org, actor=actor, **fields)


class CaseFactory:
    """Thin wrapper so tests can write CaseFactory(org=..., title=...)."""

    def __new__(cls, org, actor=None, **fields) -> Case:
        return make_case(org, actor, **fields)
