"""Generated agencies' files as the background population of the engine tests (what a real
deployment links a handful of records against), and the model Accord ships."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from accord.linkage import service
from accord.linkage.service import SHIPPED_MODEL_RECORDS, shipped_model
from accord.security.actor import Actor
from tests.linkage.devdata import generate, person_rows
from tests.records.conftest import World, client, world  # noqa: F401  (the records tests' world)

Generated = tuple[list[dict[str, Any]], dict[str, str]]


@pytest.fixture(scope="session")
def generated(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    data = generate(tmp_path_factory.mktemp("linkage-dev"), persons=6000, seed=8)
    return person_rows(data)


@pytest.fixture(scope="session")
def background(generated: Generated) -> list[dict[str, Any]]:
    return generated[0]


@pytest.fixture(scope="session")
def trained() -> dict[str, Any]:
    """The shipped model with its prior scaled to the background's size."""
    from accord.linkage.model import rescaled

    return rescaled(shipped_model(), SHIPPED_MODEL_RECORDS, 6000)


@pytest.fixture
def linked(session: Session, world: World) -> World:  # noqa: F811  (the fixture above)
    """The records tests' world with a few persons shared (`test_service.share_all`) and
    linked once."""
    from tests.linkage.test_service import share_all

    share_all(session, world)
    service.run(session, Actor.system("test"))
    session.commit()
    return world
