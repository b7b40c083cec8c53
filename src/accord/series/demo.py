"""The demo's joint case: Pudong's investigator opened one on the series Pudong's cases share
with Jiangsu and Zhejiang; Jiangsu's liaison released its records and answered on the thread,
and Zhejiang's consent is still waiting (its liaison finds the request in the inbox).

Worked through the real services, as the demo users would, after discovery; skipped once a
joint case exists or when no series spans the three.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.security import service as security_service
from accord.security.actor import Actor
from accord.series import joint_consent, joint_lifecycle, joint_thread
from accord.series.models import JointCase, Series, SeriesCase

LEAD, RELEASING, WAITING = "310115", "320000", "330000"
TITLE = "沪苏浙冒充客服电信诈骗串案 · Impersonation fraud series across Shanghai, Jiangsu, Zhejiang"
MESSAGES = (
    (
        "js.liaison",
        "江苏厅已同意提供本省案件及嫌疑人材料，涉案收款账户已申请冻结。"
        " · Jiangsu has released its cases and suspects; the receiving accounts are being frozen.",
    ),
    (
        "sh.investigator",
        "浦东分局负责资金流向分析，请浙江厅核查涉案手机号的开户信息。"
        " · Pudong takes the money trail; Zhejiang, please check who registered the phones.",
    ),
)


def _user(session: Session, username: str) -> Actor:
    return security_service.actor_for(security_service.get_user(session, username), via="demo")


def _series(session: Session) -> Series | None:
    """The strongest active series with cases at all three agencies."""
    codes = (LEAD, RELEASING, WAITING)
    ids = [a.id for c in codes if (a := agencies_service.find_by_code(session, c)) is not None]
    if len(ids) != len(codes):
        return None
    spanning = (
        select(SeriesCase.series_id)
        .where(SeriesCase.agency_id.in_(ids))
        .group_by(SeriesCase.series_id)
        .having(func.count(func.distinct(SeriesCase.agency_id)) == len(ids))
    )
    return session.scalars(
        select(Series)
        .where(Series.status == "active", Series.id.in_(spanning))
        .order_by(Series.score.desc(), Series.key)
    ).first()


def load_demo(session: Session) -> int:
    """Open, release and discuss the demo joint case; the number of joint cases opened."""
    if session.scalar(select(func.count()).select_from(JointCase)):
        return 0
    series = _series(session)
    if series is None:
        return 0
    case = joint_lifecycle.open_joint_case(
        session, _user(session, "sh.investigator"), series_key=series.key, title=TITLE
    )
    releasing = agencies_service.find_by_code(session, RELEASING)
    assert releasing is not None  # found by `_series`
    joint_consent.decide_release(
        session, _user(session, "js.liaison"), joint_case=case, agency=releasing, grant=True
    )
    for username, body in MESSAGES:
        joint_thread.post_message(session, _user(session, username), joint_case=case, body=body)
    return 1
