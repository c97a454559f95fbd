"""The search text as the database queries take it: words, a tsquery, LIKE patterns; and the
full-text condition on cases shared by the top bar's search (search app) and the API's `q`.

Built from word characters only, so a user's text never reaches `to_tsquery`'s own syntax
(which raises on stray operators) and never carries LIKE wildcards. The text search
configurations and the `search_vector` columns are made by cases/migrations/0013_search.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

# Letters and digits of any script; "-", "_", "#", "@" and the rest split words.
_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
PREFIX_MIN = 3  # letters before a suggestion's last word is matched as a prefix

# Organization language → text search configuration (cases/migrations/0013_search.py).
CONFIGS = {"nb": "saksflyt_nb", "sv": "saksflyt_sv", "da": "saksflyt_da", "en": "saksflyt_en"}


def search_config(language: str) -> str:
    return CONFIGS.get(language, "saksflyt_simple")


@dataclass(frozen=True)
class SearchText:
    text: str
    words: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> SearchText:
        return cls(text=text, words=tuple(_WORD.findall(text))[:MAX_WORDS])

    def __bool__(self) -> bool:
        return bool(self.words)

    def tsquery(self, *, prefix: bool = False) -> str:
        """Every word (AND), stemmed by the configuration; with `prefix` the last word also
        matches longer words ("vind" → "vinduer"), for suggestions as one types. A last word
        of one or two letters is left out of a prefix query when there are others ("fukt k"
        → "fukt:*"): its prefix matches most words, and reading them all from the index across
        every organization cost the suggestions 50-100 ms at a million cases."""
        words = list(self.words)
        if prefix and len(words) > 1 and len(words[-1]) < PREFIX_MIN:
            words.pop()
        parts = [f"'{word}'" for word in words]
        if prefix and parts and len(words[-1]) >= PREFIX_MIN:
            parts[-1] += ":*"
        return " & ".join(parts)

    def like_patterns(self) -> list[str]:
        """One UPPER(...) LIKE pattern per word: contained anywhere."""
        return [f"%{word.upper()}%" for word in self.words]

    @property
    def compact(self) -> str:
        """The text without spaces and '#', for numbers typed with spaces ("912 34 567")."""
        return re.sub(r"[\s#]+", "", self.text)

    @property
    def case_number(self) -> int | None:
        """The case number `text` names exactly ("1042" or "#1042"), if it is one."""
        digits = self.text.strip().lstrip("#").strip()
        if digits.isascii() and digits.isdigit() and len(digits) <= 9:
            return int(digits)
        return None


# Cases whose own text, a note or a message matches (each read through its
# (organization_id, search_vector) GIN index).
_CASE_IDS = """
    SELECT c.id FROM cases_case c
    WHERE c.organization_id = %s AND c.search_vector @@ to_tsquery(%s::regconfig, %s)
    UNION
    SELECT n.case_id FROM cases_note n
    WHERE n.organization_id = %s AND n.search_vector @@ to_tsquery(%s::regconfig, %s)
    UNION
    SELECT e.case_id FROM cases_caseevent e
    WHERE e.organization_id = %s AND e.search_vector @@ to_tsquery(%s::regconfig, %s)
"""


def case_text_q(org, text: SearchText) -> Q:
    """A filter for cases of `org` matching `text`: full-text search (PostgreSQL) over number,
    title, description, reference, notes and messages; without PostgreSQL every word in the
    title or description, or the number."""
    if connection.vendor == "postgresql":
        params = [org.pk, search_config(org.default_language), text.tsquery()] * 3
        return Q(id__in=RawSQL(_CASE_IDS, params))
    cond = reduce(
        and_,
        (Q(title__icontains=word) | Q(description__icontains=word) for word in text.words),
        Q(),
    )
    if text.case_number:
        cond = reduce(or_, [cond, Q(number=text.case_number)])
    return cond
