"""customers/services.py refuses organization B's customers, suppliers, contact roles,
properties and supplier users when working for A, called directly."""

from __future__ import annotations

from customers.contact_undo import contact_role_unlink_undo
from customers.services import (
    contact_role_add,
    contact_role_end,
    contact_role_update,
    customer_update,
    supplier_create,
    supplier_update,
)
from tests.tenancy.services_support import (  # noqa: F401 - world_a, world_b: fixtures
    Guard,
    admin,
    assert_refused,
    guards,
    world_a,
    world_b,
)

SUPPLIER_USERS = "Only active members with the supplier role can work for a supplier."


def _role_add(a, customer, property):
    return contact_role_add, {
        "org": a.org,
        "actor": admin(a),
        "customer": customer,
        "property": property,
        "role": "resident",
    }


def _role(function, a, b, **fields):
    return function, {"org": a.org, "actor": admin(a), "contact_role": b["contact_role"], **fields}


@guards(
    Guard(
        "customer_update: customer",
        lambda a, b: (
            customer_update,
            {"org": a.org, "actor": admin(a), "customer": b["customer"], "name": "Taken over"},
        ),
    ),
    Guard(
        "supplier_update: supplier",
        lambda a, b: (
            supplier_update,
            {"org": a.org, "actor": admin(a), "supplier": b["supplier"], "name": "Taken over"},
        ),
    ),
    Guard(
        "supplier_update: users",
        lambda a, b: (
            supplier_update,
            {
                "org": a.org,
                "actor": admin(a),
                "supplier": a["supplier"],
                "users": [b["supplier_user"]],
            },
        ),
        SUPPLIER_USERS,
    ),
    Guard(
        "supplier_create: users",
        lambda a, b: (
            supplier_create,
            {"org": a.org, "actor": admin(a), "name": "New AS", "users": [b["supplier_user"]]},
        ),
        SUPPLIER_USERS,
    ),
    Guard("contact_role_add: customer", lambda a, b: _role_add(a, b["customer"], a["property"])),
    Guard("contact_role_add: property", lambda a, b: _role_add(a, a["customer"], b["property"])),
    Guard(
        "contact_role_update: role",
        lambda a, b: _role(
            contact_role_update, a, b, role="resident", start_date=None, end_date=None
        ),
    ),
    Guard("contact_role_end: role", lambda a, b: _role(contact_role_end, a, b)),
)
def test_customers_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


@guards(
    Guard(
        "undo: their unlinked role",
        lambda a, b: (
            contact_role_unlink_undo,
            {
                "org": a.org,
                "actor": admin(a),
                "entry": {"org": b.org.pk, "id": b["contact_role"].pk, "previous_end": None},
            },
        ),
    ),
)
def test_contact_undo_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)
