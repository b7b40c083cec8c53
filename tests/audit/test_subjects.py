"""Subject keys: every spelling of one identifier normalises to the same key."""

import uuid

import pytest

from accord.audit import service, subjects
from accord.audit.subjects import InvalidSubject, Subject, parse_subject


def test_subject_is_importable_from_the_service_module() -> None:
    assert service.Subject is Subject


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002X",
        "11010519491231002x",
        "110105 19491231 002x",
        "110105-19491231-002X",
        "１１０１０５１９４９１２３１００２ｘ",
        "110105491231002",  # the 15-digit legacy form of the same person
    ],
)
def test_resident_id_spellings_share_one_key(typed: str) -> None:
    assert subjects.resident_id(typed) == Subject("resident_id", "11010519491231002X")


def test_legacy_resident_id_gets_the_computed_check_digit() -> None:
    assert subjects.resident_id_key("110105491231002") == "11010519491231002X"
    # weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2: sum 196, 196 mod 11 = 9 -> "3"
    assert subjects.resident_id_key("440524800101001") == "440524198001010013"


def test_a_malformed_resident_id_is_still_recorded_as_typed() -> None:
    # An officer who checks a mistyped number must leave a trace under what was typed.
    assert subjects.resident_id("1101 0519").key == "11010519"


@pytest.mark.parametrize(
    "typed", ["沪A·12345", "沪a 12345", "沪A-12345", "沪Ａ１２３４５", "沪A.123 45"]
)
def test_plate_spellings_share_one_key(typed: str) -> None:
    assert subjects.plate(typed).key == "沪A12345"


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "+86 138-0013-8000",
        "008613800138000",
        "8613800138000",
        "１３８００１３８０００",
    ],
)
def test_mobile_spellings_share_one_e164_key(typed: str) -> None:
    assert subjects.phone(typed).key == "+8613800138000"


def test_other_phone_forms() -> None:
    assert subjects.phone("021-6232 1234").key == "+862162321234"
    assert subjects.phone("+84 24 3942 4242").key == "+842439424242"
    assert subjects.phone("0084 24 3942 4242").key == "+842439424242"


def test_passport_account_entity_user_agency() -> None:
    assert subjects.passport(" e 1234 5678 ").key == "E12345678"
    assert subjects.passport("Ｅ１２３４５６７８").key == "E12345678"
    assert subjects.account("6222 0200-1234 5678").key == "6222020012345678"
    assert subjects.account("gb82 west 1234").key == "GB82WEST1234"
    ident = uuid.uuid4()
    assert subjects.entity(str(ident).upper()).key == str(ident)
    assert subjects.entity(ident).key == str(ident)
    assert subjects.entity(" NK-abc123 ").key == "NK-abc123"
    assert subjects.user(" wang.li ").key == "wang.li"
    assert subjects.agency("vn-han").key == "VN-HAN"


def test_parse_subject_applies_the_kinds_normaliser() -> None:
    assert parse_subject("resident_id:110105491231002") == Subject(
        "resident_id", "11010519491231002X"
    )
    assert parse_subject("Plate:沪a 12345") == Subject("plate", "沪A12345")
    assert str(parse_subject("phone:13800138000")) == "phone:+8613800138000"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dna:ACGT", "unknown subject kind 'dna'; use one of account, agency, entity"),
        ("110101199003071234", "a subject is KIND:KEY"),
        ("phone:", "a phone subject needs a key"),
        ("phone:--", "a phone subject needs a key"),
        ("passport:" + "A" * 129, "a subject key is at most 128 characters"),
    ],
)
def test_bad_subjects_are_refused_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(InvalidSubject) as caught:
        parse_subject(text)
    assert caught.value.detail.startswith(message)
    assert caught.value.field == "subject"
    assert caught.value.status == 422
