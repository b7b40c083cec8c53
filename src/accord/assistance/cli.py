"""`accord assist ...`: assistance requests on the command line, and their bulk import and
export as JSON lines.

Commands that change a request or read one whole (`send`, `act`, `message`, `show`) act as a
named user (`--as USERNAME`) within that user's rights, so every audit event names a person.
The bulk and listing commands (`list`, `import`, `export`) act, without `--as`, as the
installation itself (recorded as `cli`), as an operator loading a member's interchange file
does: every request, and an import names each line's requesting agency.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from accord.assistance import access, clocks, moves, service, threads
from accord.assistance.access import InvalidRequest, purpose_of, request_subjects
from accord.assistance.api import request_out, summary_out
from accord.assistance.models import AssistanceRequest
from accord.assistance.schemas import EventOut, MoveIn, RequestIn
from accord.assistance.transitions import RequestStatus
from accord.audit import service as audit
from accord.core.cliutil import cli_actor, cli_session, fail, print_json
from accord.core.errors import DomainError
from accord.core.jsonl import parse_records
from accord.core.pagination import MAX_LIMIT
from accord.security.actor import Actor

app = typer.Typer(
    help="Assistance requests: list, show, send, act, message, import, export.",
    no_args_is_help=True,
)

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AS = Annotated[str | None, typer.Option("--as", help="Username of the person acting.")]
BOX = Annotated[
    str | None,
    typer.Option(
        help="inbox (received), sent or all; default inbox with --as, all without.",
    ),
]
STATUS = Annotated[
    list[str] | None,
    typer.Option("--status", help="draft, requested, received, ... (repeatable)."),
]

# The fields of an exported line that make up a request (`RequestIn`) when it is imported.
_COPIED = (
    "request_type",
    "urgency",
    "title",
    "description",
    "legal_basis",
    "case_reference",
    "handling_code",
    "handling_text",
    "source_reliability",
    "information_accuracy",
)


def _actor(session: Session, as_user: str | None) -> Actor:
    return cli_actor(session, as_user) if as_user else Actor.system("cli")


def _box(box: str | None, as_user: str | None) -> str:
    # The installation has no agency of its own, so "its" inbox would be empty: it sees all.
    chosen = box or ("inbox" if as_user else "all")
    if chosen not in service.BOXES:
        raise fail(f"--box is one of {', '.join(service.BOXES)}")
    return chosen


def _statuses(values: list[str] | None) -> list[str]:
    known = [s.value for s in RequestStatus]
    for value in values or []:
        if value not in known:
            raise fail(f"--status {value!r}: one of {', '.join(known)}")
    return list(values or [])


def _validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{where + ': ' if where else ''}{message}"


def _bar(total: int, label: str) -> AbstractContextManager[Any]:
    if sys.stderr.isatty():
        return typer.progressbar(length=total, label=label, file=sys.stderr)
    return nullcontext(None)


def _pages(
    session: Session, actor: Actor, box: str, statuses: list[str], limit: int | None
) -> Iterator[list[AssistanceRequest]]:
    """The requests of the box, newest first, a page at a time (up to `limit` in all)."""
    cursor: str | None = None
    served = 0
    while limit is None or served < limit:
        size = MAX_LIMIT if limit is None else min(MAX_LIMIT, limit - served)
        page = service.list_requests(
            session, actor, box=box, statuses=statuses, cursor=cursor, limit=size
        )
        served += len(page.items)
        yield page.items
        cursor = page.next_cursor
        if cursor is None:
            return


def _history(session: Session, request: AssistanceRequest) -> list[dict[str, Any]]:
    return [
        EventOut(
            action=e.action,
            from_status=e.from_status,
            to_status=e.to_status,
            actor=e.actor,
            reason=e.reason,
            at=e.at,
        ).model_dump(mode="json")
        for e in moves.history(session, request)
    ]


# --- reading --------------------------------------------------------------------------------


@app.command("list")
def list_command(
    box: BOX = None,
    status: STATUS = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="At most this many.")] = 100,
    as_user: AS = None,
    as_json: JSON = False,
) -> None:
    """Requests received (`inbox`), sent, or both, newest first, with their status."""
    statuses = _statuses(status)
    with cli_session() as session:
        actor = _actor(session, as_user)
        rows = []
        for page in _pages(session, actor, _box(box, as_user), statuses, limit):
            views = clocks.clock_views(session, page)
            rows += [summary_out(session, r, views.get(r.id)).model_dump(mode="json") for r in page]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        to = r["addressee"] or f"zone {r['zone']}"
        late = " OVERDUE" if r["overdue"] else ""
        typer.echo(
            f"{r['reference']:<22} {r['status']:<12} {r['urgency']:<8} {r['request_type']:<18} "
            f"{r['requesting_agency']} → {to}{late}  {r['title']}"
        )


@app.command("show")
def show_command(
    ref: Annotated[str, typer.Argument(help="Reference number or id.")],
    as_user: AS = None,
    as_json: JSON = False,
) -> None:
    """One request with its history and thread (the read is audited; the receiving liaison's
    first read marks it received, as on the page)."""
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        request = service.read_request(session, actor, ref)
        threads.mark_read(session, actor, request)
        data = request_out(session, actor, request).model_dump(mode="json")
        data["history"] = _history(session, request)
        data["messages"] = [
            {
                "kind": m.kind,
                "agency": m.agency.code,
                "author": m.author,
                "body": m.body,
                "target_agency": m.target_agency.code if m.target_agency else None,
                "created_at": m.created_at.isoformat().replace("+00:00", "Z"),
            }
            for m in threads.messages(session, request)
        ]
        session.commit()
    if as_json:
        print_json(data)
        return
    to = data["addressee"]["code"] if data["addressee"] else f"zone {data['zone']}"
    typer.echo(f"{data['reference']}  {data['status']}  {data['urgency']}  {data['request_type']}")
    typer.echo(f"  {data['title']}")
    typer.echo(f"  {data['requesting_agency']['code']} ({data['requested_by']}) → {to}")
    typer.echo(f"  handling code {data['handling_code']}  case {data['case_reference'] or '-'}")
    if data["clock"]:
        late = " OVERDUE" if data["clock"]["overdue"] else ""
        typer.echo(f"  due {data['clock']['due_at']} ({data['clock']['status']}){late}")
    if data["outcome"]:
        typer.echo(f"  outcome ({data['outcome_code']}): {data['outcome']}")
    if data["allowed_actions"]:
        typer.echo(f"  you may: {', '.join(data['allowed_actions'])}")
    for e in data["history"]:
        why = f"  {e['reason']}" if e["reason"] else ""
        typer.echo(
            f"  {_short(e['at'])}  {e['action']:<9} → {e['to_status']:<12} {e['actor']}{why}"
        )
    for m in data["messages"]:
        typer.echo(f"  {_short(m['created_at'])}  {m['agency']} {m['author']}: {m['body']}")


def _short(when: str) -> str:
    """An ISO time as `YYYY-MM-DD HH:MM` (UTC), for the text view."""
    return when[:16].replace("T", " ")


# --- changing -------------------------------------------------------------------------------


def _subject(text: str) -> dict[str, str]:
    kind, _, rest = text.partition(":")
    value, _, name = rest.partition(":")
    if not kind or not rest:
        raise fail(f"--subject {text!r}: give KIND:VALUE[:NAME], e.g. phone:13800138000")
    return {"kind": kind.strip(), "value": value.strip(), "name": name.strip()}


@app.command("send")
def send_command(
    file: Annotated[
        Path | None, typer.Option("--file", help="A request as one JSON object; flags override.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Addressee agency code.")] = None,
    zone: Annotated[str | None, typer.Option(help="Zone code: ask every member.")] = None,
    zone_mode: Annotated[str | None, typer.Option(help="fan_out or claim.")] = None,
    request_type: Annotated[str | None, typer.Option("--type", help="locate, ...")] = None,
    urgency: Annotated[str | None, typer.Option(help="urgent, high or routine.")] = None,
    title: Annotated[str | None, typer.Option()] = None,
    description: Annotated[str | None, typer.Option()] = None,
    legal_basis: Annotated[str | None, typer.Option()] = None,
    case_reference: Annotated[str | None, typer.Option("--case")] = None,
    subject: Annotated[
        list[str] | None,
        typer.Option(help="KIND:VALUE[:NAME], kind person/vehicle/phone/account (repeatable)."),
    ] = None,
    handling_code: Annotated[str | None, typer.Option(help="H0 to H3.")] = None,
    handling_text: Annotated[str | None, typer.Option(help="H3's restriction.")] = None,
    reliability: Annotated[str | None, typer.Option(help="Source reliability A/B/C/X.")] = None,
    accuracy: Annotated[str | None, typer.Option(help="Information accuracy 1-4.")] = None,
    deadline: Annotated[
        str | None, typer.Option(help="ISO date-time with its offset (default: the urgency's).")
    ] = None,
    requesting_agency: Annotated[
        str | None, typer.Option("--from", help="Requesting agency code; your own by default.")
    ] = None,
    draft: Annotated[bool, typer.Option("--draft", help="Keep it as a draft.")] = False,
    as_user: AS = None,
    as_json: JSON = False,
) -> None:
    """Send a request to one agency (`--to`) or a whole zone (`--zone`), or keep a draft."""
    data: dict[str, Any] = {}
    if file is not None:
        try:
            loaded = json.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise fail(f"cannot read {file}: {exc.strerror}") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise fail(f"{file} is not a JSON object: {exc}") from exc
        if not isinstance(loaded, dict):
            raise fail(f"{file} is not a JSON object")
        data.update(loaded)
    flags: dict[str, Any] = {
        "addressee": to,
        "zone": zone,
        "zone_mode": zone_mode,
        "request_type": request_type,
        "urgency": urgency,
        "title": title,
        "description": description,
        "legal_basis": legal_basis,
        "case_reference": case_reference,
        "subjects": [_subject(s) for s in subject] if subject else None,
        "handling_code": handling_code,
        "handling_text": handling_text,
        "source_reliability": reliability,
        "information_accuracy": accuracy,
        "deadline": deadline,
        "requesting_agency": requesting_agency,
        "draft": draft or None,
    }
    data.update({k: v for k, v in flags.items() if v is not None})
    try:
        body = RequestIn.model_validate(data)
    except ValidationError as exc:
        raise fail(_validation_message(exc)) from exc
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        created = service.create_request(session, actor, body)
        out = request_out(session, actor, created).model_dump(mode="json")
        session.commit()
    if as_json:
        print_json(out)
    else:
        children = f" ({len(out['children'])} member requests)" if out["children"] else ""
        typer.echo(f"{out['reference']} {out['status']}{children}")


@app.command("act")
def act_command(
    ref: Annotated[str, typer.Argument(help="Reference number or id.")],
    action: Annotated[
        str,
        typer.Argument(
            help="submit, receive, accept, reject, start, hold, resume, complete or cancel."
        ),
    ],
    reason: Annotated[str, typer.Option(help="Why (reject, hold, cancel).")] = "",
    outcome: Annotated[str, typer.Option(help="What came of it (complete).")] = "",
    outcome_code: Annotated[
        str | None, typer.Option(help="achieved, partly or not_achieved (complete).")
    ] = None,
    as_user: AS = None,
    as_json: JSON = False,
) -> None:
    """Move a request along its status table."""
    try:
        body = MoveIn.model_validate(
            {"reason": reason, "outcome": outcome, "outcome_code": outcome_code}
        )
    except ValidationError as exc:
        raise fail(_validation_message(exc)) from exc
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        request = access.get_request(session, ref)
        moves.move(session, actor, request, action, body)
        out = request_out(session, actor, request).model_dump(mode="json")
        session.commit()
    if as_json:
        print_json(out)
    else:
        typer.echo(f"{out['reference']} {out['status']}")


@app.command("message")
def message_command(
    ref: Annotated[str, typer.Argument(help="Reference number or id.")],
    text: Annotated[str, typer.Argument(help="The message.")],
    as_user: AS = None,
) -> None:
    """Write to the other side on the request's thread."""
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        request = access.get_request(session, ref)
        message = threads.post_message(session, actor, request, body=text)
        session.commit()
        typer.echo(f"{request.reference} message {message.id}")


# --- bulk -----------------------------------------------------------------------------------


def request_in_of(record: dict[str, Any]) -> dict[str, Any]:
    """An exported line (the request as the API shows it) as the fields of a new request, so
    an export imports again: the same request, sent anew (status and history stay behind)."""
    out = {k: record[k] for k in _COPIED if k in record}
    out["subjects"] = record.get("subjects") or []
    requester = record.get("requesting_agency")
    if isinstance(requester, dict):
        out["requesting_agency"] = requester.get("code")
    addressee = record.get("addressee")
    if isinstance(addressee, dict):
        out["addressee"] = addressee.get("code")
    elif record.get("zone"):
        out["zone"] = record["zone"]
        if record.get("zone_mode"):
            out["zone_mode"] = record["zone_mode"]
    if record.get("status") == RequestStatus.DRAFT.value:
        out["draft"] = True
    return out


def _import_lines(path: Path) -> Iterator[str]:
    """The file's lines, an exported line turned into a request's fields."""
    try:
        with path.open(encoding="utf-8") as fp:
            for line in fp:
                stripped = line.strip()
                if stripped.startswith("{") and '"reference"' in stripped:
                    try:
                        record = json.loads(stripped)
                    except json.JSONDecodeError:
                        yield line  # the parser names the line
                        continue
                    if isinstance(record, dict) and "reference" in record:
                        line = json.dumps(request_in_of(record), ensure_ascii=False)
                yield line
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise fail(f"{path} is not UTF-8 text") from exc


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="JSON lines, one request a line.")],
    as_user: AS = None,
    as_json: JSON = False,
) -> None:
    """Send the requests of a file, all or nothing: every line is checked first, and a line
    the service refuses names its number and field; nothing is written then."""
    if not file.is_file():
        raise fail(f"cannot read {file}: no such file")
    records = parse_records(_import_lines(file), RequestIn, InvalidRequest)
    references: list[str] = []
    with cli_session() as session, _bar(len(records), "requests") as bar:
        actor = _actor(session, as_user)
        for number, record in records:
            try:
                created = service.create_request(session, actor, record)
            except DomainError as exc:
                # Keep the error's kind (a refusal stays a 403, audited), with the line named.
                where = f"field {exc.field!r}: " if exc.field else ""
                exc.detail = f"line {number}: {where}{exc.detail}"
                exc.data["line"] = number
                raise
            references.append(created.reference)
            if bar is not None:
                bar.update(1)
        session.commit()
    if as_json:
        print_json({"imported": len(references), "references": references})
    else:
        typer.echo(f"imported {len(references)} requests")


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write (JSON lines).")],
    box: BOX = None,
    status: STATUS = None,
    as_user: AS = None,
) -> None:
    """Write the requests of the box, one a line, as the API shows them, with their history.
    Each exported request is an audited read (the lines carry personal data)."""
    statuses = _statuses(status)
    partial = out.with_name(out.name + ".partial")
    count = 0
    with cli_session() as session:
        actor = _actor(session, as_user)
        events: list[audit.EventSpec] = []
        try:
            with partial.open("w", encoding="utf-8") as fp:
                requests = _pages(session, actor, _box(box, as_user), statuses, None)
                for r in (r for page in requests for r in page):
                    line = request_out(session, actor, r).model_dump(mode="json")
                    line["history"] = _history(session, r)
                    fp.write(json.dumps(line, ensure_ascii=False) + "\n")
                    events.append(
                        audit.EventSpec(
                            action="assistance_request.exported",
                            object_type=access.OBJECT_TYPE,
                            object_id=r.id,
                            purpose=purpose_of(r),
                            case_ref=r.case_reference or None,
                            subjects=tuple(request_subjects(r)),
                            detail={"reference": r.reference, "file": out.name},
                        )
                    )
                    count += 1
            audit.record_many(session, actor, events)
            session.commit()
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(out)
    typer.echo(f"exported {count} requests to {out}", err=True)
