"""Auditor reports on synthetic events: checks without a case, unusual volume for the role."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from accord.audit import reports, service
from accord.core.clock import FrozenClock
from accord.security.actor import Actor, Role
from tests.factories import make_actor, make_named

# 10:00 in Shanghai on 2026-11-23 is 02:00 UTC (the frozen clock's instant).
DAY = date(2026, 11, 23)
SINCE = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # 2026-11-23 00:00 in Shanghai
UNTIL = SINCE + timedelta(days=2)


def checks(session: Session, actor: Actor, n: int, *, action: str = "check.person") -> None:
    for i in range(n):
        service.record(session, actor, action=action, case_ref=f"SH-2026-{i:06d}")


@pytest.fixture
def population(session: Session, frozen_clock: FrozenClock) -> Actor:
    """Officers with 8-15 checks and one with 120; analysts with 55-70 and an officer-analyst
    with 80; clerks with 1-2 and one with 20. Returns a platform-wide auditor."""
    sh = make_named(session, "SH")["SH"]
    for i, n in enumerate(range(8, 16)):
        checks(session, make_actor(sh, Role.OFFICER, username=f"officer{i}"), n)
    checks(session, make_actor(sh, Role.OFFICER, username="hot"), 120)
    for i, n in enumerate((55, 60, 65, 70)):
        checks(
            session,
            make_actor(sh, Role.ANALYST, username=f"analyst{i}"),
            n,
            action="search.records",
        )
    checks(session, make_actor(sh, Role.OFFICER, Role.ANALYST, username="dual"), 80)
    for i, n in enumerate((1, 1, 2)):
        checks(session, make_actor(sh, Role.CLERK, username=f"clerk{i}"), n, action="records.view")
    checks(session, make_actor(sh, Role.CLERK, username="busy.clerk"), 20, action="records.view")
    # Not queries, however many: never counted.
    checks(session, make_actor(sh, Role.OFFICER, username="officer0"), 50, action="alert.create")
    session.commit()
    return make_actor(None, Role.PLATFORM_ADMIN, username="root")


def test_unusual_volume_flags_the_outlier_of_the_role(session: Session, population: Actor) -> None:
    report = reports.unusual_volume(session, population, since=SINCE, until=UNTIL)
    assert [(d.username, d.day, d.count, d.role) for d in report.flagged] == [
        ("hot", DAY, 120, "officer")
    ]
    hot = report.flagged[0]
    officer = report.baselines["officer"]
    # officers' days: 8..15, 120 and the officer-analyst's 80 -> median 12.5; absolute
    # deviations 0.5 0.5 1.5 1.5 2.5 2.5 3.5 4.5 67.5 107.5 -> MAD 2.5
    assert (officer.median, officer.mad, officer.user_days, officer.users) == (12.5, 2.5, 10, 10)
    assert hot.role_median == 12.5
    assert hot.robust_z == round((120 - 12.5) / (1.4826 * 2.5), 2)
    assert hot.agency_code == "310000"
    # The officer-analyst is ordinary among analysts (55..70 and 80: median 65, MAD 5).
    assert report.baselines["analyst"].median == 65
    assert (report.threshold, report.min_count) == (3.0, 30)


def test_a_low_count_is_not_flagged_below_the_minimum(session: Session, population: Actor) -> None:
    report = reports.unusual_volume(session, population, since=SINCE, until=UNTIL, min_count=10)
    # clerks: 1, 1, 2, 20 -> median 1.5, MAD 0.5 (scale floored at 1): z 18.5, below hot's 29
    assert [(d.username, d.robust_z) for d in report.flagged] == [
        ("hot", 29.0),
        ("busy.clerk", 18.5),
    ]
    strict = reports.unusual_volume(session, population, since=SINCE, until=UNTIL, threshold=50)
    assert strict.flagged == []


def test_days_are_counted_in_the_display_time_zone(
    session: Session, frozen_clock: FrozenClock
) -> None:
    sh = make_named(session, "SH")["SH"]
    night = make_actor(sh, Role.OFFICER, username="night")
    root = make_actor(None, Role.PLATFORM_ADMIN, username="root")
    # 15:30 UTC is 23:30 in Shanghai; 16:30 UTC is already the next day there.
    frozen_clock.advance(timedelta(hours=13, minutes=30))
    checks(session, night, 3)
    frozen_clock.advance(timedelta(hours=1))
    checks(session, night, 4)
    session.commit()
    report = reports.unusual_volume(session, root, since=SINCE, until=UNTIL, min_count=1)
    assert report.baselines["officer"].user_days == 2
    assert report.baselines["officer"].median == 3.5


def test_events_recorded_without_roles_form_their_own_group(
    session: Session, frozen_clock: FrozenClock
) -> None:
    old = make_actor(None, username="legacy")
    service.record(session, old, action="check.person", detail={"actor_roles": []})
    session.commit()
    root = make_actor(None, Role.PLATFORM_ADMIN, username="root")
    report = reports.unusual_volume(session, root, since=SINCE, until=UNTIL)
    assert list(report.baselines) == [reports.NO_ROLE]


def test_checks_without_a_case_reference_grouped_by_user(
    session: Session, frozen_clock: FrozenClock
) -> None:
    agencies = make_named(session, "SH", "JS")
    sh = make_actor(agencies["SH"], Role.OFFICER, username="wang")
    js = make_actor(agencies["JS"], Role.OFFICER, username="li")
    service.record(session, sh, action="check.person")
    frozen_clock.advance(timedelta(minutes=5))
    service.record(session, sh, action="check.person", case_ref="")
    service.record(session, sh, action="search.records")
    service.record(session, sh, action="check.person", case_ref="SH-2026-000001")  # has one
    service.record(session, sh, action="alert.create")  # not a query
    service.record(session, js, action="records.view_entity")
    session.commit()
    root = make_actor(None, Role.PLATFORM_ADMIN, username="root")
    rows = reports.checks_without_case(session, root, since=SINCE, until=UNTIL)
    assert [(r.username, r.agency_code, r.count) for r in rows] == [
        ("wang", "310000", 3),
        ("li", "320000", 1),
    ]
    wang = rows[0]
    assert wang.actions == {"check.person": 2, "search.records": 1}
    assert wang.first_at == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert wang.last_at == datetime(2026, 11, 23, 2, 5, tzinfo=UTC)
    # An agency's auditor sees their agency's users only.
    js_auditor = make_actor(agencies["JS"], Role.AUDITOR, username="audit.js")
    scoped = reports.checks_without_case(session, js_auditor, since=SINCE, until=UNTIL)
    assert [r.username for r in scoped] == ["li"]
    # Outside the period: nothing.
    assert reports.checks_without_case(session, root, since=UNTIL, until=UNTIL + timedelta(1)) == []


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"since": UNTIL, "until": SINCE}, "until"),
        ({"since": SINCE.replace(tzinfo=None), "until": UNTIL}, "since"),
        ({"since": SINCE, "until": UNTIL, "threshold": 0}, "threshold"),
        ({"since": SINCE, "until": UNTIL, "min_count": 0}, "min_count"),
    ],
)
def test_bad_report_requests_name_the_field(
    session: Session, options: dict[str, object], field: str
) -> None:
    root = make_actor(None, Role.PLATFORM_ADMIN, username="root")
    with pytest.raises(service.InvalidAuditQuery) as caught:
        reports.unusual_volume(session, root, **options)  # type: ignore[arg-type]  # bad on purpose
    assert caught.value.field == field


def test_reports_need_audit_read(session: Session) -> None:
    from accord.security.policy import PermissionDenied

    officer = make_actor(None, Role.OFFICER, username="nosy")
    with pytest.raises(PermissionDenied):
        reports.checks_without_case(session, officer, since=SINCE, until=UNTIL)
