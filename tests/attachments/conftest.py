"""Fixtures of the attachment tests: a blob directory of the test's own, and sample files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from accord.attachments import scan

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def office(kind: str) -> bytes:
    """A minimal OOXML container: `word` for .docx, `xl` for .xlsx, anything else a plain zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if kind == "word":
            archive.writestr("word/document.xml", "<w:document/>")
        elif kind == "xl":
            archive.writestr("xl/workbook.xml", "<workbook/>")
        else:
            archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


@pytest.fixture
def blobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "blobs"
    monkeypatch.setenv("ACCORD_ATTACHMENTS_DIR", str(root))
    monkeypatch.delenv("ACCORD_ATTACHMENTS_MAX_BYTES", raising=False)
    return root


@pytest.fixture(autouse=True)
def _no_scanners(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test registers the scanners it wants; none leak from one test to another."""
    monkeypatch.setattr(scan, "SCANNERS", [])


def stored_files(root: Path) -> list[Path]:
    """Every file under the blob root, temporary ones included."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
