"""The demo data set for `accord demo load`: realistic agencies, then each domain's data.

Loading is idempotent: each domain's loader upserts by natural key, so a second run changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date
from importlib import resources

from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.alerts import demo as alerts_demo
from accord.alerts import followup_demo
from accord.assistance import demo as assistance_demo
from accord.deadlines import service as deadlines_service
from accord.linkage import service as linkage_service
from accord.meetings import demo as meetings_demo
from accord.notify import service as notify_service
from accord.records import demo as records_demo
from accord.security import service as security_service
from accord.security.actor import Actor, Role
from accord.series import demo as series_demo
from accord.series import service as series_service
from accord.zones import service as zones_service
from accord.zones.agreements import demo as agreements_demo

DEMO_PASSWORD = "accord-demo-2026"  # noqa: S105  (published in the README; demo data only)

# username, display name, agency code, roles, roles cover subordinates
DEMO_USERS: tuple[tuple[str, str, str, tuple[Role, ...], bool], ...] = (
    ("admin", "平台管理员 Platform Admin", "MPS", (Role.PLATFORM_ADMIN,), False),
    ("auditor", "审计员 Auditor", "MPS", (Role.AUDITOR,), True),
    ("sh.officer", "王磊 Wang Lei", "310000", (Role.OFFICER,), False),
    ("sh.investigator", "陈静 Chen Jing", "310115", (Role.INVESTIGATOR, Role.ANALYST), False),
    ("sh.liaison", "李娜 Li Na", "310000", (Role.LIAISON,), False),
    ("sh.admin", "赵刚 Zhao Gang", "310000", (Role.AGENCY_ADMIN,), True),
    ("js.officer", "周涛 Zhou Tao", "320000", (Role.OFFICER,), False),
    ("js.liaison", "吴敏 Wu Min", "320000", (Role.LIAISON,), False),
    ("zj.liaison", "孙丽 Sun Li", "330000", (Role.LIAISON,), False),
    ("zj.commander", "郑伟 Zheng Wei", "330000", (Role.COMMANDER,), True),
    ("zj.admin", "钱峰 Qian Feng", "330000", (Role.AGENCY_ADMIN,), True),
    ("hz.officer", "林晓 Lin Xiao", "330100", (Role.OFFICER,), False),
    ("ah.liaison", "何勇 He Yong", "340000", (Role.LIAISON,), False),
    ("han.liaison", "Nguyễn Văn An", "VN-HAN", (Role.LIAISON,), False),
    ("yrd.secretariat", "刘洋 Liu Yang", "310000", (Role.LIAISON,), False),
    ("sh.director", "黄建国 Huang Jianguo", "310000", (Role.COMMANDER,), False),
    ("js.director", "徐志强 Xu Zhiqiang", "320000", (Role.COMMANDER,), False),
    ("zj.director", "马骏 Ma Jun", "330000", (Role.COMMANDER,), False),
    ("ah.director", "杨帆 Yang Fan", "340000", (Role.COMMANDER,), False),
    ("hz.deputy", "沈磊 Shen Lei", "330100", (Role.COMMANDER,), False),
)

# Zone roles of demo users: username, zone code, role.
DEMO_ZONE_ROLES: tuple[tuple[str, str, Role], ...] = (
    ("yrd.secretariat", "YRD", Role.SECRETARIAT),
    ("sh.director", "YRD", Role.DIRECTOR),
    ("js.director", "YRD", Role.DIRECTOR),
    ("zj.director", "YRD", Role.DIRECTOR),
    ("ah.director", "YRD", Role.DIRECTOR),
    ("hz.deputy", "YRD", Role.DEPUTY_DIRECTOR),
)

# code, name_zh, name_en, founded, fields, members, rotation start, term months, chair terms
DEMO_ZONES: tuple[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...], int], ...] = (
    (
        "YRD",
        "长三角区域警务一体化合作",
        "Yangtze River Delta police cooperation",
        "2019-05-22",
        ("intelligence", "criminal_investigation", "traffic", "public_order", "technology"),
        ("310000", "320000", "330000", "340000"),
        12,
    ),
    (
        "JJJ",
        "京津冀及周边警务协作",
        "Beijing-Tianjin-Hebei and neighbours police cooperation",
        "2015-06-10",
        ("counter_terrorism", "public_order", "criminal_investigation", "traffic"),
        ("110000", "120000", "130000", "140000", "210000", "370000", "150000"),
        12,
    ),
    (
        "NW",
        "西北五省区警务协作",
        "Northwest police cooperation",
        "2016-08-18",
        ("counter_terrorism", "drugs", "illegal_immigration", "criminal_investigation"),
        ("610000", "620000", "630000", "640000", "650000", "150000", "XPCC"),
        12,
    ),
    (
        "ASEAN3",
        "东盟与中日韩首都警察合作",
        "ASEAN+3 capital police cooperation",
        "2018-11-01",
        ("drugs", "cybercrime", "money_laundering", "illegal_immigration"),
        (
            "VN-HAN",
            "TH-BKK",
            "KH-PNH",
            "LA-VTE",
            "MM-NPT",
            "MY-KUL",
            "SG-SIN",
            "ID-JKT",
            "PH-MNL",
            "BN-BWN",
            "JP-TYO",
            "KR-SEL",
        ),
        24,
    ),
)


def demo_totp_secret(username: str) -> str:
    """The fixed TOTP secret of a demo user (listed in the README so testers can sign in)."""
    digest = hashlib.sha256(f"accord-demo-totp:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


@dataclass(frozen=True)
class DemoSummary:
    agencies_created: int
    agencies_updated: int
    agencies_unchanged: int
    users_created: int
    calendar_days: int
    assistance_requests: int
    notifications: int
    shared_records: int = 0
    person_clusters: int = 0
    series: int = 0
    joint_cases: int = 0


def demo_agency_lines() -> list[str]:
    text = (
        resources.files("accord.agencies").joinpath("data/demo_agencies.jsonl").read_text("utf-8")
    )
    return text.splitlines()


def load(session: Session, *, assistance: bool = True, records: bool = True) -> DemoSummary:
    """Load the demo into the database behind `session` (the caller commits).

    The assistance requests, a year of them worked through the real services, take most of the
    time; tests that do not look at them pass `assistance=False`. The shared records (six
    agencies' case files, imported, linked and searched for series) are left out with
    `records=False`.
    """
    result = agencies_service.import_lines(session, demo_agency_lines())
    loader = Actor.system("demo-loader")
    users = _users(session, loader)
    _zones(session, loader)
    agreements_demo.load_demo(session, loader)
    meetings_demo.load_demo(session, loader)
    alerts_demo.load_demo_alerts(session)
    followup_demo.load_demo_followups(session)
    calendar = deadlines_service.load_calendar(
        session, deadlines_service.shipped_calendar_lines(), actor=loader
    )
    # After the calendar: routine deadlines count business days, holidays included.
    requests = assistance_demo.load_demo(session, loader) if assistance else 0
    shared = records_demo.load_demo(session, loader) if records else 0
    clusters = linkage_service.run(session, loader).clusters if shared else 0
    found = series_service.discover(session, loader).series if shared else 0
    joint = series_demo.load_demo(session) if found else 0
    notes = _welcome(session)
    return DemoSummary(
        result.created,
        result.updated,
        result.unchanged,
        users,
        calendar.created,
        requests,
        notes,
        shared,
        clusters,
        found,
        joint,
    )


def _zones(session: Session, loader: Actor) -> None:
    """The four demo zones with their chairs since founding (rotating on every term), and the
    zone roles of the demo users. Skipped for a zone that exists."""
    for code, name_zh, name_en, founded, fields, members, months in DEMO_ZONES:
        try:
            zones_service.get_zone(session, code)
            continue
        except zones_service.ZoneNotFound:
            pass
        zone = zones_service.create_zone(
            session,
            loader,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            fields=fields,
            founded_on=date.fromisoformat(founded),
            members=members,
            secretariat=members[0],
            chair_term_months=months,
            rotation=members,
        )
        start = date.fromisoformat(founded)
        zones_service.set_chair_term(
            session,
            loader,
            zone,
            members[0],
            starts_on=start,
            ends_on=zones_service.add_months(start, months),
        )
        # Every term since founding, handed on in turn up to today.
        zones_service.rotate_chair(session, loader, zone)
    for username, code, role in DEMO_ZONE_ROLES:
        zone = zones_service.get_zone(session, code)
        user = security_service.get_user(session, username)
        if any(g.role == role.value and g.zone_id == zone.id for g in user.grants):
            continue
        security_service.grant_role(session, loader, username=username, role=role, zone_id=zone.id)


def _welcome(session: Session) -> int:
    """A first notification for every demo user, so inboxes and "my work" are not empty.
    Queued once (by dedupe key); the worker delivers it."""
    queued = 0
    for username, *_rest in DEMO_USERS:
        user = security_service.get_user(session, username)
        queued += (
            notify_service.enqueue(
                session,
                event="demo.welcome",
                title="欢迎使用协作平台 · Welcome to Accord",
                body="机构名录、工作日历和审计记录已就绪。Directory, calendar, audit ready.",
                link="/agencies",
                to_users=[user.id],
                channels=("inbox",),
                dedupe_key=f"demo.welcome:{username}",
            )
            is not None
        )
    liaisons = [
        security_service.get_user(session, u).id
        for u, _n, _c, roles, _b in DEMO_USERS
        if Role.LIAISON in roles
    ]
    queued += (
        notify_service.enqueue(
            session,
            event="calendar.loaded",
            title="2025—2026 年工作日历已导入 · Business calendar 2025-2026 loaded",
            body="常规时限将跳过法定节假日。Routine deadlines now skip public holidays.",
            link="/calendar",
            to_users=liaisons,
            channels=("inbox",),
            dedupe_key="demo.calendar-loaded",
        )
        is not None
    )
    return queued


def _users(session: Session, loader: Actor) -> int:
    created = 0
    for username, name, code, roles, below in DEMO_USERS:
        try:
            security_service.get_user(session, username)
            continue
        except security_service.UserNotFound:
            pass
        security_service.create_user(
            session,
            loader,
            username=username,
            display_name=name,
            agency_code=code,
            email=f"{username}@example.gov.cn",
            password=DEMO_PASSWORD,
            roles=roles,
            include_subordinates=below,
            totp_secret=demo_totp_secret(username)
            if any(r is not Role.AGENCY_ADMIN for r in roles)
            else None,
            locale="en" if code == "VN-HAN" else "zh",
        )
        created += 1
    return created
