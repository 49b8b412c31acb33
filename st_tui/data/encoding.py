"""Read raw bytes of a data file: decompression, binary detection and text encodings.

polars reads only UTF-8, so a file in another encoding, or a compressed one, is
rewritten once as plain UTF-8 into a temporary folder that lives as long as the
process, and polars scans that copy lazily.
"""

from __future__ import annotations

import codecs
import gzip
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast

HEAD_BYTES = 256_000
CHUNK_BYTES = 4 * 1024 * 1024
COMPRESSIONS = {".gz": "gzip", ".zst": "zstd"}

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_work_dir: tempfile.TemporaryDirectory[str] | None = None


def work_dir() -> Path:
    """Return the process-wide temporary folder for decoded copies of data files."""
    global _work_dir
    if _work_dir is None:
        _work_dir = tempfile.TemporaryDirectory(prefix="st-tui-data-")
    return Path(_work_dir.name)


@contextmanager
def open_binary(path: Path, compression: str | None) -> Iterator[BinaryIO]:
    """Open a file for reading bytes, decompressing gzip or zstd on the fly."""
    if compression == ".gz":
        with gzip.open(path, "rb") as archive:
            yield cast(BinaryIO, archive)
        return
    if compression == ".zst":
        import zstandard

        with path.open("rb") as raw:
            reader = zstandard.ZstdDecompressor().stream_reader(raw)
            yield cast(BinaryIO, reader)
        return
    with path.open("rb") as handle:
        yield handle


def read_head(path: Path, compression: str | None, size: int = HEAD_BYTES) -> bytes:
    """Read the first ``size`` bytes of a file, after decompression."""
    with open_binary(path, compression) as handle:
        return handle.read(size)


def looks_binary(head: bytes) -> bool:
    """Tell whether the first bytes are binary data rather than text.

    A NUL byte outside UTF-16 text, or more than 10% control characters other than
    tab, newline and carriage return, marks binary data.
    """
    if head.startswith(_UTF16_BOMS):
        return False
    sample = head[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
    return controls / len(sample) > 0.10


def detect_encoding(head: bytes) -> str:
    """Name the Python codec that decodes the first bytes of a text file.

    UTF-8, with or without a byte order mark, comes first. UTF-16 needs its byte
    order mark. Other text is read as cp1252 (Windows Western European) when it
    decodes, else as Latin-1, which decodes every byte.
    """
    if head.startswith(_UTF8_BOM):
        return "utf-8-sig"
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    try:
        # The head may end inside a multi-byte character: the final=False decoder
        # keeps those bytes pending instead of failing on them.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def decode_head(head: bytes, encoding: str) -> str:
    """Decode the first bytes of a file, dropping a partial last character."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(head, final=False).lstrip("\ufeff")


def plain_utf8_copy(
    path: Path,
    compression: str | None,
    encoding: str,
    suffix: str,
    *,
    cr_line_ends: bool = False,
) -> Path:
    """Write a decompressed UTF-8 copy of a file into the temporary folder.

    Reads and writes in chunks, so memory stays flat for large files. Bytes that
    the encoding cannot decode become U+FFFD, which the checks report. With
    ``cr_line_ends``, each carriage return becomes a line feed.

    Raises:
        OSError, EOFError: when the file cannot be read or decompressed.
    """
    target = Path(tempfile.mkstemp(dir=work_dir(), suffix=suffix)[1])
    with open_binary(path, compression) as source, target.open("wb") as out:
        if encoding == "utf-8" and not cr_line_ends:
            shutil.copyfileobj(source, out, CHUNK_BYTES)
            return target
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        while chunk := source.read(CHUNK_BYTES):
            out.write(_utf8(decoder.decode(chunk), cr_line_ends))
        out.write(_utf8(decoder.decode(b"", final=True), cr_line_ends))
    return target


def _utf8(text: str, cr_line_ends: bool) -> bytes:
    if cr_line_ends:
        text = text.replace("\r", "\n")
    return text.encode("utf-8")


def encoding_name(encoding: str) -> str:
    """Return a codec's name as users know it."""
    return {
        "utf-8": "UTF-8",
        "utf-8-sig": "UTF-8 with a byte order mark",
        "utf-16": "UTF-16",
        "cp1252": "cp1252 (Windows Western European)",
        "latin-1": "Latin-1 (ISO-8859-1)",
    }.get(encoding, encoding)
