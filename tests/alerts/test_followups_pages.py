"""The hit follow-up pages in both languages: the check page's "Report hit" form, the dashboard
and its live lists, one follow-up with the viewer's buttons, refusals on the page, the print."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.alerts.followup_models import HitFollowUp
from accord.alerts.kinds import AlertType, Priority
from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from tests.alerts.test_followups_factory import (
    PERSON,
    confirmed,
    make_alert,
    make_check,
    make_scene,
    reported,
)
from tests.factories import act_as

EN = {"Accept-Language": "en"}


def test_report_hit_from_the_check_page_form(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    alert = make_alert(session, scene.agencies["JS"])
    check = make_check(session, scene.officer, alert, band="possible")
    act_as(client, scene.officer)
    form = {"check_id": str(check.id), "alert_id": str(alert.id), "note": "likely: same scar"}
    made = client.post("/followups", data=form, follow_redirects=False)
    assert made.status_code == 303
    reference = session.scalars(select(HitFollowUp.reference)).one()
    assert made.headers["location"] == f"/followups/{reference}"
    # A second click opens the same follow-up instead of a second one.
    again = client.post(
        "/followups", data=form, follow_redirects=False, headers={"HX-Request": "true"}
    )
    assert (again.status_code, again.headers["HX-Redirect"]) == (204, f"/followups/{reference}")
    assert session.scalar(select(func.count()).select_from(HitFollowUp)) == 1
    page = client.get(f"/followups/{reference}", headers=EN)
    assert page.status_code == 200
    assert 'id="followup-reference"' in page.text
    assert "likely: same scar" in page.text
    assert "pinyin ZHANG WEI = 张伟" in page.text
    assert 'id="alert-withheld"' in page.text  # the finder sees "match at JS" only, for now
    assert PERSON["name"] not in page.text.split('id="probe-facts"')[0]
    assert "+86 25 8452 0110" in page.text  # the issuer's 24/7 contact
    assert "10:00 left" in page.text
    assert 'id="followup-actions"' not in page.text


def test_a_refused_report_shows_why(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    alert = make_alert(session, scene.agencies["JS"])
    check = make_check(session, scene.officer, alert, band="cleared")
    act_as(client, scene.officer)
    form = {"check_id": str(check.id), "alert_id": str(alert.id)}
    page = client.post("/followups", data=form, headers=EN)
    assert page.status_code == 422
    assert "only a hit or a possible can be reported" in page.text
    slot = client.post("/followups", data=form, headers={"HX-Request": "true"})
    assert slot.status_code == 200
    assert 'id="followup-error"' in slot.text
    bad = client.post("/followups", data={"check_id": "x", "alert_id": str(alert.id)})
    assert bad.status_code == 422
    assert "check_id" in bad.text
    assert session.scalar(select(func.count()).select_from(HitFollowUp)) == 0


def test_the_liaison_claims_and_confirms_on_the_page(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    alert, _, f = reported(
        session,
        scene,
        misused_identity=True,
        distinguishing_facts="the real holder is 1.65 m and has no tattoo",
    )
    act_as(client, scene.liaison)
    board = client.get("/followups", headers=EN)
    assert board.status_code == 200
    assert 'id="followups-to-answer"' in board.text
    assert f.reference in board.text
    assert 'hx-get="/followups/lists"' in board.text
    frozen_clock.advance(timedelta(minutes=12))
    lists = client.get("/followups/lists", headers=EN)
    assert "Overdue by 02:00" in lists.text
    assert "work-overdue" in lists.text
    page = client.get(f"/followups/{f.reference}", headers=EN)
    assert 'id="misused-identity"' in page.text
    assert "no tattoo" in page.text
    assert 'data-action="claim"' in page.text
    assert 'data-action="confirm"' not in page.text
    claimed = client.post(f"/followups/{f.reference}/claim", follow_redirects=False)
    assert claimed.status_code == 303
    page = client.get(f"/followups/{f.reference}", headers=EN)
    assert 'id="confirm-form"' in page.text
    assert 'id="refuse-form"' in page.text
    assert alert.action_on_hit in page.text  # the confirm form's default
    blank = client.post(f"/followups/{f.reference}/refuse", data={"facts": ""}, headers=EN)
    assert blank.status_code == 422
    assert 'id="form-error"' in blank.text
    confirm = client.post(
        f"/followups/{f.reference}/confirm", data={"action": "Arrest"}, follow_redirects=False
    )
    assert confirm.status_code == 303
    page = client.get(f"/followups/{f.reference}", headers=EN)
    assert 'id="answer-confirmed"' in page.text
    assert 'id="followup-actions"' not in page.text
    board = client.get("/followups", headers=EN)
    assert 'id="followups-awaiting-outcome"' in board.text
    assert 'id="followups-to-answer"' not in board.text
    # Chinese by default.
    assert '<html lang="zh-CN">' in client.get(f"/followups/{f.reference}").text


def test_the_officer_reports_a_discreet_check_on_the_page(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    f = confirmed(session, scene, alert_type=AlertType.DISCREET_CHECK, priority=Priority.ROUTINE)
    act_as(client, scene.officer)
    page = client.get(f"/followups/{f.reference}", headers=EN)
    assert 'id="discreet-warning"' in page.text
    assert "the subject must not be told" in page.text
    assert 'name="place"' in page.text
    missing = client.post(
        f"/followups/{f.reference}/outcome",
        data={"outcome": "carried_out", "time": "10:40", "vehicle": "white GL8"},
        headers=EN,
    )
    assert missing.status_code == 422
    assert "the report needs the place" in missing.text
    assert 'value="white GL8"' in missing.text  # what was typed is kept
    done = client.post(
        f"/followups/{f.reference}/outcome",
        data={"outcome": "carried_out", "place": "G60 toll", "time": "10:40", "items": "2 bags"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = client.get(f"/followups/{f.reference}", headers=EN)
    assert 'id="discreet-report"' in page.text
    assert "2 bags" in page.text
    printed = client.get(f"/followups/{f.reference}/print", headers=EN)
    assert printed.status_code == 200
    assert 'id="handling-banner"' in printed.text
    assert "H2 · Not to be passed on without the owner&#39;s permission." in printed.text
    assert printed.text.count("H2 · Not to be passed on") == 2  # at the top and at the foot
    assert "G60 toll" in printed.text
    assert "Discreet check: the subject must not be told." in printed.text


def test_the_print_and_the_dashboard_in_chinese_and_the_refusals(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    _, _, f = reported(session, scene)
    act_as(client, scene.officer)
    board = client.get("/followups")
    assert board.status_code == 200
    assert 'id="followups-reported"' in board.text
    assert 'id="nothing-to-answer"' in board.text
    printed = client.get(f"/followups/{f.reference}/print")
    assert printed.status_code == 200
    assert re.search(r'id="handling-banner">H2 · ', printed.text)
    reads = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "hit_followup.read", AuditEvent.object_id == str(f.id))
    )
    assert reads == 1
    act_as(client, scene.outsider)
    assert client.get(f"/followups/{f.reference}").status_code == 403
    assert client.get(f"/followups/{f.reference}/print").status_code == 403
    assert client.post(f"/followups/{f.reference}/claim").status_code == 403
    assert client.get("/followups/SH-2026-999999").status_code == 404
    act_as(client, scene.other_liaison)
    client.post(f"/followups/{f.reference}/claim")
    act_as(client, scene.liaison)
    late = client.post(f"/followups/{f.reference}/claim", headers=EN)
    assert late.status_code == 409
    assert "already claimed by js.liaison2" in late.text
    act_as(client, None)
    assert client.get("/followups", follow_redirects=False).status_code == 303
