"""Blobs on disk, content-addressed: `<root>/ab/cd/<sha256>`, each content stored once.

An upload is streamed into a temporary file beside the blobs (same file system), hashed on the
way, and renamed into place only once every check has passed, so a refused or interrupted
upload leaves nothing behind and a reader never sees a half-written blob.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

CHUNK = 64 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class TooLarge(Exception):
    """More than the limit was offered; the temporary file is already gone."""


@dataclass
class Staged:
    """An upload written to a temporary file, not yet a blob."""

    path: Path
    sha256: str
    size: int
    head: bytes


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def stage(self, stream: Readable, *, max_bytes: int, head_bytes: int = 8192) -> Staged:
        """Copy `stream` to a temporary file, stopping (TooLarge) past `max_bytes`."""
        tmp_dir = self.root / ".tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
        path = Path(name)
        digest = hashlib.sha256()
        size = 0
        head = b""
        try:
            with os.fdopen(fd, "wb") as out:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(f"more than {max_bytes} bytes")
                    if len(head) < head_bytes:
                        head += chunk[: head_bytes - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            self.discard(path)
            raise
        return Staged(path=path, sha256=digest.hexdigest(), size=size, head=head)

    def commit(self, staged: Staged) -> Path:
        """Make the staged file the blob of its digest (or drop it if that blob exists)."""
        final = self.path_for(staged.sha256)
        if final.is_file():
            self.discard(staged.path)
            return final
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.path, final)  # atomic within one file system
        return final

    @staticmethod
    def discard(path: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
