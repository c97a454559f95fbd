"""Fail when a catalogue misses a translation or lags behind the code.

1. Every msgid in locale/<lang>/LC_MESSAGES/django.po (and djangojs.po when present) has a
   non-empty, non-fuzzy msgstr for nb, sv, da and en.
2. The catalogues hold every string the code marks: makemessages is run on a copy of the source
   tree and any msgid it finds that the committed catalogue lacks is reported.

Fix with `make makemessages`, then translate the new entries.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

LANGUAGES = ("nb", "sv", "da", "en")
ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = (
    "config",
    "organizations",
    "customers",
    "properties",
    "notifications",
    "cases",
    "printing",
    "inquiries",
    "portal",
    "privacy",
    "search",
    "reports",
    "templates",
    "static",
)
IGNORE = [
    "--ignore",
    ".venv/*",
    "--ignore",
    "var/*",
    "--ignore",
    "bench/*",
    "--ignore",
    "tests/*",
    "--ignore",
    "static/js/htmx.min.js",
]


def untranslated() -> list[str]:
    found = []
    for lang in LANGUAGES:
        for domain in ("django", "djangojs"):
            path = ROOT / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
            if not path.exists():
                if domain == "django":
                    found.append(f"{path.relative_to(ROOT)} is missing")
                continue
            for entry in polib.pofile(str(path)):
                if entry.obsolete:
                    continue
                if "fuzzy" in entry.flags:
                    found.append(f"{lang}/{domain}: fuzzy: {entry.msgid!r}")
                elif entry.msgid_plural:
                    if not all(entry.msgstr_plural.values()):
                        found.append(f"{lang}/{domain}: untranslated plural: {entry.msgid!r}")
                elif not entry.msgstr:
                    found.append(f"{lang}/{domain}: untranslated: {entry.msgid!r}")
    return found


def _ids(path: Path) -> set[tuple[str, str]]:
    if not path.exists():
        return set()
    return {(e.msgctxt or "", e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}


def stale() -> list[str]:
    """Strings marked in the code that the committed English catalogue does not have."""
    if not shutil.which("xgettext"):
        return ["xgettext (GNU gettext) is not installed; cannot check catalogues are current"]
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        for name in SOURCE_DIRS:
            if (ROOT / name).exists():
                shutil.copytree(
                    ROOT / name,
                    tree / name,
                    ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.po"),
                )
        shutil.copy(ROOT / "manage.py", tree / "manage.py")
        (tree / "locale").mkdir()
        found = []
        for domain in ("django", "djangojs"):
            subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "makemessages",
                    "-l",
                    "en",
                    "-d",
                    domain,
                    "--no-location",
                    *IGNORE,
                ],
                cwd=tree,
                check=True,
                capture_output=True,
                env={
                    "PATH": subprocess.os.environ["PATH"],
                    "SAKSFLYT_VAR_DIR": str(tree / "var"),
                    "DJANGO_SETTINGS_MODULE": "config.settings",
                    "PYTHONPATH": str(tree),
                },
            )
            fresh = _ids(tree / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po")
            committed = _ids(ROOT / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po")
            found += [
                f"en/{domain}: not in catalogue: {msgid!r}"
                for _ctx, msgid in sorted(fresh - committed)
            ]
    return found


if __name__ == "__main__":
    problems = untranslated() + stale()
    for line in problems[:60]:
        print(line)
    if problems:
        print(f"{len(problems)} translation problem(s); run `make makemessages` and translate.")
        sys.exit(1)
    print("Translations complete and current for " + ", ".join(LANGUAGES) + ".")
