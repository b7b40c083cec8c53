"""The linkage engine on DuckDB: names across scripts, legacy and mistyped IDs, different
valid IDs never linked, no chaining, judgements over the model, incremental linkage."""

from __future__ import annotations

from typing import Any

import pytest

from accord.linkage.features import conflict, person_features
from accord.linkage.pipeline import link
from accord.matching.identifiers import check_digit


def rid(body17: str) -> str:
    return body17 + check_digit(body17)


def person(uid: str, **props: str | list[str]) -> dict[str, Any]:
    values = {k: v if isinstance(v, list) else [v] for k, v in props.items()}
    return person_features(uid, uid.split(":")[0], values)


def clusters_of(
    background: list[dict[str, Any]],
    trained: dict[str, Any],
    extra: list[dict[str, Any]],
    **kw: Any,
) -> dict[str, int]:
    result = link(background + extra, saved=trained, **kw)
    return {uid: i for i, group in enumerate(result.clusters) for uid in group}


OUYANG = rid("31011519880412712")


def test_one_person_across_scripts_and_romanisations(background, trained) -> None:
    extra = [
        person("SH:x1", name="欧阳娜娜", birthDate="1988-04-12", idNumber=OUYANG),
        person("ZJ:x1", name="歐陽娜娜", birthDate="1988-04-12", phone="139 1234 0001"),
        person("JS:x1", name="OUYANG NANA", birthDate="1988-04-12", phone="+8613912340001"),
        person("AH:x1", name="Nana Ouyang", idNumber=OUYANG),
    ]
    found = clusters_of(background, trained, extra)
    assert len({found[r["unique_id"]] for r in extra}) == 1


def test_legacy_and_mistyped_resident_ids(background, trained) -> None:
    full = rid("32010219650823441")
    legacy = full[:6] + full[8:17]  # the 15-digit number of before 1999
    typo = full[:10] + ("9" if full[10] != "9" else "8") + full[11:]
    swapped = full[:12] + full[13] + full[12] + full[14:]
    extra = [
        person("JS:y1", name="李建国", idNumber=full, gender="male"),
        person("SH:y1", name="Li Jianguo", idNumber=legacy),
        person("ZJ:y1", name="李建國", idNumber=typo, birthDate="1965-08-23"),
        person("AH:y1", name="JIANGUO LI", idNumber=swapped),
    ]
    found = clusters_of(background, trained, extra)
    assert len({found[r["unique_id"]] for r in extra}) == 1


def test_different_valid_ids_are_never_linked(background, trained) -> None:
    first, second = rid("33010619900101252"), rid("33010619900101387")
    extra = [
        person("ZJ:z1", name="王芳", birthDate="1990-01-01", idNumber=first, phone="13800000001"),
        person("SH:z1", name="王芳", birthDate="1990-01-01", idNumber=second, phone="13800000001"),
    ]
    assert conflict(extra[0], extra[1]) == "different resident IDs"
    found = clusters_of(background, trained, extra)
    assert found["ZJ:z1"] != found["SH:z1"]


def test_no_chaining_through_a_third_record(background, trained) -> None:
    a, c = rid("34010219800505123"), rid("34010219800505678")
    extra = [
        person("AH:c1", name="陈静", birthDate="1980-05-05", idNumber=a, phone="13900000002"),
        person("JS:c1", name="Chen Jing", birthDate="1980-05-05", phone="13900000002"),
        person("ZJ:c1", name="陈静", birthDate="1980-05-05", idNumber=c, phone="13900000002"),
    ]
    found = clusters_of(background, trained, extra)
    assert found["AH:c1"] != found["ZJ:c1"]
    assert found["JS:c1"] in (found["AH:c1"], found["ZJ:c1"])


def test_a_foreign_name_and_its_chinese_transcription(background, trained) -> None:
    extra = [
        person("SH:f1", name="约翰·史密斯", passportNumber="561234987", nationality="us"),
        person("ZJ:f1", name="JOHN SMITH", passportNumber="561234987", birthDate="1979-02-03"),
    ]
    found = clusters_of(background, trained, extra)
    assert found["SH:f1"] == found["ZJ:f1"]


def test_a_not_same_judgement_beats_the_model(background, trained) -> None:
    extra = [
        person("SH:j1", name="欧阳娜娜", birthDate="1988-04-12", idNumber=OUYANG),
        person("ZJ:j1", name="OUYANG NANA", birthDate="1988-04-12", idNumber=OUYANG),
    ]
    found = clusters_of(background, trained, extra, not_same=[("SH:j1", "ZJ:j1")])
    assert found["SH:j1"] != found["ZJ:j1"]
    found = clusters_of(background, trained, extra, same=[("SH:j1", "ZJ:j1")])
    assert found["SH:j1"] == found["ZJ:j1"]


def test_incremental_linkage_scores_only_the_new_records(background, trained) -> None:
    first = link(background, saved=trained)
    new = [
        person("SH:n1", name="欧阳娜娜", birthDate="1988-04-12", idNumber=OUYANG),
        person("ZJ:n1", name="OUYANG NANA", birthDate="1988-04-12", phone="13912340001"),
    ]
    # One new record is a person already known (a background record gets her ID).
    known = next(r for r in background if r["rid"] and r["rid_valid"])
    twin = dict(known, unique_id="AH:n2", agency="AH")
    result = link(
        [*background, *new, twin],
        saved=trained,
        new_ids=["SH:n1", "ZJ:n1", "AH:n2"],
        existing=first.clusters,
    )
    assert all("n" in p.left.split(":")[1] or "n" in p.right.split(":")[1] for p in result.pairs)
    assert all({p.left, p.right} & {"SH:n1", "ZJ:n1", "AH:n2"} for p in result.pairs)
    by_id = {uid: i for i, g in enumerate(result.clusters) for uid in g}
    assert by_id["SH:n1"] == by_id["ZJ:n1"]
    assert by_id["AH:n2"] == by_id[known["unique_id"]]
    # The existing clusters are kept whole.
    for group in first.clusters:
        assert len({by_id[uid] for uid in group}) == 1


@pytest.mark.parametrize(
    ("left", "right", "reason"),
    [
        ({"birthDate": "1985-03-07"}, {"birthDate": "1985-07-03"}, None),
        ({"birthDate": "1985-03-07"}, {"birthDate": "1986-03-08"}, None),
        ({"birthDate": "1985-03-07"}, {"birthDate": "1991-11-21"}, "different birth dates"),
        ({"gender": "male"}, {"gender": "female"}, "different genders"),
        ({"name": "张伟"}, {"name": "Zhang Wie"}, None),
        ({"name": "张伟"}, {"name": "李娜"}, "different names"),
        (
            {"passportNumber": "E12345678", "nationality": "cn"},
            {"passportNumber": "E87654321", "nationality": "cn"},
            "different passports",
        ),
    ],
)
def test_what_counts_as_clearly_different(left: Any, right: Any, reason: str | None) -> None:
    base = {"name": "张伟"}
    assert conflict(person("A:1", **(base | left)), person("B:1", **(base | right))) == reason


def test_a_model_trained_without_labels_links_the_development_data(generated) -> None:
    """Training on the records themselves (no labels): pairwise F1 on the generated truth."""
    rows, truth = generated
    result = link(rows)
    assert result.trained
    assert result.saved["probability_two_random_records_match"] > 0
    pairs = correct = 0
    for group in result.clusters:
        pairs += len(group) * (len(group) - 1) // 2
        people: dict[str, int] = {}
        for uid in group:
            people[truth[uid]] = people.get(truth[uid], 0) + 1
        correct += sum(n * (n - 1) // 2 for n in people.values())
    true_pairs = 0
    persons: dict[str, int] = {}
    for person_id in truth.values():
        persons[person_id] = persons.get(person_id, 0) + 1
    true_pairs = sum(n * (n - 1) // 2 for n in persons.values())
    precision, recall = correct / pairs, correct / true_pairs
    assert precision >= 0.98, precision
    assert recall >= 0.85, recall
