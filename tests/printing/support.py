"""Helpers of the printing tests: a PDF's text, and reading barcodes back."""

from __future__ import annotations

import base64
import io
import re

from PIL import Image, ImageDraw
from pypdf import PdfReader
from pyzbar import pyzbar

PX_PER_MM = 20
BAR = re.compile(r"M([\d.]+) ([\d.]+)h([\d.]+)v([\d.]+)H[\d.]+Z")


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-"), content[:20]
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def decode_barcode_svg(svg: str) -> list[str]:
    """Draw the SVG's bars (the path our writer makes) on white and let zbar read them."""
    width = float(re.search(r'width="([\d.]+)mm"', svg).group(1))
    height = float(re.search(r'height="([\d.]+)mm"', svg).group(1))
    image = Image.new("L", (int(width * PX_PER_MM) + 40, int(height * PX_PER_MM) + 40), 255)
    draw = ImageDraw.Draw(image)
    bars = BAR.findall(svg)
    assert bars, "no bars in the SVG"
    for x, y, w, h in (map(float, bar) for bar in bars):
        left, top = 20 + x * PX_PER_MM, 20 + y * PX_PER_MM
        draw.rectangle([left, top, left + w * PX_PER_MM - 1, top + h * PX_PER_MM - 1], fill=0)
    return [
        result.data.decode("utf-8")
        for result in pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.CODE128])
    ]


def decode_qr_data_uri(uri: str) -> list[str]:
    data = base64.b64decode(uri.split(",", 1)[1])
    image = Image.open(io.BytesIO(data)).convert("L")
    # One pixel per module: scale up and add the quiet zone the label's white gives it.
    scaled = image.resize((image.width * 8, image.height * 8), Image.NEAREST)
    framed = Image.new("L", (scaled.width + 64, scaled.height + 64), 255)
    framed.paste(scaled, (32, 32))
    return [
        result.data.decode("utf-8")
        for result in pyzbar.decode(framed, symbols=[pyzbar.ZBarSymbol.QRCODE])
    ]
