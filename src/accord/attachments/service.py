"""Storing and reading attachments: checks before anything is kept, audited downloads.

`store` refuses, before a row or a blob exists, a file that is empty (422), too large (413),
not of an accepted type or not what it claims to be (415), or rejected by a scanner (422).
Who may read an attachment: the uploader's agency, platform administrators, and whoever the
object's domain says may see the object (`ACCESS_CHECKS`, filled by later domains).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.attachments import scan, sniff
from accord.attachments.config import AttachmentSettings
from accord.attachments.models import Attachment
from accord.attachments.storage import BlobStore, Readable, TooLarge
from accord.audit import service as audit
from accord.core import clock
from accord.core.errors import DomainError, InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.security import policy
from accord.security.actor import Actor, Role


class AttachmentNotFound(NotFound):
    code = "attachment_not_found"
    title = "Attachment not found"


class AttachmentTooLarge(DomainError):
    status = 413
    code = "attachment_too_large"
    title = "Attachment too large"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


class EmptyAttachment(InvalidInput):
    code = "attachment_empty"
    title = "Empty attachment"


class AttachmentRejected(InvalidInput):
    code = "attachment_rejected"
    title = "Attachment rejected"


class AttachmentContentMissing(DomainError):
    status = 500
    code = "attachment_content_missing"
    title = "Attachment content missing"


# object_type -> may the actor see that object? Domains register theirs at import time.
AccessCheck = Callable[[Session, Actor, str], bool]
ACCESS_CHECKS: dict[str, AccessCheck] = {}
# object_type -> may the actor add files to that object? Falls back to ACCESS_CHECKS: a domain
# where seeing an object is not enough to add to it registers a stricter rule here.
UPLOAD_CHECKS: dict[str, AccessCheck] = {}

_OBJECT_TYPE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_OBJECT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def settings() -> AttachmentSettings:
    return AttachmentSettings()


def blob_store() -> BlobStore:
    return BlobStore(settings().blob_root)


def clean_filename(filename: str) -> str:
    """The base name only, without control characters, at most 255 characters."""
    name = unicodedata.normalize("NFC", filename or "")
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if not name:
        raise InvalidInput("the file needs a name", field="filename")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) < 20 else name[:255]
    return name


def _check_object(object_type: str, object_id: str) -> None:
    if not _OBJECT_TYPE.match(object_type):
        raise InvalidInput(
            "object_type must be lower-case letters, digits and _ (at most 40)",
            field="object_type",
        )
    if not _OBJECT_ID.match(object_id):
        raise InvalidInput("object_id must be 1-64 letters, digits and . _ : -", field="object_id")


def _may_see_object(session: Session, actor: Actor, object_type: str, object_id: str) -> bool:
    check = ACCESS_CHECKS.get(object_type)
    return check is None or check(session, actor, object_id)


def can_read(session: Session, actor: Actor, attachment: Attachment) -> bool:
    if actor.is_system or actor.has_role(Role.PLATFORM_ADMIN):
        return True
    if attachment.agency_id is not None and (
        attachment.agency_id == actor.agency_id
        or any(g.agency_id == attachment.agency_id for g in actor.grants)
    ):
        return True
    check = ACCESS_CHECKS.get(attachment.object_type)
    return check is not None and check(session, actor, attachment.object_id)


def store(
    session: Session,
    actor: Actor,
    *,
    stream: Readable,
    filename: str,
    declared_type: str | None,
    object_type: str,
    object_id: str,
) -> Attachment:
    """Check and keep an uploaded file for an object; refusals store nothing at all."""
    policy.require(actor, "attachments.upload")
    _check_object(object_type, object_id)
    name = clean_filename(filename)
    declared = sniff.normalise(declared_type, name)
    if declared not in sniff.ALLOWED:
        raise UnsupportedMediaType(
            f"{declared or 'an undeclared type'} is not accepted; accepted: "
            + ", ".join(sorted(sniff.ALLOWED)),
            field="file",
        )
    upload_check = UPLOAD_CHECKS.get(object_type)
    may_attach = (
        upload_check(session, actor, object_id)
        if upload_check is not None
        else _may_see_object(session, actor, object_type, object_id)
    )
    if not may_attach:
        raise policy.PermissionDenied(
            f"{actor.username} may not attach files to that {object_type}",
            permission="attachments.upload",
        )
    limits = settings()
    blobs = BlobStore(limits.blob_root)
    try:
        staged = blobs.stage(stream, max_bytes=limits.attachments_max_bytes)
    except TooLarge:
        raise AttachmentTooLarge(
            f"the file is larger than {limits.attachments_max_bytes} bytes",
            field="file",
            max_bytes=limits.attachments_max_bytes,
        ) from None
    try:
        if staged.size == 0:
            raise EmptyAttachment("the file is empty", field="file")
        found = sniff.sniff(staged.head, staged.path)
        if found is None or not sniff.agrees(found, declared):
            raise UnsupportedMediaType(
                f"the content is not {declared}" + (f" (it looks like {found})" if found else ""),
                field="file",
            )
        verdict = scan.scan(staged.path, declared)
        if not verdict.ok:
            raise AttachmentRejected(
                f"the file was rejected: {verdict.reason}", field="file", scanner=verdict.scanner
            )
    except BaseException:
        blobs.discard(staged.path)
        raise
    blobs.commit(staged)
    attachment = Attachment(
        id=uuid7(),
        sha256=staged.sha256,
        size=staged.size,
        media_type=declared,
        filename=name,
        object_type=object_type,
        object_id=object_id,
        uploaded_by=actor.user_id,
        uploaded_by_name=actor.username[:80],
        agency_id=actor.agency_id,
        created_at=clock.now(),
    )
    session.add(attachment)
    session.flush()
    audit.record(
        session,
        actor,
        action="attachment.upload",
        object_type="attachment",
        object_id=attachment.id,
        detail={
            "sha256": attachment.sha256,
            "size": attachment.size,
            "media_type": attachment.media_type,
            "on": f"{object_type}:{object_id}",
        },
    )
    return attachment


def get(session: Session, actor: Actor, attachment_id: uuid.UUID) -> Attachment:
    """An attachment's metadata, if the actor may read it."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise AttachmentNotFound(f"no attachment {attachment_id}", field="id")
    if not can_read(session, actor, attachment):
        raise policy.PermissionDenied(
            f"{actor.username} may not read attachment {attachment_id}",
            permission="attachments.read",
        )
    return attachment


def list_for(
    session: Session, actor: Actor, *, object_type: str, object_id: str
) -> list[Attachment]:
    """The attachments of one object that the actor may read, oldest first."""
    _check_object(object_type, object_id)
    rows = session.scalars(
        select(Attachment)
        .where(Attachment.object_type == object_type, Attachment.object_id == object_id)
        .order_by(Attachment.id)
    )
    return [a for a in rows if can_read(session, actor, a)]


def open_for_download(
    session: Session, actor: Actor, attachment_id: uuid.UUID, *, purpose: str | None = None
) -> tuple[Attachment, Path]:
    """The attachment and the path of its bytes; the download is audited with its purpose."""
    attachment = get(session, actor, attachment_id)
    path = blob_store().path_for(attachment.sha256)
    if not path.is_file():
        raise AttachmentContentMissing(f"the content of attachment {attachment_id} is missing")
    audit.record(
        session,
        actor,
        action="attachment.download",
        object_type="attachment",
        object_id=attachment.id,
        purpose=purpose,
        detail={
            "sha256": attachment.sha256,
            "on": f"{attachment.object_type}:{attachment.object_id}",
        },
    )
    return attachment, path
