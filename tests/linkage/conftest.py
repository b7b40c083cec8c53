"""Generated agencies' files as the background population of the engine tests (what a real
deployment links a handful of records against), and the model Accord ships."""

from __future__ import annotations

from typing import Any

import pytest

from accord.linkage.service import SHIPPED_MODEL_RECORDS, shipped_model
from tests.linkage.devdata import generate, person_rows
from tests.records.conftest import client, world  # noqa: F401  (the records tests' world)

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
