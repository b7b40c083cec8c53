"""Checks against alerts: every variant kind and script the issue names, on both databases.

Each test issues an alert in Jiangsu and checks from Shanghai (shared through the YRD zone), so
the candidate index, the sharing rules and the scoring are all in the path.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.alerts import screening
from accord.alerts.clearances import record_clearance
from accord.alerts.schemas import Probe
from accord.audit.models import AuditEvent, AuditSubject
from accord.core.clock import FrozenClock
from tests.alerts.conftest import World


def check(session: Session, world: World, by: str = "SH", **probe: Any) -> screening.CheckResult:
    result = screening.check(
        session,
        world.officers[by],
        probe=Probe.model_validate(probe),
        purpose="traffic stop",
    )
    session.commit()
    return result


def refs(result: screening.CheckResult) -> list[str]:
    return [c["alert_ref"] for c in result.candidates]


ZHANG = {
    "ref": "JS-1",
    "name": "张伟",
    "birth_date": "1985-03-07",
    "gender": "male",
    "id_number": "310104198503072410",
}
OUYANG = {"ref": "JS-2", "name": "欧阳振华", "birth_date": "1979-06-15", "gender": "male"}


@pytest.mark.parametrize(
    ("probe", "explains"),
    [
        ({"id_number": "310104198503072410"}, "ID equal"),
        ({"id_number": "310104850307241"}, "15→18"),
        ({"id_number": "310104198530072410"}, "swapped"),
        ({"id_number": "310104198503072419"}, "check digit"),
        ({"id_number": "310104198503772410"}, "digit"),
    ],
)
def test_resident_id_variants_hit(
    session: Session, world: World, probe: dict[str, Any], explains: str
) -> None:
    world.issue(session, **ZHANG)
    result = check(session, world, name="张伟", **probe)
    assert result.outcome.result == "hit"
    assert refs(result)[0] == "JS-1"
    assert any(explains in line for line in result.candidates[0]["explanation"])


def test_lower_case_x_is_the_same_id(session: Session, world: World) -> None:
    world.issue(session, ref="JS-X", name="刘洋", id_number="11010519491231002X")
    result = check(session, world, id_number="11010519491231002x")
    assert result.outcome.result == "hit"
    assert refs(result) == ["JS-X"]


@pytest.mark.parametrize(
    "name",
    ["欧阳振华", "歐陽振華", "OUYANG ZHENHUA", "Zhenhua Ouyang", "ouyangzhenhua", "OuYang ZhenHua"],
)
def test_chinese_name_with_birth_date_in_any_script_hits(
    session: Session, world: World, name: str
) -> None:
    world.issue(session, **OUYANG)
    result = check(session, world, name=name, birth_date="1979-06-15")
    assert result.outcome.result == "hit", result.candidates
    assert refs(result) == ["JS-2"]


def test_pinyin_explanation_names_both_forms(session: Session, world: World) -> None:
    world.issue(session, **OUYANG)
    result = check(session, world, name="OUYANG ZHENHUA", birth_date="1979-06-15")
    text = " ".join(result.candidates[0]["explanation"])
    assert "欧阳振华" in text
    assert "birth date equal" in text


def test_homophone_typed_by_ear_is_found(session: Session, world: World) -> None:
    world.issue(session, **OUYANG)
    result = check(session, world, name="欧阳震华", birth_date="1979-06-15")
    assert result.outcome.result in {"hit", "possible"}
    assert refs(result) == ["JS-2"]


def test_cantonese_romanisation(session: Session, world: World) -> None:
    world.issue(session, ref="JS-HK", type="wanted_locate", name="陳大文", birth_date="1990-11-02")
    result = check(session, world, name="CHAN TAI MAN", birth_date="1990-11-02")
    assert refs(result) == ["JS-HK"]
    assert result.outcome.result in {"hit", "possible"}


def test_wade_giles_romanisation(session: Session, world: World) -> None:
    world.issue(session, ref="JS-TW", name="張偉婷", birth_date="1995-08-19", gender="female")
    result = check(session, world, name="CHANG WEI-TING", birth_date="1995-08-19")
    assert refs(result) == ["JS-TW"]


def test_middle_dot_foreign_name(session: Session, world: World) -> None:
    world.issue(session, ref="JS-JS", name="约翰·史密斯", birth_date="1980-09-12")
    result = check(session, world, name="约翰史密斯", birth_date="1980-09-12")
    assert refs(result) == ["JS-JS"]
    assert result.outcome.result == "hit"


def test_vietnamese_without_diacritics(session: Session, world: World) -> None:
    world.issue(
        session, ref="JS-VN", name="Nguyễn Văn Đức", birth_date="1988-02-14", nationality="VN"
    )
    result = check(session, world, name="NGUYEN VAN DUC", birth_date="1988-02-14")
    assert refs(result) == ["JS-VN"]
    assert result.outcome.result in {"hit", "possible"}


@pytest.mark.parametrize("name", ["KIM MIN JUN", "Minjun Kim", "KIM MINJUN"])
def test_korean_hangul_alert_romanised_probe(session: Session, world: World, name: str) -> None:
    world.issue(session, ref="JS-KR", name="김민준", birth_date="1992-07-08", nationality="KR")
    result = check(session, world, name=name, birth_date="1992-07-08")
    assert refs(result) == ["JS-KR"]


def test_japanese_kanji_read_as_japanese(session: Session, world: World) -> None:
    world.issue(session, ref="JS-JP", name="田中太郎", birth_date="1983-05-05", nationality="JP")
    result = check(session, world, name="TANAKA TARO", birth_date="1983-05-05")
    assert refs(result) == ["JS-JP"]
    pinyin = check(session, world, name="TIAN ZHONG TAI LANG", birth_date="1983-05-05")
    assert "JS-JP" not in refs(pinyin) or pinyin.candidates[0]["band"] != "hit"


def test_thai_passport_latin_form(session: Session, world: World) -> None:
    world.issue(
        session,
        ref="JS-TH",
        name="SOMCHAI JAIDEE",
        birth_date="1987-01-20",
        nationality="TH",
        passport_number="AA1234567",
    )
    result = check(session, world, name="Jaidee Somchai", birth_date="1987-01-20")
    assert refs(result) == ["JS-TH"]
    by_passport = check(session, world, passport_number="aa 123 4567", nationality="TH")
    assert by_passport.outcome.result == "hit"


def test_birth_date_day_month_swapped(session: Session, world: World) -> None:
    world.issue(session, ref="JS-SW", name="司马光明", birth_date="1981-04-09")
    result = check(session, world, name="司马光明", birth_date="1981-09-04")
    assert refs(result) == ["JS-SW"]
    assert result.outcome.result in {"hit", "possible"}
    assert any("day/month swapped" in line for line in result.candidates[0]["explanation"])


def test_namesake_with_other_birth_date_and_id_is_no_hit(session: Session, world: World) -> None:
    world.issue(session, **ZHANG)
    result = check(
        session, world, name="张伟", birth_date="1990-10-10", id_number="110105199010101234"
    )
    assert result.outcome.result == "no_hit"
    assert result.candidates == []
    no_id = check(session, world, name="张伟", birth_date="1990-10-10")
    assert no_id.outcome.result == "no_hit"


def test_a_name_alone_is_at_most_possible(session: Session, world: World) -> None:
    world.issue(session, **OUYANG)
    result = check(session, world, name="欧阳振华")
    assert result.outcome.result == "possible"
    assert refs(result) == ["JS-2"]


def test_name_plus_birth_date_weighed_by_commonness(session: Session, world: World) -> None:
    world.issue(session, ref="JS-C", name="张伟", birth_date="1985-03-07")
    world.issue(session, **OUYANG)
    common = check(session, world, name="张伟", birth_date="1985-03-07")
    rare = check(session, world, name="欧阳振华", birth_date="1979-06-15")
    assert common.candidates[0]["score"] < rare.candidates[0]["score"]
    assert rare.outcome.result == "hit"
    assert common.outcome.result == "possible"


def test_stranger_sharing_a_birth_date_is_no_hit(session: Session, world: World) -> None:
    world.issue(session, **OUYANG)
    result = check(session, world, name="李明", birth_date="1979-06-15", gender="male")
    assert result.outcome.result == "no_hit"


@pytest.mark.parametrize("plate", ["沪AD12345", "HU AD12345", "hu-ad 12345", "沪A·D12345"])
def test_plates_in_characters_or_pinyin_and_new_energy(
    session: Session, world: World, plate: str
) -> None:
    world.issue(session, ref="JS-V", type="stolen_vehicle", plate="沪AD12345", make="Tesla")
    result = check(session, world, plate=plate)
    assert result.outcome.result == "hit"
    assert refs(result) == ["JS-V"]


def test_vin_and_vin_typo(session: Session, world: World) -> None:
    world.issue(session, ref="JS-VIN", type="stolen_vehicle", vin="LSVAU2180N2183294")
    assert check(session, world, vin="lsvau2180n2183294").outcome.result == "hit"
    typo = check(session, world, vin="LSVAU2180N2183295")
    assert refs(typo) == ["JS-VIN"]


def test_document_alert_is_hit_no_hit_only_across_provinces(session: Session, world: World) -> None:
    world.issue(
        session,
        ref="JS-D",
        type="stolen_document",
        document_type="passport",
        document_number="EA1234567",
        issuing_country="CN",
    )
    result = check(session, world, document_number="EA1234567")
    assert result.outcome.result == "hit"
    candidate = result.candidates[0]
    assert candidate["redacted"] is True
    assert "subject" not in candidate
    assert candidate["explanation"] == ["match at agency 320000"]
    own = check(session, world, by="JS", document_number="EA1234567")
    assert own.candidates[0]["redacted"] is False


def test_drone_alert_not_shared_is_invisible_to_other_provinces(
    session: Session, world: World
) -> None:
    world.issue(session, ref="JS-R", type="drone", drone_serial="1581F4XFC23A0012")
    assert check(session, world, drone_serial="1581F4XFC23A0012").outcome.result == "no_hit"
    assert check(session, world, by="JS", drone_serial="1581F4XFC23A0012").outcome.result == "hit"


def test_discreet_check_shows_the_action_and_not_to_tell(session: Session, world: World) -> None:
    world.issue(
        session,
        ref="JS-DC",
        type="discreet_check",
        **{k: v for k, v in OUYANG.items() if k != "ref"},
    )
    result = check(session, world, by="JS", name="欧阳振华", birth_date="1979-06-15")
    assert result.candidates[0]["discreet"] is True
    assert "Do not tell" in result.candidates[0]["action_on_hit"]


def test_expired_and_cancelled_alerts_never_hit(
    session: Session, world: World, frozen_clock: FrozenClock
) -> None:
    from accord.alerts import service

    soon = frozen_clock.now() + timedelta(hours=1)
    world.issue(
        session,
        ref="JS-E",
        expires_at=soon.isoformat(),
        **{k: v for k, v in OUYANG.items() if k != "ref"},
    )
    assert check(session, world, name="欧阳振华", birth_date="1979-06-15").outcome.result == "hit"
    frozen_clock.advance(timedelta(hours=2))
    assert (
        check(session, world, name="欧阳振华", birth_date="1979-06-15").outcome.result == "no_hit"
    )
    alert = world.issue(session, **ZHANG)
    service.cancel(session, world.issuers["JS"], alert, reason="arrested elsewhere")
    session.commit()
    assert check(session, world, id_number=ZHANG["id_number"]).outcome.result == "no_hit"


def test_several_alerts_on_one_person_are_all_shown(session: Session, world: World) -> None:
    world.issue(session, by="JS", **ZHANG)
    world.issue(session, by="ZJ", **{**ZHANG, "ref": "ZJ-1", "type": "wanted_locate"})
    result = check(session, world, id_number=ZHANG["id_number"])
    assert set(refs(result)) == {"JS-1", "ZJ-1"}
    assert len({c["person_key"] for c in result.candidates}) == 1


def test_cleared_person_is_not_a_new_hit(session: Session, world: World) -> None:
    alert = world.issue(session, **OUYANG)
    probe = {"name": "欧阳振华", "birth_date": "1979-06-15", "id_number": "320102197906154511"}
    first = check(session, world, **probe)
    assert first.outcome.result == "hit"
    record_clearance(
        session, world.issuers["JS"], alert=alert, probe=probe, reason="not the person"
    )
    session.commit()
    again = check(session, world, **probe)
    assert again.outcome.result == "no_hit"
    assert again.candidates[0]["band"] == "cleared"
    assert again.candidates[0]["cleared_by"] == "320000"
    other = check(session, world, name="欧阳振华", birth_date="1979-06-15")
    assert other.outcome.result == "hit"  # someone else with the same name and birth date


def test_misused_identity_shows_the_distinguishing_facts(session: Session, world: World) -> None:
    from accord.alerts import service

    alert = world.issue(session, **ZHANG)
    service.flag_misused_identity(
        session, world.issuers["JS"], alert, facts="the real holder has no tattoo"
    )
    session.commit()
    result = check(session, world, id_number=ZHANG["id_number"])
    assert result.candidates[0]["misused_identity"] is True
    assert result.candidates[0]["distinguishing_facts"] == "the real holder has no tattoo"


def test_every_check_is_audited_with_its_candidates(session: Session, world: World) -> None:
    alert = world.issue(session, **ZHANG)
    result = check(session, world, id_number=ZHANG["id_number"])
    event = session.scalar(select(AuditEvent).where(AuditEvent.object_id == str(result.check.id)))
    assert event is not None
    assert event.purpose == "traffic stop"
    keys = set(session.scalars(select(AuditSubject.key).where(AuditSubject.event_id == event.id)))
    assert str(alert.id) in keys
    assert ZHANG["id_number"] in keys


def test_a_check_without_purpose_is_refused(session: Session, world: World) -> None:
    with pytest.raises(screening.PurposeRequired):
        screening.check(session, world.officers["SH"], probe=Probe(name="张伟"), purpose="  ")


def test_a_chinese_given_name_with_a_character_more_is_another_name(
    session: Session, world: World
) -> None:
    world.issue(session, ref="JS-P", name="王光林", birth_date="1958-02-13", gender="male")
    result = check(session, world, name="王光", birth_date="1958-02-13", gender="male")
    assert result.outcome.result == "no_hit"
