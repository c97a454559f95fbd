"""Forms of the inbox and case list: the filter form (GET) and the bulk-action form (POST).

Choices are built from lists the view reads once per request (see ListChoices), so rendering a
form never queries the database again and a page costs a fixed number of queries.
"""

from __future__ import annotations

import functools
from functools import cached_property
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category, Tag
from cases.selectors.lists import category_choices, supplier_choices, tag_list, team_choices
from cases.selectors.service_levels import STATE_LABELS
from cases.services.bulk import BULK_STATUSES
from cases.services.tags import TAG_MAX_LENGTH
from customers.models import Supplier
from organizations.models import Organization, Team, User
from organizations.rendering import FAST_RENDERER, QuickSelect
from organizations.selectors import staff_list

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ListChoices:
    """The organization's pickable rows, each list read once and only when first used."""

    def __init__(self, org: Organization) -> None:
        self.org = org

    @cached_property
    def staff(self) -> list[User]:
        return staff_list(self.org)

    @cached_property
    def categories(self) -> list[Category]:
        return category_choices(self.org)

    @cached_property
    def teams(self) -> list[Team]:
        return team_choices(self.org)

    @cached_property
    def suppliers(self) -> list[Supplier]:
        return supplier_choices(self.org)

    @cached_property
    def tags(self) -> list[Tag]:
        return tag_list(self.org)


def _options(choices: ListChoices, name: str, *head: tuple[str, Any]):
    """Lazy choices: the list is read only when the field is rendered or given a value, and
    built once (Django iterates the choices twice to render a <select>)."""

    @functools.cache
    def options() -> list[tuple[Any, str]]:
        return [*head, *[(str(row.pk), str(row)) for row in getattr(choices, name)]]

    return options


def pick_by_id(rows, value: str | None):
    """The row of `rows` whose id is `value` (a string from a form), or None."""
    return next((row for row in rows if str(row.pk) == value), None) if value else None


class CaseFilterForm(forms.Form):
    default_renderer = FAST_RENDERER  # many pickers: staff, suppliers, tags, ...

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Title, description, number, customer name or property address."),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    priority = forms.ChoiceField(label=_("Priority"), required=False, widget=QuickSelect)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=QuickSelect)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False, widget=QuickSelect)
    team = forms.ChoiceField(label=_("Team"), required=False, widget=QuickSelect)
    supplier = forms.ChoiceField(label=_("Supplier"), required=False, widget=QuickSelect)
    tag = forms.ChoiceField(label=_("Tag"), required=False, widget=QuickSelect)
    source = forms.ChoiceField(label=_("Source"), required=False, widget=QuickSelect)
    sla = forms.ChoiceField(label=_("Service level"), required=False, widget=QuickSelect)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    created_from = forms.DateField(label=_("Created from"), required=False, widget=DATE_WIDGET)
    created_to = forms.DateField(label=_("Created to"), required=False, widget=DATE_WIDGET)
    # Ids from the URL or a picker; the view fetches them within the organization (404 if not).
    customer = forms.IntegerField(label=_("Customer"), required=False, widget=QuickSelect)
    property = forms.IntegerField(label=_("Property"), required=False, widget=QuickSelect)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: ListChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        anything = ("", _("Any"))
        inactive = _("%(name)s (inactive)")
        f = self.fields
        f["status"].choices = [anything, ("open", _("Open")), *Case.Status.choices]
        f["priority"].choices = [anything, *Case.Priority.choices]
        f["source"].choices = [anything, *Case.Source.choices]
        f["sla"].choices = [anything, *STATE_LABELS.items()]
        f["category"].choices = _options(choices, "categories", anything)
        f["assignee"].choices = _options(choices, "staff", anything, ("none", _("Unassigned")))
        f["team"].choices = _options(choices, "teams", anything)
        f["supplier"].choices = lambda: [
            anything,
            *[
                (str(s.pk), s.name if s.is_active else inactive % {"name": s.name})
                for s in choices.suppliers
            ],
        ]
        f["tag"].choices = _options(choices, "tags", anything)

    def show_selected(self, name: str, obj: Any) -> None:
        """Offer only "any" and the current choice in the picker select for `name`."""
        options: list[tuple[Any, str]] = [("", _("Any"))]
        if obj is not None:
            options.append((obj.pk, str(obj)))
        self.fields[name].widget.choices = options

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        c = self.choices
        data["category"] = pick_by_id(c.categories, data.get("category"))
        data["team"] = pick_by_id(c.teams, data.get("team"))
        data["supplier"] = pick_by_id(c.suppliers, data.get("supplier"))
        data["tag"] = pick_by_id(c.tags, data.get("tag"))
        if data.get("assignee") != "none":
            data["assignee"] = pick_by_id(c.staff, data.get("assignee"))
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", _("The end date is before the start date."))
        return data

    def active_filters(self) -> dict[str, Any]:
        """The valid filters only: a bad field is reported and left out, the rest still apply."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {k: v for k, v in data.items() if k not in self.errors and v not in (None, "")}


class BulkActionForm(forms.Form):
    """One action on the checked cases; only the chosen action's value is used."""

    default_renderer = FAST_RENDERER

    ACTIONS = [
        ("assign", _("Assign to")),
        ("status", _("Change status")),
        ("priority", _("Change priority")),
        ("tag", _("Add tag")),
    ]

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False, widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    priority = forms.ChoiceField(label=_("Priority"), required=False, widget=QuickSelect)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=TAG_MAX_LENGTH)

    def __init__(self, *args: Any, choices: ListChoices, **kwargs: Any) -> None:
        # Own ids: the case list's filter form has fields of the same names on the same page.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self.choices = choices
        none = ("", "—")
        self.fields["assignee"].choices = _options(choices, "staff", none)
        labels = dict(Case.Status.choices)
        self.fields["status"].choices = [none, *[(s, labels[s]) for s in BULK_STATUSES]]
        self.fields["priority"].choices = [none, *Case.Priority.choices]
        self.fields["tag"].widget.attrs["list"] = "bulk-tag-names"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = data.get("action")
        if action == "assign":
            data["assignee"] = pick_by_id(self.choices.staff, data.get("assignee"))
            if data["assignee"] is None:
                self.add_error("assignee", _("Choose who gets the cases."))
        elif action in ("status", "priority") and not data.get(action):
            self.add_error(action, _("Choose the new value."))
        elif action == "tag" and not (data.get("tag") or "").strip():
            self.add_error("tag", _("Give the tag a name."))
        return data
