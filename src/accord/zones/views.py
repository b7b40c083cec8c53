"""The one way a zone is turned into its API shape (used by the API and the CLI)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from accord.zones import service
from accord.zones.models import Zone
from accord.zones.schemas import ChairTermOut, LeaderOut, MemberOut, ZoneOut


def zone_out(session: Session, zone: Zone) -> ZoneOut:
    terms = service.chair_terms(session, zone)
    chair = service.chair_on(terms, service.today())
    return ZoneOut(
        code=zone.code,
        name_zh=zone.name_zh,
        name_en=zone.name_en,
        fields=zone.fields,
        founded_on=zone.founded_on,
        secretariat=zone.secretariat.code,
        secretariat_follows_chair=zone.secretariat_follows_chair,
        chair_term_months=zone.chair_term_months,
        chair=chair.agency.code if chair else None,
        members=[
            MemberOut(
                agency=m.agency.code,
                name_zh=m.agency.name_zh,
                name_en=m.agency.name_en,
                joined_on=m.joined_on,
                left_on=m.left_on,
            )
            for m in zone.members
        ],
        chair_history=[
            ChairTermOut(agency=t.agency.code, starts_on=t.starts_on, ends_on=t.ends_on)
            for t in terms
        ],
        leading_group=[
            LeaderOut(member=code, role=role, username=username, name=name)
            for role, username, name, code in service.leading_group(session, zone)
        ],
    )
