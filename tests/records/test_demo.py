"""The demo's shared records: six agencies' files imported through the real import and linked
by the real run; persons resolved across agencies; the YRD rules as the demo users meet them
(persons in full for Pudong below Shanghai, accounts as "match at agency X" for the members,
nothing of Beijing's); a second load that adds nothing."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord import demo
from accord.agencies.models import Agency
from accord.linkage.models import ClusterMember, PersonCluster
from accord.records import access
from accord.records.demo import DEMO_AGENCIES
from accord.records.models import SharedRecord
from accord.security.actor import Actor, Role
from accord.series import joint_reading
from accord.series.models import JointCase
from tests.factories import make_actor


def _one(session: Session, code: str, schema: str) -> SharedRecord:
    return session.scalars(
        select(SharedRecord)
        .join(Agency, Agency.id == SharedRecord.agency_id)
        .where(Agency.code == code, SharedRecord.schema == schema)
        .order_by(SharedRecord.entity_id)
        .limit(1)
    ).one()


def test_the_demo_shares_records_and_links_persons_across_agencies(session: Session) -> None:
    summary = demo.load(session, assistance=False)
    session.commit()
    assert summary.shared_records == 7346
    per_agency = Counter(
        code
        for (code,) in session.execute(
            select(Agency.code).join(SharedRecord, SharedRecord.agency_id == Agency.id)
        )
    )
    assert set(per_agency) == set(DEMO_AGENCIES)
    assert all(n > 500 for n in per_agency.values())
    assert summary.person_clusters == session.scalar(
        select(func.count()).select_from(PersonCluster)
    )
    spans = Counter(session.scalars(select(PersonCluster.agencies)))
    assert spans[2] > 50
    assert spans[3] + spans[4] > 50
    assert session.scalar(select(func.count()).select_from(ClusterMember)) > 2000

    pudong = session.scalars(select(Agency).where(Agency.code == "310115")).one()
    analyst = make_actor(pudong, Role.ANALYST, username="pd.demo-analyst")
    assert access.view_mode(session, analyst, _one(session, "330000", "Person")) == "full"
    assert access.view_mode(session, analyst, _one(session, "110000", "Person")) is None
    # Accounts go hit/no-hit to the members themselves only.
    assert access.view_mode(session, analyst, _one(session, "330000", "BankAccount")) is None
    jiangsu = session.scalars(select(Agency).where(Agency.code == "320000")).one()
    officer = make_actor(jiangsu, Role.OFFICER, username="js.demo-officer")
    assert access.view_mode(session, officer, _one(session, "330000", "BankAccount")) == "hit"

    assert summary.series >= 10
    # The demo joint case: Pudong leads, Jiangsu released its records, Zhejiang's wait.
    assert summary.joint_cases == 1
    case = session.scalars(select(JointCase)).one()
    read = joint_reading.read_joint_case(session, Actor.system("test"), case.reference)
    assert read.lead.code == "310115"
    assert {m.agency.code for m in read.members} == {"310115", "320000", "330000"}
    releases = {(r.owner.code, r.release) for r in read.records}
    assert ("320000", "granted") in releases
    assert ("330000", "pending") in releases
    assert ("320000", "pending") not in releases
    assert len(read.messages) == 3
    again = demo.load(session, assistance=False)
    assert (again.shared_records, again.person_clusters, again.series, again.joint_cases) == (
        0,
        0,
        0,
        0,
    )
