"""Form helpers shared by the customer and property pages.

`ModelFieldsForm` takes its fields (labels, lengths, choices) from a model but only parses the
input: the services validate the whole object and save it, so the model's own checks, which
would report constraints in technical words, do not run twice.

`limit_picker` keeps a <select> for a large table short: it renders only the options a search
found (plus the current value), while validation still accepts any row of the organization.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ModelFieldsForm(forms.Form):
    model: type[models.Model]
    model_fields: tuple[str, ...] = ()
    widgets: dict[str, forms.Widget] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        generated = forms.fields_for_model(
            self.model, fields=self.model_fields, widgets=self.widgets
        )
        for name, field in generated.items():
            if isinstance(field, forms.IntegerField):
                # The database column's range (the model's validators, which the services do
                # not run): a number beyond it is a form error, not an "out of range" 500.
                field.validators += [
                    v
                    for v in self.model._meta.get_field(name).validators
                    if isinstance(v, MinValueValidator | MaxValueValidator)
                ]
        self.fields = {**generated, **self.fields}

    @classmethod
    def initial_from(cls, instance: models.Model) -> dict[str, Any]:
        return forms.model_to_dict(instance, fields=cls.model_fields)


def limit_picker(
    form: forms.BaseForm,
    name: str,
    options: Iterable[models.Model],
    label: Callable[[Any], str] = str,
    empty_label: str = "—",
) -> None:
    """Render only `options` and the field's current value in the select for `name`."""
    field = form.fields[name]
    options = list(options)
    choices: list[tuple[Any, str]] = [("", empty_label)]
    shown = {str(option.pk) for option in options}
    current = form[name].value()
    current = getattr(current, "pk", current)
    if current not in (None, "") and str(current) not in shown:
        try:
            selected = field.queryset.filter(pk=current).first()
        except (TypeError, ValueError):
            selected = None
        if selected is not None:
            choices.append((selected.pk, label(selected)))
    choices.extend((option.pk, label(option)) for option in options)
    field.widget.choices = choices
