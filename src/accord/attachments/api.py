"""attachments routes under /api/v1: upload (multipart, streamed), metadata, audited download.

The upload is parsed as it arrives and reading stops as soon as it passes the size limit, so an
oversized file is refused with 413 without being received whole.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncGenerator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from accord.attachments import service
from accord.attachments.schemas import AttachmentOut
from accord.attachments.storage import CHUNK
from accord.core import idempotency
from accord.core.errors import InvalidInput
from accord.security.actor import Actor
from accord.security.deps import CurrentActor, require
from accord.web.deps import DbSession
from accord.web.problems import PROBLEM_JSON, PROBLEM_RESPONSES

router = APIRouter(prefix="/attachments", tags=["attachments"], responses=PROBLEM_RESPONSES)

# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD = 64 * 1024

UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"description": "The file is larger than the limit", "content": {PROBLEM_JSON: {}}},
    415: {"description": "Type not accepted, or not what it claims", "content": {PROBLEM_JSON: {}}},
}


async def _limited(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise service.AttachmentTooLarge(
                f"the upload is larger than {limit - FORM_OVERHEAD} bytes", field="file"
            )
        yield chunk


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{name} is required", field=name)
    return value.strip()


@router.post(
    "",
    response_model=AttachmentOut,
    status_code=201,
    responses=UPLOAD_RESPONSES,
    response_class=JSONResponse,
)
async def upload(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(require("attachments.upload"))],
) -> Response:
    """Attach a file (multipart field `file`) to `object_type`/`object_id`.

    With an `Idempotency-Key`, a retry replays the first answer instead of storing twice.
    """
    max_bytes = service.settings().attachments_max_bytes
    limit = max_bytes + FORM_OVERHEAD
    declared_length = request.headers.get("content-length", "")
    if declared_length.isdigit() and int(declared_length) > limit:
        raise service.AttachmentTooLarge(
            f"the file is larger than {max_bytes} bytes", field="file", max_bytes=max_bytes
        )
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput("send the file as multipart/form-data", field="file")
    parser = MultiPartParser(request.headers, _limited(request, limit), max_files=1, max_fields=10)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise InvalidInput(f"the form could not be read: {exc.message}", field="file") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("the form has no file", field="file")
        object_type = _field(form, "object_type")
        object_id = _field(form, "object_id")
        return await run_in_threadpool(
            _store,
            request,
            session,
            actor,
            upload,
            object_type=object_type,
            object_id=object_id,
        )
    finally:
        await form.close()


def _digest(upload: UploadFile) -> str:
    digest = hashlib.sha256()
    upload.file.seek(0)
    while chunk := upload.file.read(CHUNK):
        digest.update(chunk)
    upload.file.seek(0)
    return digest.hexdigest()


def _store(
    request: Request,
    session: Session,
    actor: Actor,
    upload: UploadFile,
    *,
    object_type: str,
    object_id: str,
) -> Response:
    # What the Idempotency-Key is bound to: the same key with another file is a 422.
    fingerprint = {
        "object_type": object_type,
        "object_id": object_id,
        "filename": upload.filename,
        "content_type": upload.content_type,
        "sha256": _digest(upload),
    }
    with idempotency.idempotent(request, session, actor, fingerprint) as guard:
        if guard.replay is not None:
            return guard.replay
        attachment = service.store(
            session,
            actor,
            stream=upload.file,
            filename=upload.filename or "",
            declared_type=upload.content_type,
            object_type=object_type,
            object_id=object_id,
        )
        out = AttachmentOut.model_validate(attachment).model_dump(mode="json")
        response = JSONResponse(out, status_code=201)
        guard.complete(response)
        session.commit()
        return response


@router.get("", response_model=list[AttachmentOut])
def list_attachments(
    session: DbSession,
    actor: CurrentActor,
    object_type: Annotated[str, Query(max_length=40)],
    object_id: Annotated[str, Query(max_length=64)],
) -> list[AttachmentOut]:
    """The attachments of one object that you may read."""
    rows = service.list_for(session, actor, object_type=object_type, object_id=object_id)
    return [AttachmentOut.model_validate(a) for a in rows]


@router.get("/{attachment_id}", response_model=AttachmentOut)
def get_attachment(
    session: DbSession, actor: CurrentActor, attachment_id: uuid.UUID
) -> AttachmentOut:
    """An attachment's metadata."""
    return AttachmentOut.model_validate(service.get(session, actor, attachment_id))


@router.get(
    "/{attachment_id}/content",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download(
    session: DbSession,
    actor: CurrentActor,
    attachment_id: uuid.UUID,
    purpose: Annotated[str | None, Query(max_length=500)] = None,
) -> FileResponse:
    """The file itself; every download is on the audit record with its purpose."""
    attachment, path = service.open_for_download(session, actor, attachment_id, purpose=purpose)
    session.commit()
    return FileResponse(
        path,
        media_type=attachment.media_type,
        filename=attachment.filename,
        headers={
            "ETag": f'"{attachment.sha256}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
