"""Finding the customer, property and case type an inquiry is about, in batches."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Q, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Category
from customers.models import Customer
from customers.services import normalize_email
from inquiries.models import Inquiry, IntakeRule
from organizations.models import Organization
from properties.models import Property


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip())


def property_resolve(
    org: Organization, *, property_number: str = "", address: str = ""
) -> int | None:
    """The id of the property by its number within `org`, else by an exact (case and spacing
    insensitive) address, else by the part before the first comma ("Storgata 1, 0150 Oslo").
    None when nothing fits or the first text that fits names more than one property.

    One query for all candidates (none when nothing was given): this runs on every inquiry
    the API and the web form take in, so its SQL is written here (UPPER() as the
    case-insensitive indexes in properties/models.py have it): building the same query with
    the ORM took twice as long as running it. Each text is looked up in its own branch with
    its own LIMIT 2 (two rows are enough to tell "one" from "several"), read from the
    (organization, UPPER(...)) index: a limit over all candidates together could cut off the
    one property with the number when its address is shared by many units."""
    number = (property_number or "").strip()
    text = _squash(address)
    addresses = [text] if text else []
    if "," in text:
        addresses.append(text.split(",", 1)[0].strip())
    wanted = ([("property_number", number)] if number else []) + [
        ("address", candidate) for candidate in addresses
    ]
    if not wanted:
        return None
    table = Property._meta.db_table
    # Each branch is a subquery so its LIMIT applies to it alone (SQLite, the embedded demo,
    # allows no LIMIT on a bare branch of a UNION).
    branches = [
        f"SELECT * FROM (SELECT {rank} AS rank, id FROM {table}"
        f" WHERE organization_id = %s AND UPPER({column}) = UPPER(%s) LIMIT 2) AS b{rank}"
        for rank, (column, _value) in enumerate(wanted)
    ]
    params = [p for _column, value in wanted for p in (org.pk, value)]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches), params)
        rows = cursor.fetchall()
    for rank, (column, _value) in enumerate(wanted):
        found = [pk for branch, pk in rows if branch == rank]
        if column == "property_number":
            if len(found) == 1:
                return found[0]
        elif found:
            return found[0] if len(found) == 1 else None
    return None


def categories_by_hint(org: Organization) -> dict[str, Category]:
    """Active categories of `org` keyed by lower-cased key and name (one query)."""
    table: dict[str, Category] = {}
    for category in Category.objects.filter(organization=org, is_active=True).order_by("pk"):
        for label in (category.key, category.name):
            if label:
                table.setdefault(label.strip().lower(), category)
    return table


def category_from_hint(hint: str, table: dict[str, Category]) -> Category | None:
    return table.get((hint or "").strip().lower()) if hint else None


def deadline_for(rule: IntakeRule, today: datetime.date | None = None) -> datetime.date | None:
    if not rule.deadline_days:
        return None
    return (today or timezone.localdate()) + datetime.timedelta(days=rule.deadline_days)


def case_title(inquiry: Inquiry) -> str:
    if inquiry.subject.strip():
        return inquiry.subject.strip()[:200]
    first_line = next((ln.strip() for ln in inquiry.message.splitlines() if ln.strip()), "")
    if first_line:
        return first_line[:120]
    who = inquiry.sender_name or inquiry.sender_email or inquiry.sender_phone
    if who:
        return _("Inquiry from %(sender)s") % {"sender": who}
    return _("Inquiry")


def case_description(message: str, location: str = "") -> str:
    """The case keeps the message; the location in the building goes on its own line."""
    message = (message or "").strip()
    location = (location or "").strip()
    if not location:
        return message
    line = _("Location: %(location)s") % {"location": location}
    return f"{message}\n\n{line}" if message else line


@dataclass
class NewCustomer:
    name: str
    email: str = ""
    phone: str = ""
    kind: str = Customer.Kind.REGULAR

    def build(self, org: Organization) -> Customer:
        return Customer(
            organization=org,
            name=self.name.strip()[:200],
            email=normalize_email(self.email),
            phone=self.phone.strip()[:32],
            kind=self.kind,
        )


def new_customer_from(inquiry: Inquiry, rule: IntakeRule) -> NewCustomer | None:
    name = (inquiry.sender_name or inquiry.sender_email or inquiry.sender_phone).strip()
    if not name:
        return None
    return NewCustomer(
        name=name,
        email=inquiry.sender_email,
        phone=inquiry.sender_phone,
        kind=rule.new_customer_kind,
    )


def customers_by_email(org: Organization, emails: Iterable[str]) -> dict[str, Customer]:
    """Existing customers by lower-cased e-mail, the oldest first when several share one."""
    emails = {normalize_email(e) for e in emails if e}
    if not emails:
        return {}
    found: dict[str, Customer] = {}
    rows = (
        Customer.objects.annotate(email_lower=Lower("email"))
        .filter(organization=org, email_lower__in=emails)
        .order_by("pk")
    )
    for customer in rows:
        found.setdefault(customer.email_lower, customer)
    return found


def customer_candidates(org: Organization, inquiry: Inquiry):
    """Customers the inquiry's sender could be (same e-mail), for the conversion form; the
    inquiry's own customer (a resident signed in to the portal) first."""
    email = normalize_email(inquiry.sender_email)
    if not email and inquiry.customer_id is None:
        return Customer.objects.none()
    wanted = Q(pk=inquiry.customer_id) if inquiry.customer_id else Q(pk__in=[])
    if email:
        wanted |= Q(email_lower=email)
    own_first = Case(When(pk=inquiry.customer_id or 0, then=0), default=1)
    return (
        Customer.objects.annotate(email_lower=Lower("email"))
        .filter(wanted, organization=org)
        .order_by(own_first, "pk")
    )


def customers_resolve(
    org: Organization, pairs: Sequence[tuple[Inquiry, IntakeRule]]
) -> list[Customer | None]:
    """One customer per (inquiry, rule): matched by e-mail when the rule says so, else new.

    New customers are bulk-created here; the same new e-mail within one batch gets one
    customer when matching is on. Two queries at most, whatever the batch size. New ones are
    marked `created_by_intake` so the conversion writes their "created" audit events with its
    own (inquiries.services.audit.audit_converted), in the same insert.
    """
    match = IntakeRule.CustomerHandling.MATCH_EMAIL
    found = customers_by_email(
        org, (i.sender_email for i, rule in pairs if rule.customer_handling == match)
    )
    result: list[Customer | None] = []
    new_rows: list[Customer] = []
    for inquiry, rule in pairs:
        email = normalize_email(inquiry.sender_email)
        matching = rule.customer_handling == match and bool(email)
        if matching and email in found:
            result.append(found[email])
            continue
        spec = new_customer_from(inquiry, rule)
        if spec is None:
            result.append(None)
            continue
        customer = spec.build(org)
        customer.created_by_intake = True
        new_rows.append(customer)
        result.append(customer)
        if matching:
            found[email] = customer
    if new_rows:
        Customer.objects.bulk_create(new_rows)
    return result
