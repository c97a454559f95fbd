"""FAST_RENDERER builds <select> in Python; its markup must be Django's, byte for byte."""

from __future__ import annotations

import pytest
from django import forms

from organizations.rendering import FAST_RENDERER, QuickSelect


class PickForm(forms.Form):
    who = forms.ChoiceField(
        choices=[
            ("", "—"),
            ("1", "Kari <Nordmann> & Co"),
            ("Team", [("2", "Ola"), ("3", 'Per "P"')]),
        ],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)
    number = forms.IntegerField(required=False, widget=forms.Select(choices=[(5, "Five")]))
    text = forms.CharField(required=False)


@pytest.mark.parametrize(
    "data", [{}, {"who": "3", "many": ["a", "b"], "number": "5", "text": "<b>"}, {"who": "1"}]
)
def test_selects_render_exactly_as_django_templates_do(data):
    default = PickForm(data or None)
    fast = PickForm(data or None, renderer=FAST_RENDERER)

    for name in ("who", "many", "number", "text"):
        assert str(fast[name]) == str(default[name]), name
    assert "&lt;Nordmann&gt; &amp; Co" in str(fast["who"])


GROUPED = [
    ("", "—"),
    (None, "Nobody"),
    ("1", "Kari <Nordmann> & Co"),
    ("Team", [("2", "Ola"), ("3", 'Per "P"'), (None, "None inside")]),
    ("", [("4", "In a group without a name")]),
    (5, "Five"),
    ("5", "Five again"),
]


class QuickForm(forms.Form):
    who = forms.ChoiceField(choices=GROUPED, required=False, widget=QuickSelect)
    number = forms.IntegerField(required=False, widget=QuickSelect(choices=[(5, "Five")]))
    lazy = forms.ChoiceField(choices=lambda: [("", "Any"), ("x", "X")], widget=QuickSelect)


class DjangoForm(forms.Form):
    who = forms.ChoiceField(choices=GROUPED, required=False)
    number = forms.IntegerField(required=False, widget=forms.Select(choices=[(5, "Five")]))
    lazy = forms.ChoiceField(choices=lambda: [("", "Any"), ("x", "X")])


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"who": "3", "number": "5", "lazy": "x"},
        {"who": "5", "number": "x", "lazy": "nope"},  # "5" twice: only the first is selected
        {"who": "", "lazy": ""},
        {"who": "None"},
    ],
)
def test_quick_select_renders_exactly_as_django_select(data):
    quick, django_form = QuickForm(data), DjangoForm(data)
    if data is not None:  # bound: with errors, aria-invalid comes in the attributes
        quick.is_valid(), django_form.is_valid()

    for name in ("who", "number", "lazy"):
        assert str(quick[name]) == str(django_form[name]), name
    assert "&lt;Nordmann&gt; &amp; Co" in str(quick["who"])


def test_quick_select_with_initial_and_extra_attributes():
    widget = QuickSelect(attrs={"class": "input", "data-x": 'a"b'}, choices=GROUPED)
    plain = forms.Select(attrs={"class": "input", "data-x": 'a"b'}, choices=GROUPED)

    for value in ("2", 5, None, ["3"]):
        assert widget.render("who", value, {"id": "id_who", "required": True}) == plain.render(
            "who", value, {"id": "id_who", "required": True}
        )


def test_quick_select_falls_back_to_django_for_multiple_choice():
    class Many(QuickSelect):
        allow_multiple_selected = True

    widget = Many(choices=[("a", "A"), ("b", "B")])
    plain = forms.SelectMultiple(choices=[("a", "A"), ("b", "B")])

    assert widget.render("many", ["a", "b"]) == plain.render("many", ["a", "b"])
