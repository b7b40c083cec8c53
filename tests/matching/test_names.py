"""Person names across scripts: every variant an officer may type meets the stored form, with the
right kind, score and explanation, in both directions and through a shared blocking key."""

import itertools

import pytest

from accord.matching.names import (
    NameForm,
    blocking_keys,
    compare_names,
    fold_latin,
    initials,
    name_frequency,
    read_name,
)

SCALE = {"same": 1.0, "transliteration": 0.95, "romanisation": 0.9, "homophone": 0.85}

# (stored, probe, nationality, kind, explanation) — nationality applies to both sides.
VARIANTS = [
    ("张伟", "ZHANG WEI", None, "transliteration", "pinyin ZHANG WEI = 张伟"),
    ("张伟", "Wei Zhang", None, "transliteration", "pinyin ZHANG WEI = 张伟; name order differs"),
    ("张伟", "zhangwei", None, "transliteration", "pinyin ZHANG WEI = 张伟"),
    ("张小明", "Zhang Xiaoming", None, "transliteration", "pinyin ZHANG XIAOMING = 张小明"),
    ("张小明", "XIAO MING ZHANG", None, "transliteration", "name order differs"),
    ("张小明", "zhang xiao ming", None, "transliteration", "pinyin ZHANG XIAOMING = 张小明"),
    ("張偉", "张伟", None, "same", "張偉 is the traditional form of 张伟"),
    ("张伟", "张伟", None, "same", "same characters"),
    ("张伟", "章伟", None, "homophone", "章伟 sounds like 张伟 (pinyin ZHANG WEI)"),
    ("张伟", "张薇", None, "homophone", "sounds like"),
    ("張偉婷", "CHANG WEI-TING", None, "romanisation", "Wade-Giles CHANG WEI-TING = 張偉婷"),
    ("許志明", "HSU CHIH-MING", "TW", "romanisation", "Wade-Giles HSU CHIH-MING = 許志明"),
    ("蔡英文", "TSAI YING-WEN", "TW", "romanisation", "Wade-Giles TSAI YING-WEN = 蔡英文"),
    ("謝長廷", "HSIEH CHANG TING", None, "romanisation", "Wade-Giles HSIEH CHANG-TING"),
    ("周杰倫", "CHOU CHIEH-LUN", None, "romanisation", "Wade-Giles CHOU CHIEH-LUN = 周杰倫"),
    ("ZHANG WEITING", "CHANG WEI-TING", None, "romanisation", "= Wade-Giles CHANG WEI-TING"),
    ("陳大文", "CHAN TAI MAN", "HK", "romanisation", "Cantonese CHAN TAI MAN = 陳大文"),
    ("張學友", "CHEUNG HOK YAU", "HK", "romanisation", "Cantonese CHEUNG HOK YAU = 張學友"),
    ("黃大仙", "WONG TAI SIN", None, "romanisation", "Cantonese WONG TAI SIN = 黃大仙"),
    ("吳小芬", "NG SIU FAN", None, "romanisation", "Cantonese NG SIU FAN = 吳小芬"),
    ("李嘉誠", "LI KA SHING", "HK", "romanisation", "Cantonese LEE KA SING = 李嘉誠 (spelt LI"),
    ("田中太郎", "TANAKA TARO", "JP", "transliteration", "Japanese reading TANAKA TARO = 田中太郎"),
    ("田中太郎", "Taro Tanaka", "JP", "transliteration", "name order differs"),
    ("田中太郎", "TANAKA TAROU", "JP", "romanisation", "Japanese reading TANAKA TAROU = 田中太郎"),
    ("大野翔平", "OHNO SHOHEI", "JP", "romanisation", "(spelt OHNO SHOHEI)"),
    ("たなか たろう", "TANAKA TARO", None, "transliteration", "Japanese reading TANAKA TARO"),
    ("김민준", "KIM MIN JUN", None, "transliteration", "Korean KIM MIN JUN = 김민준"),
    ("김민준", "KIM MINJUN", "KR", "transliteration", "Korean KIM MIN JUN = 김민준"),
    ("김민준", "MIN-JUN KIM", None, "transliteration", "name order differs"),
    ("김민준", "KIM MIN JOON", None, "romanisation", "Korean KIM MIN JOON = 김민준"),
    ("이서연", "LEE SEO YEON", None, "transliteration", "Korean LEE SEO YEON = 이서연"),
    ("이서연", "YI SEOYEON", None, "romanisation", "Korean YI SEO YEON = 이서연"),
    ("이서연", "RHEE SEO YEON", None, "romanisation", "Korean RHEE SEO YEON = 이서연"),
    ("박지훈", "PARK JI HOON", None, "romanisation", "Korean PARK JI HOON = 박지훈"),
    ("정민수", "CHUNG MIN SU", None, "romanisation", "Korean CHUNG MIN SU = 정민수"),
    ("정민수", "JEONG MIN SU", None, "romanisation", "Korean JEONG MIN SU = 정민수"),
    ("최유진", "CHOI YU JIN", None, "transliteration", "Korean CHOI YU JIN = 최유진"),
    ("Nguyễn Văn Đức", "NGUYEN VAN DUC", "VN", "transliteration",
     "NGUYEN VAN DUC = Nguyễn Văn Đức without diacritics"),
    ("Müller", "MUELLER", None, "transliteration", "without diacritics"),
    ("约翰·史密斯", "YUEHAN SHIMISI", None, "transliteration", "pinyin YUEHAN SHIMISI = 约翰"),
    ("约翰·史密斯", "約翰・史密斯", None, "same", "約翰・史密斯 is the traditional form of"),
    ("约翰•史密斯", "约翰‧史密斯", None, "same", "same characters: 约翰‧史密斯 ="),
    ("买买提·艾力", "MAIMAITI AILI", None, "transliteration", "pinyin MAIMAITI AILI = 买买提·艾力"),
]  # fmt: skip


@pytest.mark.parametrize(("stored", "probe", "nationality", "kind", "explanation"), VARIANTS)
def test_each_variant_matches_its_stored_form_both_ways(
    stored: str, probe: str, nationality: str | None, kind: str, explanation: str
) -> None:
    s, p = read_name(stored, nationality=nationality), read_name(probe, nationality=nationality)
    forward, backward = compare_names(p, s), compare_names(s, p)
    assert (forward.kind, forward.score) == (kind, SCALE[kind])
    assert (backward.kind, backward.score) == (forward.kind, forward.score)
    assert explanation in forward.explanation
    assert blocking_keys(s) & blocking_keys(p), "two readings of one person share a blocking key"


@pytest.mark.parametrize(
    ("stored", "probe", "explanation"),
    [
        ("张伟", "ZANG WEI", "ZANG WEI ~ pinyin ZHANG WEI = 张伟"),
        ("张伟", "ZHANG WIE", "spelling close: ZHANG WIE ~ pinyin ZHANG WEI = 张伟"),
        ("李娜", "NI NA", "NI NA sounds like pinyin LI NA = 李娜 (typed by ear)"),
        ("MOHAMMED ALI", "MOHAMMAD ALI", "spelling close: MOHAMMAD ALI ~ MOHAMMED ALI (0.96)"),
        ("JOHN SMITH", "JOHN SMYTH", "spelling close"),
    ],
)
def test_typing_errors_and_by_ear_spellings_are_fuzzy(
    stored: str, probe: str, explanation: str
) -> None:
    result = compare_names(read_name(probe), read_name(stored))
    assert result.kind == "fuzzy"
    assert 0.6 <= result.score <= 0.85
    assert result.explanation.startswith(explanation) or explanation in result.explanation
    assert compare_names(read_name(stored), read_name(probe)).score == result.score


def test_by_ear_pinyin_shares_a_sound_key() -> None:
    assert blocking_keys(read_name("张伟")) & blocking_keys(read_name("ZANG WEI")) == {"s:zanwei"}


@pytest.mark.parametrize(
    ("stored", "probe", "explanation"),
    [
        ("张小明", "ZHANG XIAO", "ZHANG XIAO is part of pinyin ZHANG XIAOMING = 张小明"),
        ("张小明", "ZHANG MING", "ZHANG MING is part of pinyin ZHANG XIAOMING = 张小明"),
        ("JOHN PAUL SMITH", "JOHN SMITH", "JOHN SMITH is part of JOHN PAUL SMITH"),
        ("김민준", "KIM MIN", "KIM MIN is part of Korean KIM MIN JUN = 김민준"),
    ],
)
def test_a_missing_given_or_middle_name_is_partial(
    stored: str, probe: str, explanation: str
) -> None:
    result = compare_names(read_name(probe), read_name(stored))
    assert (result.kind, result.explanation) == ("partial", explanation)
    assert 0.4 <= result.score <= 0.6


@pytest.mark.parametrize(
    ("native", "latin"), [("สมชาย ใจดี", "SOMCHAI JAIDEE"), ("ហ៊ុន សែន", "HUN SEN")]
)
def test_southeast_asian_scripts_match_their_passport_form_uncertainly(
    native: str, latin: str
) -> None:
    reading = read_name(native)
    assert reading.forms[0].system == "transliterated"
    result = compare_names(read_name(latin), reading)
    assert result.kind == "transliterated"
    assert 0.5 <= result.score <= 0.7
    assert "automatic transliteration" in result.explanation
    assert "uncertain" in result.explanation
    assert blocking_keys(reading) & blocking_keys(read_name(latin))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("张伟", "王伟"),
        ("张伟", "李娜"),
        ("黄伟", "王伟"),  # both WONG WAI in Hong Kong, but different characters and pinyin
        ("JOHN SMITH", "张伟"),
        ("KIM MIN JUN", "PARK SEO YEON"),
        ("ZHANG WEI", "WANG WEI"),
        ("ZHANG", "ZHANG WEI"),  # a surname alone is not a partial name
    ],
)
def test_different_names_are_different(a: str, b: str) -> None:
    result = compare_names(read_name(a), read_name(b))
    assert (result.kind, result.score, result.explanation) == ("different", 0.0, "names differ")


def test_a_japanese_name_is_never_read_through_pinyin() -> None:
    japanese = read_name("田中太郎", nationality="JP")
    assert {f.system for f in japanese.forms} == {"japanese"}
    assert japanese.forms[0] == NameForm("japanese", ("tanaka", "taro"))
    for pinyin in ("TIAN ZHONG TAI LANG", "TIAN ZHONG", "TIANZHONG TAILANG"):
        result = compare_names(read_name(pinyin), japanese)
        assert result.kind != "transliteration"
        assert result.score < 0.6
    kana = read_name("たなかたろう")
    assert all(f.system == "japanese" for f in kana.forms)
    # Without a nationality a Chinese reading of the characters stays possible.
    assert any(f.system == "pinyin" for f in read_name("田中太郎").forms)


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("单田芳", ("shan", "tianfang")),
        ("曾国藩", ("zeng", "guofan")),
        ("解缙", ("xie", "jin")),
        ("区家明", ("ou", "jiaming")),
        ("仇英", ("qiu", "ying")),
        ("朴正熙", ("piao", "zhengxi")),
        ("查良镛", ("zha", "liangyong")),
        ("盖聂", ("ge", "nie")),
        ("缪斯", ("miao", "si")),
        ("乐嘉", ("yue", "jia")),
        ("覃明", ("qin", "ming")),
        ("翟志刚", ("zhai", "zhigang")),
    ],
)
def test_heteronym_surnames_take_their_surname_reading(name: str, tokens: tuple[str, ...]) -> None:
    reading = read_name(name)
    assert reading.forms[0] == NameForm("pinyin", tokens)
    probe = read_name(" ".join(tokens).upper())
    assert compare_names(probe, reading).kind == "transliteration"


def test_a_second_surname_reading_is_a_romanisation() -> None:
    result = compare_names(read_name("GAI NIE"), read_name("盖聂"))
    assert (result.kind, result.explanation) == ("romanisation", "pinyin GAI NIE = 盖聂")


@pytest.mark.parametrize(
    ("name", "surname"),
    [
        ("欧阳修远", "ouyang"),
        ("司马光", "sima"),
        ("诸葛亮", "zhuge"),
        ("上官婉儿", "shangguan"),
        ("司徒明", "situ"),
        ("东方明", "dongfang"),
        ("皇甫嵩", "huangfu"),
        ("尉迟恭", "yuchi"),
        ("公孙胜", "gongsun"),
        ("慕容复", "murong"),
        ("长孙无忌", "zhangsun"),
        ("宇文泰", "yuwen"),
        ("夏侯惇", "xiahou"),
        ("令狐冲", "linghu"),
        ("端木蓉", "duanmu"),
    ],
)
def test_compound_surnames_are_one_token(name: str, surname: str) -> None:
    reading = read_name(name)
    assert reading.forms[0].tokens[0] == surname
    assert reading.family == name[:2]
    assert len(reading.forms[0].tokens) == 2


def test_a_reading_keeps_the_text_script_and_simplified_characters() -> None:
    reading = read_name("陳大文", nationality="hk")
    assert (reading.text, reading.script, reading.hanzi, reading.nationality) == (
        "陳大文",
        "han",
        "陈大文",
        "HK",
    )
    assert reading.forms[0] == NameForm("pinyin", ("chen", "dawen"))
    assert NameForm("cantonese", ("chan", "taiman")) in reading.forms
    assert NameForm("wade-giles", ("chen", "tawen")) in reading.forms
    assert read_name("约翰·史密斯").hanzi == "约翰史密斯"
    assert read_name("김민준").script == "hangul"
    assert read_name("สมชาย").script == "thai"
    assert read_name("Wei ZHANG").forms[0] == NameForm("latin", ("wei", "zhang"))
    assert read_name("ZHANG<<WEI").forms[0] == NameForm("latin", ("zhang", "wei"))


def test_read_name_is_cached() -> None:
    assert read_name("张伟") is read_name("张伟")


def test_a_lone_surrogate_is_dropped_not_fatal() -> None:
    assert read_name("张\udc69伟").hanzi == "张伟"


@pytest.mark.parametrize("odd", ["", "   ", "123", "!!!", "·", "\u200b", "\udc69"])
def test_odd_input_gives_an_empty_reading_and_no_match(odd: str) -> None:
    reading = read_name(odd)
    assert reading.forms == ()
    assert reading.hanzi is None
    assert blocking_keys(reading) == frozenset()
    assert initials(reading) == frozenset()
    assert compare_names(reading, read_name("张伟")) == compare_names(read_name("张伟"), reading)
    assert compare_names(reading, read_name("张伟")).kind == "different"
    assert compare_names(reading, reading).kind == "different"
    assert 0 < name_frequency(reading) <= 1


BATTERY = [
    "张伟", "張偉", "章伟", "王伟", "ZHANG WEI", "Wei Zhang", "zhang wie", "ZANG WEI", "张小明",
    "XIAO MING ZHANG", "ZHANG XIAO", "陳大文", "CHAN TAI MAN", "張偉婷", "CHANG WEI-TING",
    "田中太郎", "TANAKA TAROU", "김민준", "KIM MIN JOON", "Nguyễn Văn Đức", "NGUYEN VAN DUC",
    "MOHAMMAD ALI", "MOHAMMED ALI", "JOHN PAUL SMITH", "JOHN SMITH", "สมชาย ใจดี", "SOMCHAI JAIDEE",
    "约翰·史密斯", "欧阳修远", "OUYANG XIUYUAN", "",
]  # fmt: skip


def test_scores_do_not_depend_on_which_side_is_the_probe() -> None:
    readings = [read_name(n) for n in BATTERY]
    for a, b in itertools.combinations(readings, 2):
        forward, backward = compare_names(a, b), compare_names(b, a)
        assert (forward.score, forward.kind) == (backward.score, backward.kind), (a.text, b.text)


@pytest.mark.parametrize(
    "typed",
    ["ZHANG XIAOMING", "XIAOMING ZHANG", "zhang xiao ming", "ZHANGXIAOMING", "Zhang, Xiao-Ming"],
)
def test_scores_do_not_depend_on_order_case_or_spacing(typed: str) -> None:
    result = compare_names(read_name(typed), read_name("张小明"))
    assert (result.kind, result.score) == ("transliteration", 0.95)


def test_kinds_keep_their_order_on_the_scale() -> None:
    kinds = [
        compare_names(read_name(a), read_name(b))
        for a, b in [
            ("張偉", "张伟"),  # same
            ("ZHANG WEI", "张伟"),  # transliteration
            ("CHEUNG WAI", "张伟"),  # romanisation
            ("章伟", "张伟"),  # homophone
            ("ZHANG WIE", "张伟"),  # fuzzy
            ("ZHANG XIAO", "张小明"),  # partial
            ("王伟", "张伟"),  # different
        ]
    ]
    assert [k.kind for k in kinds] == [
        "same",
        "transliteration",
        "romanisation",
        "homophone",
        "fuzzy",
        "partial",
        "different",
    ]
    assert [k.score for k in kinds] == sorted((k.score for k in kinds), reverse=True)


def test_blocking_keys_are_few_short_and_prefixed() -> None:
    for name in BATTERY:
        keys = blocking_keys(read_name(name))
        assert len(keys) <= 30
        assert all(k[:2] in {"h:", "n:", "s:", "y:", "k:", "j:", "c:"} for k in keys)
    assert {"h:张伟", "n:zhangwei", "n:changwei", "n:cheungwai"} <= blocking_keys(read_name("张伟"))


def test_initials_cover_every_form() -> None:
    assert {"z", "x", "c", "h"} <= initials(read_name("张小明"))
    # Typed pinyin is also read as Wade-Giles (HSIAO MING CHANG).
    assert initials(read_name("XIAO MING ZHANG")) == {"x", "m", "z", "h", "c"}
    assert initials(read_name("JOHN SMITH")) == {"j", "s"}
    assert initials(read_name("张小明")) & initials(read_name("ZHANG XIOAMING"))


def test_name_frequency_orders_common_and_rare_names() -> None:
    zhang_wei = name_frequency(read_name("张伟"))
    assert zhang_wei >= 1e-4
    assert name_frequency(read_name("王芳")) >= 1e-4
    assert name_frequency(read_name("李娜")) >= 1e-4
    assert name_frequency(read_name("欧阳修远")) <= 1e-7 < zhang_wei
    assert name_frequency(read_name("ZHANG WEI")) >= zhang_wei  # ZHANG WEI also spells 章伟
    assert name_frequency(read_name("NGUYEN VAN DUC")) >= 1e-4  # Nguyễn: about 38 % of Vietnam
    assert name_frequency(read_name("NGUYEN VAN DUC")) > name_frequency(read_name("JOHN SMITH"))
    assert name_frequency(read_name("김민준")) > name_frequency(read_name("남궁민준"))
    assert name_frequency(read_name("TANAKA TARO", nationality="JP")) > 1e-6
    for name in BATTERY:
        assert 0 < name_frequency(read_name(name)) <= 1


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("O'Brien", "obrien"),
        ("ＺＨＡＮＧ　Ｗｅｉ", "zhang wei"),
        ("Straße", "strasse"),
        ("Søren Łukasz", "soren lukasz"),
        ("张伟", "张伟"),
        ("がぎ", "がぎ"),  # kana voicing marks are not Latin diacritics
    ],
)
def test_fold_latin(text: str, folded: str) -> None:
    assert fold_latin(text) == folded
