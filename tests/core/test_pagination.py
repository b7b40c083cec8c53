import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.core.errors import InvalidInput
from accord.core.pagination import InvalidCursor, paginate
from tests.factories import make_named


def test_pages_walk_every_row_once_in_order(session: Session) -> None:
    make_named(session)
    expected = sorted(a.code for a in session.scalars(select(Agency)))
    seen: list[str] = []
    cursor = None
    while True:
        page = paginate(session, select(Agency), keys=[Agency.code], cursor=cursor, limit=2)
        seen.extend(a.code for a in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected


def test_a_row_inserted_meanwhile_does_not_shift_the_pages(session: Session) -> None:
    make_named(session, "SH", "JS", "ZJ")
    first = paginate(session, select(Agency), keys=[Agency.code], cursor=None, limit=2)
    make_named(session, "HAN")  # sorts before everything seen so far
    rest = paginate(session, select(Agency), keys=[Agency.code], cursor=first.next_cursor, limit=10)
    codes = [a.code for a in first.items + rest.items]
    assert len(codes) == len(set(codes))
    assert "VN-HAN" in codes


@pytest.mark.parametrize("cursor", ["not-base64!!", "bm90IGpzb24", "WyJhIiwiYiJd"])
def test_a_foreign_cursor_is_refused_naming_the_field(session: Session, cursor: str) -> None:
    with pytest.raises(InvalidCursor) as caught:
        paginate(session, select(Agency), keys=[Agency.code], cursor=cursor, limit=5)
    assert caught.value.field == "cursor"
    assert caught.value.status == 422


@pytest.mark.parametrize("limit", [0, 501])
def test_limit_out_of_range_is_refused(session: Session, limit: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        paginate(session, select(Agency), keys=[Agency.code], cursor=None, limit=limit)
    assert caught.value.field == "limit"
