"""Attachments over the API: multipart upload, metadata, download with ETag, and refusals that
answer problem+json (413, 415, 422) and store nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.attachments import scan
from accord.attachments.models import Attachment
from accord.audit.models import AuditEvent
from accord.security.actor import Actor, Role
from tests.attachments.conftest import PDF, PNG, stored_files
from tests.factories import act_as, make_actor, make_named

PROBLEM = "application/problem+json"
FORM = {"object_type": "case_file", "object_id": "SH-2026-000001"}


@pytest.fixture
def named(session: Session) -> dict[str, Agency]:
    return make_named(session, "SH", "JS")


@pytest.fixture
def officer(named: dict[str, Agency]) -> Actor:
    return make_actor(named["SH"], Role.OFFICER, username="li")


def nothing_stored(session: Session, blobs: Path) -> None:
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert stored_files(blobs) == []


def test_upload_then_read_metadata_and_download(
    client: TestClient, session: Session, officer: Actor, named: dict[str, Agency], blobs: Path
) -> None:
    js = make_actor(named["JS"], Role.INVESTIGATOR, username="js")
    act_as(client, officer)
    answer = client.post(
        "/api/v1/attachments", data=FORM, files={"file": ("报告.pdf", PDF, "application/pdf")}
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert (body["sha256"], body["size"], body["filename"]) == (digest, len(PDF), "报告.pdf")
    assert client.get(f"/api/v1/attachments/{body['id']}").json() == body
    listed = client.get("/api/v1/attachments", params=FORM).json()
    assert [a["id"] for a in listed] == [body["id"]]

    content = client.get(
        f"/api/v1/attachments/{body['id']}/content", params={"purpose": "case review"}
    )
    assert content.status_code == 200
    assert content.content == PDF
    assert content.headers["content-type"] == "application/pdf"
    assert content.headers["etag"] == f'"{digest}"'
    assert "filename*=utf-8''%E6%8A%A5%E5%91%8A.pdf" in content.headers["content-disposition"]
    actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["attachment.upload", "attachment.download"]

    act_as(client, js)
    refused = client.get(f"/api/v1/attachments/{body['id']}/content")
    assert refused.status_code == 403
    assert refused.headers["content-type"] == PROBLEM
    assert client.get("/api/v1/attachments", params=FORM).json() == []


def test_an_oversized_upload_is_413_and_stores_nothing(
    client: TestClient,
    session: Session,
    officer: Actor,
    blobs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACCORD_ATTACHMENTS_MAX_BYTES", "1000")
    act_as(client, officer)
    just_over = client.post(
        "/api/v1/attachments",
        data=FORM,
        files={"file": ("big.pdf", PDF + b"x" * 1000, "application/pdf")},
    )
    assert just_over.status_code == 413
    assert just_over.headers["content-type"] == PROBLEM
    assert just_over.json()["code"] == "attachment_too_large"
    # Announced as far too large: refused before the body is read.
    huge = client.post(
        "/api/v1/attachments", data=FORM, files={"file": ("h.pdf", PDF * 10000, "application/pdf")}
    )
    assert huge.status_code == 413
    nothing_stored(session, blobs)


def test_a_streamed_upload_is_cut_off_at_the_limit(
    client: TestClient,
    session: Session,
    officer: Actor,
    blobs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACCORD_ATTACHMENTS_MAX_BYTES", "1000")
    act_as(client, officer)
    boundary = "accordtest"
    sent: list[int] = []

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-"
        ).encode()
        for _ in range(1000):  # 64 MB if it were read to the end
            sent.append(1)
            yield b"x" * 65536

    answer = client.post(
        "/api/v1/attachments",
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "attachment_too_large"
    nothing_stored(session, blobs)


EXE = ("a.exe", b"MZ..", "application/x-msdownload")
GOOD = ("a.pdf", PDF, "application/pdf")


@pytest.mark.parametrize(
    ("files", "data", "status", "code", "field"),
    [
        ({"file": ("a.pdf", PNG, "application/pdf")}, FORM, 415, "unsupported_media_type", "file"),
        ({"file": EXE}, FORM, 415, "unsupported_media_type", "file"),
        ({"file": ("a.pdf", b"", "application/pdf")}, FORM, 422, "attachment_empty", "file"),
        ({"file": GOOD}, {"object_type": "case"}, 422, "invalid_input", "object_id"),
        ({"file": GOOD}, {**FORM, "object_type": "No!"}, 422, "invalid_input", "object_type"),
        (None, FORM, 422, "invalid_input", "file"),
    ],
)
def test_refusals_are_problems_naming_the_field_and_store_nothing(
    client: TestClient,
    session: Session,
    officer: Actor,
    blobs: Path,
    files: dict[str, tuple[str, bytes, str]] | None,
    data: dict[str, str],
    status: int,
    code: str,
    field: str,
) -> None:
    act_as(client, officer)
    if files is None:  # a form without a file part
        answer = client.post(
            "/api/v1/attachments", files={"object_type": (None, "case"), "object_id": (None, "1")}
        )
    else:
        answer = client.post("/api/v1/attachments", data=data, files=files)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["code"] == code
    assert answer.json()["errors"][0]["field"] == field
    nothing_stored(session, blobs)


def test_a_scanner_rejection_is_a_clean_422(
    client: TestClient,
    session: Session,
    officer: Actor,
    blobs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        scan, "SCANNERS", [lambda path, media_type: scan.ScanVerdict.reject("malware found")]
    )
    act_as(client, officer)
    answer = client.post(
        "/api/v1/attachments", data=FORM, files={"file": ("a.pdf", PDF, "application/pdf")}
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "attachment_rejected"
    assert "malware found" in answer.json()["detail"]
    nothing_stored(session, blobs)


def test_json_instead_of_a_form_and_visitors_are_refused(
    client: TestClient, session: Session, officer: Actor, blobs: Path
) -> None:
    visitor = client.post("/api/v1/attachments", data=FORM)
    assert visitor.status_code in (401, 403)  # not signed in (or, from a browser, no CSRF token)
    act_as(client, officer)
    answer = client.post("/api/v1/attachments", json=FORM)
    assert (answer.status_code, answer.json()["errors"][0]["field"]) == (422, "file")
    assert client.get("/api/v1/attachments/not-a-uuid").status_code == 422
    missing = client.get("/api/v1/attachments/01900000-0000-7000-8000-000000000000")
    assert (missing.status_code, missing.json()["code"]) == (404, "attachment_not_found")
    nothing_stored(session, blobs)


def test_a_retried_upload_with_its_idempotency_key_stores_once(
    client: TestClient, session: Session, officer: Actor, blobs: Path
) -> None:
    act_as(client, officer)
    key = {"Idempotency-Key": "upload-1"}
    files = {"file": ("a.pdf", PDF, "application/pdf")}
    first = client.post("/api/v1/attachments", data=FORM, files=files, headers=key)
    again = client.post("/api/v1/attachments", data=FORM, files=files, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    other = client.post(
        "/api/v1/attachments", data=FORM, files={"file": ("b.png", PNG, "image/png")}, headers=key
    )
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert session.scalar(select(func.count()).select_from(Attachment)) == 1
