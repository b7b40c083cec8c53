"""The meeting pages in both languages: forms, refusals shown on the page, the dashboard."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.core.clock import FrozenClock
from accord.meetings.models import ActionCommand, AgendaItem, Meeting
from tests.factories import act_as
from tests.meetings.helpers import count, decide_all, held_with_item, make_yrd, schedule

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _blobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_ATTACHMENTS_DIR", str(tmp_path / "blobs"))


def _local(dt: object) -> str:
    from accord.web.templating import local_time

    return local_time(dt, "%Y-%m-%dT%H:%M")  # type: ignore[arg-type]  # a datetime


def test_the_secretariat_schedules_from_the_zone_page(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    act_as(client, yrd.secretariat)
    page = client.get("/zones/YRD/meetings")
    assert page.status_code == 200
    assert 'id="meeting-form"' in page.text
    now = frozen_clock.now()
    bad = client.post(
        "/zones/YRD/meetings",
        data={
            "title_zh": "联席会议",
            "starts_at": _local(now + timedelta(days=2)),
            "agenda_cutoff_at": _local(now + timedelta(days=3)),
        },
        follow_redirects=False,
    )
    assert bad.status_code == 422
    assert 'id="form-error"' in bad.text
    assert "agenda_cutoff_at" in bad.text
    assert count(session, Meeting) == 0
    made = client.post(
        "/zones/YRD/meetings",
        data={
            "title_zh": "联席会议",
            "title_en": "Joint meeting",
            "starts_at": _local(now + timedelta(days=10)),
            "agenda_cutoff_at": _local(now + timedelta(days=5)),
            "location": "合肥",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    listing = client.get("/zones/YRD/meetings", headers=EN)
    assert "Joint meeting" in listing.text
    assert 'id="upcoming-meetings"' in listing.text


def test_members_submit_items_and_the_secretariat_decides_on_the_page(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    meeting = schedule(session, yrd)
    act_as(client, yrd.zj_liaison)
    page = client.get(f"/meetings/{meeting.reference}")
    assert 'id="agenda-form"' in page.text
    assert 'id="meeting-actions"' not in page.text
    empty = client.post(f"/meetings/{meeting.reference}/items", data={"title": " "})
    assert empty.status_code == 422
    assert count(session, AgendaItem) == 0
    ok = client.post(
        f"/meetings/{meeting.reference}/items",
        data={"title": "边界道路交通", "description": "G60 沪昆高速"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    act_as(client, yrd.secretariat)
    for action in ("publish_agenda", "hold"):
        moved = client.post(
            f"/meetings/{meeting.reference}/actions/{action}", follow_redirects=False
        )
        assert moved.status_code == 303
    page = client.get(f"/meetings/{meeting.reference}", headers=EN)
    assert "Record a decision" in page.text
    assert 'id="attendance-form"' in page.text
    item_id = meeting.items[0].id
    no_deadline = client.post(
        f"/meetings/{meeting.reference}/items/{item_id}/decision",
        data={"text_zh": "决定", "owners": ["all"]},
    )
    assert no_deadline.status_code == 422
    assert count(session, ActionCommand) == 0
    decided = client.post(
        f"/meetings/{meeting.reference}/items/{item_id}/decision",
        data={
            "text_zh": "联合整治",
            "owners": ["330000", "320000"],
            "deadline": _local(frozen_clock.now() + timedelta(days=20)),
        },
        follow_redirects=False,
    )
    assert decided.status_code == 303
    assert count(session, ActionCommand) == 2
    assert (
        client.post(
            f"/meetings/{meeting.reference}/attendance",
            data={"attended": ["330000"]},
            follow_redirects=False,
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/meetings/{meeting.reference}/minutes", data={"text": "纪要"}, follow_redirects=False
        ).status_code
        == 303
    )
    shown = client.get(f"/meetings/{meeting.reference}")
    assert "联合整治" in shown.text
    assert 'class="decision-commands"' in shown.text
    assert "纪要" in shown.text
    wrong = client.post(f"/meetings/{meeting.reference}/actions/hold")
    assert wrong.status_code == 409
    assert 'id="form-error"' in wrong.text


def test_the_owner_works_the_command_page(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    command = next(c for c in decide_all(session, yrd, item).commands if c.owner.code == "330000")
    ref = command.reference
    act_as(client, yrd.zj_liaison)
    page = client.get(f"/commands/{ref}")
    assert 'data-action="acknowledge"' in page.text
    assert 'id="extension-form"' not in page.text
    assert (
        client.post(f"/commands/{ref}/actions/acknowledge", follow_redirects=False).status_code
        == 303
    )
    refused = client.post(
        f"/commands/{ref}/progress",
        files={"file": ("x.txt", b"hello", "text/plain")},
        data={"text": ""},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 200
    assert 'role="alert"' in refused.text
    done = client.post(
        f"/commands/{ref}/progress",
        files={"file": ("progress.txt", "已抓获嫌疑人 3 名\n".encode(), "text/plain")},
        data={"text": "第一阶段完成"},
        headers={"HX-Request": "true"},
    )
    assert done.status_code == 204
    assert done.headers["HX-Redirect"] == f"/commands/{ref}"
    page = client.get(f"/commands/{ref}", headers=EN)
    assert "第一阶段完成" in page.text
    assert "progress.txt" in page.text
    act_as(client, yrd.secretariat)
    page = client.get(f"/commands/{ref}")
    assert 'id="extension-form"' in page.text
    bad = client.post(
        f"/commands/{ref}/extension",
        data={"deadline": _local(frozen_clock.now() + timedelta(days=90)), "reason": ""},
    )
    assert bad.status_code == 422
    assert "reason" in bad.text
    good = client.post(
        f"/commands/{ref}/extension",
        data={"deadline": _local(frozen_clock.now() + timedelta(days=90)), "reason": "节假日"},
        follow_redirects=False,
    )
    assert good.status_code == 303


def test_the_dashboard_shows_a_chart_and_the_same_numbers_as_a_table(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    decide_all(session, yrd, item, deadline=frozen_clock.now() + timedelta(days=1))
    frozen_clock.advance(timedelta(days=2))
    act_as(client, yrd.zj_director)
    for headers in ({}, EN):
        page = client.get("/zones/YRD/dashboard", headers=headers)
        assert page.status_code == 200
    assert "/static/vendor/echarts-6.1.0.min.js" in page.text
    data = re.search(r'id="commands-chart-data">(.*?)</script>', page.text, re.S)
    assert data is not None
    chart = json.loads(data.group(1))
    assert chart["members"] == ["310000", "320000", "330000", "340000"]
    assert chart["series"]["overdue"] == [1, 1, 1, 1]
    assert 'id="overdue-commands"' in page.text
    assert client.get("/meetings-assets/dashboard.js").status_code == 200
    assert client.get("/static/vendor/echarts-6.1.0.min.js").status_code == 200
    act_as(client, yrd.outsider)
    assert client.get("/zones/YRD/dashboard").status_code == 403
