"""A joint case's thread: messages between the member agencies, each told of a new one."""

from __future__ import annotations

from sqlalchemy.orm import Session

from accord.audit import service as audit
from accord.security.actor import Actor
from accord.series.joint import (
    MESSAGE_MAX,
    OBJECT_TYPE,
    OPEN,
    InvalidJointCase,
    add_message,
    members_of,
    purpose_of,
    require_reader,
    tell,
)
from accord.series.models import (
    JointCase,
    JointCaseMessage,
)

# --- the thread ------------------------------------------------------------------------------


def post_message(
    session: Session, actor: Actor, *, joint_case: JointCase, body: str
) -> JointCaseMessage:
    """A message on the case's thread; the other member agencies are told (inbox and live)."""
    require_reader(session, actor, joint_case)
    text = body.strip()
    if not text:
        raise InvalidJointCase("a message has a text", field="body")
    if len(text) > MESSAGE_MAX:
        raise InvalidJointCase(f"a message is at most {MESSAGE_MAX} characters", field="body")
    if joint_case.status != OPEN:
        raise InvalidJointCase(f"joint case {joint_case.reference} is closed", field="joint_case")
    message = add_message(session, joint_case, actor, text, agency_id=actor.agency_id)
    session.flush()
    audit.record(
        session,
        actor,
        action="joint_case.message_posted",
        object_type=OBJECT_TYPE,
        object_id=joint_case.id,
        purpose=purpose_of(joint_case),
        case_ref=joint_case.reference,
        detail={"reference": joint_case.reference, "message": str(message.id)},
    )
    others = [
        m.agency_id for m in members_of(session, joint_case) if m.agency_id != actor.agency_id
    ]
    tell(
        session,
        joint_case,
        "joint_case.message",
        "new message",
        agencies=others,
        live_only=True,
        dedupe=f"message:{message.id}",
    )
    return message
