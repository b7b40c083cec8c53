"""Watches: a user subscribes to a person cluster, a phone or an account, and is told when an
agency shares new data on it, within the sharing rules (N-DEx's subscriptions).

What a watcher hears follows what they may see at the time: a record they may see in full gives
"new data on <key> at <agency>" with a link; a hit/no-hit-only one gives "match at agency X";
one they may not see gives nothing. Nobody hears of their own changes. Notices go to the
watcher's inbox and live feed only (the watched key is in the title, so they never leave the
installation by e-mail or webhook).
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit import service as audit
from accord.audit.subjects import Subject
from accord.core import clock
from accord.core.errors import InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.linkage.models import ClusterMember, PersonCluster
from accord.matching.numbers import normalise_account, normalise_phone
from accord.notify import service as notify
from accord.records import access, entities
from accord.records.access import FULL, HIT, Viewer
from accord.records.models import SharedRecord, Watch
from accord.security import policy
from accord.security.actor import Actor
from accord.security.models import User

KINDS = ("cluster", "phone", "account")
CHANNELS = ("inbox", "live")
CHUNK = 5000


class WatchNotFound(NotFound):
    code = "watch_not_found"
    title = "Watch not found"


class InvalidWatch(InvalidInput):
    code = "invalid_watch"
    title = "Invalid watch"


def normalise_key(kind: str, text: str) -> str:
    """The watched key as records are keyed: E.164 phone, account digits and letters, cluster
    key upper case (`PC-000123`). Refused (naming `key`) when it cannot be one."""
    if kind not in KINDS:
        raise InvalidWatch(f"a watch is on a {', '.join(KINDS)}", field="kind")
    value: str | None
    if kind == "phone":
        value = normalise_phone(text)
    elif kind == "account":
        value = normalise_account(text)
    else:
        value = (text or "").strip().upper() or None
    if not value:
        raise InvalidWatch(f"{text!r} is not a {kind}", field="key")
    return value


def _subjects(kind: str, key: str) -> list[Subject]:
    return entities.audit_keys([(kind, key)]) if kind in entities.WATCHABLE else []


def create_watch(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    key: str,
    purpose: str | None,
    label: str = "",
) -> Watch:
    """Watch a cluster, phone or account (the purpose is kept and audited). Watching what one
    already watches returns that watch."""
    policy.require(actor, "records.watch")
    if actor.user_id is None or actor.agency_id is None:
        raise InvalidWatch("a watch belongs to a user of an agency", field="user")
    value = normalise_key(kind, key)
    stated = (purpose or "").strip()
    if not stated:
        raise InvalidWatch("a watch states its purpose", field="purpose")
    if kind == "cluster" and (
        session.scalar(select(PersonCluster.id).where(PersonCluster.key == value)) is None
    ):
        raise InvalidWatch(f"no person cluster {value}", field="key")
    existing = session.scalar(
        select(Watch).where(
            Watch.user_id == actor.user_id,
            Watch.kind == kind,
            Watch.key == value,
            Watch.ended_at.is_(None),
        )
    )
    if existing is not None:
        return existing
    watch = Watch(
        id=uuid7(),
        user_id=actor.user_id,
        username=actor.username,
        agency_id=actor.agency_id,
        kind=kind,
        key=value,
        label=(label or value).strip()[:200],
        purpose=stated[: access.PURPOSE_MAX],
        created_at=clock.now(),
        details={},
    )
    session.add(watch)
    session.flush()
    audit.record(
        session,
        actor,
        action="record.watch_created",
        object_type="record_watch",
        object_id=watch.id,
        purpose=watch.purpose,
        subjects=_subjects(kind, value),
        detail={"kind": kind, "key": value if kind == "cluster" else None},
    )
    return watch


def list_watches(session: Session, actor: Actor) -> list[Watch]:
    """The actor's own active watches, newest first."""
    policy.require(actor, "records.watch")
    if actor.user_id is None:
        return []
    return list(
        session.scalars(
            select(Watch)
            .where(Watch.user_id == actor.user_id, Watch.ended_at.is_(None))
            .order_by(Watch.created_at.desc(), Watch.id.desc())
        )
    )


def end_watch(session: Session, actor: Actor, watch_id: uuid.UUID) -> Watch:
    """End one of the actor's own watches (another user's is "not found")."""
    policy.require(actor, "records.watch")
    watch = session.get(Watch, watch_id)
    if watch is None or watch.user_id != actor.user_id or watch.ended_at is not None:
        raise WatchNotFound("no such watch of yours", field="watch")
    watch.ended_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor,
        action="record.watch_ended",
        object_type="record_watch",
        object_id=watch.id,
        subjects=_subjects(watch.kind, watch.key),
        detail={"kind": watch.kind},
    )
    return watch


# --- telling watchers --------------------------------------------------------------------------


def _watchers(session: Session, watches: Iterable[Watch]) -> dict[uuid.UUID, Viewer]:
    """Each watcher's view as their account stands now (deactivated or unknown: none)."""
    by_user: dict[uuid.UUID, Viewer] = {}
    ids = {w.user_id for w in watches}
    if not ids:
        return by_user
    from accord.security import service as security_service

    for user in session.scalars(select(User).where(User.id.in_(ids))):
        if user.active:
            by_user[user.id] = Viewer(session, security_service.actor_for(user, via="watch"))
    return by_user


def watching(session: Session, keys: Iterable[tuple[str, str]]) -> list[Watch]:
    """The active phone and account watches on any of `keys` ((kind, key) pairs)."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    for kind, key in keys:
        if kind in entities.WATCHABLE:
            by_kind[kind].add(key)
    found: list[Watch] = []
    for kind, values in by_kind.items():
        ordered = sorted(values)
        for start in range(0, len(ordered), CHUNK):
            found.extend(
                session.scalars(
                    select(Watch).where(
                        Watch.kind == kind,
                        Watch.key.in_(ordered[start : start + CHUNK]),
                        Watch.ended_at.is_(None),
                    )
                )
            )
    return found


def _digest(records: Sequence[SharedRecord]) -> str:
    text = ",".join(sorted(f"{r.id}:{r.version}" for r in records))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _tell(
    session: Session,
    watch: Watch,
    viewer: Viewer,
    records: Sequence[SharedRecord],
    *,
    what: str,
    event: str,
    full_link: str,
) -> int:
    """One notice per owner agency: the most the watcher may see of its records."""
    told = 0
    by_agency: dict[uuid.UUID, list[SharedRecord]] = defaultdict(list)
    for r in records:
        by_agency[r.agency_id].append(r)
    agencies = access.agency_refs(session, by_agency)
    for agency_id, group in sorted(by_agency.items(), key=lambda item: agencies[item[0]].code):
        modes = {r.id: viewer.access(r.agency_id, r.schema).mode for r in group}
        shown = [r for r in group if modes[r.id] == FULL]
        hits = [r for r in group if modes[r.id] == HIT]
        code = agencies[agency_id].code
        if shown:
            title = f"关注 · Watch: {what} on {watch.label or watch.key} at {code}"
            link = f"/records/{shown[0].id}" if len(shown) == 1 else full_link
            chosen = shown
        elif hits:
            title = f"关注 · Watch {watch.label or watch.key}: match at agency {code}"
            link = f"/records/{hits[0].id}"
            chosen = hits
        else:
            continue
        message = notify.enqueue(
            session,
            event=event,
            title=title,
            link=link,
            to_users=[watch.user_id],
            channels=CHANNELS,
            dedupe_key=f"record_watch:{watch.id}:{event}:{_digest(chosen)}",
            data={
                "watch_id": str(watch.id),
                "agency": code,
                "view": FULL if shown else HIT,
                "records": [str(r.id) for r in chosen[:100]],
            },
        )
        told += message is not None
    return told


def notify_new_data(
    session: Session,
    records: Sequence[SharedRecord],
    *,
    actor: Actor | None = None,
    event: str = "record.watch.new_data",
    what: str = "new data",
    live_only: bool = True,
) -> int:
    """Tell the watchers of the phones and accounts in `records` (new or changed) of them;
    returns how many notices were queued. The actor who made the change hears nothing of it,
    nobody hears of a record already expired."""
    keyed: dict[tuple[str, str], list[SharedRecord]] = defaultdict(list)
    day = access.today()
    for r in records:
        if live_only and not access.is_live(r, day):
            continue
        for kind, key in entities.keys_of(r.schema, r.properties):
            if kind in entities.WATCHABLE:
                keyed[(kind, key)].append(r)
    watches = [
        w
        for w in watching(session, keyed)
        if actor is None or actor.user_id is None or w.user_id != actor.user_id
    ]
    viewers = _watchers(session, watches)
    told = 0
    for watch in watches:
        viewer = viewers.get(watch.user_id)
        if viewer is None:
            continue
        matched = keyed[(watch.kind, watch.key)]
        search_link = "/records?" + urlencode({"q": watch.key})
        told += _tell(
            session, watch, viewer, matched, what=what, event=event, full_link=search_link
        )
    return told


def cluster_keys(session: Session, record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The person cluster key of each record that is in one."""
    ids = sorted(set(record_ids))
    found: dict[uuid.UUID, str] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(ClusterMember.record_id, PersonCluster.key)
            .join(PersonCluster, PersonCluster.id == ClusterMember.cluster_id)
            .where(ClusterMember.record_id.in_(ids[start : start + CHUNK]))
        )
        found.update({row.record_id: row.key for row in rows})
    return found


def _cluster_watches(session: Session, key: str, actor: Actor | None) -> list[Watch]:
    """The active watches of person cluster `key`, but the acting user's own."""
    return [
        w
        for w in session.scalars(
            select(Watch).where(Watch.kind == "cluster", Watch.key == key, Watch.ended_at.is_(None))
        )
        if actor is None or actor.user_id is None or w.user_id != actor.user_id
    ]


def _tell_cluster(
    session: Session,
    key: str,
    watches: Sequence[Watch],
    records: Sequence[SharedRecord],
    *,
    what: str,
    event: str,
) -> int:
    """Tell each watcher of cluster `key` of `records` (as the watcher may see them)."""
    viewers = _watchers(session, watches)
    told = 0
    for watch in watches:
        viewer = viewers.get(watch.user_id)
        if viewer is not None:
            told += _tell(
                session,
                watch,
                viewer,
                records,
                what=what,
                event=event,
                full_link=f"/linkage/clusters/{key}",
            )
    return told


def notify_cluster_growth(
    session: Session,
    *,
    cluster_key: str,
    record_ids: Sequence[uuid.UUID],
    actor: Actor | None = None,
    event: str = "record.watch.cluster_grew",
    what: str = "new data",
) -> int:
    """Tell the watchers of person cluster `cluster_key` that these records joined it (call it
    after linkage adds records to a cluster); returns how many notices were queued."""
    key = cluster_key.strip().upper()
    watches = _cluster_watches(session, key, actor)
    if not watches or not record_ids:
        return 0
    day = access.today()
    records = [
        r
        for r in session.scalars(select(SharedRecord).where(SharedRecord.id.in_(set(record_ids))))
        if access.is_live(r, day)
    ]
    return _tell_cluster(session, key, watches, records, what=what, event=event)


def notify_withdrawn(
    session: Session, records: Sequence[SharedRecord], *, actor: Actor | None = None
) -> int:
    """Tell the watchers of these records' phones, accounts and clusters that the owner
    withdrew them (only those who could see them hear of it)."""
    told = notify_new_data(
        session,
        records,
        actor=actor,
        event="record.watch.withdrawn",
        what="record withdrawn",
        live_only=False,
    )
    by_cluster: dict[str, list[uuid.UUID]] = defaultdict(list)
    for record_id, key in cluster_keys(session, [r.id for r in records]).items():
        by_cluster[key].append(record_id)
    for key, ids in by_cluster.items():
        group = [r for r in records if r.id in set(ids)]
        watches = _cluster_watches(session, key, actor)
        told += _tell_cluster(
            session, key, watches, group, what="record withdrawn", event="record.watch.withdrawn"
        )
    return told
