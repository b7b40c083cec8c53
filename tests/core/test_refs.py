import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from accord.core import refs
from accord.core.clock import FrozenClock
from accord.core.db import make_engine, make_sessionmaker
from accord.core.ids import uuid7
from tests.factories import make_named


def test_numbers_count_up_per_agency_and_year(session: Session, frozen_clock: FrozenClock) -> None:
    agencies = make_named(session, "SH", "JS")
    sh, js = agencies["SH"], agencies["JS"]
    issued = [
        refs.allocate(session, agency_id=sh.id, prefix=sh.prefix, kind="test", object_id=uuid7())
        for _ in range(3)
    ]
    other = refs.allocate(
        session, agency_id=js.id, prefix=js.prefix, kind="test", object_id=uuid7()
    )
    assert issued == ["SH-2026-000001", "SH-2026-000002", "SH-2026-000003"]
    assert other == "JS-2026-000001"


def test_a_new_year_starts_again_at_one(session: Session, frozen_clock: FrozenClock) -> None:
    sh = make_named(session, "SH")["SH"]
    refs.allocate(session, agency_id=sh.id, prefix="SH", kind="test", object_id=uuid7())
    new_year = datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert refs.allocate(
        session, agency_id=sh.id, prefix="SH", kind="test", object_id=uuid7(), at=new_year
    ) == ("SH-2027-000001")


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("SH-2026-000123", "SH-2026-000123"),
        ("  sh-2026-123 ", "SH-2026-000123"),
        ("ＳＨ－２０２６－０００１２３", "SH-2026-000123"),
        ("ZJHZ 2026 45", "ZJHZ-2026-000045"),
        ("SH-26-1", None),
        ("hello", None),
        ("", None),
    ],
)
def test_typed_references_are_normalised(typed: str, canonical: str | None) -> None:
    assert refs.normalise_reference(typed) == canonical


def test_resolve_finds_the_issued_object(session: Session, frozen_clock: FrozenClock) -> None:
    sh = make_named(session, "SH")["SH"]
    object_id = uuid7()
    number = refs.allocate(
        session,
        agency_id=sh.id,
        prefix="SH",
        kind="test",
        object_id=object_id,
        title="locate request",
    )
    entry = refs.resolve(session, number.lower())
    assert entry is not None
    assert (entry.object_id, entry.kind, entry.title) == (object_id, "test", "locate request")
    assert refs.resolve(session, "SH-2026-999999") is None


def test_concurrent_writers_never_get_the_same_number(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    factory = make_sessionmaker(engine)
    with factory() as setup:
        sh = make_named(setup, "SH")["SH"]
        setup.commit()
        agency_id = sh.id
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer() -> None:
        try:
            for _ in range(15):
                with factory() as s:
                    number = refs.allocate(
                        s, agency_id=agency_id, prefix="SH", kind="test", object_id=uuid7()
                    )
                    s.commit()
                with lock:
                    numbers.append(number)
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert errors == []
    assert len(numbers) == 60
    assert len(set(numbers)) == 60
    year = datetime.now(UTC).year
    assert sorted(numbers) == [f"SH-{year}-{n:06d}" for n in range(1, 61)]
