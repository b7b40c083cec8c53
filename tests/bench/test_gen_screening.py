"""The screening data generator (bench/gen_screening.py): deterministic, in the interchange format
of issue 6 §4, covering every variant kind, and honest labels (strangers are nobody's alert)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from babel import Locale
from pypinyin import Style, lazy_pinyin
from stdnum import numdb
from stdnum.iso7064 import mod_11_2

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "bench" / "gen_screening.py"
ALERTS, PROBES, SEED = 3000, 3000, 20240611

PERSON_TYPES = {"wanted_arrest", "wanted_locate", "missing_person", "discreet_check"}
PERSON_FIELDS = {"ref", "type", "name", "aliases", "birth_date", "gender", "nationality"} | {
    "id_number", "passport_number", "issuing_agency"
}  # fmt: skip
OBJECT_FIELDS = {
    "stolen_vehicle": {"ref", "type", "plate", "vin", "make", "colour", "issuing_agency"},
    "stolen_document": {
        "ref", "type", "document_type", "document_number", "issuing_country", "issuing_agency"
    },
    "drone": {"ref", "type", "drone_serial", "registration_number", "model", "issuing_agency"},
}  # fmt: skip
PROBE_FIELDS = {"ref", "name", "birth_date", "gender", "nationality", "id_number"} | {
    "passport_number", "plate", "vin", "document_number", "drone_serial"
}  # fmt: skip
BIRTH_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
COUNTRIES = set(Locale("en").territories)  # ISO 3166 alpha-2 codes (and UN M.49 regions)


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_screening", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_screening"] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


gen = _load()


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class Data:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.alerts = _read(folder / "alerts.jsonl")
        self.probes = _read(folder / "probes.jsonl")
        self.labels = _read(folder / "labels.jsonl")
        self.by_ref = {a["ref"]: a for a in self.alerts}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Data:
    out = tmp_path_factory.mktemp("screening")
    gen.generate(alerts=ALERTS, probes=PROBES, seed=SEED, out=out)
    return Data(out)


def _id18(number: str) -> str:
    """An ID as 18 characters (15-digit legacy numbers converted), independent of the script."""
    if len(number) == 15:
        body = number[:6] + "19" + number[6:]
        return body + str(mod_11_2.calc_check_digit(body))
    return number.upper()


def _id_ok(number: str) -> bool:
    return mod_11_2.is_valid(_id18(number))


def _sound(name: str) -> str:
    return "".join(lazy_pinyin(name.replace(" ", ""), style=Style.NORMAL))


def test_the_same_seed_writes_the_same_files(data: Data, tmp_path: Path) -> None:
    gen.generate(alerts=ALERTS, probes=PROBES, seed=SEED, out=tmp_path / "again")
    gen.generate(alerts=ALERTS, probes=PROBES, seed=SEED + 1, out=tmp_path / "other")
    for name in ("alerts.jsonl", "probes.jsonl", "labels.jsonl"):
        first = (data.folder / name).read_bytes()
        assert (tmp_path / "again" / name).read_bytes() == first
        assert (tmp_path / "other" / name).read_bytes() != first


def test_alerts_are_interchange_lines(data: Data) -> None:
    agencies = {
        json.loads(line)["code"]
        for path in (REPO / "src/accord/agencies/data").glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    assert len(data.by_ref) == len(data.alerts) == ALERTS
    for alert in data.alerts:
        assert alert["issuing_agency"] in agencies
        if alert["type"] in PERSON_TYPES:
            assert set(alert) <= PERSON_FIELDS, alert
            assert isinstance(alert["name"], str)
            assert alert["name"].strip()
            assert BIRTH_DATE.fullmatch(alert["birth_date"]), alert
            if len(alert["birth_date"]) == 10:
                date.fromisoformat(alert["birth_date"])
            assert alert.get("gender", "male") in ("male", "female")
            assert alert.get("nationality", "CN") in COUNTRIES
            assert all(isinstance(a, str) and a for a in alert.get("aliases", []))
        else:
            assert set(alert) <= OBJECT_FIELDS[alert["type"]], alert
    types = Counter(a["type"] for a in data.alerts)
    persons = sum(types[t] for t in PERSON_TYPES)
    assert 0.75 < persons / ALERTS < 0.85
    assert 0.09 < types["stolen_vehicle"] / ALERTS < 0.15
    assert all(types[t] for t in (*PERSON_TYPES, "stolen_document", "drone"))
    # foreign capital police issue alerts on their nationals
    assert any(
        a["issuing_agency"] == "VN-HAN" and a["name"][0] in "NTLPHVĐBDN"
        for a in data.alerts
        if a["type"] in PERSON_TYPES
    )


def test_object_identifiers_are_well_formed(data: Data) -> None:
    plate = re.compile(r"[\u4e00-\u9fff][A-HJ-NP-Z]([A-HJ-NP-Z0-9]{5}|[DF]\d{5})")
    for alert in data.alerts:
        if "plate" in alert:
            assert plate.fullmatch(alert["plate"]), alert
        if "vin" in alert:
            vin = alert["vin"]
            assert re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", vin)
            assert gen.vin_check(vin[:8] + "0" + vin[9:]) == vin[8]
        if alert["type"] == "stolen_document":
            assert alert["issuing_country"] in COUNTRIES


def test_probes_are_interchange_lines_with_labels(data: Data) -> None:
    assert [p["ref"] for p in data.probes] == [lab["ref"] for lab in data.labels]
    assert len({p["ref"] for p in data.probes}) == PROBES
    for probe, label in zip(data.probes, data.labels, strict=True):
        assert set(probe) <= PROBE_FIELDS, probe
        assert len(probe) > 1, probe
        if "birth_date" in probe:
            date.fromisoformat(probe["birth_date"])
        assert probe.get("nationality", "CN") in COUNTRIES
        assert set(label) == {"ref", "alert_ref", "kind", "match"}
        assert label["match"] == (label["kind"] in gen.TRUE_KINDS)
        if label["match"] or label["alert_ref"] is not None:
            assert label["alert_ref"] in data.by_ref
    assert sum(lab["match"] for lab in data.labels) == PROBES // 2


def test_every_variant_kind_occurs(data: Data) -> None:
    kinds = Counter(label["kind"] for label in data.labels)
    assert set(kinds) == set(gen.TRUE_KINDS) | set(gen.FALSE_KINDS)


def test_at_least_thirty_percent_of_probes_carry_no_id(data: Data) -> None:
    bare = [p for p in data.probes if "id_number" not in p and "passport_number" not in p]
    assert len(bare) >= 0.3 * PROBES


def test_resident_ids_are_valid_except_the_deliberately_bad(data: Data) -> None:
    ids = [a for a in data.alerts if "id_number" in a]
    bad = [a for a in ids if not _id_ok(a["id_number"])]
    legacy = [a for a in ids if len(a["id_number"]) == 15]
    assert 0 < len(bad) <= 0.03 * len(ids)  # ~1 % stored with a wrong check digit
    assert legacy
    for alert in ids:
        full = _id18(alert["id_number"])
        assert re.fullmatch(r"\d{17}[\dX]", full)
        assert numdb.get("cn/loc").info(full[:6])[0][1], full  # a real region code
        assert f"{full[6:10]}-{full[10:12]}-{full[12:14]}" == alert["birth_date"]
        if "gender" in alert:
            assert int(full[16]) % 2 == (alert["gender"] == "male")
    for probe, label in zip(data.probes, data.labels, strict=True):
        if "id_number" in probe and not label["match"]:
            assert _id_ok(probe["id_number"]), probe  # strangers carry valid IDs


def test_true_probes_are_their_alert_typed_as_their_kind(data: Data) -> None:
    for probe, label in zip(data.probes, data.labels, strict=True):
        if not label["match"]:
            continue
        alert, kind = data.by_ref[label["alert_ref"]], label["kind"]
        if "birth_date" in probe and kind != "dob_day_month_swapped":
            assert probe["birth_date"].startswith(alert["birth_date"])
        if kind == "id_exact":
            assert probe["id_number"] == alert["id_number"]
        elif kind in ("id_transposition", "id_wrong_digit"):
            assert _id18(probe["id_number"]) != _id18(alert["id_number"])
            differ = sum(
                a != b for a, b in zip(probe["id_number"], alert["id_number"], strict=True)
            )
            assert differ in ((2,) if kind == "id_transposition" else (1,))
        elif kind == "id_lowercase_x":
            assert probe["id_number"] == alert["id_number"].lower()
        elif kind == "id_legacy15":
            assert len(probe["id_number"]) != len(alert["id_number"])
            assert _id18(probe["id_number"]) == _id18(alert["id_number"])
        elif kind == "hanzi_exact":
            assert probe["name"] == alert["name"]
        elif kind == "traditional":
            assert probe["name"] != alert["name"]
        elif kind == "homophone":
            assert probe["name"] != alert["name"]
            assert _sound(probe["name"]) == _sound(alert["name"])
        elif kind == "dob_day_month_swapped":
            born = date.fromisoformat(alert["birth_date"])
            assert probe["birth_date"] == f"{born.year}-{born.day:02d}-{born.month:02d}"
        elif kind == "plate_pinyin":
            assert re.match(r"[A-Za-z]+[ -]?[A-Za-z]", probe["plate"])
            assert probe["plate"][-5:].upper() == alert["plate"][-5:]
        elif kind == "vin":
            assert probe["vin"].upper() == alert["vin"]
        elif kind == "name_only":
            assert set(probe) <= {"ref", "name", "gender", "nationality"}


def _compatible(alert_date: str, probe_date: str) -> bool:
    return probe_date.startswith(alert_date)


def test_non_matching_probes_are_nobodys_alert(data: Data) -> None:
    by_name: dict[str, list[dict[str, Any]]] = {}
    for alert in data.alerts:
        for name in [alert.get("name"), *alert.get("aliases", [])]:
            if name:
                key = re.sub(r"\s", "", name).casefold()
                by_name.setdefault(key, []).append(alert)
    alert_ids = {_id18(a["id_number"])[:17] for a in data.alerts if "id_number" in a}
    objects = {
        a[f].upper()
        for a in data.alerts
        for f in ("plate", "vin", "document_number", "passport_number")
        if f in a
    }
    checked = Counter[str]()
    for probe, label in zip(data.probes, data.labels, strict=True):
        if label["match"]:
            continue
        kind = label["kind"]
        checked[kind] += 1
        if "name" in probe and "birth_date" in probe:
            key = re.sub(r"\s", "", probe["name"]).casefold()
            same = [
                a for a in by_name.get(key, []) if _compatible(a["birth_date"], probe["birth_date"])
            ]
            assert not same, (probe, same)
        if "id_number" in probe:
            assert _id18(probe["id_number"])[:17] not in alert_ids
        for field in ("plate", "vin", "document_number", "passport_number"):
            if field in probe:
                assert probe[field].upper() not in objects, probe
        source = data.by_ref.get(label["alert_ref"] or "")
        if kind == "namesake":
            assert source is not None
            assert probe["name"] == source["name"]
            assert probe["birth_date"][:4] != source["birth_date"][:4]
        elif kind == "homophone_stranger":
            assert source is not None
            assert probe["name"] != source["name"]
            assert _sound(probe["name"]) == _sound(source["name"])
            assert probe["birth_date"][:4] != source["birth_date"][:4]
        elif kind == "stranger_same_dob":
            assert source is not None
            assert probe["birth_date"] == source["birth_date"]
            assert probe["name"] != source["name"]
        elif kind == "stranger":
            assert label["alert_ref"] is None
    assert set(checked) == set(gen.FALSE_KINDS)


def test_sound_alike_strangers_differ_from_every_same_sounding_alert(data: Data) -> None:
    """Homophone strangers share the sound of an alert's name; no alert with that sound has a
    compatible birth date (a typed-by-ear name with the right birth date would be a match)."""
    by_sound: dict[str, list[str]] = {}
    for alert in data.alerts:
        if alert["type"] in PERSON_TYPES and re.search(r"[\u4e00-\u9fff]", alert["name"]):
            by_sound.setdefault(_sound(alert["name"]), []).append(alert["birth_date"])
    for probe, label in zip(data.probes, data.labels, strict=True):
        if label["kind"] not in ("homophone_stranger", "namesake"):
            continue
        if re.search(r"[\u4e00-\u9fff]", probe["name"]):
            dates = by_sound.get(_sound(probe["name"]), [])
            assert not any(_compatible(d, probe["birth_date"]) for d in dates), probe


def test_a_tiny_alert_set_still_gives_every_probe(tmp_path: Path) -> None:
    summary = gen.generate(alerts=3, probes=40, seed=1, out=tmp_path, match_share=0.5)
    labels = _read(tmp_path / "labels.jsonl")
    assert len(labels) == 40
    assert summary.probes == 40
    refs = {a["ref"] for a in _read(tmp_path / "alerts.jsonl")}
    assert all(lab["alert_ref"] in refs for lab in labels if lab["match"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--alerts", "0", "--probes", "5", "--seed", "1"], "--alerts must be at least 1"),
        (["--alerts", "5", "--probes", "-1", "--seed", "1"], "--probes must not be negative"),
        (["--alerts", "5", "--probes", "5", "--seed", "1", "--match-share", "1.5"], "between"),
        (["--alerts", "5", "--probes", "5", "--seed", "x"], "invalid int value"),
    ],
)
def test_bad_arguments_are_refused_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "alerts.jsonl").write_text("kept\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        gen.main([*argv, "--out", str(out)])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["alerts.jsonl"]
    assert (out / "alerts.jsonl").read_text(encoding="utf-8") == "kept\n"


def test_the_command_line_writes_the_three_files(tmp_path: Path) -> None:
    argv = ["--alerts", "50", "--probes", "20", "--seed", "3", "--out", str(tmp_path)]
    assert gen.main([*argv, "--match-share", "0.25"]) == 0
    assert len(_read(tmp_path / "alerts.jsonl")) == 50
    labels = _read(tmp_path / "labels.jsonl")
    assert len(labels) == 20
    assert sum(lab["match"] for lab in labels) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "alerts.jsonl", "labels.jsonl", "probes.jsonl"
    ]  # fmt: skip
