"""What a file really is, from its first bytes (and, for ZIP containers, their contents).

The declared type of an upload must agree with this: a `.pdf` that is an executable, or a
"text file" full of binary, is refused before it is stored.
"""

from __future__ import annotations

import codecs
import mimetypes
import zipfile
from pathlib import Path

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
TEXT = "text/plain"
CSV = "text/csv"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ALLOWED = frozenset({PDF, PNG, JPEG, GIF, TEXT, CSV, ZIP, DOCX, XLSX})
UNDECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
ALIASES = {
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    "application/x-zip-compressed": ZIP,
    "application/x-pdf": PDF,
    "application/csv": CSV,
}
# Types a sniffed kind may be declared as: the first bytes of a CSV file are just text.
COMPATIBLE = {TEXT: {TEXT, CSV}}

_MAGIC = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"PK\x03\x04", ZIP),
)

HEAD_BYTES = 8192


def normalise(declared: str | None, filename: str) -> str:
    """The declared media type without parameters, de-aliased; guessed from the file name when
    the client declared none (or only application/octet-stream)."""
    value = (declared or "").split(";")[0].strip().lower()
    if value in UNDECLARED:
        value = (mimetypes.guess_type(filename, strict=False)[0] or "").lower()
    return ALIASES.get(value, value)


def _zip_kind(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return ZIP


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        # Not final: the head may end inside a multi-byte character.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def sniff(head: bytes, path: Path) -> str | None:
    """The media type the content shows, or None when it is none Accord accepts."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return _zip_kind(path) if kind == ZIP else kind
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    return TEXT if _is_text(head) else None


def agrees(sniffed: str, declared: str) -> bool:
    return declared in COMPATIBLE.get(sniffed, {sniffed})
