"""The chainer and the verifier inside one transaction: order, checkpoints, breaks."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit import chain, service, signing, subjects
from accord.audit.models import AuditChainLink, AuditCheckpoint, AuditKey
from accord.core.clock import FrozenClock
from accord.security.actor import Actor


def record_many(session: Session, n: int, *, action: str = "check.person") -> None:
    actor = Actor.system()
    for i in range(n):
        service.record(
            session,
            actor,
            action=action,
            purpose=f"check {i}",
            subjects=[subjects.passport(f"E{i:08d}")],
        )
    session.flush()


def test_chain_links_events_in_time_order_with_sha256(
    session: Session, frozen_clock: FrozenClock
) -> None:
    record_many(session, 3)
    assert chain.chain_pending(session) == 3
    assert chain.chain_pending(session) == 0, "nothing is chained twice"
    links = list(session.scalars(select(AuditChainLink).order_by(AuditChainLink.position)))
    assert [link.position for link in links] == [1, 2, 3]
    assert links[0].prev_hash == chain.GENESIS_HASH
    assert [link.prev_hash for link in links[1:]] == [link.hash for link in links[:-1]]
    assert all(len(link.hash) == 64 for link in links)
    result = chain.verify(session)
    assert result.ok
    assert (result.checked, result.pending, result.checkpoints) == (3, 0, 0)
    assert result.summary() == "audit chain intact: 3 events, no checkpoint yet"


def test_a_late_committed_event_gets_a_later_position(
    session: Session, frozen_clock: FrozenClock
) -> None:
    record_many(session, 2)
    chain.chain_pending(session)
    # An event that occurred earlier but reached the chainer later is appended, not inserted.
    frozen_clock.advance(timedelta(minutes=-5))
    late = service.record(session, Actor.system(), action="check.vehicle")
    assert chain.chain_pending(session) == 1
    last = session.scalars(select(AuditChainLink).order_by(AuditChainLink.position.desc())).first()
    assert last is not None
    assert (last.position, last.event_id) == (3, late.id)
    assert chain.verify(session).ok


def test_checkpoints_every_n_events_are_signed_and_the_key_is_registered(
    session: Session, monkeypatch: pytest.MonkeyPatch, audit_data_dir: Path
) -> None:
    monkeypatch.setenv("ACCORD_AUDIT_CHECKPOINT_EVERY", "5")
    record_many(session, 12)
    chain.chain_pending(session)
    assert chain.write_due_checkpoints(session) == [5, 10]
    assert chain.write_due_checkpoints(session) == [], "a checkpoint is written once"
    key_file = audit_data_dir / "audit-ed25519.pem"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = signing.load_or_create()
    stored_key = session.get(AuditKey, key.key_id)
    assert stored_key is not None
    assert stored_key.public_key == key.public_raw.hex()
    cp = session.get(AuditCheckpoint, 10)
    assert cp is not None
    link = session.get(AuditChainLink, 10)
    assert link is not None
    assert cp.hash == link.hash
    message = signing.checkpoint_message(cp.position, cp.hash, cp.signed_at, cp.key_id)
    assert signing.verify_signature(stored_key.public_key, cp.signature, message)
    assert not signing.verify_signature(stored_key.public_key, cp.signature, message + b"x")
    record_many(session, 3)
    chain.chain_pending(session)
    assert chain.write_due_checkpoints(session) == [15]
    result = chain.verify(session)
    assert result.ok
    assert result.summary() == "audit chain intact: 15 events, last checkpoint at position 15"
    assert result.last_checkpoint is not None
    assert result.last_checkpoint.key_id == key.key_id


def test_the_signing_key_survives_and_is_reused(audit_data_dir: Path) -> None:
    first = signing.load_or_create()
    again = signing.load_or_create()
    assert first.key_id == again.key_id
    assert first.key_id == signing.key_id(first.public_raw)
    assert len(first.key_id) == 16
    pem = first.public_pem().encode()
    assert signing.public_raw_from_pem(pem) == first.public_raw


def test_a_key_file_of_another_kind_is_refused(audit_data_dir: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    audit_data_dir.mkdir(parents=True)
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (audit_data_dir / "audit-ed25519.pem").write_bytes(other)
    with pytest.raises(ValueError, match="does not hold an Ed25519 private key"):
        signing.load_or_create()


def test_checkpoints_from_a_trusted_key_only(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_AUDIT_CHECKPOINT_EVERY", "2")
    record_many(session, 2)
    chain.chain_pending(session)
    chain.write_due_checkpoints(session)
    mine = signing.load_or_create().public_raw.hex()
    assert chain.verify(session, trusted_keys=[mine]).ok
    other = signing.SigningKey(
        signing.Ed25519PrivateKey.generate(), Path("elsewhere.pem")
    ).public_raw.hex()
    result = chain.verify(session, trusted_keys=[other])
    assert not result.ok
    assert result.first_break == 2
    assert result.reason is not None
    assert "which is not trusted" in result.reason


def test_verify_reports_pending_events(session: Session) -> None:
    record_many(session, 2)
    chain.chain_pending(session)
    record_many(session, 1)
    result = chain.verify(session)
    assert result.ok
    assert (result.checked, result.pending) == (2, 1)
