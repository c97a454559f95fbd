"""Images checked by their header before anything decodes them.

Pillow's `Image.open` reads only the header: the width and height are known without decoding a
pixel. A small file can hold a huge image (a 490 KB PNG of 13000 × 13000 pixels decodes to
about 500 MB), so every image upload is measured here first and refused above
IMAGE_MAX_PIXELS; decoding (thumbnails) happens only later, in the worker.
"""

from __future__ import annotations

import warnings

from django.conf import settings
from PIL import Image


class ImageTooLarge(ValueError):
    """The image has more than IMAGE_MAX_PIXELS pixels."""


def image_size(file, *, verify: bool = False) -> tuple[int, int]:
    """(width, height) of the image in `file`, read from its header only (no pixel is decoded),
    checked against IMAGE_MAX_PIXELS; `verify` then also checks the file's structure (Pillow's
    `verify`: a PNG's chunks and checksums, still without decoding). Raises ImageTooLarge above
    the limit, and Pillow's UnidentifiedImageError / OSError / SyntaxError / ValueError for
    what is no image. The file is rewound."""
    limit = settings.IMAGE_MAX_PIXELS
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns (or raises, at twice its own limit) about large images; ours decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            try:
                with Image.open(file) as image:
                    width, height = image.size
                    if width * height > limit:
                        raise ImageTooLarge(f"{width} × {height} pixels, more than {limit}")
                    if verify:
                        image.verify()
            except Image.DecompressionBombError as exc:
                raise ImageTooLarge(str(exc)) from exc
    finally:
        file.seek(0)
    return width, height


def max_megapixels() -> str:
    """IMAGE_MAX_PIXELS in megapixels, for messages ("40")."""
    return f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g}"
