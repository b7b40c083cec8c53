"""Japanese given names are read as their bearers read them (a table of the common ones), and
foreign names transcribed into characters meet their Latin form by sound."""

from __future__ import annotations

import pytest

from accord.matching import names, transcription


@pytest.mark.parametrize(
    ("latin", "kanji"),
    [
        ("YAMASHITA HARUTO", "山下 陽翔"),
        ("ITO AYA", "伊藤　彩"),
        ("SUZUKI DAIKI", "鈴木大樹"),
        ("SUZUKI HIROKI", "鈴木大樹"),
        ("KOBAYASHI REN", "小林蓮"),
    ],
)
def test_common_given_names_read_as_borne(latin: str, kanji: str) -> None:
    a = names.read_name(latin, nationality="JP")
    b = names.read_name(kanji, nationality="JP")
    assert names.compare_names(a, b).kind in {"transliteration", "romanisation"}
    assert names.blocking_keys(a) & names.blocking_keys(b)


@pytest.mark.parametrize(
    ("han", "latin"),
    [
        ("约翰·史密斯", "JOHN SMITH"),
        ("约翰·史密斯", "SMITH JOHN"),
        ("汉斯·丹尼尔·怀特", "HANS DANIEL WHITE"),
        ("玛丽亚·加西亚", "MARIA GARCIA"),
        ("詹姆斯·大卫·杜波依斯", "DUBOIS JAMES DAVID"),
        ("彼得・威廉・泰勒", "PETER WILLIAM TAYLOR"),
    ],
)
def test_transcribed_foreign_names_sound_alike(han: str, latin: str) -> None:
    assert transcription.is_transcribed(han)
    assert transcription.similarity(han, latin) >= transcription.THRESHOLD


@pytest.mark.parametrize(
    ("han", "latin"),
    [("约翰·史密斯", "JAMES BROWN"), ("安娜·彼得罗夫", "ANNA IVANOVA")],
)
def test_different_foreign_names_do_not(han: str, latin: str) -> None:
    assert transcription.similarity(han, latin) < transcription.THRESHOLD
