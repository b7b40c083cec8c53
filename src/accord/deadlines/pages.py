"""The business calendar page: a year of holidays and make-up working days; admins edit it."""

from __future__ import annotations

import calendar as pycal
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from accord.core import clock
from accord.core.errors import DomainError, InvalidInput
from accord.deadlines import calendar as bizcal
from accord.deadlines import service
from accord.deadlines.models import CalendarDay, DayKind
from accord.security import policy
from accord.security.deps import CurrentActor
from accord.web.deps import DbSession
from accord.web.htmx import redirect
from accord.web.templating import render

router = APIRouter(prefix="/calendar", include_in_schema=False)


def _months(year: int, rows: list[CalendarDay], cal: bizcal.BusinessCalendar) -> list[Any]:
    """Twelve month grids (weeks of Monday..Sunday cells; None outside the month)."""
    listed = {r.day: r for r in rows}
    grid = pycal.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            cells: list[dict[str, Any] | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                row = listed.get(day)
                cells.append(
                    {
                        "day": day,
                        "kind": str(row.kind) if row else None,
                        "row": row,
                        "business": cal.is_business_day(day),
                    }
                )
            weeks.append(cells)
        months.append({"number": month, "weeks": weeks})
    return months


def _runs(rows: list[CalendarDay]) -> list[dict[str, Any]]:
    """Consecutive dates of the same kind and name, as one line each (a holiday's days)."""
    runs: list[dict[str, Any]] = []
    for row in rows:
        last = runs[-1] if runs else None
        if (
            last is not None
            and (row.day - last["last"]).days == 1
            and (row.kind, row.name_zh, row.name_en) == last["key"]
        ):
            last["last"] = row.day
            last["days"].append(row.day)
            continue
        runs.append(
            {
                "key": (row.kind, row.name_zh, row.name_en),
                "first": row.day,
                "last": row.day,
                "days": [row.day],
                "row": row,
            }
        )
    return runs


def _page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    year: int,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    rows = service.list_days(session, year)
    cal = service.business_calendar(session)
    return render(
        request,
        "deadlines/calendar.html",
        {
            "year": year,
            "rows": rows,
            "runs": _runs(rows),
            "months": _months(year, rows, cal),
            "years": sorted({*service.years_listed(session), year}),
            "can_edit": policy.allows(actor, "calendar.manage"),
            "error": error,
            "form": form or {},
            "today": bizcal.local_date(clock.now()),
        },
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
def calendar_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> HTMLResponse:
    return _page(request, session, actor, year or bizcal.local_date(clock.now()).year)


@router.post("", response_class=HTMLResponse, response_model=None)
def set_day(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    day: Annotated[str, Form(max_length=10)],
    kind: Annotated[str, Form(max_length=10)],
    name_zh: Annotated[str, Form(max_length=100)] = "",
    name_en: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Mark a date (from the admin form); a refusal re-shows the form with the reason."""
    form = {"day": day, "kind": kind, "name_zh": name_zh, "name_en": name_en}
    year = bizcal.local_date(clock.now()).year
    try:
        when = _parse_day(day)
        year = when.year
        try:
            day_kind = DayKind(kind)
        except ValueError:
            raise InvalidInput("kind is holiday or workday", field="kind") from None
        service.set_day(session, actor, day=when, kind=day_kind, name_zh=name_zh, name_en=name_en)
    except DomainError as exc:
        session.rollback()
        if exc.status == 403:
            raise
        return _page(
            request, session, actor, year, error=exc.detail, form=form, status_code=exc.status
        )
    session.commit()
    return redirect(request, f"/calendar?year={year}")


@router.post("/{day}/unset", response_class=HTMLResponse, response_model=None)
def unset_day(request: Request, session: DbSession, actor: CurrentActor, day: date) -> Response:
    service.unset_day(session, actor, day=day)
    session.commit()
    return redirect(request, f"/calendar?year={day.year}")


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date like 2026-10-01", field="day") from None
