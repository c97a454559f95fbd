"""Every route of Saksflyt that names an object, and where each of its parameters' values come
from, for the tenancy URL walker (tests/tenancy/test_url_walker.py).

A route's parameters are either object references (`OBJECT_PARAMETERS`: an id, a number or a
token naming one row of an organization, filled from a `World`) or fixed names
(`NAMED_PARAMETERS`: a field, a channel group, a template kind...; they name nothing another
organization owns). A parameter in neither makes the walker fail, so a new route cannot skip it.
Routes outside the organization's prefixes (staff `/<org>/`, resident pages `/portal/<org>/`, the
API `/api/v1/`) that take parameters must be listed in `NOT_TENANT_ROUTES` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from tests.tenancy.world import World

STAFF_PREFIX = "<slug:org_slug>/"
PORTAL_PREFIX = "portal/<slug:org_slug>/"
API_PREFIX = "api/v1/"
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass(frozen=True)
class Route:
    name: str
    route: str  # as path() has it, from the root
    regex: bool = False

    @property
    def params(self) -> list[str]:
        return [m.group(2) for m in PARAM.finditer(self.route)]

    @property
    def area(self) -> str:
        for area, prefix in (("portal", PORTAL_PREFIX), ("api", API_PREFIX)):
            if self.route.startswith(prefix):
                return area
        return "staff" if self.route.startswith(STAFF_PREFIX) else "other"

    @property
    def object_params(self) -> list[str]:
        return [p for p in self.params if p in OBJECT_PARAMETERS]

    def url(self, values: dict[str, str]) -> str:
        return "/" + PARAM.sub(lambda m: values[m.group(2)], self.route)


def all_routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace) if x)
                walk(p.url_patterns, route, ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace else str(p.name)
                found.append(Route(name, route, regex="^" in route))

    walk(get_resolver().url_patterns, "", "")
    return found


def _case_child(name: str) -> Callable[[World, Route], str]:
    return lambda world, route: str(world[name].pk)


def _attachment(world: World, route: Route) -> str:
    if route.area == "portal":  # a file the resident sent with their message
        return str(world["portal_attachment"].pk)
    if route.route.startswith(f"{STAFF_PREFIX}inquiries/"):
        return str(world["inquiry_attachment"].pk)
    return str(world["attachment"].pk)


def _token(world: World, route: Route) -> str:
    if "/files/" in route.route:  # a kept upload of the resident's inquiry form
        return world.values["pending_token"]
    return world.values["link_token"]  # an e-mailed sign-in link


def _pk(name: str) -> Callable[[World, Route], str]:
    return lambda world, route: str(world[name].pk)


# Parameter name -> the value naming that world's object of this kind.
OBJECT_PARAMETERS: dict[str, Callable[[World, Route], str]] = {
    "number": lambda world, route: str(world["case"].number),
    "task_id": _case_child("task"),
    "attachment_id": _attachment,
    "message_id": _case_child("message"),
    "tag_id": _case_child("tag"),
    "saved_reply_id": _pk("saved_reply"),
    "customer_id": _pk("customer"),
    "role_id": _pk("contact_role"),
    "supplier_id": _pk("supplier"),
    "property_id": _pk("property"),
    "container_pk": _pk("container"),
    "agreement_id": _pk("agreement"),
    "inquiry_id": _pk("inquiry"),
    "address_id": _pk("address"),
    "mailbox_id": _pk("mailbox"),
    "email_id": _pk("email"),
    "notification_id": _pk("notification"),
    "form_id": _pk("inquiry_form"),
    "job_id": _pk("print_job"),
    "export_id": _pk("export_job"),
    "view_id": _pk("saved_view"),
    "membership_id": _pk("membership"),
    "team_id": _pk("team"),
    "invitation_id": _pk("invitation"),
    "api_key_id": _pk("api_key"),
    "token": _token,
    "deviation_number": lambda world, route: str(world["deviation"].number),
    "deviation_task_id": _pk("deviation_task"),
    "deviation_file_id": _pk("deviation_file"),
    "policy_id": _pk("service_level_policy"),
    "closed_day_id": _pk("closed_day"),
}


def _case_fields() -> list[str]:
    from cases.views.detail import HEADER_FORMS, LINK_FORMS

    return sorted({*HEADER_FORMS, *LINK_FORMS})


def _channel_groups() -> list[str]:
    from inquiries.models import IntakeRule

    return list(IntakeRule.ChannelGroup.values)


# Parameter name -> the values to walk: names of things every organization has (its own
# message template of a kind, its intake rule of a channel group), never another's object.
NAMED_PARAMETERS: dict[str, Callable[[], list[str]]] = {
    "field": _case_fields,
    "group": _channel_groups,
    "kind": lambda: ["mention"],
    "language": lambda: ["nb"],
    "report": lambda: ["summary"],  # the dashboard's downloads: a table of the figures
    "fmt": lambda: ["csv"],
}

# Routes that take parameters but belong to no organization's prefix, and why.
NOT_TENANT_PREFIXES = {
    "admin/": "the Django admin: superusers only, across organizations by design "
    "(tests/tenancy/test_admin.py)",
}
NOT_TENANT_ROUTES = {
    "accounts/reset/<uidb64>/<token>/": "a user's own password reset, before any organization",
    "webhooks/inbound-email/<slug:esp>/": "the e-mail provider's webhook; the organization comes "
    "from the recipient address (tests/inquiries cover it)",
    "media/<path:path>": "DEBUG only; files are served through organization-checked views",
}
