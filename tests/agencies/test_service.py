import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord import demo
from accord.agencies import service
from accord.agencies.models import Agency, AgencyContact, Level
from accord.agencies.service import AgencyNotFound, InvalidAgencyImport
from tests.factories import NAMED, make_named


def line(**fields: Any) -> str:
    return json.dumps(fields, ensure_ascii=False)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Agency)) or 0


def named_lines(*names: str) -> list[str]:
    return [line(**NAMED[n]) for n in names]


def test_import_creates_then_reports_unchanged(session: Session) -> None:
    lines = named_lines("MPS", "SH", "PD", "LJZ")
    first = service.import_lines(session, lines)
    second = service.import_lines(session, lines)
    assert (first.created, first.updated, first.unchanged) == (4, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 4)
    station = service.get_by_code(session, "310115-001")
    assert [a.code for a in service.ancestors(station)] == ["MPS", "310000", "310115"]


def test_import_accepts_children_before_parents(session: Session) -> None:
    result = service.import_lines(session, named_lines("LJZ", "PD", "SH", "MPS"))
    assert result.created == 4


def test_import_updates_names_and_replaces_contacts(session: Session) -> None:
    make_named(session, "SH")
    contact = {
        "kind": "duty_desk",
        "label_zh": "值班室",
        "phone": "+86 21 5550 0110",
        "hours": "24/7",
    }
    result = service.import_lines(
        session,
        [line(**{**NAMED["SH"], "name_en": "Shanghai Municipal PSB", "contacts": [contact]})],
    )
    assert result.updated == 1
    sh = service.get_by_code(session, "310000")
    assert sh.name_en == "Shanghai Municipal PSB"
    assert [(c.kind.value, c.phone) for c in sh.contacts] == [("duty_desk", "+86 21 5550 0110")]
    service.import_lines(session, [line(**{**NAMED["SH"], "contacts": []})])
    session.expire_all()
    assert service.get_by_code(session, "310000").contacts == []
    assert session.scalar(select(func.count()).select_from(AgencyContact)) == 0


BAD_LINES = [
    ("{not json", "line 2: not JSON"),
    (line(**{**NAMED["JS"], "level": "galaxy"}), "line 2: field 'level'"),
    (line(**{**NAMED["JS"], "code": "32 00 00"}), "line 2: field 'code'"),
    (line(**{**NAMED["JS"], "extra": 1}), "line 2: field 'extra'"),
    (line(**{**NAMED["JS"], "parent": "999999"}), "parent 999999 is neither known nor in the file"),
    (line(**{**NAMED["JS"], "prefix": "SH"}), "prefix SH is already used by 310000"),
    (line(**{**NAMED["JS"], "code": "310000"}), "code 310000 also on line 1"),
    (line(**{**NAMED["JS"], "code": "320100"}), "a provincial code ends in 0000"),
    (line(**{**NAMED["HZ"], "parent": "310000"}), "does not lie inside its parent's division"),
    (line(**{**NAMED["LJZ"], "code": "310116-001"}), "a station's code is its parent's code"),
    (line(**{**NAMED["HAN"], "code": "VN-HANOI"}), "field 'code'"),
    (line(**{**NAMED["HAN"], "code": "TH-BKK"}), "country code and city"),
    (
        line(**{**NAMED["SH"], "code": "310100", "level": "city", "parent": None, "prefix": "SHX"}),
        "cannot stand without a parent",
    ),
    (
        line(**{**NAMED["LJZ"], "parent": "310000", "code": "310000-001"}),
        "cannot stand under a province",
    ),
]


@pytest.mark.parametrize(("bad", "message"), BAD_LINES)
def test_a_bad_line_imports_nothing_and_is_named(session: Session, bad: str, message: str) -> None:
    make_named(session, "SH", "PD", "ZJ")
    before = count(session)
    # Line 1 is valid and would change SH; line 2 is bad; line 3 is valid and new.
    lines = [line(**{**NAMED["SH"], "name_en": "changed"}), bad, *named_lines("AH")]
    with pytest.raises(InvalidAgencyImport) as caught:
        service.import_lines(session, lines)
    assert message in caught.value.detail
    assert caught.value.status == 422
    assert count(session) == before
    assert service.get_by_code(session, "310000").name_en == NAMED["SH"]["name_en"]


def test_a_parent_cycle_is_refused(session: Session) -> None:
    make_named(session, "SH", "PD")
    # Making the district the parent of the province would loop.
    looped = line(**{**NAMED["SH"], "level": "county", "code": "310000", "parent": "310115"})
    with pytest.raises(InvalidAgencyImport):
        service.import_lines(session, [looped])


def test_export_imports_back_unchanged(session: Session) -> None:
    make_named(session)
    exported = [r.model_dump_json() for r in service.export_records(session)]
    assert json.loads(exported[0])["code"] == "MPS"  # parents first
    result = service.import_lines(session, exported)
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(NAMED))


def test_search_puts_the_exact_code_first(session: Session) -> None:
    make_named(session)
    assert service.search(session, "330100")[0].code == "330100"
    assert [a.code for a in service.search(session, "杭州")] == ["330100"]
    assert {a.code for a in service.search(session, "hangzhou")} == {"330100"}
    assert service.search(session, "   ") == []
    assert service.search(session, "100%_") == []


def test_listing_filters(session: Session) -> None:
    make_named(session)
    by_parent = service.list_agencies(session, parent="MPS", limit=50)
    assert {a.code for a in by_parent.items} == {"310000", "320000", "330000", "340000"}
    foreign = service.list_agencies(session, level=Level.FOREIGN_CAPITAL)
    assert [a.code for a in foreign.items] == ["VN-HAN"]
    assert [a.code for a in service.list_agencies(session, country="vn").items] == ["VN-HAN"]
    with pytest.raises(AgencyNotFound):
        service.list_agencies(session, parent="NOPE")


def test_tree_roots_put_the_ministry_first(session: Session) -> None:
    make_named(session)
    assert [a.code for a in service.roots(session)] == ["MPS", "VN-HAN"]
    counts = service.child_counts(session, service.roots(session))
    assert counts[service.get_by_code(session, "MPS").id] == 4


def test_demo_loads_the_named_zones_members_and_is_idempotent(session: Session) -> None:
    first = demo.load(session, assistance=False)
    second = demo.load(session, assistance=False)
    assert first.agencies_created >= 100
    assert (second.agencies_created, second.agencies_updated) == (0, 0)
    codes = {a.code for a in service.all_agencies(session)}
    provinces = {
        "310000",
        "320000",
        "330000",
        "340000",
        "110000",
        "120000",
        "130000",
        "140000",
        "210000",
        "370000",
        "150000",
        "610000",
        "620000",
        "630000",
        "640000",
        "650000",
        "XPCC",
    }
    assert provinces <= codes
    assert {"MPS", "330100", "310115", "VN-HAN", "JP-TYO", "KR-SEL"} <= codes
    foreign = service.list_agencies(session, level=Level.FOREIGN_CAPITAL).items
    assert len(foreign) == 12
    for agency in service.all_agencies(session):
        assert agency.contacts, f"{agency.code} has no duty desk"
