"""The development data of bench/gen_linkage.py for the linkage tests: a few agencies' files
with known truth, read into feature rows."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from accord.linkage.features import person_features

REPO = Path(__file__).resolve().parents[2]


def generator() -> ModuleType:
    name = "gen_linkage"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / "gen_linkage.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def generate(out: Path, *, persons: int, seed: int) -> Path:
    generator().generate(persons=persons, seed=seed, out=out)
    return out


def person_rows(data: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Feature rows (unique id `CODE:id`) and the truth (record -> person) of a generated set."""
    rows = []
    for path in sorted(data.glob("[0-9]*.jsonl")):
        with path.open(encoding="utf-8") as fp:
            for entity in map(json.loads, fp):
                if entity["schema"] == "Person":
                    uid = f"{path.stem}:{entity['id']}"
                    rows.append(person_features(uid, path.stem, entity["properties"]))
    with (data / "truth.jsonl").open(encoding="utf-8") as fp:
        truth = {row["record"]: row["person"] for row in map(json.loads, fp)}
    return rows, truth
