"""FAST_RENDERER builds <select> in Python; its markup must be Django's, byte for byte."""

from __future__ import annotations

import pytest
from django import forms

from organizations.rendering import FAST_RENDERER


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
