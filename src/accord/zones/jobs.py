"""The scheduled hand-over of the chair at term end (run by the worker)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from accord.security.actor import Actor
from accord.zones import service


def rotate_due(factory: sessionmaker[Session]) -> int:
    """Hand the chair on in every zone whose chair's term has ended; returns how many did."""
    rotated = 0
    with factory() as session:
        for zone in service.list_zones(session):
            if service.rotate_chair(session, Actor.system("chair-rotation"), zone) is not None:
                rotated += 1
        session.commit()
    return rotated
