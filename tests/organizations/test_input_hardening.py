"""Team names and every form's text fields refuse NUL with a form error, never a 500 (issue 9,
item 5: the team form had dropped its field validators, so a NUL reached PostgreSQL)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator

from organizations.models import Team
from tests.factories.organizations import TeamFactory


def _url(org, suffix: str) -> str:
    return f"/{org.slug}/settings/teams/{suffix}"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("Drift\x00", "Null characters are not allowed."),
        ("\x00", "Null characters are not allowed."),
        ("x" * 100_000, "Ensure this value has at most 100 characters"),
    ],
    ids=["nul-inside", "only-nul", "100kb"],
)
def test_new_team_with_a_bad_name_is_a_form_error(tenant, admin_client_org, name, error):
    response = admin_client_org.post(_url(tenant.org, "new/"), {"name": name})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Team.objects.filter(organization=tenant.org).exists()


def test_renaming_a_team_to_a_name_with_nul_is_a_form_error(tenant, admin_client_org):
    team = TeamFactory(organization=tenant.org, name="Drift")

    response = admin_client_org.post(_url(tenant.org, f"{team.pk}/"), {"name": "Dr\x00ift"})

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    team.refresh_from_db()
    assert team.name == "Drift"


def test_the_nul_error_is_translated(tenant, admin_client_org):
    tenant.admin.language = "nb"
    tenant.admin.save(update_fields=["language"])

    response = admin_client_org.post(_url(tenant.org, "new/"), {"name": "A\x00"})

    assert response.status_code == 200
    assert "Null-tegn er ikke tillatt." in response.content.decode()


def test_team_names_still_save(tenant, admin_client_org):
    response = admin_client_org.post(_url(tenant.org, "new/"), {"name": "  Drift  "})

    assert response.status_code == 302
    assert Team.objects.get(organization=tenant.org).name == "Drift"


def test_outsider_gets_404_with_a_nul_team_name(tenant, outsider_client):
    assert outsider_client.post(_url(tenant.org, "new/"), {"name": "\x00"}).status_code == 404


def _project_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in the project's apps' form modules."""
    found = []
    for app in settings.INSTALLED_APPS:
        if "." in app or app.startswith("django"):
            continue
        module = importlib.import_module(app)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{app}."):
            name = info.name
            if not any(part.startswith("forms") for part in name.split(".")[1:]):
                continue
            mod = importlib.import_module(name)
            for obj in vars(mod).values():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, forms.BaseForm)
                    and obj.__module__ == mod.__name__
                ):
                    found.append(obj)
    return found


def test_every_text_field_of_every_form_refuses_nul():
    """Django's CharField refuses NUL with a translated message; no form may drop that check."""
    forms_found = _project_forms()
    modules = {f.__module__ for f in forms_found}
    assert {"organizations.forms", "customers.forms", "cases.forms_lists"} <= modules
    assert "inquiries.forms.lists" in modules
    missing = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in forms_found
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField)
        and not any(isinstance(v, ProhibitNullCharactersValidator) for v in field.validators)
    ]
    assert not missing, missing


def test_team_form_keeps_its_field_validators(tenant):
    from organizations.forms import TeamForm

    validators = TeamForm(org=tenant.org).fields["name"].validators

    assert any(isinstance(v, ProhibitNullCharactersValidator) for v in validators)
    assert any(isinstance(v, MaxLengthValidator) for v in validators)


# --- The shared helpers (organizations/web.py) ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("0042", 42),
        (str(2**63 - 1), 2**63 - 1),
        (7, 7),
        (str(2**63), None),
        ("9" * 5000, None),
        ("²", None),
        ("٣", None),
        ("-1", None),
        ("0", None),
        (" 1", None),
        ("1_0", None),
        ("1e309", None),
        ("", None),
        (None, None),
        (True, None),
        (-5, None),
        (2**64, None),
    ],
)
def test_parse_id_takes_only_ascii_digits_within_bigint(value, expected):
    from organizations.web import parse_id

    assert parse_id(value) == expected


def test_parse_ids_keeps_good_ids_once_in_order():
    from organizations.web import parse_ids

    assert parse_ids(["3", "²", "3", "12", "9" * 5000, None, "-1"]) == [3, 12]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Nordmann ", "Nordmann"),
        ("Nord\x00mann", "Nord mann"),
        ("\x00", ""),
        ("a\udfffb", "a b"),
        ("line\nbreak\ttab", "line break tab"),
        ("\u202eevil", "\u202eevil"),
        ("x" * 100_000, "x" * 200),
    ],
    ids=["trim", "nul", "only-nul", "surrogate", "controls", "rtl-kept", "long"],
)
def test_clean_search_text(text, expected):
    from organizations.web import clean_search_text

    assert clean_search_text(text) == expected
