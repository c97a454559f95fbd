"""A case typed in by a caseworker ("New case"), e.g. from a phone call, with an optional new
customer created in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import Case
from cases.services.cases import case_create
from customers.services import customer_create
from organizations.models import Organization, User

# customer_create's field names as the new-case form calls them.
NEW_CUSTOMER_FIELDS = {
    "name": "new_customer_name",
    "email": "new_customer_email",
    "phone": "new_customer_phone",
    "kind": "new_customer_kind",
    "customer_type": "new_customer_type",
}


@transaction.atomic
def case_create_manual(
    *,
    org: Organization,
    actor: User,
    new_customer: dict[str, Any] | None = None,
    **case_fields: Any,
) -> Case:
    """Open one case; with `new_customer` (customer_create's arguments) make its customer too.

    Either both are saved or neither: a rejected case leaves no orphan customer behind.
    ValidationErrors name the new-case form's fields (new_customer_name, ...).
    """
    if new_customer:
        try:
            case_fields["customer"] = customer_create(org=org, actor=actor, **new_customer)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise ValidationError(
                    {NEW_CUSTOMER_FIELDS.get(k, k): v for k, v in exc.error_dict.items()}
                ) from exc
            raise
    return case_create(org=org, actor=actor, **case_fields)
