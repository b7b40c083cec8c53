from datetime import UTC, datetime, timedelta

import pytest

from accord.core import clock
from accord.core.clock import FrozenClock, use_clock


def test_now_is_aware_utc() -> None:
    assert clock.now().tzinfo is UTC


def test_frozen_clock_stands_still_until_moved() -> None:
    at = datetime(2026, 2, 17, 8, 0, tzinfo=UTC)
    with use_clock(FrozenClock(at)) as frozen:
        assert clock.now() == at
        assert isinstance(frozen, FrozenClock)
        frozen.advance(timedelta(hours=3))
        assert clock.now() == at + timedelta(hours=3)
    assert clock.now() != at + timedelta(hours=3)


def test_frozen_clock_refuses_naive_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        FrozenClock(datetime(2026, 1, 1))  # noqa: DTZ001
