"""Measuring what a request costs: peak memory and bytes read from the request body."""

from __future__ import annotations

import contextlib
import io
import struct
import tracemalloc
import zlib
from dataclasses import dataclass


def huge_png(width: int = 13000, height: int = 13000) -> bytes:
    """A small PNG (~160 KB) whose pixels, all black greyscale, decode to width × height bytes:
    the shape of the decompression bomb from the issue (490 KB, 13000 × 13000)."""
    compressor = zlib.compressobj(9)
    block_rows = 1000
    block = (b"\x00" + b"\x00" * width) * block_rows  # filter byte + one row, a thousand times
    parts = [compressor.compress(block) for _ in range(height // block_rows)]
    parts.append(compressor.compress((b"\x00" + b"\x00" * width) * (height % block_rows)))
    parts.append(compressor.flush())

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


def _peak_rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


@dataclass
class Peak:
    rss_mib: float = 0.0  # growth of the process's peak resident memory (C allocations too)
    python_mib: float = 0.0  # peak of Python-level allocations (tracemalloc)


@contextlib.contextmanager
def peak_memory():
    """Measure the peak memory of the block. Pillow's pixel buffers are allocated in C, which
    tracemalloc does not see, so the kernel's high-water mark (VmHWM, reset to the current size
    by writing 5 to /proc/self/clear_refs) is measured as well."""
    peak = Peak()
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    before = _peak_rss_kib()
    tracemalloc.start()
    try:
        yield peak
    finally:
        _current, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak.rss_mib = (_peak_rss_kib() - before) / 1024
        peak.python_mib = python_peak / 1024 / 1024


class CountingInput(io.RawIOBase):
    """A wsgi.input that counts the bytes the application reads from it. The body is `prefix`,
    then `filler` zero bytes made up as they are read (a gigabyte costs no memory), then
    `suffix`."""

    def __init__(self, prefix: bytes, filler: int = 0, suffix: bytes = b""):
        self._parts = [io.BytesIO(prefix), None, io.BytesIO(suffix)]
        self._filler_left = filler
        self.length = len(prefix) + filler + len(suffix)
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def _read(self, size: int, line: bool) -> bytes:
        out = bytearray()
        while size < 0 or len(out) < size:
            want = -1 if size < 0 else size - len(out)
            if self._parts[0] is not None:
                part = self._parts[0]
                chunk = part.readline(want) if line else part.read(want)
                if not chunk:
                    self._parts[0] = None
                    continue
            elif self._filler_left:
                n = self._filler_left if want < 0 else min(want, self._filler_left)
                n = min(n, 1 << 20)
                self._filler_left -= n
                chunk = b"\0" * n
            else:
                chunk = self._parts[2].readline(want) if line else self._parts[2].read(want)
                if not chunk:
                    break
            out += chunk
            if line and out.endswith(b"\n"):
                break
        self.bytes_read += len(out)
        return bytes(out)

    def read(self, size=-1):
        return self._read(-1 if size is None else size, line=False)

    def readline(self, size=-1):
        return self._read(-1 if size is None else size, line=True)


def multipart_upload(field: str, filename: str, size: int, boundary: str = "BoUnDaRy"):
    """(CountingInput, Content-Type) of a multipart body with one file of `size` bytes."""
    prefix = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    suffix = f"\r\n--{boundary}--\r\n".encode()
    return CountingInput(prefix, size, suffix), f"multipart/form-data; boundary={boundary}"
