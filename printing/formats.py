"""Label formats: a few common A4 label sheets and single labels for label printers.

Sizes in millimetres. A sheet's labels are laid out from the top-left corner of the page:
`left`/`top` are the margins, `pitch_x`/`pitch_y` the distance from one label's corner to the
next (label size plus the gap). A single-label format is one label per page of its own size.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class LabelFormat:
    key: str
    label: str
    width: float
    height: float
    columns: int = 1
    rows: int = 1
    left: float = 0.0
    top: float = 0.0
    pitch_x: float = 0.0
    pitch_y: float = 0.0
    page_width: float = 210.0
    page_height: float = 297.0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def is_sheet(self) -> bool:
        return self.per_page > 1

    def positions(self) -> list[tuple[float, float]]:
        """(left, top) of each label on a page, row by row."""
        if not self.is_sheet:
            return [(0.0, 0.0)]
        return [
            (self.left + col * self.pitch_x, self.top + row * self.pitch_y)
            for row in range(self.rows)
            for col in range(self.columns)
        ]


def _single(key: str, label, width: float, height: float) -> LabelFormat:
    return LabelFormat(
        key=key, label=label, width=width, height=height, page_width=width, page_height=height
    )


FORMATS: dict[str, LabelFormat] = {
    f.key: f
    for f in (
        LabelFormat(
            key="a4_3x8",
            label=_("A4 sheet, 3 × 8 labels of 70 × 37 mm"),
            width=70,
            height=37,
            columns=3,
            rows=8,
            left=0,
            top=0.5,
            pitch_x=70,
            pitch_y=37,
        ),
        LabelFormat(
            key="a4_2x7",
            label=_("A4 sheet, 2 × 7 labels of 99.1 × 38.1 mm"),
            width=99.1,
            height=38.1,
            columns=2,
            rows=7,
            left=4.65,
            top=15.15,
            pitch_x=101.6,
            pitch_y=38.1,
        ),
        LabelFormat(
            key="a4_2x4",
            label=_("A4 sheet, 2 × 4 labels of 99.1 × 67.7 mm"),
            width=99.1,
            height=67.7,
            columns=2,
            rows=4,
            left=4.65,
            top=13.1,
            pitch_x=101.6,
            pitch_y=67.7,
        ),
        _single("single_100x50", _("Label printer, one label of 100 × 50 mm"), 100, 50),
    )
}
DEFAULT_FORMAT = "a4_3x8"
FORMAT_CHOICES = [(f.key, f.label) for f in FORMATS.values()]


def label_format(key: str) -> LabelFormat:
    """The format named `key`, or the default one for an unknown key (a format removed later)."""
    return FORMATS.get(key) or FORMATS[DEFAULT_FORMAT]
