"""The linkage data generator (bench/gen_linkage.py) and the exchange examples in docs/examples:
FollowTheMoney lines that reference their own file, honest truth, and the hard parts present
(legacy IDs, spellings across scripts, rings over several agencies, hotline hubs)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from followthemoney import model
from stdnum.iso7064 import mod_11_2

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "bench" / "gen_linkage.py"
EXAMPLES = REPO / "docs" / "examples"
AGENCIES = ("310000", "320000", "330000", "340000")
RECORDS, SEED = 400, 20240611

SCHEMATA = {"Person", "Event", "UnknownLink", "Payment", "BankAccount", "Vehicle", "Address"}
PROVENANCE = {
    "handling_code", "handling_text", "source_reliability", "information_accuracy",
    "recorded_on", "review_on", "expires_on",
}  # fmt: skip
HAN = re.compile(r"[\u3400-\u9fff]")


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_linkage", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_linkage"] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


gen = _load()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_key(text: str) -> str:
    """A typed phone number as digits with the country code (a bare number is Chinese)."""
    digits = _digits(text)
    if text.strip().startswith("+") or digits.startswith("0086"):
        return digits.removeprefix("00")
    return "86" + digits


def _id18(number: str) -> str:
    number = number.upper()
    if len(number) == 15:
        body = number[:6] + "19" + number[6:]
        return body + str(mod_11_2.calc_check_digit(body))
    return number


def check_file(path: Path) -> dict[str, dict[str, Any]]:
    """Every line a FollowTheMoney entity of the convention, referencing entities of its own
    file; returns the entities by id."""
    entities: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        assert set(data) <= {"id", "schema", "properties"} | PROVENANCE, data
        assert data["schema"] in SCHEMATA, data
        assert data["id"] not in entities, f"{path.name}: {data['id']} twice"
        proxy = model.get_proxy(data)
        assert proxy.id == data["id"]
        schema = model.get(data["schema"])
        assert schema is not None
        props = data["properties"]
        for name, values in props.items():
            assert name in schema.properties, f"{data['schema']} has no {name}"
            assert values, data
            assert all(isinstance(v, str) and v.strip() for v in values), data
        for name in schema.required:
            assert props.get(name), f"{data['id']}: {name} is required"
        # FtM's own value checks, except phones: a bare Chinese number or a short service
        # number is not E.164, and the convention reads it as +86
        plain = {k: v for k, v in props.items() if schema.properties[k].type.name != "phone"}
        schema.validate({"properties": plain})
        for name, values in props.items():
            if schema.properties[name].type.name == "phone":
                for value in values:
                    assert re.fullmatch(r"\+?[\d \-]{5,20}", value), value
        code = data.get("handling_code", "H0")
        assert code in ("H0", "H1", "H2", "H3"), data
        assert ("handling_text" in data) == (code == "H3"), data
        assert data.get("source_reliability", "X") in ("A", "B", "C", "X"), data
        assert data.get("information_accuracy", 4) in (1, 2, 3, 4), data
        for key in ("recorded_on", "review_on", "expires_on"):
            if key in data:
                date.fromisoformat(data[key])
        entities[data["id"]] = data
    for data in entities.values():
        schema = model.get(data["schema"])
        assert schema is not None
        for name, values in data["properties"].items():
            prop = schema.properties[name]
            if prop.type.name != "entity":
                continue
            for value in values:
                assert value in entities, f"{path.name}: {data['id']}.{name} -> {value} missing"
                target = model.get(entities[value]["schema"])
                assert target is not None
                # the convention links a case to its payments by UnknownLink too, though a
                # Payment is an Interval and not a Thing (FtM's range of UnknownLink.object)
                if not (name == "object" and target.name == "Payment"):
                    assert target.is_a(prop.range), f"{data['id']}.{name} -> {target.name}"
    return entities


class Data:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files = {code: check_file(folder / f"{code}.jsonl") for code in AGENCIES}
        self.truth = [json.loads(x) for x in (folder / "truth.jsonl").read_text().splitlines()]
        self.cases = [json.loads(x) for x in (folder / "cases.jsonl").read_text().splitlines()]
        self.summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        self.person_of = {t["record"]: t["person"] for t in self.truth}
        self.ring_of = {c["case"]: c["ring"] for c in self.cases}

    def entities(self, schema: str) -> list[tuple[str, dict[str, Any]]]:
        return [
            (f"{code}:{eid}", e)
            for code, found in self.files.items()
            for eid, e in found.items()
            if e["schema"] == schema
        ]

    def case_keys(self, key: str) -> set[tuple[str, str]]:
        """Phones and receiving account numbers of a case ("code:id"), hubs left out."""
        code, eid = key.split(":")
        found = self.files[code]
        keys = {
            ("phone", _phone_key(p))
            for p in found[eid]["properties"].get("phoneMentioned", [])
            if _digits(p).removeprefix("86") not in gen_hubs()
        }
        for e in found.values():
            props = e["properties"]
            if e["schema"] == "UnknownLink" and props["subject"] == [eid]:
                target = found[props["object"][0]]
                if target["schema"] == "BankAccount":
                    keys.add(("account", _digits(target["properties"]["accountNumber"][0])))
        return keys


def gen_hubs() -> set[str]:
    return {number for number, _, _ in gen.HUBS}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Data:
    out = tmp_path_factory.mktemp("linkage")
    gen.generate(persons=RECORDS, seed=SEED, out=out, agencies=AGENCIES)
    return Data(out)


def test_the_same_seed_writes_the_same_files(data: Data, tmp_path: Path) -> None:
    gen.generate(persons=RECORDS, seed=SEED, out=tmp_path / "again", agencies=AGENCIES)
    gen.generate(persons=RECORDS, seed=SEED + 1, out=tmp_path / "other", agencies=AGENCIES)
    for name in (*(f"{c}.jsonl" for c in AGENCIES), "truth.jsonl", "cases.jsonl"):
        first = (data.folder / name).read_bytes()
        assert (tmp_path / "again" / name).read_bytes() == first
        assert (tmp_path / "other" / name).read_bytes() != first


def test_truth_names_every_person_record_once(data: Data) -> None:
    persons = {key for key, _ in data.entities("Person")}
    records = [t["record"] for t in data.truth]
    assert len(records) == len(set(records)) == RECORDS
    assert set(records) == persons
    assert data.summary["person_records"] == RECORDS
    assert data.summary["persons"] == len(set(data.person_of.values()))
    assert sum(data.summary["records_per_agency"].values()) == RECORDS


def test_every_person_is_involved_in_a_case_of_its_file(data: Data) -> None:
    involved = {
        f"{key.split(':')[0]}:{p}"
        for key, event in data.entities("Event")
        for p in event["properties"]["involved"]
    }
    assert involved == {key for key, _ in data.entities("Person")}
    assert {key for key, _ in data.entities("Event")} == set(data.ring_of)
    assert len(data.cases) == len(data.ring_of)


def test_ids_collide_across_agencies(data: Data) -> None:
    # p-000001 is somebody else in every file: only "code:id" names a record
    firsts = {data.person_of[f"{code}:p-000001"] for code in AGENCIES}
    assert len(firsts) > 1
    assert all("case-000001" in found for found in data.files.values())


def test_people_appear_in_up_to_four_agencies_under_other_spellings(data: Data) -> None:
    by_person: dict[str, list[str]] = defaultdict(list)
    for record, person in data.person_of.items():
        by_person[person].append(record)
    spread = Counter(len({r.split(":")[0] for r in recs}) for recs in by_person.values())
    assert spread[1] > spread[2] > spread[3] > 0
    assert spread[3] + spread[4] > 0
    names = {
        key: e["properties"]["name"][0]
        for key, e in data.entities("Person")
    }  # fmt: skip
    cross_script = [
        recs
        for recs in by_person.values()
        if any(HAN.search(names[r]) for r in recs)
        and any(re.fullmatch(r"[A-Za-z .,'-]+", names[r]) for r in recs)
    ]
    assert len(cross_script) >= 5
    forms = data.summary["name_forms"]
    for form in ("hanzi", "traditional", "pinyin_spaced", "pinyin_reversed", "pinyin_unspaced"):
        assert forms.get(form, 0) > 0, form


def test_resident_ids_agree_with_their_person_and_never_with_another(data: Data) -> None:
    valid_of: dict[str, set[str]] = defaultdict(set)  # true person -> valid 18-digit IDs
    legacy = 0
    for key, e in data.entities("Person"):
        props = e["properties"]
        for number in props.get("idNumber", []):
            assert re.fullmatch(r"\d{17}[\dXx]|\d{15}", number), number
            legacy += len(number) == 15
            full = _id18(number)
            if mod_11_2.is_valid(full):
                valid_of[data.person_of[key]].add(full)
                if "gender" in props and len(number) == 18:
                    assert int(full[16]) % 2 == (props["gender"] == ["male"]), key
    assert legacy > 0
    owner: dict[str, str] = {}
    for person, numbers in valid_of.items():
        # a typo that happens to keep the check digit right is a different valid number;
        # everybody else's IDs are the person's own one ID
        for number in numbers:
            assert owner.setdefault(number[:17], person) == person, number
    bodies = sorted(owner)
    by_person = defaultdict(set)
    for body in bodies:
        by_person[owner[body]].add(body)
    # no two people's IDs lie within one typo of each other
    for i, a in enumerate(bodies):
        for b in bodies[i + 1 :]:
            if owner[a] != owner[b] and a[:6] == b[:6]:
                assert sum(x != y for x, y in zip(a, b, strict=True)) >= 2, (a, b)


def test_lone_suspects_and_identifiers_belong_to_one_case(data: Data) -> None:
    suspect_of: Counter[str] = Counter()
    key_cases: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, event in data.entities("Event"):
        code = key.split(":")[0]
        suspects = event["properties"].get("organizer", [])
        assert set(suspects) <= set(event["properties"]["involved"])
        if data.ring_of[key] is None:
            assert len(suspects) <= 1
            for s in suspects:
                suspect_of[data.person_of[f"{code}:{s}"]] += 1
        for k in data.case_keys(key):
            key_cases[k].add(key)
    assert suspect_of
    assert max(suspect_of.values()) == 1  # a suspect of two cases is a ring's
    for cases in key_cases.values():
        rings = {data.ring_of[c] for c in cases}
        assert len(cases) == 1 or (len(rings) == 1 and None not in rings), cases


def test_rings_span_agencies_and_hang_together(data: Data) -> None:
    rings: dict[str, list[str]] = defaultdict(list)
    for case, ring in data.ring_of.items():
        if ring is not None:
            rings[ring].append(case)
    assert len(rings) == data.summary["rings"] >= 2
    assert data.summary["ring_modes"].get("suspect_only", 0) >= 1
    only_person = 0  # rings whose agencies share nothing but a suspect
    for ring, cases in rings.items():
        assert len({c.split(":")[0] for c in cases}) >= 2, ring
        # joined by shared phones and accounts or, failing those, by a true person
        links: dict[str, set[Any]] = {}
        for case in cases:
            code, eid = case.split(":")
            people = {
                data.person_of[f"{code}:{p}"]
                for p in data.files[code][eid]["properties"]["organizer"]
            }
            links[case] = data.case_keys(case) | {("person", p) for p in people}
        seen, todo = {cases[0]}, [cases[0]]
        while todo:
            here = todo.pop()
            for other in cases:
                if other not in seen and links[here] & links[other]:
                    seen.add(other)
                    todo.append(other)
        assert seen == set(cases), ring
        by_agency: dict[str, set[Any]] = defaultdict(set)
        for case in cases:
            by_agency[case.split(":")[0]] |= links[case]
        shared = set.intersection(*by_agency.values())
        if shared and all(kind == "person" for kind, _ in shared):
            only_person += 1
            # a ring found only through a resolved suspect: spelt differently on each side,
            # and no identifier typed on one side appears on the other
            (_, person), *_ = shared
            records = [r for r, p in data.person_of.items() if p == person]
            names = [data.files[r.split(":")[0]][r.split(":")[1]]["properties"] for r in records]
            assert len({bool(HAN.search(n["name"][0])) for n in names}) == 2
            typed = [
                {_digits(v) for k in ("idNumber", "phone", "passportNumber") for v in n.get(k, [])}
                for n in names
            ]
            assert not typed[0] & typed[1]
    assert only_person == data.summary["ring_modes"]["suspect_only"]


def test_hotlines_are_mentioned_by_many_unrelated_cases(data: Data) -> None:
    mentions: dict[str, set[str]] = defaultdict(set)
    for key, event in data.entities("Event"):
        for phone in event["properties"].get("phoneMentioned", []):
            digits = _digits(phone).removeprefix("86")
            if digits in gen_hubs():
                mentions[digits].add(key)
    busiest = max(mentions.values(), key=len)
    assert len(busiest) >= 5
    assert len({c.split(":")[0] for c in busiest}) >= 2
    assert len({data.ring_of[c] for c in busiest}) >= 2 or None in {
        data.ring_of[c] for c in busiest
    }
    assert data.summary["hub_numbers_used"] == len(mentions)


def test_payments_and_accounts_follow_the_convention(data: Data) -> None:
    accounts = [e for _, e in data.entities("BankAccount")]
    assert accounts
    for e in accounts:
        number = e["properties"]["accountNumber"][0]
        assert re.fullmatch(r"\d{16,19}", number.replace(" ", "")), number
    assert any(" " in e["properties"]["accountNumber"][0] for e in accounts)
    for key, pay in data.entities("Payment"):
        code = key.split(":")[0]
        props = pay["properties"]
        assert props["currency"] == ["CNY"]
        assert float(props["amount"][0]) > 0
        assert data.files[code][props["payer"][0]]["schema"] == "Person"
    bare = [
        p
        for _, e in data.entities("Person")
        for p in e["properties"].get("phone", [])
        if not p.startswith("+")
    ]
    assert any(" " in p or "-" in p for p in bare)
    assert data.entities("Vehicle")
    assert data.entities("Address")


@pytest.mark.parametrize("name", ["records-310000.jsonl", "records-330000.jsonl"])
def test_the_documented_examples_validate(name: str) -> None:
    found = check_file(EXAMPLES / name)
    assert any(e["schema"] == "Event" for e in found.values())
    assert any(e["schema"] == "Payment" for e in found.values())
    assert any(e["schema"] == "Vehicle" for e in found.values())


def test_the_examples_share_a_suspect_and_an_account() -> None:
    sh = check_file(EXAMPLES / "records-310000.jsonl")
    zj = check_file(EXAMPLES / "records-330000.jsonl")

    def accounts(found: dict[str, dict[str, Any]]) -> set[str]:
        return {
            _digits(e["properties"]["accountNumber"][0])
            for e in found.values()
            if e["schema"] == "BankAccount"
        }

    def ids(found: dict[str, dict[str, Any]]) -> set[str]:
        return {
            _id18(n)
            for e in found.values()
            if e["schema"] == "Person"
            for n in e["properties"].get("idNumber", [])
        }

    assert accounts(sh) & accounts(zj)
    assert ids(sh) & ids(zj)
    assert any(len(n) == 15 for e in zj.values() for n in e["properties"].get("idNumber", []))


def test_the_command_line_writes_every_file(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    assert gen.main(["--persons", "60", "--seed", "3", "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert names == {*(f"{c}.jsonl" for c in AGENCIES), "truth.jsonl", "cases.jsonl"} | {
        "summary.json"
    }
    assert len((out / "truth.jsonl").read_text().splitlines()) == 60


@pytest.mark.parametrize(
    "argv",
    [
        ["--persons", "0"],
        ["--persons", "10", "--agencies", "310000"],
        ["--persons", "10", "--agencies", "310000,999999"],
    ],
)
def test_bad_arguments_are_refused_and_write_nothing(argv: list[str], tmp_path: Path) -> None:
    out = tmp_path / "refused"
    with pytest.raises(SystemExit):
        gen.main([*argv, "--out", str(out)])
    assert not out.exists()
