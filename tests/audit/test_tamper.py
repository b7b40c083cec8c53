"""Tamper tests on a real database: the owner disables the triggers, then (a) edits a row,
(b) deletes a row, (c) truncates the tail; verification names the first break for (a) and (b),
and the last signed checkpoint exposes (c)."""

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, TextClause, Uuid, bindparam, select, text
from sqlalchemy.orm import Session, sessionmaker

from accord.audit import chain, service, subjects
from accord.audit.jobs import chain_and_checkpoint, chain_job
from accord.audit.models import APPEND_ONLY_TABLES, AuditChainLink
from accord.cli import main
from accord.core.db import make_engine, make_sessionmaker, reset_default_engine
from accord.security.actor import Actor
from tests.factories import make_actor

EVENTS = 250


@pytest.fixture
def engine_fresh(fresh_database_url: str) -> Iterator[Engine]:
    engine = make_engine(fresh_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def chained(engine_fresh: Engine) -> sessionmaker[Session]:
    """250 committed events from a few actors, chained, with checkpoints at 100 and 200."""
    factory = make_sessionmaker(engine_fresh)
    actors = [make_actor(None, username=f"officer{i}") for i in range(3)] + [Actor.system()]
    with factory() as session:
        for i in range(EVENTS):
            service.record(
                session,
                actors[i % len(actors)],
                action="check.person",
                purpose=f"roadside check {i}",
                case_ref=None if i % 7 else f"SH-2026-{i:06d}",
                subjects=[subjects.passport(f"E{i:08d}"), subjects.plate(f"沪A{i:05d}")],
                detail={"i": i},
            )
            if i % 50 == 49:
                session.commit()
        session.commit()
    assert chain_and_checkpoint(factory) == (EVENTS, [100, 200])
    return factory


def disable_triggers(session: Session) -> None:
    """What only the database owner can do: switch off the append-only triggers."""
    if session.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    else:
        for table in APPEND_ONLY_TABLES:
            for verb in ("update", "delete"):
                session.execute(text(f"DROP TRIGGER {table}_no_{verb}"))
    session.commit()


def event_at(session: Session, position: int) -> uuid.UUID:
    link = session.get(AuditChainLink, position)
    assert link is not None
    return link.event_id


def by_id(sql: str) -> TextClause:
    """Raw SQL whose `:id` is an event id, bound as each database stores a Uuid."""
    return text(sql).bindparams(bindparam("id", type_=Uuid()))


def test_intact_chain_verifies(chained: sessionmaker[Session]) -> None:
    with chained() as session:
        result = chain.verify(session)
    assert result.ok
    assert result.summary() == "audit chain intact: 250 events, last checkpoint at position 200"


def test_a_edited_row_is_named(
    chained: sessionmaker[Session],
    fresh_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Through the command line, as an operator would: first intact, then broken.
    monkeypatch.setenv("ACCORD_DATABASE_URL", fresh_database_url)
    reset_default_engine()
    try:
        assert main(["audit", "verify"]) == 0
        out, err = capsys.readouterr()
        assert out == "audit chain intact: 250 events, last checkpoint at position 200\n"
        with chained() as session:
            disable_triggers(session)
            target = event_at(session, 137)
            session.execute(
                by_id("UPDATE audit_events SET purpose = 'nothing to see' WHERE id = :id"),
                {"id": target},
            )
            session.commit()
            result = chain.verify(session)
        assert not result.ok
        assert result.first_break == 137
        assert result.reason == f"event {target} was altered: its hash no longer matches"
        assert result.checked == 136
        assert main(["audit", "verify"]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err == (
            f"error: audit chain broken at position 137: event {target} was altered: "
            "its hash no longer matches\n"
        )
    finally:
        reset_default_engine()


def test_a_edited_subject_is_named(chained: sessionmaker[Session]) -> None:
    with chained() as session:
        disable_triggers(session)
        target = event_at(session, 12)
        session.execute(
            by_id("UPDATE audit_subjects SET key = 'someone else' WHERE event_id = :id"),
            {"id": target},
        )
        session.commit()
        result = chain.verify(session)
    assert (result.ok, result.first_break) == (False, 12)


def cli_verify(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """`accord audit verify` on the database at `url`: exit code and the line on stderr."""
    monkeypatch.setenv("ACCORD_DATABASE_URL", url)
    reset_default_engine()
    try:
        code = main(["audit", "verify"])
    finally:
        reset_default_engine()
    return code, capsys.readouterr().err


def test_b_deleted_row_is_named(
    chained: sessionmaker[Session],
    fresh_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with chained() as session:
        disable_triggers(session)
        target = event_at(session, 42)
        session.execute(by_id("DELETE FROM audit_subjects WHERE event_id = :id"), {"id": target})
        session.execute(by_id("DELETE FROM audit_events WHERE id = :id"), {"id": target})
        session.commit()
        result = chain.verify(session)
    assert not result.ok
    assert result.first_break == 42
    assert result.reason == f"event {target} is missing (deleted)"
    assert cli_verify(fresh_database_url, monkeypatch, capsys) == (
        1,
        f"error: audit chain broken at position 42: event {target} is missing (deleted)\n",
    )


def test_b_deleted_link_is_named(chained: sessionmaker[Session]) -> None:
    with chained() as session:
        disable_triggers(session)
        session.execute(text("DELETE FROM audit_chain WHERE position = 99"))
        session.commit()
        result = chain.verify(session)
    assert (result.ok, result.first_break) == (False, 99)
    assert result.reason == "position 99 is missing from the chain (its link was deleted)"


def test_c_truncated_tail_is_exposed_by_the_last_checkpoint(
    chained: sessionmaker[Session],
    fresh_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with chained() as session:
        disable_triggers(session)
        tail = list(
            session.scalars(select(AuditChainLink.event_id).where(AuditChainLink.position > 150))
        )
        assert len(tail) == 100
        for event_id in tail:
            session.execute(
                by_id("DELETE FROM audit_subjects WHERE event_id = :id"),
                {"id": event_id},
            )
            session.execute(by_id("DELETE FROM audit_events WHERE id = :id"), {"id": event_id})
        session.execute(text("DELETE FROM audit_chain WHERE position > 150"))
        session.commit()
        checkpoint = session.execute(
            text("SELECT signed_at FROM audit_checkpoints WHERE position = 200")
        ).scalar_one()
        assert checkpoint is not None
    # The chainer finds nothing to re-link: the events are gone with their links.
    assert chain_job(chained) == 0
    with chained() as session:
        result = chain.verify(session)
        last = result.last_checkpoint
    assert not result.ok
    assert result.checked == 150
    assert result.first_break == 151
    assert last is not None
    assert last.position == 200
    when = last.signed_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    assert result.reason == (
        f"truncated after position 150: the checkpoint of position 200 signed at {when} "
        "is missing its events"
    )
    code, err = cli_verify(fresh_database_url, monkeypatch, capsys)
    assert code == 1
    assert err == f"error: audit chain broken at position 151: {result.reason}\n"


def test_a_rewritten_chain_is_caught_by_its_checkpoint(chained: sessionmaker[Session]) -> None:
    # A forger who edits an event and recomputes every later link still cannot re-sign.
    with chained() as session:
        disable_triggers(session)
        target = event_at(session, 180)
        session.execute(
            by_id("UPDATE audit_events SET purpose = 'forged' WHERE id = :id"),
            {"id": target},
        )
        links = list(session.scalars(select(AuditChainLink).order_by(AuditChainLink.position)))
        rows = chain._events(session, [link.event_id for link in links])
        subs = chain._subjects(session, [link.event_id for link in links])
        prev = chain.GENESIS_HASH
        for link in links:
            digest = chain.link_hash(
                prev, chain.canonical_event(rows[link.event_id], subs[link.event_id])
            )
            session.execute(
                text("UPDATE audit_chain SET prev_hash = :p, hash = :h WHERE position = :pos"),
                {"p": prev, "h": digest, "pos": link.position},
            )
            prev = digest
        session.commit()
        result = chain.verify(session)
    assert not result.ok
    assert result.first_break == 200
    assert result.reason is not None
    assert result.reason.startswith("the chain no longer matches the checkpoint of position 200")


def test_the_chainer_will_not_sign_over_a_break(chained: sessionmaker[Session]) -> None:
    with chained() as session:
        disable_triggers(session)
        target = event_at(session, 230)
        session.execute(
            by_id("UPDATE audit_events SET purpose = 'x' WHERE id = :id"),
            {"id": target},
        )
        session.commit()
    with chained() as session:
        for i in range(50):
            service.record(session, Actor.system(), action="check.person", purpose=str(i))
        session.commit()
    with pytest.raises(chain.ChainSegmentBroken, match="chain broken at position 230"):
        chain_job(chained)
    with chained() as session:
        # Nothing of the refused run was kept: the new events wait for the next run.
        assert chain.pending_count(session) == 50
