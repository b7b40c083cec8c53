from datetime import date

import pytest

from accord.matching import identifiers as ids

VALID = "11010519491231002X"  # the standard's own example
LEGACY = "110105491231002"  # the same person's 15-digit first-generation number


def test_a_legacy_number_converts_to_its_18_digit_form() -> None:
    parsed = ids.parse_resident_id(LEGACY)
    assert parsed is not None
    assert (parsed.value, parsed.valid, parsed.legacy) == (VALID, True, True)
    assert parsed.birth_date == date(1949, 12, 31)


@pytest.mark.parametrize(
    "typed",
    [VALID, VALID.lower(), " 110105 19491231 002x ", "１１０１０５１９４９１２３１００２Ｘ"],
)
def test_spellings_of_one_number_parse_alike(typed: str) -> None:
    parsed = ids.parse_resident_id(typed)
    assert parsed is not None
    assert (parsed.value, parsed.valid) == (VALID, True)


def test_a_bad_check_digit_is_kept_and_flagged() -> None:
    parsed = ids.parse_resident_id("110105194912310021")
    assert parsed is not None
    assert not parsed.valid
    assert ids.parse_resident_id("12345") is None
    assert ids.parse_resident_id("11010519491231002Y") is None


@pytest.mark.parametrize(
    ("a", "b", "score", "explanation"),
    [
        (VALID, VALID.lower(), 1.0, "ID equal"),
        (VALID, LEGACY, 1.0, "ID equal after 15→18 conversion"),
        (VALID, "110105194912310021", 0.95, "ID equal but for the check digit"),
        (VALID, "11010591491231002X", 0.9, "ID equal with digits 7 and 8 swapped"),
        (VALID, "11010519491231003X", 0.85, "ID differs in digit 17 only"),
        (VALID, "11010519491231112X", 0.0, "different ID numbers"),
        (VALID, "abc", 0.0, "not a resident ID number"),
    ],
)
def test_resident_id_comparisons(a: str, b: str, score: float, explanation: str) -> None:
    result = ids.compare_resident_ids(a, b)
    assert (result.score, result.explanation) == (score, explanation)


def test_two_valid_numbers_one_digit_apart_are_two_people() -> None:
    other_body = "11010519491231003"
    other = other_body + ids.check_digit(other_body)
    assert ids.parse_resident_id(other).valid  # type: ignore[union-attr]
    assert ids.compare_resident_ids(VALID, other) == ids.Comparison(
        0.0, "two different valid ID numbers"
    )


@pytest.mark.parametrize(
    ("a", "b", "score"),
    [
        ("E12345678", "e 1234-5678", 1.0),
        ("G1234O678", "G12340678", 0.9),
        ("E12345678", "E12345679", 0.0),
        ("", "E1", 0.0),
    ],
)
def test_passports(a: str, b: str, score: float) -> None:
    assert ids.compare_passports(a, b).score == score


@pytest.mark.parametrize(
    ("a", "b", "score"),
    [
        ("沪A·12345", "HU A12345", 1.0),
        ("渝A12345", "YUA12345", 0.9),
        ("沪AD12345", "hu ad12345", 1.0),
        ("沪A12345", "沪A12346", 0.0),
        ("沪A12345", "not a plate", 0.0),
    ],
)
def test_plates(a: str, b: str, score: float) -> None:
    assert ids.compare_plates(a, b).score == score


def test_vin_check_digit_and_typing_errors() -> None:
    vin = "1M8GDM9AXKP042788"  # a check digit 'X' example from the ISO 3779 literature
    assert ids.normalise_vin(vin.lower()) == vin
    assert ids.vin_check_digit_ok(vin)
    assert not ids.vin_check_digit_ok("1M8GDM9A1KP042788")
    assert ids.normalise_vin("1M8GDM9AXKP04278O") is None  # O never occurs in a VIN
    assert ids.compare_vins(vin, vin.lower()).score == 1.0
    assert ids.compare_vins(vin, "1M8GDM9AXKP042789").score == 0.85
    assert ids.compare_vins(vin, "2M8GDM9AXKP042789").score == 0.0
