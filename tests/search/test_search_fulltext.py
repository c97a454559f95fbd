"""The search's matching (search/selectors.py) on PostgreSQL: Nordic stemming with unaccent,
notes and messages, trigrams for names and numbers, and never another organization's rows."""

from __future__ import annotations

import pytest
from django.db import connection

from cases.selectors.fulltext import SearchText
from cases.services.inbound import case_message_receive
from cases.services.notes import note_add
from search import selectors
from tests.factories.cases import make_case

pytestmark = pytest.mark.django_db


def _titles(org, q: str, **kwargs) -> list[str]:
    group = selectors.search_cases(org, SearchText.parse(q), limit=50, **kwargs)
    return [row["title"] for row in group.rows]


def test_nordic_stemming_finds_inflected_forms(world, nb_tenant):
    org = nb_tenant.org
    assert _titles(org, "vindu") == ["Vinduer som dugger"]
    assert _titles(org, "lekkasje") == ["Lekkasjen under kjøkkenvasken"]
    assert _titles(org, "dør") == ["Døren lukker ikke"]


def test_unaccent_and_stemming_agree_on_ae_oe_aa(world, nb_tenant):
    """Typed without ø/å, or with them: the same cases; the stems are the Snowball stemmer's
    own (the configuration only unaccents before it)."""
    org = nb_tenant.org
    assert _titles(org, "doren") == ["Døren lukker ikke"]
    assert _titles(org, "kjokkenvask") == ["Lekkasjen under kjøkkenvasken"]
    assert _titles(org, "KJØKKENVASK") == ["Lekkasjen under kjøkkenvasken"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_lexize('norwegian_stem', 'dørene'),"
            " to_tsvector('saksflyt_nb', 'dørene')::text,"
            " to_tsvector('saksflyt_sv', 'Fönstren läcker')::text,"
            " to_tsvector('saksflyt_da', 'Vinduerne i køkkenet')::text"
        )
        plain, nb, sv, da = cursor.fetchone()
    assert plain == ["dør"] and nb == "'dor':1"
    assert sv == "'fonstr':1 'lack':2"
    assert da == "'kokken':3 'vindu':1"


def test_swedish_and_danish_organizations_stem_their_language(nb_tenant, other_tenant):
    sv, da = nb_tenant.org, other_tenant.org
    sv.default_language, da.default_language = "sv", "da"
    sv.save(update_fields=["default_language"])
    da.save(update_fields=["default_language"])
    make_case(sv, nb_tenant.caseworker, title="Läckande kranar i köket")
    make_case(da, other_tenant.caseworker, title="Vinduerne er utætte")
    assert _titles(sv, "läckande kran") == ["Läckande kranar i köket"]
    assert _titles(sv, "kranarna") == ["Läckande kranar i köket"]
    assert _titles(da, "vindue") == ["Vinduerne er utætte"]


def test_notes_and_messages_find_their_case(nb_tenant):
    org, actor = nb_tenant.org, nb_tenant.caseworker
    noted = make_case(org, actor, title="Første sak")
    messaged = make_case(org, actor, title="Andre sak")
    make_case(org, actor, title="Tredje sak")
    note_add(org=org, actor=actor, case=noted, body="Rørleggeren kommer tirsdag")
    case_message_receive(
        org=org, case=messaged, inbound_email_id=None, sender="kari@example.no",
        subject="Takrenner", text="Takrennene renner over når det regner",
    )  # fmt: skip
    assert _titles(org, "rorleggeren tirsdag") == ["Første sak"]
    assert _titles(org, "takrenne") == ["Andre sak"]
    assert _titles(org, "regn") == ["Andre sak"]


def test_case_number_reference_and_ranking(world, nb_tenant):
    org = nb_tenant.org
    number = world["door"].number
    group = selectors.search_cases(org, SearchText.parse(str(number)), limit=50)
    assert group.rows[0]["number"] == number
    # Title words weigh more than description words.
    make_case(org, nb_tenant.caseworker, title="Annet", description="Vinduet i stua er knust")
    assert _titles(org, "vindu") == ["Vinduer som dugger", "Annet"]
    assert _titles(org, "vindu", open_only=True)[0] == "Vinduer som dugger"


def test_prefix_for_suggestions(world, nb_tenant):
    org = nb_tenant.org
    assert _titles(org, "vind") == []
    assert _titles(org, "vind", prefix=True) == ["Vinduer som dugger"]
    assert _titles(org, "dugger v", prefix=True) == ["Vinduer som dugger"]  # "v" left out
    assert _titles(org, "vi", prefix=True) == []  # too short to be a prefix
    assert SearchText.parse("fukt kj").tsquery(prefix=True) == "'fukt':*"
    assert SearchText.parse("fukt kje").tsquery(prefix=True) == "'fukt' & 'kje':*"


def test_names_and_numbers_by_trigrams(world, nb_tenant):
    org = nb_tenant.org
    customers = selectors.search_customers(org, SearchText.parse("solberg ingrid"), limit=5)
    assert [r["name"] for r in customers.rows] == ["Ingrid Solberg"]  # words in any order
    none = selectors.search_customers(org, SearchText.parse("Ingrid Solbreg"), limit=5)
    assert none.rows == [] and none.total == 0  # no fuzzy matching (search/selectors.py)
    by_phone = selectors.search_customers(org, SearchText.parse("91234567"), limit=5)
    assert [r["name"] for r in by_phone.rows] == ["Ingrid Solberg"]
    by_mail = selectors.search_customers(org, SearchText.parse("ingrid@example"), limit=5)
    assert [r["name"] for r in by_mail.rows] == ["Ingrid Solberg"]
    props = selectors.search_properties(org, SearchText.parse("solsidevegen"), limit=5)
    assert [r["address"] for r in props.rows] == ["Solsidevegen 12"]
    by_number = selectors.search_properties(org, SearchText.parse("g-1042"), limit=5)
    assert [r["address"] for r in by_number.rows] == ["Solsidevegen 12"]
    containers = selectors.search_containers(org, SearchText.parse("bx-778"), limit=5)
    assert [r["container_id"] for r in containers.rows] == ["BX-7781"]


def test_never_another_organizations_rows(world, nb_tenant, other_tenant):
    """B has rows matching every query; A's search returns only A's (the SQL names the
    organization, and row-level security would hide B's anyway)."""
    org = nb_tenant.org
    for q in ("vindu", "lekker", "kjeller", "ingrid", "solsidevegen", "g-1042", "bx-778"):
        groups = selectors.search_all(org, SearchText.parse(q))
        for group in groups:
            for row in group.rows:
                assert "b.example" not in str(row.get("email", ""))
        ids = {g.kind: {r["id"] for r in g.rows} for g in groups}
        assert world["b_case"].pk not in ids["cases"]
    assert _titles(org, "kjeller") == []
    b_groups = selectors.search_all(other_tenant.org, SearchText.parse("solsidevegen"))
    assert [r["address"] for r in b_groups[3].rows] == ["Solsidevegen 99"]


def test_exact_targets(world, nb_tenant):
    org = nb_tenant.org
    case = world["leak"]
    assert selectors.exact_target(org, SearchText.parse(f"#{case.number}")) == (
        "case", case.number,
    )  # fmt: skip
    assert selectors.exact_target(org, SearchText.parse("bx-7781")) == (
        "container", world["container"].pk,
    )  # fmt: skip
    assert selectors.exact_target(org, SearchText.parse("BX-7782")) is None  # B's container
    assert selectors.exact_target(org, SearchText.parse("99999")) is None


@pytest.mark.parametrize(
    "q", ["", "   ", "'", "&|!():*", "a & b", "%_\\", "\x00", "x" * 5000, "Ω≈ç√", "a:*b"]
)
def test_odd_text_never_raises(world, nb_tenant, q):
    groups = selectors.search_all(nb_tenant.org, SearchText.parse(q))
    assert len(groups) == 5
    assert selectors.suggestions(nb_tenant.org, SearchText.parse(q))
