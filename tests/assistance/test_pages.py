"""The assistance pages in both languages: the inbox and its live list, the new-request form
(and its refusals), one request worked through its buttons, the thread with read receipts and
files, routing (reassign, forward under the handling code), a zone request's children, the
printable letter, the transfer from a confirmed hit, and who is refused."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.alerts import followups
from accord.assistance.models import AssistanceMessage, AssistanceRequest
from accord.attachments.models import Attachment
from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from accord.web.i18n import translations
from tests.alerts.test_followups_factory import make_alert, make_check
from tests.assistance.conftest import World
from tests.factories import act_as

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}
HX = {"HX-Request": "true"}
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def zh(message: str) -> str:
    text: str = translations("zh").ugettext(message)
    return text


@pytest.fixture
def blobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "blobs"
    monkeypatch.setenv("ACCORD_ATTACHMENTS_DIR", str(root))
    return root


def _version(page_text: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', page_text)
    assert match, "no move form on the page"
    return match.group(1)


def _post_pairs(
    client: TestClient,
    path: str,
    pairs: list[tuple[str, str]],
    headers: dict[str, str] | None = None,
) -> Any:
    """A form POST with repeated fields (the subject rows), as a browser sends it."""
    return client.post(
        path,
        content=urlencode(pairs),
        headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        follow_redirects=False,
    )


def _move(client: TestClient, ref: str, action: str, version: str, **fields: str) -> int:
    answer = client.post(
        f"/assist/{ref}/actions/{action}",
        data={"version": version, **fields},
        follow_redirects=False,
    )
    return answer.status_code


# --- the inbox -----------------------------------------------------------------------------------


def test_the_inbox_shows_received_and_sent_with_clocks_and_refreshes_live(
    client: TestClient, session: Session, world: World, frozen_clock: FrozenClock
) -> None:
    request = world.ask(session)
    ref = request.reference
    act_as(client, world.liaisons["ZJ"])
    page = client.get("/assist", headers=EN)
    assert page.status_code == 200
    row = re.search(rf'<tr[^>]*data-reference="{ref}".*?</tr>', page.text, re.S)
    assert row, page.text
    assert 'data-urgency="urgent"' in row.group(0)
    assert "Locate a person" in row.group(0)
    assert "8:00:00 left" in row.group(0)
    assert "data-countdown" in row.group(0)  # a wall clock the browser counts down
    assert 'hx-trigger="accord:notification from:body, every 30s"' in page.text
    assert 'href="/assist"' in page.text  # the nav link
    assert 'src="/assist-assets/assist.js"' in page.text
    # The list alone, filtered by status, as the live refresh asks for it.
    listed = client.get("/assist/list?box=inbox&status=requested", headers=EN)
    assert ref in listed.text
    assert "<html" not in listed.text
    assert ref not in client.get("/assist/list?box=inbox&status=completed").text
    assert ref not in client.get("/assist?box=sent").text
    # Overdue: the row is flagged, in Chinese too.
    frozen_clock.advance(timedelta(hours=9))
    late = client.get("/assist/list", headers=EN)
    assert "work-overdue" in late.text
    assert "Overdue by 1:00:00" in late.text
    late_zh = client.get("/assist/list", headers=ZH)
    assert zh("Overdue by %(time)s") % {"time": "1:00:00"} in late_zh.text
    assert zh("Locate a person") in late_zh.text
    # The requester finds it under "sent" and "all", not under "received".
    act_as(client, world.investigators["SH"])
    assert ref in client.get("/assist?box=sent").text
    assert ref in client.get("/assist?box=all").text
    assert 'id="assist-empty"' in client.get("/assist?box=inbox").text
    # Another member sees nothing of it.
    act_as(client, world.liaisons["AH"])
    assert ref not in client.get("/assist?box=all").text


def test_the_inbox_pages_newest_first(client: TestClient, session: Session, world: World) -> None:
    made = [world.ask(session, title=f"Request {n}").reference for n in range(27)]
    act_as(client, world.investigators["SH"])
    first = client.get("/assist?box=sent")
    shown = re.findall(r'<tr[^>]*data-reference="([^"]+)"', first.text)
    assert shown == made[::-1][:25]
    older = re.search(r'id="next-page" href="([^"]+)"|href="([^"]+)" id="next-page"', first.text)
    assert older
    second = client.get((older.group(1) or older.group(2)).replace("&amp;", "&"))
    assert re.findall(r'<tr[^>]*data-reference="([^"]+)"', second.text) == made[::-1][25:]
    assert 'id="first-page"' in second.text
    bad = client.get("/assist?box=sent&cursor=not-a-cursor")
    assert bad.status_code == 422


# --- the new-request form --------------------------------------------------------------------


FORM = {
    "request_type": "locate",
    "urgency": "urgent",
    "target": "agency",
    "addressee": "330000",
    "title": "查找嫌疑人下落 Locate a suspect",
    "description": "嫌疑人张伟可能藏匿于杭州",
    "legal_basis": "《刑事诉讼法》第八十一条",
    "case_reference": "沪公刑 2026-0815",
    "handling_code": "H2",
    "source_reliability": "B",
    "information_accuracy": "2",
}


def test_the_form_sends_a_request_and_keeps_what_was_typed_when_refused(
    client: TestClient, session: Session, world: World
) -> None:
    act_as(client, world.investigators["SH"])
    form = client.get("/assist/new?addressee=330000&request_type=locate&urgency=urgent", headers=EN)
    assert form.status_code == 200
    assert 'id="request-form"' in form.text
    assert 'value="330000"' in form.text
    assert '<option value="locate" selected>' in form.text
    assert re.search(r'value="urgent"\s+checked', form.text)
    assert '<option value="330100">' in form.text  # Hangzhou, below a zone member, suggested
    assert 'name="csrf_token"' in form.text
    assert form.text.count('name="subject_value"') == 3

    subjects = [
        ("subject_kind", "person"),
        ("subject_value", "110101199003071234"),
        ("subject_name", "张伟"),
        ("subject_note", "左臂纹身"),
        ("subject_kind", "vehicle"),
        ("subject_value", "沪A12345"),
        ("subject_name", ""),
        ("subject_note", ""),
        ("subject_kind", "phone"),
        ("subject_value", ""),
        ("subject_name", ""),
        ("subject_note", ""),
    ]
    sent = _post_pairs(client, "/assist/new", [*FORM.items(), *subjects], EN)
    assert sent.status_code == 303, sent.text
    made = session.scalars(select(AssistanceRequest)).one()
    assert sent.headers["location"] == f"/assist/{made.reference}"
    assert made.status.value == "requested"
    assert made.addressee_agency_id == world.agencies["ZJ"].id
    assert [(s["kind"], s["value"]) for s in made.subjects] == [
        ("person", "110101199003071234"),
        ("vehicle", "沪A12345"),
    ]
    assert made.subjects[0]["note"] == "左臂纹身"
    assert (made.handling_code, made.source_reliability, made.information_accuracy) == (
        "H2",
        "B",
        "2",
    )

    # Refusals show the form again with the reason and what was typed; nothing is stored.
    for changes, says in (
        ({"title": ""}, "title"),
        ({"addressee": "VN-HAN"}, "may not address VN-HAN"),
        ({"handling_code": "H3"}, "H3 states its restriction"),
        ({"deadline": "tomorrow"}, "is not a date and time"),
        ({"deadline": "2026-11-23T10:02"}, "between 5 minutes and a year"),
        (
            {
                "target": "zone",
                "zone": "YRD",
                "zone_mode": "claim",
                "request_type": "records_check",
            },
            "claim mode",
        ),
    ):
        refused = _post_pairs(client, "/assist/new", [*(FORM | changes).items(), *subjects[:4]], EN)
        assert refused.status_code == 422, (changes, refused.status_code)
        assert 'id="form-error"' in refused.text
        assert says in refused.text, (says, refused.text)
        assert "沪公刑 2026-0815" in refused.text
        assert 'value="110101199003071234"' in refused.text
    assert session.scalar(select(func.count()).select_from(AssistanceRequest)) == 1

    # A draft stays with its author; a zone request fans out to the other members.
    draft = client.post(
        "/assist/new", data={**FORM, "draft": "1", "title": "Draft"}, follow_redirects=False
    )
    assert draft.status_code == 303
    kept = session.scalars(
        select(AssistanceRequest).where(AssistanceRequest.title == "Draft")
    ).one()
    assert kept.status.value == "draft"
    zone = client.post(
        "/assist/new",
        data={**FORM, "target": "zone", "zone": "YRD", "zone_mode": "claim", "title": "全区查找"},
        follow_redirects=False,
        headers=HX,
    )
    assert zone.status_code == 204
    parent = session.scalars(
        select(AssistanceRequest).where(
            AssistanceRequest.title == "全区查找", AssistanceRequest.parent_id.is_(None)
        )
    ).one()
    assert zone.headers["HX-Redirect"] == f"/assist/{parent.reference}"
    assert parent.is_zone_parent
    assert parent.zone_mode == "claim"


def test_a_user_who_may_not_request_gets_no_form(
    client: TestClient, session: Session, world: World
) -> None:
    from accord.security.actor import Role
    from tests.factories import make_actor

    director = make_actor(
        world.agencies["ZJ"], Role.DIRECTOR, username="zj.dir", zone_id=world.zone.id
    )
    act_as(client, director)
    assert client.get("/assist/new").status_code == 403
    assert client.post("/assist/new", data=FORM).status_code == 403


# --- one request, worked through its buttons -----------------------------------------------------


def test_the_receiving_liaison_works_the_request_from_its_page(
    client: TestClient, session: Session, world: World, frozen_clock: FrozenClock
) -> None:
    request = world.ask(session, legal_basis="刑诉法第八十一条", handling_code="H1")
    ref = request.reference
    act_as(client, world.liaisons["ZJ"])
    page = client.get(f"/assist/{ref}", headers=EN)
    assert page.status_code == 200
    # The receiving side's first read marks it received; the read is audited.
    assert 'data-status="received"' in page.text
    reads = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(request.id))
    ).all()
    assert "assistance_request.read" in reads
    assert "Locate a person" in page.text
    assert 'id="request-urgency">Urgent' in page.text
    assert "Not to be used in court without the owner" in page.text  # the H1 banner
    assert 'class="handling handling-h1"' in page.text
    assert "8:00:00 left" in page.text
    assert "110101199003071234" in page.text
    assert "张伟" in page.text
    assert 'data-live-refs="' + ref in page.text
    assert 'data-action="accept"' in page.text
    assert 'data-action="reject"' in page.text
    assert 'data-action="cancel"' not in page.text  # the requester's move
    version = _version(page.text)
    assert _move(client, ref, "accept", version) == 303
    # A page shown before the accept is out of date now: its move loses with 409.
    stale = client.post(f"/assist/{ref}/actions/start", data={"version": version}, headers=EN)
    assert stale.status_code == 409
    assert "changed by someone else" in stale.text
    page = client.get(f"/assist/{ref}", headers=EN)
    assert 'data-status="accepted"' in page.text
    assert _move(client, ref, "start", _version(page.text)) == 303
    page = client.get(f"/assist/{ref}", headers=EN)
    # Hold needs a reason: the page says so, and nothing moved.
    blank = client.post(
        f"/assist/{ref}/actions/hold", data={"version": _version(page.text)}, headers=EN
    )
    assert blank.status_code == 422
    assert 'id="form-error"' in blank.text
    assert "reason" in blank.text
    frozen_clock.advance(timedelta(hours=1))
    assert _move(client, ref, "hold", _version(page.text), reason="等待沪方补充照片") == 303
    frozen_clock.advance(timedelta(hours=1))
    page = client.get(f"/assist/{ref}", headers=EN)
    assert 'data-status="on_hold"' in page.text
    assert 'id="status-reason"' in page.text
    assert "等待沪方补充照片" in page.text
    assert 'data-clock="paused"' in page.text
    assert "Paused" in page.text
    assert "7:00:00 left" in page.text  # an hour counted before the hold; the hour on hold not
    # A move the table does not list from here is refused with 409.
    wrong = client.post(
        f"/assist/{ref}/actions/complete",
        data={"version": _version(page.text), "outcome": "x"},
        headers=EN,
    )
    assert wrong.status_code == 409
    assert _move(client, ref, "resume", _version(page.text)) == 303
    page = client.get(f"/assist/{ref}", headers=EN)
    nothing = client.post(
        f"/assist/{ref}/actions/complete", data={"version": _version(page.text)}, headers=EN
    )
    assert nothing.status_code == 422
    assert "outcome" in nothing.text
    bad_code = client.post(
        f"/assist/{ref}/actions/complete",
        data={"version": _version(page.text), "outcome": "x", "outcome_code": "maybe"},
        headers=EN,
    )
    assert bad_code.status_code == 422
    assert "outcome_code" in bad_code.text
    done = _move(
        client,
        ref,
        "complete",
        _version(page.text),
        outcome="嫌疑人已于杭州抓获并移交",
        outcome_code="achieved",
    )
    assert done == 303
    page = client.get(f"/assist/{ref}", headers=EN)
    assert 'data-status="completed"' in page.text
    assert 'id="request-outcome"' in page.text
    assert "嫌疑人已于杭州抓获并移交" in page.text
    assert 'data-outcome="achieved"' in page.text
    assert 'data-clock="stopped"' in page.text
    assert 'id="request-actions"' not in page.text
    history = re.findall(r'<tr data-action="([a-z_]+)"', page.text)
    assert history == ["submit", "receive", "accept", "start", "hold", "resume", "complete"]
    # The requester's page shows every step, in Chinese.
    act_as(client, world.investigators["SH"])
    mine = client.get(f"/assist/{ref}", headers=ZH)
    assert zh("Completed") in mine.text
    assert zh("Put on hold") in mine.text
    assert "等待沪方补充照片" in mine.text


def test_the_requester_cancels_with_a_reason(
    client: TestClient, session: Session, world: World
) -> None:
    ref = world.ask(session).reference
    act_as(client, world.investigators["SH"])
    page = client.get(f"/assist/{ref}", headers=EN)
    assert 'data-status="requested"' in page.text  # the requester's read receives nothing
    assert 'data-action="accept"' not in page.text
    assert 'id="cancel-form"' in page.text
    refused = client.post(
        f"/assist/{ref}/actions/cancel", data={"version": _version(page.text)}, headers=EN
    )
    assert refused.status_code == 422
    assert _move(client, ref, "cancel", _version(page.text), reason="嫌疑人已自首") == 303
    page = client.get(f"/assist/{ref}", headers=EN)
    assert 'data-status="cancelled"' in page.text
    assert "嫌疑人已自首" in page.text


def test_other_agencies_are_refused(client: TestClient, session: Session, world: World) -> None:
    request = world.ask(session)
    ref = request.reference
    act_as(client, world.liaisons["AH"])
    for path in (f"/assist/{ref}", f"/assist/{ref}/letter"):
        page = client.get(path, headers=EN)
        assert page.status_code == 403, path
        assert "Forbidden" in page.text
    assert client.post(f"/assist/{ref}/actions/accept", data={}).status_code == 403
    assert client.post(f"/assist/{ref}/messages", data={"body": "hi"}).status_code == 403
    assert client.post(f"/assist/{ref}/reassign", data={"agency": "340000"}).status_code == 403
    denied = session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "access.denied")
    ).all()
    assert denied
    # The requester's own side may not accept what it sent.
    act_as(client, world.liaisons["SH"])
    page = client.get(f"/assist/{ref}", headers=EN)
    assert 'data-action="accept"' not in page.text
    assert client.post(f"/assist/{ref}/actions/accept", data={}).status_code == 403
    assert client.get("/assist/SH-2026-999999", headers=EN).status_code == 404
    session.refresh(request)
    assert request.status.value == "requested"


# --- the thread ------------------------------------------------------------------------------


def test_messages_with_files_and_read_receipts(
    client: TestClient, session: Session, world: World, blobs: Path
) -> None:
    ref = world.ask(session).reference
    act_as(client, world.investigators["SH"])
    empty = client.post(f"/assist/{ref}/messages", data={"body": " "}, headers=HX)
    assert empty.status_code == 200
    assert 'id="slot-error"' in empty.text
    wrong = client.post(
        f"/assist/{ref}/messages",
        data={"body": "照片"},
        files={"file": ("photo.exe", b"MZ\x90\x00", "application/x-msdownload")},
        headers=HX,
    )
    assert wrong.status_code == 200
    assert "not accepted" in wrong.text
    assert session.scalar(select(func.count()).select_from(AssistanceMessage)) == 0
    sent = client.post(
        f"/assist/{ref}/messages",
        data={"body": "补充：嫌疑人常驾驶白色轿车"},
        files={"file": ("照片说明.pdf", PDF, "application/pdf")},
        headers=HX,
    )
    assert sent.status_code == 204
    assert sent.headers["HX-Redirect"] == f"/assist/{ref}"
    attached = client.post(
        f"/assist/{ref}/attachments",
        files={"file": ("warrant.pdf", PDF, "application/pdf")},
        headers=HX,
    )
    assert attached.status_code == 204
    none = client.post(f"/assist/{ref}/attachments", headers=HX)
    assert none.status_code == 200
    assert "choose a file" in none.text
    assert session.scalar(select(func.count()).select_from(Attachment)) == 2

    act_as(client, world.liaisons["ZJ"])
    page = client.get(f"/assist/{ref}", headers=EN)
    assert "补充：嫌疑人常驾驶白色轿车" in page.text
    assert "照片说明.pdf" in page.text
    assert "warrant.pdf" in page.text
    assert (
        client.post(
            f"/assist/{ref}/messages", data={"body": "收到，已布控"}, follow_redirects=False
        ).status_code
        == 303
    )

    act_as(client, world.investigators["SH"])
    page = client.get(f"/assist/{ref}", headers=EN)
    assert "收到，已布控" in page.text
    assert re.search(r"Read by zj\.liaison \(330000\) at 2026-11-23 10:00", page.text)
    act_as(client, world.liaisons["ZJ"])
    again = client.get(f"/assist/{ref}", headers=EN)
    assert re.search(r"Read by sh\.investigator \(310000\) at", again.text)


# --- routing -------------------------------------------------------------------------------------


def test_reassign_and_forward_under_the_handling_code(
    client: TestClient, session: Session, world: World
) -> None:
    ref = world.ask(session, handling_code="H2").reference
    act_as(client, world.liaisons["ZJ"])
    page = client.get(f"/assist/{ref}", headers=EN)
    assert 'id="reassign-form"' in page.text
    assert 'id="forward-form"' in page.text
    assert 'id="forward-rule"' in page.text
    assert 'id="permission-form"' in page.text
    # H2: not passed on to Anhui before the owner's permission, and the page says why.
    refused = client.post(f"/assist/{ref}/forward", data={"agency": "340000"}, headers=EN)
    assert refused.status_code == 403
    assert 'id="form-error"' in refused.text
    assert "without the owner's permission" in refused.text
    asked = client.post(
        f"/assist/{ref}/permission",
        data={"agency": "340000", "body": "嫌疑人或已逃往合肥"},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    act_as(client, world.investigators["SH"])
    page = client.get(f"/assist/{ref}", headers=EN)
    assert 'data-kind="permission_request"' in page.text
    assert 'data-action="grant"' in page.text
    message_id = session.scalars(
        select(AssistanceMessage.id).where(AssistanceMessage.kind == "permission_request")
    ).one()
    assert (
        client.post(
            f"/assist/{ref}/permission/{message_id}",
            data={"grant": "yes", "body": "同意"},
            follow_redirects=False,
        ).status_code
        == 303
    )
    page = client.get(f"/assist/{ref}", headers=EN)
    assert 'data-kind="permission_granted"' in page.text
    assert 'data-action="grant"' not in page.text  # answered
    act_as(client, world.liaisons["ZJ"])
    page = client.get(f"/assist/{ref}", headers=EN)
    assert "Granted for: 340000" in page.text
    passed = client.post(
        f"/assist/{ref}/forward",
        data={"agency": "340000", "note": "请协查"},
        follow_redirects=False,
    )
    assert passed.status_code == 303
    forwarded = session.scalars(
        select(AssistanceRequest).where(AssistanceRequest.forwarded_from_id.is_not(None))
    ).one()
    assert passed.headers["location"] == f"/assist/{forwarded.reference}"
    page = client.get(f"/assist/{forwarded.reference}", headers=EN)
    assert f'href="/assist/{ref}"' in page.text  # passed on from
    assert 'id="linked-requests"' in page.text
    # Reassignment inside the receiving agency keeps the thread.
    outside = client.post(f"/assist/{ref}/reassign", data={"agency": "320000"}, headers=EN)
    assert outside.status_code == 422
    assert "is not inside the receiving agency" in outside.text
    assert (
        client.post(
            f"/assist/{ref}/reassign",
            data={"agency": "330100", "unit": "刑侦支队二大队", "note": "属地查找"},
            follow_redirects=False,
        ).status_code
        == 303
    )
    page = client.get(f"/assist/{ref}", headers=EN)
    assert 'id="handling-agency"' in page.text
    assert "刑侦支队二大队" in page.text
    assert '<tr data-action="reassign">' in page.text
    assert "属地查找" in page.text
    assert 'data-kind="permission_request"' in page.text  # the same thread


# --- a zone request, and the letter ---------------------------------------------------------------


def test_a_zone_request_lists_its_members_requests_and_the_letter_its_recipients(
    client: TestClient, session: Session, world: World
) -> None:
    parent = world.ask(session, to=None, zone="YRD", zone_mode="fan_out")
    act_as(client, world.investigators["SH"])
    page = client.get(f"/assist/{parent.reference}", headers=EN)
    assert page.status_code == 200
    children = re.findall(r'<tr data-reference="([^"]+)" data-status="requested"', page.text)
    assert len(children) == 3
    live_refs = page.text.split('data-live-refs="')[1].split('"')[0].split()
    assert sorted(live_refs) == sorted([parent.reference, *children])
    assert "Every member answers" in page.text
    letter = client.get(f"/assist/{parent.reference}/letter", headers=EN)
    assert letter.status_code == 200
    assert "To the members of Yangtze River Delta" in letter.text
    for name in ("Jiangsu", "Zhejiang", "Anhui"):
        assert name in letter.text


def test_the_letter_carries_the_banner_at_top_and_foot(
    client: TestClient, session: Session, world: World
) -> None:
    request = world.ask(
        session,
        handling_code="H3",
        handling_text="仅限本案使用",
        legal_basis="《刑事诉讼法》第八十一条",
        description="请协助查找嫌疑人张伟下落",
    )
    act_as(client, world.investigators["SH"])
    letter = client.get(f"/assist/{request.reference}/letter", headers=ZH)
    assert letter.status_code == 200
    banners = re.findall(r'<p class="banner" id="handling-banner[^"]*">([^<]+)</p>', letter.text)
    assert len(banners) == 2
    assert banners[0] == banners[1]
    assert banners[0].startswith("H3 · ")
    assert "仅限本案使用" in banners[0]
    assert zh("Letter of request for assistance") in letter.text
    assert zh("Locate a person") in letter.text
    for fact in (
        "沪公刑 2026-0815",
        "《刑事诉讼法》第八十一条",
        "请协助查找嫌疑人张伟下落",
        "110101199003071234",
    ):
        assert fact in letter.text
    assert 'id="letter-deadline">2026-11-23 18:00' in letter.text  # 8 hours, Beijing time
    assert "/assist-assets/assist.css" in letter.text
    css = client.get("/assist-assets/assist.css")
    assert css.status_code == 200
    assert "@media print" in css.text
    js = client.get("/assist-assets/assist.js")
    assert js.status_code == 200
    assert "accord:notification" in js.text
    reads = session.scalars(
        select(AuditEvent.purpose).where(
            AuditEvent.action == "assistance_request.read",
            AuditEvent.object_id == str(request.id),
        )
    ).all()
    assert reads == [f"assistance request {request.reference}"]


# --- from a confirmed hit --------------------------------------------------------------------


def test_a_confirmed_hit_opens_a_transfer_request_in_one_click(
    client: TestClient, session: Session, world: World
) -> None:
    alert = make_alert(session, world.agencies["JS"], handling_code="H2")
    check = make_check(session, world.officers["SH"], alert)
    followup = followups.report_hit(
        session, world.officers["SH"], check_id=check.id, alert_id=alert.id
    )
    session.commit()
    js = world.liaisons["JS"]
    act_as(client, js)
    page = client.get(f"/followups/{followup.reference}", headers=EN)
    assert 'id="transfer-form"' not in page.text  # not before the confirmation
    refused = client.post(f"/assist/from-followup/{followup.reference}", headers=EN)
    assert refused.status_code == 422
    assert "a transfer follows a confirmed hit" in refused.text
    followups.claim(session, js, followup)
    followups.confirm(session, js, followup)
    session.commit()
    page = client.get(f"/followups/{followup.reference}", headers=EN)
    assert 'id="transfer-form"' in page.text
    assert "Open a transfer request" in page.text
    made = client.post(f"/assist/from-followup/{followup.reference}", follow_redirects=False)
    assert made.status_code == 303
    transfer = session.scalars(select(AssistanceRequest)).one()
    assert made.headers["location"] == f"/assist/{transfer.reference}"
    assert transfer.request_type == "arrest_transfer"
    again = client.post(f"/assist/from-followup/{followup.reference}", follow_redirects=False)
    assert again.headers["location"] == made.headers["location"]
    assert session.scalar(select(func.count()).select_from(AssistanceRequest)) == 1
    page = client.get(f"/assist/{transfer.reference}", headers=EN)
    assert f'id="followup-link"><code>{followup.reference}' in page.text
    assert "Arrest and transfer a fugitive" in page.text
    # The finding side sees no button on the follow-up.
    act_as(client, world.officers["SH"])
    page = client.get(f"/followups/{followup.reference}", headers=EN)
    assert 'id="transfer-form"' not in page.text
