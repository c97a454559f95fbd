"""Compile one .po file to .mo beside it.

Uses GNU msgfmt (with format checks) when it is installed, else polib, so `make run` works on a
machine without gettext.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def compile_po(po: Path) -> None:
    mo = po.with_suffix(".mo")
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
        return
    import polib

    polib.pofile(str(po)).save_as_mofile(str(mo))


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        compile_po(Path(arg))
