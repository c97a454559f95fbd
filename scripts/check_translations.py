"""Fail when a catalogue misses a translation or the catalogues lag behind the code.

Every msgid in locale/<lang>/LC_MESSAGES/django.po must have a non-empty, non-fuzzy msgstr for
nb, sv, da and en. Run `make makemessages` after adding strings, then translate them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LANGUAGES = ("nb", "sv", "da", "en")
ROOT = Path(__file__).resolve().parent.parent


def problems() -> list[str]:
    found = []
    for lang in LANGUAGES:
        for domain in ("django", "djangojs"):
            path = ROOT / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
            if not path.exists():
                if domain == "django":
                    found.append(f"{path.relative_to(ROOT)} is missing")
                continue
            catalogue = polib.pofile(str(path))
            for entry in catalogue:
                if entry.obsolete:
                    continue
                if "fuzzy" in entry.flags:
                    found.append(f"{lang}: fuzzy: {entry.msgid!r}")
                elif entry.msgid_plural:
                    if not all(entry.msgstr_plural.values()):
                        found.append(f"{lang}: untranslated plural: {entry.msgid!r}")
                elif not entry.msgstr:
                    found.append(f"{lang}: untranslated: {entry.msgid!r}")
    return found


if __name__ == "__main__":
    issues = problems()
    for line in issues[:50]:
        print(line)
    if issues:
        print(f"{len(issues)} translation problem(s); run `make makemessages` and translate.")
        sys.exit(1)
    print("Translations complete for " + ", ".join(LANGUAGES) + ".")
