"""An organization that changes its language gets its searchable text stemmed the new way
(search/services.py), and no other organization's rows are touched."""

from __future__ import annotations

import pytest
from django.db import connection

from organizations.services import organization_update
from tests.search.test_search_fulltext import _titles

pytestmark = pytest.mark.django_db


def _vector(case) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM cases_case WHERE id = %s", [case.pk])
        return cursor.fetchone()[0]


def test_a_new_language_re_stems_the_organizations_rows(
    world, nb_tenant, other_tenant, django_capture_on_commit_callbacks
):
    org = nb_tenant.org
    assert _titles(org, "vindu") == ["Vinduer som dugger"]
    assert "'vindu'" in _vector(world["window"])
    other_before = _vector(world["b_case"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        organization_update(
            org=org,
            actor=nb_tenant.admin,
            name=org.name,
            default_language="en",
            time_zone=org.time_zone,
            brand_color=org.brand_color,
        )
    assert callbacks, "a language change schedules the rebuild"

    # English stems "vinduer" as itself: the rows were re-stemmed, and the query too.
    assert "'vinduer'" in _vector(world["window"])
    assert _titles(org, "vinduer") == ["Vinduer som dugger"]
    assert _titles(org, "vindu") == []
    assert _vector(world["b_case"]) == other_before


def test_other_changes_do_not_rebuild(nb_tenant, django_capture_on_commit_callbacks):
    org = nb_tenant.org
    with django_capture_on_commit_callbacks() as callbacks:
        organization_update(
            org=org,
            actor=nb_tenant.admin,
            name="Nytt navn",
            default_language=org.default_language,
            time_zone=org.time_zone,
            brand_color=org.brand_color,
        )
    assert callbacks == []
