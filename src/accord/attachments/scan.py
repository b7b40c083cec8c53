"""The scan hook: every stored file passes each registered scanner first.

A deployment registers its virus scanner (or a policy check) by appending to `SCANNERS`; a
scanner gets the path of the uploaded bytes and their media type and returns a verdict. A
scanner that raises counts as a rejection: a file nobody could check is not stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanVerdict:
    ok: bool
    reason: str = ""
    scanner: str = ""

    @classmethod
    def clean(cls) -> ScanVerdict:
        return cls(ok=True)

    @classmethod
    def reject(cls, reason: str, scanner: str = "") -> ScanVerdict:
        return cls(ok=False, reason=reason, scanner=scanner)


Scanner = Callable[[Path, str], ScanVerdict]

SCANNERS: list[Scanner] = []


def scan(path: Path, media_type: str) -> ScanVerdict:
    """The first rejection among the scanners, or a clean verdict."""
    for scanner in SCANNERS:
        name = getattr(scanner, "__name__", type(scanner).__name__)
        try:
            verdict = scanner(path, media_type)
        except Exception as exc:
            log.error("scanner %s failed: %s", name, type(exc).__name__)
            return ScanVerdict.reject("the file could not be scanned", scanner=name)
        if not verdict.ok:
            return ScanVerdict(ok=False, reason=verdict.reason, scanner=verdict.scanner or name)
    return ScanVerdict.clean()
