"""Reads for new inquiries: the forms a resident may fill in and the homes they may choose."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import ContactRole, Customer
from organizations.models import Organization
from portal.inquiry_forms import default_fields
from portal.models import InquiryForm
from properties.models import Property


def default_form(org: Organization) -> InquiryForm:
    """The built-in "General inquiry" residents get while the organization has no active form of
    its own (unsaved; admins can save it as a form to change it)."""
    return InquiryForm(
        organization=org,
        name=_("General inquiry"),
        intro=_("Tell us what it is about; add photos if they help."),
        fields=default_fields(),
    )


def inquiry_forms_for_portal(org: Organization) -> list[InquiryForm]:
    """The active forms in the admins' order (one query), else the built-in default."""
    forms = list(
        InquiryForm.objects.filter(organization=org, is_active=True)
        .select_related("category")
        .order_by("position", "name", "pk")
    )
    return forms or [default_form(org)]


def resident_properties(org: Organization, customer: Customer) -> list[Property]:
    """The homes the customer has a current contact role on (owner, co-owner, resident,
    company contact): roles that ended before today are left out. One query."""
    today = timezone.localdate()
    roles = ContactRole.objects.filter(organization=org, customer=customer).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return list(
        Property.objects.filter(organization=org, pk__in=roles.values("property_id")).order_by(
            "address", "name", "pk"
        )
    )


def property_label(home: Property) -> str:
    """ "Solsidevegen 4B, H0101, 0150 Oslo": the address, the unit's name when it adds one."""
    parts = [home.address]
    if home.name and home.name != home.address:
        parts.append(home.name)
    place = " ".join(p for p in (home.postcode, home.city) if p)
    if place:
        parts.append(place)
    return ", ".join(p for p in parts if p)
