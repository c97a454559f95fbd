"""Every page a person can open, found from the URL patterns, with real ids filled in.

Staff pages are those under /<org>/; the public ones are the others a browser may show (sign-in,
password reset, the web form, the residents' portal...). Ids come from a seeded organization:
`manage.py seed_demo` (each app's demo data, so new apps' objects come along), topped up with
what the demo leaves out. A path parameter is filled by its name: the explicit ones below, else
`<thing>_id` / `<thing>_pk` as a row of the organization-owned model called `thing`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

ORG_PREFIX = "<slug:org_slug>/"
# Not pages: the admin site, the API (schemathesis covers it), provider webhooks.
NOT_PAGES = ("admin/", "api/", "webhooks/", "hooks/", "healthz", "media/")
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass(frozen=True)
class Route:
    name: str  # namespaced url name
    route: str  # the full route, parameters as in path()
    staff: bool  # under /<org>/

    @property
    def params(self) -> list[str]:
        return [m.group(2) for m in PARAM.finditer(self.route)]


def all_routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                ns = (
                    ":".join(x for x in (namespace, p.namespace) if x) if p.namespace else namespace
                )
                walk(p.url_patterns, route, ns)
            elif isinstance(p, URLPattern) and not route.startswith(NOT_PAGES):
                name = f"{namespace}:{p.name}" if namespace else str(p.name)
                found.append(Route(name, route, route.startswith(ORG_PREFIX)))

    walk(get_resolver().url_patterns, "", "")
    return found


@dataclass
class Seeded:
    """The seeded organization and the rows whose ids fill the URLs."""

    org: object
    admin: object
    supplier: object
    cases: list  # an open case with task, attachment and tag; a closed one
    resident: object = None  # a portal account of the open case's customer, if there is a portal
    values: dict[str, list[str]] = field(default_factory=dict)  # explicit parameter values


def _org_models() -> dict[str, type]:
    """Organization-owned models by their name without underscores ("savedreply": SavedReply)."""
    out = {}
    for model in apps.get_models():
        if any(f.name == "organization" for f in model._meta.get_fields()):
            out.setdefault(model._meta.model_name, model)
    return out


def _org_model(stem: str) -> type | None:
    """The model called `stem`, else the one model whose name ends in it (address:
    ReceivingAddress, mailbox: ImapMailbox, form: InquiryForm)."""
    models = _org_models()
    if stem in models:
        return models[stem]
    ending = [model for name, model in models.items() if name.endswith(stem)]
    return ending[0] if len(ending) == 1 else None


def _case_child(seeded: Seeded, case, param: str) -> str | None:
    from cases.models import Attachment, CaseEvent, Task

    if param == "task_id":
        row = Task.objects.filter(case=case).first()
    elif param == "attachment_id":
        row = Attachment.objects.filter(case=case).first()
    elif param == "tag_id":
        row = case.tags.first()
    elif param == "message_id":
        event = CaseEvent.objects.filter(case=case, outbound_message_id__isnull=False).first()
        return str(event.outbound_message_id) if event else None
    else:
        return None
    return str(row.pk) if row else None


def fill(route: Route, seeded: Seeded) -> list[str]:
    """The addresses of `route` with real ids (one per case, and per explicit value where the
    parameter has several); empty when a parameter has no value."""
    urls = []
    for case in seeded.cases if "number" in route.params else seeded.cases[:1]:
        choices = []
        for param in route.params:
            values = _values(route, param, seeded, case)
            if not values:
                return []
            choices.append([(param, v) for v in values])
        for combination in itertools.product(*choices):
            values = dict(combination)
            urls.append("/" + PARAM.sub(lambda m, v=values: v[m.group(2)], route.route))
    return list(dict.fromkeys(urls))


def _values(route: Route, param: str, seeded: Seeded, case) -> list[str]:
    if param in seeded.values:
        return seeded.values[param]
    value = _value(route, param, seeded, case)
    return [] if value is None else [value]


def _value(route: Route, param: str, seeded: Seeded, case) -> str | None:
    if param == "org_slug":
        return seeded.org.slug
    if param == "number":
        return str(case.number)
    if param.startswith("deviation_"):
        return _deviation_value(seeded, param)
    if route.route.startswith(f"{ORG_PREFIX}cases/<int:number>/"):
        child = _case_child(seeded, case, param)
        if child is not None:
            return child
    if route.route.startswith(f"{ORG_PREFIX}inquiries/<int:inquiry_id>/attachments/"):
        from inquiries.models import InquiryAttachment

        row = InquiryAttachment.objects.filter(organization=seeded.org).first()
        return str(row.pk) if row else None
    match = re.fullmatch(r"(\w+?)_(?:id|pk)", param)
    if match:
        model = _org_model(match.group(1).replace("_", ""))
        if model is None:
            return None
        row = model._default_manager.filter(organization=seeded.org).order_by("pk").first()
        return str(row.pk) if row else None
    return None


def _deviation_value(seeded: Seeded, param: str) -> str | None:
    """A deviation of the organization with a task and a file (the demo seeds them)."""
    from cases.models import Deviation, DeviationFile, Task

    task = Task.objects.filter(organization=seeded.org, deviation__isnull=False).first()
    deviation = (
        task.deviation if task else Deviation.objects.filter(organization=seeded.org).first()
    )
    if deviation is None:
        return None
    if param == "deviation_number":
        return str(deviation.number)
    if param == "deviation_task_id":
        return str(task.pk) if task else None
    row = DeviationFile.objects.filter(organization=seeded.org, deviation=deviation).first()
    return str(row.pk) if param == "deviation_file_id" and row else None
