"""The case page's side panel: the case's fields as plain values, each with an editor that is
loaded only when asked for (cases:case_field GET), plus the customer and the property.

Rendering every field's form and every picker's options was most of the page's time; the panel
shows values only, and a form appears where a field is being edited (`editors`: a bound form
with errors, or the one field opened without JavaScript through `?edit=<field>`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.forms_detail import HEADER_FORMS, LINK_FORMS, CaseFieldForm
from cases.models import Case
from cases.selectors.panels import property_agreements, property_chain, property_contacts
from cases.services.cases import case_url
from organizations.rendering import FAST_RENDERER
from organizations.web import is_htmx

# The fields in the order the panel lists them (title and the links have their own places).
PANEL_ORDER = (
    "status",
    "priority",
    "assignee",
    "teams",
    "category",
    "deadline",
    "supplier",
    "source",
    "external_reference",
    "title",
)
EDITABLE = frozenset(HEADER_FORMS) | frozenset(LINK_FORMS)


def _names(items) -> str:
    return ", ".join(str(item) for item in items)


DISPLAY: dict[str, Callable[[Case], str]] = {
    "title": lambda c: c.title,
    "status": lambda c: c.get_status_display(),
    "priority": lambda c: c.get_priority_display(),
    "category": lambda c: c.category.name if c.category_id else _("No category"),
    "assignee": lambda c: str(c.assignee) if c.assignee_id else _("Nobody"),
    "teams": lambda c: _names(c.teams.all()) or _("No team"),
    "supplier": lambda c: str(c.supplier) if c.supplier_id else _("None"),
    "deadline": lambda c: date_format(c.deadline, "SHORT_DATE_FORMAT") if c.deadline else "—",
    "source": lambda c: c.get_source_display(),
    "external_reference": lambda c: c.external_reference or "—",
    "customer": lambda c: c.customer.name if c.customer_id else _("No customer"),
    "property": lambda c: c.property.full_address if c.property_id else _("No property"),
    "containers": lambda c: _names(x.container_id for x in c.containers.all()) or _("None"),
}
LABELS = {
    "title": gettext_lazy("Title"),
    "status": gettext_lazy("Status"),
    "priority": gettext_lazy("Priority"),
    "category": gettext_lazy("Category"),
    "assignee": gettext_lazy("Assignee"),
    "teams": gettext_lazy("Teams"),
    "supplier": gettext_lazy("Supplier"),
    "deadline": gettext_lazy("Deadline"),
    "source": gettext_lazy("Source"),
    "external_reference": gettext_lazy("Reference"),
    "customer": gettext_lazy("Customer"),
    "property": gettext_lazy("Property"),
    "containers": gettext_lazy("Linked containers"),
}


@dataclass
class PanelRow:
    """One field of the panel: its value as text and, while it is edited, its form."""

    name: str
    label: str
    display: str
    url: str  # cases:case_field for this field
    editable: bool = True
    form: CaseFieldForm | None = None

    @property
    def field(self):
        return self.form[self.name] if self.form is not None else None

    @property
    def edit_url(self) -> str:
        """The page with this field's editor open: the way in without JavaScript."""
        return f"{self.url.rsplit('field/', 1)[0]}?edit={self.name}#prop-{self.name}"

    @property
    def page_url(self) -> str:
        return self.url.rsplit("field/", 1)[0]


def editor_form(form: CaseFieldForm) -> CaseFieldForm:
    form.renderer = FAST_RENDERER
    return form


def panel_row(case: Case, name: str, form: CaseFieldForm | None = None) -> PanelRow:
    base = case_url(case)
    editable = name in EDITABLE and not (name == "status" and case.status == Case.Status.CLOSED)
    return PanelRow(
        name=name,
        label=str(LABELS[name]),
        display=DISPLAY[name](case),
        url=f"{base}field/{name}/",
        editable=editable,
        form=editor_form(form) if form is not None and editable else None,
    )


def panel_context(request: HttpRequest, case: Case, /, **bound) -> dict:
    """The side panel; `bound` may hold a form for any field (opened, or with errors)."""
    org = request.org
    forms = {name: form for name, form in bound.items() if name in EDITABLE and form is not None}
    chain, chain_more = property_chain(case.property)
    me = request.user
    return {
        "case": case,
        "panel_fields": [panel_row(case, name, forms.get(name)) for name in PANEL_ORDER],
        "panel_links": {
            name: panel_row(case, name, forms.get(name)) for name in ("customer", "property")
        },
        "containers_row": panel_row(case, "containers", forms.get("containers")),
        "assign_me": case.assignee_id != me.pk and case.status != Case.Status.CLOSED,
        "containers": list(case.containers.all()),
        "property_chain": chain,
        "property_chain_more": chain_more,
        "agreements": property_agreements(org, case.property),
        "contacts": property_contacts(org, case.property),
        "panel_editing": next(iter(forms), ""),
        "htmx_request": is_htmx(request),
    }
