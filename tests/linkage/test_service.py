"""Linkage over the shared records, on both databases: a run clusters one person across
agencies and scripts, an export names entity ids as the convention says, a "not same"
judgement splits at once and survives re-linkage, an incremental run links a new import to the
existing clusters, a withdrawn record leaves its cluster, and a cluster page redacts a record
shared hit/no-hit only."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord import wiring
from accord.audit.models import AuditEvent
from accord.core.errors import DomainError
from accord.linkage import service, views
from accord.linkage.models import ClusterMember, Judgement
from accord.matching.identifiers import check_digit
from accord.records import service as records_service
from accord.security.actor import Actor
from tests.records.conftest import World

SYSTEM = Actor.system("test")


@pytest.fixture(autouse=True)
def _wired() -> None:
    wiring.wire()  # the records hooks linkage registers into (as the app and the CLI do)


def rid(body17: str) -> str:
    return body17 + check_digit(body17)


WANG = rid("32010219650823441")
CHEN_A, CHEN_C = rid("34010219800505123"), rid("34010219800505678")


def person(entity_id: str, **props: str | list[str]) -> dict[str, Any]:
    values = {k: v if isinstance(v, list) else [v] for k, v in props.items()}
    return {"id": entity_id, "schema": "Person", "properties": values}


def share_all(session: Session, world: World) -> None:
    world.share(
        session,
        "JS",
        [
            person("p1", name="王建华", birthDate="1965-08-23", idNumber=WANG, gender="male"),
            person("p2", name="陈静", birthDate="1980-05-05", idNumber=CHEN_A, phone="13900000002"),
        ],
    )
    world.share(
        session,
        "ZJ",
        [
            # The same man in pinyin, with the 15-digit ID of before 1999; and p1 again as an id.
            person("p1", name="WANG Jianhua", idNumber=WANG[:6] + WANG[8:17]),
            person("p7", name="陈静", birthDate="1980-05-05", idNumber=CHEN_C, phone="13900000002"),
        ],
    )
    world.share(
        session,
        "SH",
        [person("p3", name="Chen Jing", birthDate="1980-05-05", phone="+86 139 0000 0002")],
    )


def clusters(session: Session) -> dict[str, str]:
    """Qualified entity id -> cluster key, from the export."""
    return {rec: line["cluster"] for line in service.export(session) for rec in line["records"]}


def test_a_run_links_one_person_across_agencies_and_scripts(session: Session, world: World) -> None:
    share_all(session, world)
    run = service.run(session, SYSTEM)
    session.commit()
    assert (run.mode, run.records) == ("full", 5)
    found = clusters(session)
    # Every Person in exactly one cluster; p1 is used by two agencies, so it is qualified.
    assert sorted(found) == ["320000:p1", "330000:p1", "p2", "p3", "p7"]
    assert found["320000:p1"] == found["330000:p1"]
    # Two valid IDs apart: never one person, whatever Chen Jing of Shanghai is close to.
    assert found["p2"] != found["p7"]
    assert len(set(found.values())) == 3


def test_not_same_applies_at_once_and_survives_relinkage(session: Session, world: World) -> None:
    share_all(session, world)
    service.run(session, SYSTEM)
    session.commit()
    js, zj = world.record(session, "JS", "p1"), world.record(session, "ZJ", "p1")
    analyst = world.analysts["JS"]
    service.judge(
        session, analyst, left_id=js.id, right_id=zj.id, verdict="not_same",
        reason="different fathers' names in the household register",
    )  # fmt: skip
    session.commit()
    assert clusters(session)["320000:p1"] != clusters(session)["330000:p1"]
    service.run(session, SYSTEM, full=True)
    session.commit()
    assert clusters(session)["320000:p1"] != clusters(session)["330000:p1"]
    assert session.scalar(select(func.count()).select_from(Judgement)) == 1


def test_a_judgement_needs_a_reason_and_both_records_in_sight(
    session: Session, world: World
) -> None:
    share_all(session, world)
    service.run(session, SYSTEM)
    session.commit()
    js, zj = world.record(session, "JS", "p1"), world.record(session, "ZJ", "p1")
    with pytest.raises(DomainError) as refused:
        service.judge(
            session, world.analysts["JS"], left_id=js.id, right_id=zj.id, verdict="same", reason=" "
        )
    assert refused.value.data.get("field") == "reason" or "why" in refused.value.detail
    # Anhui sees Jiangsu's and Zhejiang's persons as matches only (YRD: hit/no-hit).
    with pytest.raises(DomainError) as hidden:
        service.judge(
            session, world.analysts["AH"], left_id=js.id, right_id=zj.id, verdict="same",
            reason="looks like him",
        )  # fmt: skip
    assert hidden.value.status == 404


def test_incremental_run_links_a_new_import_to_existing_clusters(
    session: Session, world: World
) -> None:
    share_all(session, world)
    first = service.run(session, SYSTEM)
    session.commit()
    before = clusters(session)
    world.share(session, "AH", [person("p9", name="王建華", idNumber=WANG, birthDate="1965-08-23")])
    second = service.run(session, SYSTEM)
    session.commit()
    assert (second.mode, second.model_id) == ("incremental", first.model_id)
    after = clusters(session)
    assert after["p9"] == after["320000:p1"] == before["320000:p1"]
    assert {k: v for k, v in after.items() if k != "p9"} == before


def test_a_withdrawn_record_leaves_its_cluster(session: Session, world: World) -> None:
    share_all(session, world)
    service.run(session, SYSTEM)
    session.commit()
    zj = world.record(session, "ZJ", "p1")
    records_service.withdraw(session, world.investigators["ZJ"], zj, "entered in error")
    session.commit()
    assert session.get(ClusterMember, zj.id) is None
    assert "330000:p1" not in clusters(session)
    assert "320000:p1" in clusters(session)  # qualified still: the id stays used by two


def test_cluster_view_redacts_hit_only_records_and_is_audited(
    session: Session, world: World
) -> None:
    share_all(session, world)
    service.run(session, SYSTEM)
    session.commit()
    key = clusters(session)["320000:p1"]
    # Jiangsu and Zhejiang share persons in full (their pair zone): the fields show.
    seen = views.cluster_view(session, world.analysts["JS"], key, purpose="case JS-2026-17")
    assert {r.agency.code for r in seen.full_records} == {"320000", "330000"}
    assert any(link.visible and link.fields for link in seen.links)
    # Anhui, under YRD's hit/no-hit rule for persons, learns only that there are matches.
    hidden = views.cluster_view(session, world.analysts["AH"], key, purpose="case AH-9")
    assert hidden.full_records == []
    assert hidden.label == ""
    assert all(r.redacted for r in hidden.records)
    assert all(not link.visible and not link.fields for link in hidden.links)
    session.commit()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "person_cluster.read")
    ).all()
    assert [e.purpose for e in events] == ["case JS-2026-17", "case AH-9"]
    with pytest.raises(DomainError) as refused:
        views.cluster_view(session, world.analysts["JS"], key, purpose="")
    assert refused.value.status == 422


def test_a_member_judged_not_the_person_leaves_the_cluster(session: Session, world: World) -> None:
    share_all(session, world)
    world.share(session, "JS", [person("p9", name="王建華", idNumber=WANG, birthDate="1965-08-23")])
    service.run(session, SYSTEM)
    session.commit()
    key = clusters(session)["320000:p1"]
    assert clusters(session)["p9"] == key
    member = world.record(session, "JS", "p9")
    rows = service.judge_member(
        session, world.analysts["JS"], record_id=member.id, cluster_key=key,
        verdict="not_same", reason="the household register names another man",
    )  # fmt: skip
    session.commit()
    assert len(rows) == 2  # against Jiangsu's p1 and Zhejiang's p1
    after = clusters(session)
    assert after["p9"] != key
    assert after["320000:p1"] == after["330000:p1"] == key
    with pytest.raises(DomainError) as refused:
        service.judge_member(
            session, world.analysts["JS"], record_id=member.id, cluster_key=key,
            verdict="same", reason="x",
        )  # fmt: skip
    assert refused.value.status == 422
