from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cases.models import Category
from organizations.directory import forget
from organizations.models import Organization

# key, name; named in the organization's language when created. Warranty claim is the
# default for bulk conversion of inquiries (seed 000: "automatisk kategorisert som Reklamasjon").
DEFAULT_CATEGORIES = [
    ("warranty_claim", _("Warranty claim")),
    ("fault_report", _("Fault report")),
    ("order", _("Order")),
    ("service", _("Service")),
    ("question", _("Question")),
]
BULK_DEFAULT_KEY = "warranty_claim"


def category_ensure_defaults(org: Organization) -> list[Category]:
    """Create the default categories that `org` lacks (by key). Idempotent."""
    existing = set(Category.objects.filter(organization=org).values_list("key", flat=True))
    has_bulk = Category.objects.filter(organization=org, is_bulk_default=True).exists()
    with translation.override(org.default_language):
        rows = [
            Category(
                organization=org,
                key=key,
                name=str(name),
                position=i,
                is_bulk_default=(key == BULK_DEFAULT_KEY and not has_bulk),
            )
            for i, (key, name) in enumerate(DEFAULT_CATEGORIES)
            if key not in existing
        ]
    created = Category.objects.bulk_create(rows)
    forget([org.pk], "categories")  # bulk_create sends no post_save
    return created


def category_for_bulk(org: Organization) -> Category | None:
    return Category.objects.filter(organization=org, is_bulk_default=True, is_active=True).first()
