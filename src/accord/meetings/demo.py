"""Demo meetings for the four demo zones: per zone one past meeting (held and closed, with
decisions whose commands are done, done late, overdue or in progress) and one upcoming meeting
with agenda items.

The past meeting is made through the services with the clock set back to when each step
happened, so its references, audit events and timestamps tell a consistent story. Loading is
idempotent: a zone that already has its demo meeting is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.core import clock
from accord.core.clock import FrozenClock, use_clock
from accord.meetings import commands, service
from accord.meetings.models import Meeting
from accord.security.actor import Actor
from accord.zones.models import Zone


@dataclass(frozen=True)
class DemoItem:
    title: str
    description: str
    decision_zh: str
    decision_en: str


@dataclass(frozen=True)
class DemoZone:
    past_zh: str
    past_en: str
    past_location: str
    items: tuple[DemoItem, DemoItem]
    minutes: str
    upcoming_zh: str
    upcoming_en: str
    upcoming_location: str
    upcoming_items: tuple[tuple[str, str], ...]


DEMO: dict[str, DemoZone] = {
    "YRD": DemoZone(
        past_zh="长三角区域警务合作第十次联席会议",
        past_en="10th Joint Meeting of the Yangtze River Delta Police Cooperation",
        past_location="上海市公安局",
        items=(
            DemoItem(
                "跨省电信网络诈骗联合打击",
                "近三个月苏浙沪皖四地涉“刷单返利”诈骗案件同比上升 27%，"
                "资金多经第三方支付跨省流转。",
                "各成员单位开展为期 30 天的电信网络诈骗集中打击行动，并报送涉案账户研判结果。",
                "Each member runs a 30-day crackdown on telecom fraud and reports its analysis "
                "of the accounts involved.",
            ),
            DemoItem(
                "省际边界道路交通安全联合整治",
                "G60 沪昆高速、G50 沪渝高速省界路段事故多发，需统一查控点位与执法标准。",
                "上海、江苏牵头制定省界卡口联勤方案，统一执法标准。",
                "Shanghai and Jiangsu lead a joint plan for the checkpoints on the provincial "
                "borders with one enforcement standard.",
            ),
        ),
        minutes="会议通报了上半年区域警务合作情况，听取了四地关于电信网络诈骗与省界交通治理的汇报，"
        "议定事项见各议题决定。",
        upcoming_zh="长三角区域警务合作第十一次联席会议",
        upcoming_en="11th Joint Meeting of the Yangtze River Delta Police Cooperation",
        upcoming_location="合肥市",
        upcoming_items=(
            ("330000", "在逃人员联合追逃机制优化"),
            ("340000", "长三角情报共享平台数据标准"),
        ),
    ),
    "JJJ": DemoZone(
        past_zh="京津冀警务协同发展第八次联席会议",
        past_en="8th Joint Meeting on Beijing-Tianjin-Hebei Police Coordination",
        past_location="天津市公安局",
        items=(
            DemoItem(
                "首都外围安保圈联动机制",
                "重大活动期间环京检查站查控标准不一，需统一勤务等级与信息通报时限。",
                "各成员单位按统一勤务等级完成环京检查站联勤演练并报送演练报告。",
                "Each member holds a joint drill at its checkpoints around the capital on one "
                "duty level and reports on it.",
            ),
            DemoItem(
                "跨区域涉毒案件线索共享",
                "新型毒品经物流寄递渠道跨省流通，需建立寄递线索互推机制。",
                "北京、河北牵头建立寄递渠道涉毒线索互推机制。",
                "Beijing and Hebei lead a mechanism to pass on leads about drugs in parcels.",
            ),
        ),
        minutes="会议总结了首都安保协作经验，部署了下一阶段涉毒线索共享工作。",
        upcoming_zh="京津冀警务协同发展第九次联席会议",
        upcoming_en="9th Joint Meeting on Beijing-Tianjin-Hebei Police Coordination",
        upcoming_location="石家庄市",
        upcoming_items=(("120000", "港口治安联合管控"), ("130000", "雄安新区警务协作")),
    ),
    "NW": DemoZone(
        past_zh="西北五省区警务协作第六次联席会议",
        past_en="6th Joint Meeting of the North-West Police Cooperation",
        past_location="西安市",
        items=(
            DemoItem(
                "跨省区毒品通道联合查缉",
                "经河西走廊的毒品运输案件增多，需在省区交界设置联合查缉点。",
                "各成员单位在省区交界设立联合查缉点并报送查获情况。",
                "Each member sets up a joint drug checkpoint on its borders and reports seizures.",
            ),
            DemoItem(
                "牧区治安联防",
                "省区交界牧区草场纠纷引发治安案件，需建立联调联防机制。",
                "陕西、甘肃牵头建立牧区矛盾纠纷联调联防机制。",
                "Shaanxi and Gansu lead joint mediation of disputes in the pastoral areas.",
            ),
        ),
        minutes="会议通报了禁毒协作成效，议定了交界牧区治安联防事项。",
        upcoming_zh="西北五省区警务协作第七次联席会议",
        upcoming_en="7th Joint Meeting of the North-West Police Cooperation",
        upcoming_location="银川市",
        upcoming_items=(("620000", "跨省区在逃人员追逃"), ("650000", "边境地区反恐联训")),
    ),
    "ASEAN3": DemoZone(
        past_zh="东盟与中日韩首都警察合作第五次会议",
        past_en="5th Meeting of the ASEAN+3 Capital City Police Cooperation",
        past_location="Bangkok",
        items=(
            DemoItem(
                "Transnational telecom and online scam centres",
                "Scam compounds recruit victims of trafficking across the region; cases in "
                "every capital rose over the past year.",
                "各成员警方指定打击跨国电信诈骗联络员，并交换涉诈窝点情报。",
                "Each member names a contact officer for transnational scam centres and "
                "exchanges intelligence on the compounds.",
            ),
            DemoItem(
                "Drug trafficking from the Golden Triangle",
                "Methamphetamine seizures at record levels; routes shift towards maritime "
                "transport.",
                "泰国、老挝警方牵头编制湄公河流域毒品通道研判报告。",
                "Thailand and Laos lead an analysis of the trafficking routes along the Mekong.",
            ),
        ),
        minutes="The meeting reviewed cooperation against scam centres and drug trafficking "
        "and agreed the actions recorded under each item.",
        upcoming_zh="东盟与中日韩首都警察合作第六次会议",
        upcoming_en="6th Meeting of the ASEAN+3 Capital City Police Cooperation",
        upcoming_location="Kuala Lumpur",
        upcoming_items=(("MY-KUL", "Cybercrime evidence exchange"), ("SG-SIN", "Fugitive returns")),
    ),
}

# Who leads the second item's commands, by zone (two members each).
LEADS = {
    "YRD": ("310000", "320000"),
    "JJJ": ("110000", "130000"),
    "NW": ("610000", "620000"),
    "ASEAN3": ("TH-BKK", "LA-VTE"),
}


@contextmanager
def _at(when: datetime) -> Iterator[None]:
    with use_clock(FrozenClock(when)):
        yield


def _exists(session: Session, zone: Zone, title: str) -> bool:
    found = session.scalar(
        select(Meeting.id).where(Meeting.zone_id == zone.id, Meeting.title_zh == title)
    )
    return found is not None


def load_demo(session: Session, loader: Actor) -> int:
    """Create the demo meetings of the demo zones that exist; returns how many were created."""
    created = 0
    now = clock.now().replace(second=0, microsecond=0)
    for code, demo in DEMO.items():
        zone = session.scalar(select(Zone).where(Zone.code == code))
        if zone is None:
            continue
        members = [a.code for a in service.member_agencies(zone)]
        if len(members) < 2:
            continue
        if not _exists(session, zone, demo.past_zh):
            _past(session, loader, zone, demo, members, now)
            created += 1
        if not _exists(session, zone, demo.upcoming_zh):
            _upcoming(session, loader, zone, demo, members, now)
            created += 1
    session.flush()
    return created


def _past(
    session: Session,
    loader: Actor,
    zone: Zone,
    demo: DemoZone,
    members: list[str],
    now: datetime,
) -> None:
    start = (now - timedelta(days=60)).replace(hour=1, minute=30)  # 09:30 in China
    with _at(start - timedelta(days=20)):
        meeting = service.create_meeting(
            session,
            loader,
            zone=zone,
            title_zh=demo.past_zh,
            title_en=demo.past_en,
            starts_at=start,
            agenda_cutoff_at=start - timedelta(days=7),
            location=demo.past_location,
        )
    items = []
    with _at(start - timedelta(days=14)):
        for n, item in enumerate(demo.items):
            items.append(
                service.submit_item(
                    session,
                    loader,
                    meeting,
                    title=item.title,
                    description=item.description,
                    agency_code=members[(n + 1) % len(members)],
                )
            )
    with _at(start - timedelta(days=5)):
        service.move_meeting(session, loader, meeting, "publish_agenda")
    with _at(start + timedelta(hours=3)):
        service.move_meeting(session, loader, meeting, "hold")
        everyone = service.decide(
            session,
            loader,
            items[0],
            text_zh=demo.items[0].decision_zh,
            text_en=demo.items[0].decision_en,
            owners=service.ALL_MEMBERS,
            deadline=start + timedelta(days=30),
        )
        leads = [c for c in LEADS[zone.code] if c in members] or members[:2]
        led = service.decide(
            session,
            loader,
            items[1],
            text_zh=demo.items[1].decision_zh,
            text_en=demo.items[1].decision_en,
            owners=leads,
            deadline=now + timedelta(days=20),
        )
        service.record_attendance(session, loader, meeting, attended=members)
        service.record_minutes(session, loader, meeting, text=demo.minutes)
    with _at(start + timedelta(days=2)):
        service.move_meeting(session, loader, meeting, "close")
    # The all-members command: by owner, done on time, done late, overdue (acknowledged),
    # overdue (in progress), and for any further member simply issued (overdue too).
    plans = ["on_time", "late", "acknowledged", "in_progress"]
    for command, plan in zip(everyone.commands, plans, strict=False):
        owner = command.owner.code
        with _at(start + timedelta(days=1)):
            commands.move_command(session, loader, command, "acknowledge")
        if plan == "acknowledged":
            continue
        with _at(start + timedelta(days=3)):
            commands.move_command(session, loader, command, "start")
            commands.add_progress(
                session, loader, command, text=f"{owner}：已部署专项行动，完成首轮线索研判。"
            )
        if plan == "in_progress":
            continue
        done_at = start + timedelta(days=(20 if plan == "on_time" else 41))
        with _at(done_at):
            commands.add_progress(
                session, loader, command, text=f"{owner}：专项行动结束，报送总结报告。"
            )
            commands.move_command(session, loader, command, "complete")
    # The lead members' commands are under way and not yet due.
    for command in led.commands:
        with _at(start + timedelta(days=4)):
            commands.move_command(session, loader, command, "acknowledge")
            commands.move_command(session, loader, command, "start")


def _upcoming(
    session: Session,
    loader: Actor,
    zone: Zone,
    demo: DemoZone,
    members: list[str],
    now: datetime,
) -> None:
    start = (now + timedelta(days=30)).replace(hour=1, minute=30)
    meeting = service.create_meeting(
        session,
        loader,
        zone=zone,
        title_zh=demo.upcoming_zh,
        title_en=demo.upcoming_en,
        starts_at=start,
        agenda_cutoff_at=start - timedelta(days=10),
        location=demo.upcoming_location,
    )
    for code, title in demo.upcoming_items:
        agency = code if code in members else members[-1]
        service.submit_item(session, loader, meeting, title=title, agency_code=agency)
