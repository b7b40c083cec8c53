"""Train the model Accord ships (src/accord/linkage/data/model.json) without labels on the
development data: 100,000 Person records of bench/gen_linkage.py (seed 7, a seed no test or
benchmark uses), and report its figures on that data.

    .venv/bin/python bench/train_shipped_model.py

A deployment with fewer than `linkage.service.MIN_TRAINING_RECORDS` Person records starts from
this model; a larger one trains its own (`accord linkage run --full`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import linkage as bench  # noqa: E402  (bench/linkage.py, after the path is set)

from accord.linkage.features import person_features  # noqa: E402
from accord.linkage.pipeline import link  # noqa: E402

PERSONS, SEED = 100_000, 7
OUT = ROOT / "src" / "accord" / "linkage" / "data" / "model.json"


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="linkage-shipped-"))
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_linkage.py"), "--persons", str(PERSONS),
         "--seed", str(SEED), "--out", str(data)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    rows = [person_features(uid, code, props) for uid, code, props in bench._persons(data)]
    result = link(rows)
    saved = dict(result.saved)
    saved.pop("linker_uid", None)
    OUT.write_text(json.dumps(saved, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    figures = bench.score(result.clusters, bench._truth(data))
    print(json.dumps({"seed": SEED, **figures, "saved": str(OUT)}, indent=2))


if __name__ == "__main__":
    main()
