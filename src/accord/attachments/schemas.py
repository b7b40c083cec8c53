"""API shapes of attachments."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    sha256: str
    size: int
    media_type: str
    filename: str
    object_type: str
    object_id: str
    uploaded_by_name: str
    created_at: datetime
