"""Demo agreements: one per demo zone, signed by every founding member and in force, with sharing
rules for every kind of data; the Yangtze River Delta also has a draft amendment to compare.

The texts paraphrase the themes such regional agreements publish (joint intelligence, fugitives,
telecom fraud, border-road traffic); they are illustrations, not the signed documents.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.security.actor import Actor
from accord.zones.agreements import service
from accord.zones.models import Zone
from accord.zones.sharing import DATA_KINDS


def _rules(
    full: Collection[str],
    hit: Collection[str],
    *,
    subs: Collection[str] = (),
    codes: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """A rule for every kind: `full`, `hit` (hit_no_hit) or none; H0 unless `codes` says."""
    out = []
    for kind in DATA_KINDS:
        mode = "full" if kind in full else "hit_no_hit" if kind in hit else "none"
        out.append(
            {
                "data_kind": kind,
                "mode": mode,
                "handling_code": (codes or {}).get(kind, "H0"),
                "include_subordinates": kind in subs,
            }
        )
    return out


ALERTS = {k for k in DATA_KINDS if k.startswith("alert.")}
RECORDS = {k for k in DATA_KINDS if k.startswith("record.")}


@dataclass(frozen=True)
class DemoAgreement:
    zone: str
    title_zh: str
    title_en: str
    articles: list[tuple[str, str]]
    fields: list[str]
    public: bool
    rules: list[dict[str, Any]]
    amendment: list[tuple[str, str]] = field(default_factory=list)
    amended_rules: list[dict[str, Any]] = field(default_factory=list)


def _text(articles: list[tuple[str, str]], lang: int) -> str:
    return "\n".join(a[lang] for a in articles)


YRD = DemoAgreement(
    zone="YRD",
    title_zh="长三角区域警务一体化合作协议",
    title_en="Yangtze River Delta Regional Policing Integration Agreement",
    articles=[
        (
            "第一条 为深化长三角区域警务合作，共同维护区域安全稳定，上海市、江苏省、浙江省、"
            "安徽省公安机关订立本协议。",
            "Article 1 The public security organs of Shanghai, Jiangsu, Zhejiang and Anhui "
            "conclude this agreement to deepen policing cooperation and keep the region safe and "
            "stable.",
        ),
        (
            "第二条 各方建立情报信息共享机制，按照本协议所附共享规则交换在逃人员、被盗抢车辆等"
            "布控信息。",
            "Article 2 The parties share intelligence and exchange alerts on wanted persons and "
            "stolen vehicles under the sharing rules attached to this agreement.",
        ),
        (
            "第三条 各方协同开展追逃工作，对他方通报的在逃人员，"
            "发现后立即控制并通报发布地公安机关。",
            "Article 3 The parties cooperate on fugitives: a party that finds a person wanted by "
            "another detains the person at once and informs the issuing agency.",
        ),
        (
            "第四条 各方加强省际交界道路交通管理协作，联合开展交通安全整治。",
            "Article 4 The parties coordinate traffic management on roads along their borders and "
            "run joint road-safety operations.",
        ),
        (
            "第五条 各方共享的信息仅用于预防和打击违法犯罪，未经提供方同意不得转交第三方。",
            "Article 5 Information shared is used only to prevent and combat crime and is not "
            "passed to third parties without the consent of the party that provided it.",
        ),
        (
            "第六条 本协议自各方签署之日起生效，每三年评估一次。",
            "Article 6 This agreement takes effect when all parties have signed it and is reviewed "
            "every three years.",
        ),
    ],
    fields=["criminal_investigation", "intelligence", "traffic"],
    public=True,
    rules=_rules(
        {
            "alert.wanted_arrest",
            "alert.wanted_locate",
            "alert.missing_person",
            "alert.stolen_vehicle",
            "assistance_request",
            "record.Person",
            "record.Event",
        },
        {
            "alert.stolen_document",
            "alert.discreet_check",
            "record.Vehicle",
            "record.BankAccount",
            "record.Payment",
        },
        subs={
            "alert.wanted_arrest",
            "alert.stolen_vehicle",
            "alert.missing_person",
            "record.Person",
            "record.Event",
        },
        codes={"record.Person": "H2", "alert.discreet_check": "H2"},
    ),
    amendment=[
        (
            "第三条之一 各方建立电信网络诈骗案件联合止付、冻结协作机制，涉案账户和资金往来"
            "信息全量共享。",
            "Article 3a The parties set up joint stop-payment and freezing for telecom and online "
            "fraud, and share the accounts and payments involved in full.",
        ),
    ],
    amended_rules=_rules(
        {
            "alert.wanted_arrest",
            "alert.wanted_locate",
            "alert.missing_person",
            "alert.stolen_vehicle",
            "assistance_request",
            "record.Person",
            "record.Event",
            "record.BankAccount",
            "record.Payment",
        },
        {"alert.stolen_document", "alert.discreet_check", "record.Vehicle"},
        subs={
            "alert.wanted_arrest",
            "alert.stolen_vehicle",
            "alert.missing_person",
            "record.Person",
            "record.Event",
            "record.BankAccount",
            "record.Payment",
        },
        codes={"record.Person": "H2", "alert.discreet_check": "H2", "record.BankAccount": "H1"},
    ),
)

JJJ = DemoAgreement(
    zone="JJJ",
    title_zh="京津冀及周边地区警务协同发展框架协议",
    title_en="Beijing-Tianjin-Hebei and Surrounding Areas Police Coordination Framework Agreement",
    articles=[
        (
            "第一条 为服务京津冀协同发展，各方在治安防控、反恐处突和打击犯罪方面开展协同。",
            "Article 1 To serve the coordinated development of the capital region, the parties "
            "coordinate public order, counter-terrorism response and the fight against crime.",
        ),
        (
            "第二条 各方共建环首都治安检查站体系，共享查控信息。",
            "Article 2 The parties jointly run the ring of checkpoints around the capital and "
            "share the results of checks.",
        ),
        (
            "第三条 重大活动安保期间，各方按照牵头方统一部署派出警力。",
            "Article 3 During security operations for major events, the parties deploy officers as "
            "the leading party directs.",
        ),
        (
            "第四条 本协议由各方主要负责人签署，自生效之日起五年内有效，期满前进行评估。",
            "Article 4 This agreement is signed by each party's head, is valid for five years from "
            "its effective date and is reviewed before it expires.",
        ),
    ],
    fields=["counter_terrorism", "emergency", "public_order"],
    public=True,
    rules=_rules(
        {"alert.wanted_arrest", "alert.stolen_vehicle", "alert.drone", "assistance_request"},
        {"alert.wanted_locate", "alert.discreet_check", "record.Person", "record.Vehicle"},
        subs={"alert.wanted_arrest", "alert.drone"},
        codes={"record.Person": "H2"},
    ),
)

NW = DemoAgreement(
    zone="NW",
    title_zh="西北地区公安机关反恐维稳与禁毒协作协议",
    title_en="North-West Police Cooperation Agreement on Counter-Terrorism and Drug Control",
    articles=[
        (
            "第一条 各方在反恐怖、禁毒和打击跨区域犯罪方面加强协作。",
            "Article 1 The parties strengthen cooperation against terrorism, drugs and crime that "
            "crosses their borders.",
        ),
        (
            "第二条 各方建立毒品案件线索通报和联合侦查机制。",
            "Article 2 The parties report leads in drug cases to each other and investigate "
            "jointly.",
        ),
        (
            "第三条 涉恐情报按最高保密要求处理，仅向相关方通报。",
            "Article 3 Terrorism-related intelligence is handled at the highest level of "
            "confidentiality and is given only to the parties concerned.",
        ),
    ],
    fields=["counter_terrorism", "drugs", "criminal_investigation"],
    public=False,
    rules=_rules(
        {"alert.wanted_arrest", "assistance_request"},
        {"alert.discreet_check", "record.Person", "record.Event", "record.Address"},
        codes=dict.fromkeys(DATA_KINDS, "H2"),
    ),
)

ASEAN3 = DemoAgreement(
    zone="ASEAN3",
    title_zh="东盟与中日韩首都警察合作谅解备忘录",
    title_en="Memorandum of Understanding on Cooperation among ASEAN Plus Three Capital Police",
    articles=[
        (
            "第一条 各方首都警察机关在打击跨国犯罪、电信诈骗和人口贩运方面开展合作。",
            "Article 1 The capital police forces cooperate against transnational crime, telecom "
            "fraud and trafficking in persons.",
        ),
        (
            "第二条 各方指定联络官，经由联络官渠道交换协查请求。",
            "Article 2 Each party names a liaison officer; requests for assistance pass through "
            "the liaison officers.",
        ),
        (
            "第三条 个人信息的交换遵守各方国内法，仅以命中/未命中方式答复查询。",
            "Article 3 Personal data are exchanged within each party's domestic law; checks are "
            "answered as hit or no hit only.",
        ),
        (
            "第四条 本备忘录不构成国际法上的条约义务。",
            "Article 4 This memorandum does not create obligations under international law.",
        ),
    ],
    fields=["cybercrime", "criminal_investigation", "illegal_immigration"],
    public=True,
    rules=_rules(
        {"assistance_request"},
        {"alert.wanted_arrest", "alert.missing_person", "alert.stolen_document", "record.Person"},
        codes={"record.Person": "H2", "alert.stolen_document": "H1"},
    ),
)

DEMO_AGREEMENTS = (YRD, JJJ, NW, ASEAN3)


def load_demo(session: Session, loader: Actor) -> int:
    """Create the demo agreements (the zones must exist); returns how many were created. A
    zone that already has an agreement is left alone, so a second run changes nothing."""
    created = 0
    for demo in DEMO_AGREEMENTS:
        zone = session.scalars(select(Zone).where(Zone.code == demo.zone)).one_or_none()
        if zone is None or service.list_for_zone(session, zone):
            continue
        _load_one(session, loader, zone, demo)
        created += 1
    return created


def _load_one(session: Session, loader: Actor, zone: Zone, demo: DemoAgreement) -> None:
    signed_on = zone.founded_on
    effective_on = signed_on + timedelta(days=10)
    agreement = service.create(
        session,
        loader,
        zone,
        title_zh=demo.title_zh,
        title_en=demo.title_en,
        changes={
            "text_zh": _text(demo.articles, 0),
            "text_en": _text(demo.articles, 1),
            "fields": demo.fields,
            "effective_on": effective_on,
            "review_on": date(effective_on.year + 5, effective_on.month, 1),
            "public": demo.public,
            "rules": demo.rules,
        },
    )
    first = agreement.versions[0]
    for member in [m for m in zone.members if m.active_on(signed_on)]:
        service.sign(session, loader, first, agency_code=member.agency.code, on=signed_on)
    if demo.amendment:
        draft = service.amend(session, loader, agreement)
        articles = [*demo.articles[:3], *demo.amendment, *demo.articles[3:]]
        service.update_draft(
            session,
            loader,
            draft,
            changes={
                "text_zh": _text(articles, 0),
                "text_en": _text(articles, 1),
                "fields": [*demo.fields, "cybercrime", "money_laundering"],
                "effective_on": date(2027, 1, 1),
                "review_on": date(2030, 1, 1),
                "rules": demo.amended_rules,
            },
        )
    session.flush()
