"""Storing attachments: content addressing, the checks, the scan hook, audited reads."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.attachments import scan, service, sniff
from accord.attachments.models import Attachment
from accord.audit.models import AuditEvent
from accord.core.errors import DomainError, InvalidInput
from accord.security.actor import Actor, Role
from accord.security.policy import PermissionDenied
from tests.attachments.conftest import PDF, PNG, office, stored_files
from tests.factories import make_actor, make_named


@pytest.fixture
def named(session: Session) -> dict[str, Agency]:
    return make_named(session, "SH", "JS")


@pytest.fixture
def officer(named: dict[str, Agency]) -> Actor:
    return make_actor(named["SH"], Role.OFFICER, username="li")


def put(
    session: Session,
    actor: Actor,
    content: bytes,
    *,
    filename: str = "report.pdf",
    declared: str | None = "application/pdf",
    object_type: str = "case_file",
    object_id: str = "SH-2026-000001",
) -> Attachment:
    return service.store(
        session,
        actor,
        stream=io.BytesIO(content),
        filename=filename,
        declared_type=declared,
        object_type=object_type,
        object_id=object_id,
    )


def counts(session: Session) -> tuple[int, int]:
    rows = session.scalar(select(func.count()).select_from(Attachment))
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    return int(rows or 0), int(events or 0)


def test_a_file_is_stored_once_by_its_sha256(session: Session, officer: Actor, blobs: Path) -> None:
    first = put(session, officer, PDF)
    second = put(session, officer, PDF, filename="copy.pdf", object_id="SH-2026-000002")
    session.commit()
    digest = hashlib.sha256(PDF).hexdigest()
    assert (first.sha256, first.size, first.media_type) == (digest, len(PDF), "application/pdf")
    assert second.sha256 == digest
    assert first.id != second.id
    assert stored_files(blobs) == [blobs / digest[:2] / digest[2:4] / digest]
    assert (blobs / digest[:2] / digest[2:4] / digest).read_bytes() == PDF
    assert first.uploaded_by == officer.user_id
    assert first.agency_id == officer.agency_id
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [e.action for e in events] == ["attachment.upload", "attachment.upload"]
    assert (events[0].detail or {}) | {"actor_roles": None} == {
        "actor_roles": None,
        "sha256": digest,
        "size": len(PDF),
        "media_type": "application/pdf",
        "on": "case_file:SH-2026-000001",
    }


@pytest.mark.parametrize(
    ("content", "filename", "declared", "media_type"),
    [
        (PNG, "photo.png", "image/png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "p.jpg", "image/jpg", "image/jpeg"),
        ("行程记录\n2026-11-23\n".encode(), "notes.txt", "text/plain; charset=utf-8", "text/plain"),
        (b"a,b\n1,2\n", "t.csv", "text/csv", "text/csv"),
        (office("word"), "letter.docx", None, sniff.DOCX),
        (office("xl"), "sheet.xlsx", "application/octet-stream", sniff.XLSX),
        (office("zip"), "bundle.zip", "application/zip", "application/zip"),
    ],
)
def test_accepted_types(
    session: Session,
    officer: Actor,
    blobs: Path,
    content: bytes,
    filename: str,
    declared: str | None,
    media_type: str,
) -> None:
    attachment = put(session, officer, content, filename=filename, declared=declared)
    assert attachment.media_type == media_type


def refused(
    session: Session, officer: Actor, blobs: Path, error: type[DomainError], **kwargs: object
) -> DomainError:
    """Assert that storing is refused with `error` and that nothing at all was kept."""
    before = counts(session)
    with pytest.raises(error) as caught:
        put(session, officer, **kwargs)  # type: ignore[arg-type]
    assert counts(session) == before
    assert stored_files(blobs) == []
    return caught.value


def test_an_empty_file_is_refused(session: Session, officer: Actor, blobs: Path) -> None:
    error = refused(session, officer, blobs, service.EmptyAttachment, content=b"")
    assert (error.status, error.field) == (422, "file")


def test_a_file_over_the_limit_is_refused_without_reading_it_all(
    session: Session, officer: Actor, blobs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_ATTACHMENTS_MAX_BYTES", "100000")

    class Endless(io.RawIOBase):
        read_bytes = 0

        def read(self, size: int = -1) -> bytes:
            self.read_bytes += size
            return b"%PDF-" + b"x" * (size - 5)

    stream = Endless()
    before = counts(session)
    with pytest.raises(service.AttachmentTooLarge) as caught:
        service.store(
            session, officer, stream=stream, filename="big.pdf", declared_type="application/pdf",
            object_type="case", object_id="1",
        )  # fmt: skip
    assert caught.value.status == 413
    assert caught.value.data["max_bytes"] == 100000
    assert stream.read_bytes < 200000  # it stopped soon after the limit
    assert counts(session) == before
    assert stored_files(blobs) == []


@pytest.mark.parametrize(
    ("content", "filename", "declared"),
    [
        (b"MZ\x90\x00binary", "tool.exe", "application/x-msdownload"),  # not an accepted type
        (PNG, "fake.pdf", "application/pdf"),  # says PDF, is a PNG
        (b"\x00\x01\x02\x03binary", "notes.txt", "text/plain"),  # "text" full of binary
        (office("word"), "sheet.xlsx", sniff.XLSX),  # a Word document called a spreadsheet
        (PDF, "mystery", None),  # no type declared and none to guess from the name
    ],
)
def test_a_type_that_is_not_accepted_or_not_what_it_claims_is_refused(
    session: Session,
    officer: Actor,
    blobs: Path,
    content: bytes,
    filename: str,
    declared: str | None,
) -> None:
    error = refused(
        session,
        officer,
        blobs,
        service.UnsupportedMediaType,
        content=content,
        filename=filename,
        declared=declared,
    )
    assert (error.status, error.code, error.field) == (415, "unsupported_media_type", "file")


def test_a_scanner_rejection_stores_nothing(
    session: Session, officer: Actor, blobs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Path, str, bytes]] = []

    def eicar(path: Path, media_type: str) -> scan.ScanVerdict:
        seen.append((path, media_type, path.read_bytes()))
        if b"EICAR" in path.read_bytes():
            return scan.ScanVerdict.reject("EICAR test signature", scanner="eicar")
        return scan.ScanVerdict.clean()

    monkeypatch.setattr(scan, "SCANNERS", [eicar])
    error = refused(
        session, officer, blobs, service.AttachmentRejected,
        content=b"X5O!P%@AP EICAR-STANDARD-ANTIVIRUS-TEST-FILE!", filename="e.txt",
        declared="text/plain",
    )  # fmt: skip
    assert (error.status, error.code) == (422, "attachment_rejected")
    assert "EICAR test signature" in error.detail
    assert error.problem()["scanner"] == "eicar"
    put(session, officer, b"clean text", filename="ok.txt", declared="text/plain")
    assert [(m, c) for _, m, c in seen] == [
        ("text/plain", b"X5O!P%@AP EICAR-STANDARD-ANTIVIRUS-TEST-FILE!"),
        ("text/plain", b"clean text"),
    ]


def test_a_scanner_that_breaks_counts_as_a_rejection(
    session: Session, officer: Actor, blobs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path, media_type: str) -> scan.ScanVerdict:
        raise OSError("scanner daemon is down")

    monkeypatch.setattr(scan, "SCANNERS", [broken])
    error = refused(session, officer, blobs, service.AttachmentRejected, content=PDF)
    assert "could not be scanned" in error.detail


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"object_type": "Bad Type"}, "object_type"),
        ({"object_id": ""}, "object_id"),
        ({"object_id": "x" * 65}, "object_id"),
        ({"filename": "../.."}, "filename"),
    ],
)
def test_bad_fields_are_named(
    session: Session, officer: Actor, blobs: Path, kwargs: dict[str, str], field: str
) -> None:
    error = refused(session, officer, blobs, InvalidInput, content=PDF, **kwargs)
    assert error.field == field


def test_file_names_lose_their_directories_and_control_characters() -> None:
    assert service.clean_filename("../../etc/report.pdf") == "report.pdf"
    assert service.clean_filename("C:\\Users\\li\\报告.pdf") == "报告.pdf"
    assert service.clean_filename("a\x00b\r\n.pdf") == "ab.pdf"
    long = service.clean_filename("x" * 300 + ".pdf")
    assert len(long) == 255
    assert long.endswith(".pdf")


def test_reading_is_for_the_agency_admins_and_registered_checks(
    session: Session,
    named: dict[str, Agency],
    officer: Actor,
    blobs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attachment = put(session, officer, PDF, object_type="case", object_id="JS-2026-000001")
    session.commit()
    colleague = make_actor(named["SH"], Role.INVESTIGATOR, username="zhou")
    found, path = service.open_for_download(
        session, colleague, attachment.id, purpose="case review"
    )
    assert (found.id, path.read_bytes()) == (attachment.id, PDF)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "attachment.download")
    ).one()
    assert (event.actor_username, event.purpose, event.object_id) == (
        "zhou",
        "case review",
        str(attachment.id),
    )

    outsider = make_actor(named["JS"], Role.INVESTIGATOR, username="js")
    with pytest.raises(PermissionDenied):
        service.open_for_download(session, outsider, attachment.id)
    with pytest.raises(PermissionDenied):
        service.get(session, outsider, attachment.id)
    assert service.list_for(session, outsider, object_type="case", object_id="JS-2026-000001") == []

    # The case's domain says JS may see its own case: then JS may read its attachments.
    monkeypatch.setitem(
        service.ACCESS_CHECKS,
        "case",
        lambda s, actor, oid: actor.agency_code == "320000" and oid.startswith("JS-"),
    )
    assert service.get(session, outsider, attachment.id).id == attachment.id
    admin = make_actor(None, Role.PLATFORM_ADMIN, username="root")
    assert service.get(session, admin, attachment.id).id == attachment.id
    downloads = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "attachment.download")
    )
    assert downloads == 1  # refusals read nothing


def test_a_registered_check_also_guards_uploads(
    session: Session, officer: Actor, blobs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(service.ACCESS_CHECKS, "case", lambda s, actor, oid: False)
    refused(session, officer, blobs, PermissionDenied, content=PDF, object_type="case")


def test_unknown_attachment_and_missing_content(
    session: Session, officer: Actor, blobs: Path
) -> None:
    import uuid

    with pytest.raises(service.AttachmentNotFound):
        service.get(session, officer, uuid.uuid4())
    attachment = put(session, officer, PDF)
    for path in stored_files(blobs):
        path.unlink()
    with pytest.raises(service.AttachmentContentMissing):
        service.open_for_download(session, officer, attachment.id)
