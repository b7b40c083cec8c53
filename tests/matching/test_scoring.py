"""The scoring features and the bands: each feature's evidence and words, and the rules no sum
overrides (a name alone is at most possible; a hit needs an identifier or name + birth date)."""

from __future__ import annotations

from accord.matching import scoring
from accord.matching.blocking import facts_keys, hash_key
from accord.matching.facts import Facts, PartialDate
from accord.matching.weights import THRESHOLDS, WEIGHTS, score_of


def facts(**data: object) -> Facts:
    return Facts.from_mapping(data)


def test_partial_dates() -> None:
    assert PartialDate.parse("1985") == PartialDate(1985)
    assert PartialDate.parse("1985-03") == PartialDate(1985, 3)
    assert PartialDate.parse("1985年3月7日") == PartialDate(1985, 3, 7)
    assert PartialDate.parse("19850307") == PartialDate(1985, 3, 7)
    assert PartialDate.parse("1985-02-30") is None
    assert PartialDate(1985, 3, 7).swapped() == PartialDate(1985, 7, 3)
    assert PartialDate(1985, 3, 17).swapped() is None


def test_birth_date_features() -> None:
    equal = scoring.birth_date(facts(birth_date="1985-03-07"), facts(birth_date="1985-03-07"))
    assert equal is not None
    assert equal.name == "birth.equal"
    swapped = scoring.birth_date(facts(birth_date="1985-07-03"), facts(birth_date="1985-03-07"))
    assert swapped is not None
    assert swapped.explanation.startswith("birth date day/month swapped")
    year = scoring.birth_date(facts(birth_date="1985"), facts(birth_date="1985-03-07"))
    assert year is not None
    assert year.name == "birth.year"
    other = scoring.birth_date(facts(birth_date="1990-01-01"), facts(birth_date="1985-03-07"))
    assert other is not None
    assert other.bits < 0
    assert scoring.birth_date(facts(), facts(birth_date="1985-03-07")) is None


def test_birth_date_is_read_from_a_valid_resident_id() -> None:
    probe = facts(id_number="310104198503072410")
    assert probe.birth_from_ids() == PartialDate(1985, 3, 7)


def test_resident_id_features() -> None:
    stored = facts(id_number="310104198503072410")
    legacy = scoring.resident_id(facts(id_number="310104850307241"), stored)
    assert legacy is not None
    assert legacy.name == "id.legacy"
    assert "15→18" in legacy.explanation
    typo = scoring.resident_id(facts(id_number="310104198503072411"), stored)
    assert typo is not None
    assert typo.name == "id.check_digit"
    other = scoring.resident_id(facts(id_number="110105199112011235"), stored)
    assert other is not None
    assert other.name == "id.different"


def test_passport_typo_and_confusables() -> None:
    stored = facts(passport_number="E12345678")
    assert scoring.passport(facts(passport_number="e1234 5678"), stored).name == "passport.equal"  # type: ignore[union-attr]
    assert scoring.passport(facts(passport_number="E12345687"), stored).name == "passport.typo"  # type: ignore[union-attr]
    assert (
        scoring.passport(facts(passport_number="EI2345678"), stored).name == "passport.confusable"
    )  # type: ignore[union-attr]


def test_documents_compare_number_and_country() -> None:
    stored = Facts.from_mapping(
        {"document_number": "EA1234567", "document_type": "passport", "issuing_country": "CN"}
    )
    same = scoring.document(facts(document_number="ea 1234567"), stored)
    assert same is not None
    assert same.bits == WEIGHTS["document.equal"]
    wrong_country = scoring.document(
        Facts.from_mapping({"document_number": "EA1234567", "issuing_country": "VN"}), stored
    )
    assert wrong_country is not None
    assert wrong_country.bits < same.bits


def test_bands_need_identification_for_a_hit() -> None:
    hit_at, possible_at = THRESHOLDS["wanted_arrest"]
    name_only = [scoring.Feature("name.same", hit_at + 1, "x")]
    assert scoring.band("wanted_arrest", hit_at + 1, name_only) == "possible"
    with_birth = [*name_only, scoring.Feature("birth.equal", 14.4, "y")]
    assert scoring.band("wanted_arrest", hit_at + 1, with_birth) == "hit"
    assert scoring.band("wanted_arrest", possible_at - 0.1, with_birth) == "no_hit"


def test_object_checks_hit_on_identifiers() -> None:
    stored = facts(plate="沪AD12345", vin="LSVAU2180N2183294")
    assessment = scoring.assess(facts(plate="HU AD12345"), stored, "stolen_vehicle")
    assert assessment.band == "hit"
    assert assessment.explanation == ["plate equal"]


def test_score_is_monotone_in_evidence() -> None:
    assert score_of(0) == 0.0
    assert 0 < score_of(10) < score_of(30) < score_of(60) < 1.0


def test_blocking_keys_meet_for_typed_identifiers() -> None:
    stored = facts_keys(facts(id_number="310104198503072410", passport_number="E12345678"))
    assert facts_keys(facts(id_number="310104198530072410"), probe=True) & stored
    assert facts_keys(facts(id_number="310104850307241"), probe=True) & stored
    assert facts_keys(facts(passport_number="E12345687"), probe=True) & stored
    assert not facts_keys(facts(id_number="110105199112011235"), probe=True) & stored
    assert isinstance(hash_key("i:1"), int)
    assert -(2**63) <= hash_key("i:1") < 2**63
