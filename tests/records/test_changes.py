"""The owner's changes reach everyone concerned: withdrawal and updates told to the holders,
watchers told of new data on their phones, accounts and person clusters within the rules (and
never of their own changes), the hooks other domains register called after the change."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.core import clock
from accord.core.errors import Conflict, InvalidInput
from accord.linkage.models import ClusterMember, PersonCluster
from accord.notify.models import OutboxMessage
from accord.records import service, watches
from accord.records.models import RecordKey, SharedRecord
from accord.security import service as security_service
from accord.security.actor import Actor, Role
from accord.security.policy import PermissionDenied
from tests.factories import make_user
from tests.records.conftest import SH_LINES, World


def messages(session: Session, event: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.created_at, OutboxMessage.id)
    if event is not None:
        stmt = stmt.where(OutboxMessage.event == event)
    return list(session.scalars(stmt))


def user(session: Session, username: str, code: str, role: Role = Role.INVESTIGATOR) -> Actor:
    created = make_user(session, username, code, role)
    return security_service.actor_for(created.user, via="test")


@pytest.fixture
def hooks() -> Iterator[dict[str, list[list[str]]]]:
    """Hooks as linkage registers them, recording the entity ids they were called with."""
    calls: dict[str, list[list[str]]] = {"change": [], "withdraw": []}

    def on_change(session: Session, records: list[SharedRecord]) -> None:
        calls["change"].append(sorted(r.entity_id for r in records))

    def on_withdraw(session: Session, records: list[SharedRecord]) -> None:
        calls["withdraw"].append(sorted(r.entity_id for r in records))

    service.ON_CHANGE.append(on_change)
    service.ON_WITHDRAW.append(on_withdraw)
    yield calls
    service.ON_CHANGE.remove(on_change)
    service.ON_WITHDRAW.remove(on_withdraw)


def test_a_withdrawal_reaches_the_holders_and_the_hooks(
    session: Session, world: World, hooks: dict[str, list[list[str]]]
) -> None:
    world.share(session, "SH", SH_LINES)
    case = world.record(session, "SH", "case1")
    reader = world.officers["ZJ"]
    service.read_record(session, reader, case.id, purpose="串并案")
    session.commit()

    service.withdraw(session, world.investigators["SH"], case, "duplicate of case 2026-002")
    session.commit()

    assert (case.status, case.version, case.withdrawn_reason) == (
        "withdrawn",
        2,
        "duplicate of case 2026-002",
    )
    assert session.scalars(select(RecordKey).where(RecordKey.record_id == case.id)).all() == []
    told = messages(session, "record.withdrawn")
    assert len(told) == 1
    assert told[0].recipients["users"] == [str(reader.user_id)]
    assert told[0].link == f"/records/{case.id}"
    # The title cites the record's id and the owner's code only: it leaves by e-mail.
    assert "电信诈骗" not in told[0].title
    assert "310000" in told[0].title
    assert hooks["withdraw"] == [["case1"]]
    assert hooks["change"] == [sorted(line["id"] for line in SH_LINES)]


def test_only_the_owner_withdraws_once_with_a_reason(session: Session, world: World) -> None:
    world.share(session, "SH", SH_LINES)
    case = world.record(session, "SH", "case1")
    with pytest.raises(PermissionDenied):
        service.withdraw(session, world.investigators["ZJ"], case, "not ours")
    with pytest.raises(PermissionDenied):
        service.withdraw(session, world.officers["SH"], case, "officers read only")
    with pytest.raises(InvalidInput, match="why"):
        service.withdraw(session, world.investigators["SH"], case, " ")
    service.withdraw(session, world.investigators["SH"], case, "mistake")
    with pytest.raises(Conflict):
        service.withdraw(session, world.investigators["SH"], case, "again")


def test_an_update_reaches_every_holder_in_one_notice(
    session: Session, world: World, hooks: dict[str, list[list[str]]]
) -> None:
    world.share(session, "SH", SH_LINES)
    case = world.record(session, "SH", "case1")
    service.read_record(session, world.officers["ZJ"], case.id, purpose="串并案")
    service.read_record(session, world.analysts["JS"], case.id, purpose="串并案")
    session.commit()

    changed: dict[str, Any] = json.loads(json.dumps(SH_LINES[2]))
    changed["properties"]["name"] = ["电信诈骗案 2026-001（并案）"]
    world.share(session, "SH", [changed])

    (told,) = messages(session, "record.updated")
    assert set(told.recipients["users"]) == {
        str(world.officers["ZJ"].user_id),
        str(world.analysts["JS"].user_id),
    }
    assert "version 2" in told.title
    assert told.handling_code == "H0"
    assert hooks["change"][-1] == ["case1"]


@pytest.fixture
def watchers(session: Session, world: World) -> dict[str, Actor]:
    return {
        "zj": user(session, "zj.watcher", "330000"),
        "js": user(session, "js.watcher", "320000"),
        "han": user(session, "han.watcher", "VN-HAN"),
        "sh": user(session, "sh.watcher", "310000"),
    }


def watch(session: Session, actor: Actor, kind: str, key: str) -> None:
    watches.create_watch(session, actor, kind=kind, key=key, purpose="电诈团伙")
    session.commit()


def test_watchers_hear_of_new_data_on_their_phone_within_the_rules(
    session: Session, world: World, watchers: dict[str, Actor]
) -> None:
    for actor in watchers.values():
        watch(session, actor, "phone", "138-1234-5678")

    # Shanghai shares a person (hit/no-hit for the others) and a case (full) with the phone.
    service.import_lines(
        session,
        watchers["sh"],
        agency=world.agencies["SH"],
        lines=[json.dumps(x) for x in SH_LINES],
    )
    session.commit()

    told = {m.recipients["users"][0]: m for m in messages(session, "record.watch.new_data")}
    zj = told[str(watchers["zj"].user_id)]
    assert zj.title == "关注 · Watch: new data on +8613812345678 at 310000"
    assert zj.channels == ["inbox", "live"]
    assert zj.data is not None
    assert zj.data["view"] == "full"
    assert str(world.record(session, "SH", "case1").id) in zj.data["records"]
    assert str(world.record(session, "SH", "p1").id) not in zj.data["records"]
    assert str(watchers["js"].user_id) in told
    # Hanoi may see nothing of it; the Shanghai watcher made the change himself.
    assert str(watchers["han"].user_id) not in told
    assert str(watchers["sh"].user_id) not in told


def test_a_hit_only_match_is_told_as_match_at_agency_x(
    session: Session, world: World, watchers: dict[str, Actor]
) -> None:
    watch(session, watchers["zj"], "phone", "+8613812345678")
    world.share(session, "SH", SH_LINES[:1])  # the person alone: hit/no-hit for Zhejiang

    (told,) = messages(session, "record.watch.new_data")
    assert told.title == "关注 · Watch +8613812345678: match at agency 310000"
    assert told.link == f"/records/{world.record(session, 'SH', 'p1').id}"
    assert told.data is not None
    assert told.data["view"] == "hit"


def test_nobody_hears_of_a_record_shared_already_expired(
    session: Session, world: World, watchers: dict[str, Actor]
) -> None:
    watch(session, watchers["zj"], "phone", "13812345678")
    old = {**SH_LINES[2], "expires_on": "2026-01-01", "recorded_on": "2020-01-01"}
    world.share(session, "SH", [SH_LINES[0], old])

    (told,) = messages(session, "record.watch.new_data")
    assert told.data is not None
    assert str(world.record(session, "SH", "case1").id) not in told.data["records"]
    assert told.data["view"] == "hit"  # the person alone is left, a match only


def test_account_watchers_hear_of_updates_and_withdrawals(
    session: Session, world: World, watchers: dict[str, Actor]
) -> None:
    world.share(session, "SH", SH_LINES)
    watch(session, watchers["js"], "account", "6222-0212-3456-7890")
    assert messages(session, "record.watch.new_data") == []

    changed: dict[str, Any] = json.loads(json.dumps(SH_LINES[1]))
    changed["properties"]["bankName"] = ["中国工商银行"]
    world.share(session, "SH", [changed])
    (new,) = messages(session, "record.watch.new_data")
    assert new.recipients["users"] == [str(watchers["js"].user_id)]
    assert "6222021234567890" in new.title

    account = world.record(session, "SH", "acc1")
    service.withdraw(session, world.investigators["SH"], account, "closed")
    session.commit()
    (gone,) = messages(session, "record.watch.withdrawn")
    assert gone.title == "关注 · Watch: record withdrawn on 6222021234567890 at 310000"


def test_cluster_watchers_hear_of_growth(
    session: Session, world: World, watchers: dict[str, Actor]
) -> None:
    world.share(session, "ZJ", [{"id": "z1", "schema": "Person", "properties": {"name": ["李娜"]}}])
    person = world.record(session, "ZJ", "z1")
    now = clock.now()
    cluster = PersonCluster(id=uuid.uuid4(), key="PC-000123", created_at=now, updated_at=now)
    session.add(cluster)
    session.flush()
    session.add(ClusterMember(record_id=person.id, cluster_id=cluster.id, joined_at=now))
    session.commit()
    watch(session, watchers["js"], "cluster", "pc-000123")  # full through JZ
    watch(session, watchers["sh"], "cluster", "PC-000123")  # hit only through YRD
    watch(session, watchers["han"], "cluster", "PC-000123")  # nothing

    told = watches.notify_cluster_growth(session, cluster_key="PC-000123", record_ids=[person.id])
    assert told == 2
    by_user = {m.recipients["users"][0]: m for m in messages(session, "record.watch.cluster_grew")}
    js = by_user[str(watchers["js"].user_id)]
    assert js.title == "关注 · Watch: new data on PC-000123 at 330000"
    assert js.link == f"/records/{person.id}"
    assert by_user[str(watchers["sh"].user_id)].title.endswith("match at agency 330000")
    # Telling twice of the same records queues nothing new.
    assert (
        watches.notify_cluster_growth(session, cluster_key="PC-000123", record_ids=[person.id]) == 0
    )
    # The record page names the person's cluster.
    read = service.read_record(session, watchers["js"], person.id, purpose="团伙")
    assert read.cluster_key == "PC-000123"
    # A match only says nothing of the person's cluster either.
    hit = service.read_record(session, watchers["sh"], person.id, purpose="团伙")
    assert hit.cluster_key is None


def test_watches_are_normalised_checked_listed_and_ended(
    session: Session, world: World, watchers: dict[str, Actor]
) -> None:
    zj = watchers["zj"]
    first = watches.create_watch(session, zj, kind="phone", key="13812345678", purpose="电诈")
    again = watches.create_watch(session, zj, kind="phone", key="+86 138 1234 5678", purpose="x")
    assert again.id == first.id
    assert first.key == "+8613812345678"
    with pytest.raises(InvalidInput, match="purpose"):
        watches.create_watch(session, zj, kind="account", key="6222021234567890", purpose="")
    with pytest.raises(InvalidInput, match="no person cluster"):
        watches.create_watch(session, zj, kind="cluster", key="PC-999999", purpose="x")
    with pytest.raises(InvalidInput):
        watches.create_watch(session, zj, kind="email", key="a@b.c", purpose="x")
    with pytest.raises(PermissionDenied):
        watches.create_watch(
            session, world.officers["ZJ"], kind="phone", key="13812345678", purpose="x"
        )
    assert [w.id for w in watches.list_watches(session, zj)] == [first.id]
    with pytest.raises(watches.WatchNotFound):
        watches.end_watch(session, watchers["js"], first.id)
    watches.end_watch(session, zj, first.id)
    assert watches.list_watches(session, zj) == []
