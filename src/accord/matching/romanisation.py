"""Romanisation systems found on identity documents: pinyin to the Wade-Giles spelling of Taiwan
passports, jyutping to the Hong Kong government romanisation, Hangul to the Revised Romanisation
of Korean passports, kanji and kana to passport Hepburn; the readings of a name written in
characters in each system; and the folds under which each system's spelling variants compare
equal.

Everything here works on lower-case a-z strings without tones, apostrophes or diacritics (a
passport prints CHANG, not Ch'ang). The folds are deliberately lossy and only ever applied to
both sides of a comparison alike.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

import opencc
import pykakasi

from accord.matching.name_tables import (
    CN_GIVEN_SHARE,
    CN_SURNAME_SHARE,
    COMPOUND_SURNAMES,
    HK_SURNAMES,
    JP_GIVEN_NAMES,
    JP_SURNAMES,
    KR_SURNAMES,
    PINYIN_SYLLABLES,
    SURNAME_READINGS,
)

# --- pinyin -> Wade-Giles ------------------------------------------------------------------------

_WG_WHOLE = {
    "zhi": "chih",
    "chi": "chih",
    "shi": "shih",
    "ri": "jih",
    "zi": "tzu",
    "ci": "tzu",
    # Taiwan passports spell 思/斯/司 SZU far more often than the textbook SSU.
    "si": "szu",
    "er": "erh",
    "e": "o",
    "ge": "ko",
    "ke": "ko",
    "he": "ho",
    "ye": "yeh",
    # Textbook Wade-Giles writes 怡 as I; Taiwan passports write YI, which is what gets typed.
    "yi": "yi",
    "you": "yu",
    "yan": "yen",
    "yong": "yung",
    "yu": "yu",
    "yue": "yueh",
    "yuan": "yuan",
    "yun": "yun",
    "guo": "kuo",
    "kuo": "kuo",
    "huo": "huo",
    "shuo": "shuo",
    "wo": "wo",
    "gui": "kuei",
    "kui": "kuei",
    "lv": "lu",
    "nv": "nu",
    "lve": "lueh",
    "nve": "nueh",
}
_PINYIN_INITIALS: tuple[str, ...] = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l")
_PINYIN_INITIALS += ("g", "k", "h", "j", "q", "x", "r", "z", "c", "s", "y", "w")
_WG_INITIAL = {"b": "p", "d": "t", "g": "k", "z": "ts", "c": "ts", "zh": "ch", "r": "j"}
_WG_INITIAL |= {"j": "ch", "q": "ch", "x": "hs"}


@lru_cache(maxsize=1024)
def wade_giles(syllable: str) -> str:
    """The Wade-Giles spelling of one toneless pinyin syllable, as Taiwan passports print it
    (no aspiration apostrophes, no umlaut): zhang -> chang, xu -> hsu, cai -> tsai."""
    if syllable in _WG_WHOLE:
        return _WG_WHOLE[syllable]
    initial = next((i for i in _PINYIN_INITIALS if syllable.startswith(i)), "")
    final = syllable[len(initial) :]
    if initial in ("j", "q", "x"):
        # After j, q, x the vowel u is ü: jue -> chüeh, xun -> hsün (the umlaut is dropped).
        final = {"ue": "ueh", "iong": "iung"}.get(final, final)
    if final == "uo":
        final = "o"
    elif final == "ong":
        final = "ung"
    elif final == "ian":
        final = "ien"
    elif final == "ie":
        final = "ieh"
    return _WG_INITIAL.get(initial, initial) + final


# --- jyutping -> Hong Kong government romanisation ----------------------------------------------

_JP_INITIALS: tuple[str, ...] = (
    "gw",
    "kw",
    "ng",
    "b",
    "p",
    "m",
    "f",
    "d",
    "t",
    "n",
    "l",
    "g",
    "k",
    "h",
)
_JP_INITIALS += ("w", "z", "c", "s", "j")
_HK_INITIAL = {"b": "p", "d": "t", "g": "k", "gw": "kw", "z": "ch", "c": "ch", "j": "y"}
_HK_FINAL = {
    "aa": "a",
    "aai": "ai",
    "aau": "au",
    "aam": "am",
    "aan": "an",
    "aang": "ang",
    "aap": "ap",
    "aat": "at",
    "aak": "ak",
    "ou": "o",
    "oeng": "eung",
    "oek": "euk",
    "eoi": "ui",
    "eon": "un",
    "eot": "ut",
    "un": "oon",
    "yu": "u",
    "yun": "uen",
    "yut": "uet",
}


@lru_cache(maxsize=2048)
def hong_kong(jyutping: str) -> str:
    """The Hong Kong government spelling of one jyutping syllable (tone digit allowed):
    zoeng1 -> cheung, can4 -> chan, si1 -> sze, jyun4 -> yuen."""
    syllable = jyutping.rstrip("123456")
    if syllable in ("m", "ng", "hm", "hng"):
        return syllable
    initial = next((i for i in _JP_INITIALS if syllable.startswith(i)), "")
    final = syllable[len(initial) :]
    if not final:  # "ng" read as an initial with nothing after it: the syllabic nasal
        return syllable
    if final == "i" and initial in ("s", "z", "c", "j"):
        return {"s": "sze", "z": "chi", "c": "chi", "j": "yi"}[initial]
    spelt = _HK_FINAL.get(final, final)
    if initial == "j" and spelt.startswith("u") and final.startswith("yu"):
        return "y" + spelt  # jyu -> yu, jyun -> yuen: the y is already the initial
    return _HK_INITIAL.get(initial, initial) + spelt


# --- Hangul -> Revised Romanisation ---------------------------------------------------------------

_RR_INITIALS: tuple[str, ...] = (
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
)
_RR_INITIALS += ("k", "t", "p", "h")
_RR_VOWELS: tuple[str, ...] = (
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
)
_RR_VOWELS += ("wo", "we", "wi", "yu", "eu", "ui", "i")
_RR_FINALS: tuple[str, ...] = (
    "",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
)
_RR_FINALS += ("m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t")


def is_hangul_syllable(char: str) -> bool:
    """Whether `char` is a precomposed Hangul syllable block (가 to 힣)."""
    return "\uac00" <= char <= "\ud7a3"


@lru_cache(maxsize=4096)
def revised_romanisation(char: str) -> str:
    """One Hangul syllable block in the Revised Romanisation, read on its own as the syllables
    of a Korean given name are on a passport: 민 -> min, 준 -> jun, 정 -> jeong."""
    index = ord(char) - 0xAC00
    initial, rest = divmod(index, 21 * 28)
    vowel, final = divmod(rest, 28)
    # A name starting with ㄹ is pronounced and romanised with the initial n or l, never r.
    return _RR_INITIALS[initial] + _RR_VOWELS[vowel] + _RR_FINALS[final]


@lru_cache(maxsize=4096)
def korean_older_spelling(syllable: str, *, first: bool) -> str:
    """The McCune-Reischauer-like spelling many passports kept: seong -> sung, jun -> joon,
    yeong -> young, and g/d/b/j voiceless at the start of the given name (gi -> ki)."""
    spelt = re.sub(r"(?<![yeuw])u(?![ie])", "oo", syllable)
    spelt = spelt.replace("yeong", "young").replace("yeo", "yu").replace("eo", "u")
    if first and spelt[:1] in ("g", "d", "b"):
        spelt = {"g": "k", "d": "t", "b": "p"}[spelt[0]] + spelt[1:]
    return spelt


# --- the folds: spelling variants of one system compare equal ------------------------------------
# Literal rewrites are chained str.replace and str.translate calls, ten times faster than re.sub:
# every stored name is folded several times when its blocking keys are built.

_LONG_O = re.compile(r"ow(?![aeiou])|aw(?![aeiou])|o[hr](?![aeiou])|ah(?![aeiou])")
_CANTONESE_U = re.compile(r"eu(?=i|t|n(?!g))|ue(?![nt])")


_LONG_O_SPELT = {"ow": "au", "ah": "a"}


def fold_cantonese(text: str) -> str:
    """Hong Kong spellings of one sound made equal: TSANG/CHANG, SZE/SI, POON/PUN, LEE/LI,
    CHOW/CHAU, LAW/LO, YUE/YU, WAH/WA."""
    text = text.replace("tsze", "chi").replace("tsz", "chi").replace("chee", "chi")
    text = text.replace("sze", "si").replace("see", "si").replace("shi", "si")
    text = text.replace("ts", "ch").replace("sh", "s").replace("oo", "u")
    text = _LONG_O.sub(lambda m: _LONG_O_SPELT.get(m[0], "o"), text)
    text = text.replace("ou", "o").replace("ee", "i").replace("ei", "i")
    return _CANTONESE_U.sub("u", text)


_KOREAN_H = re.compile(r"(?<=[aeiou])h(?![aeiouwy])")
_KOREAN_VOICE = str.maketrans("ktpl", "gdbr")


def fold_korean(text: str) -> str:
    """Korean spellings of one sound made equal: JUN/JOON, SEONG/SUNG, GIM/KIM, AHN/AN,
    CHUNG/JUNG, LIM/RIM."""
    text = text.replace("rh", "r").replace("oo", "u").replace("ou", "u").replace("eo", "u")
    text = _KOREAN_H.sub("", text.replace("eu", "u").replace("ee", "i"))
    return text.replace("ch", "j").replace("sh", "s").translate(_KOREAN_VOICE)


_JAPANESE_O = re.compile(r"ou|oo|oh(?![aeiou])")
_JAPANESE_M = re.compile(r"m(?=[bmp])")


def fold_japanese(text: str) -> str:
    """Passport Hepburn: long vowels dropped (tarou, taroo, taroh -> taro; yuuko -> yuko) and
    m before b/m/p read as n (HOMMA = honma)."""
    text = _JAPANESE_O.sub("o", text).replace("uu", "u").replace("aa", "a").replace("ee", "e")
    return _JAPANESE_M.sub("n", text)


def fold_ear(text: str) -> str:
    """Pinyin as typed by ear in the south: zh/z, ch/c, sh/s, -ng/-n and l/n sound alike."""
    text = text.replace("lyu", "lu").replace("lv", "lu").replace("nyu", "nu").replace("nv", "nu")
    text = text.replace("zh", "z").replace("ch", "c").replace("sh", "s")
    return text.replace("ng", "n").replace("l", "n")


_SKELETON = str.maketrans("jbdg", "cptk", "aeiouyhwr")
_DOUBLES = re.compile(r"(.)\1+")


def skeleton(text: str) -> str:
    """The consonants of a transliterated name, for the Southeast Asian scripts whose automatic
    transliteration drops or reorders vowels: สมชาย -> smchay and SOMCHAI both give smc."""
    text = text.replace("ch", "c").replace("ph", "p").replace("th", "t").replace("kh", "k")
    return _DOUBLES.sub(r"\1", text.translate(_SKELETON))


def korean_name_forms(family: str, given: str) -> list[tuple[tuple[str, str], str]]:
    """Latin forms of a Korean name written in Hangul, the passport-standard one first:
    ((family, given joined), label) for the surname's usual spellings (이: LEE, YI, RHEE, I)
    with the given name in the Revised and in the older spelling (김민준: KIM MIN JUN,
    KIM MIN JOON, GIM MIN JUN ...), at most eight."""
    syllables = [revised_romanisation(c) for c in given if is_hangul_syllable(c)]
    older = [korean_older_spelling(s, first=i == 0) for i, s in enumerate(syllables)]
    plain_family = "".join(revised_romanisation(c) for c in family if is_hangul_syllable(c))
    surnames = KR_SURNAMES[family][1] if family in KR_SURNAMES else (plain_family,)
    givens = [syllables] if older == syllables else [syllables, older]
    forms = []
    for surname in surnames[:4]:
        for spelt in givens:
            forms.append(((surname, "".join(spelt)), " ".join([surname, *spelt]).upper()))
    return forms[:8]


def passport_hepburn(hepburn: str) -> str:
    """Hepburn as a Japanese passport prints it: long vowels not marked (tarou -> taro,
    oono -> ono, yuuko -> yuko; but inoue keeps its ou-e) and m before b/m/p (honma -> homma)."""
    spelt = re.sub(r"ou(?!e)|oo", "o", hepburn).replace("uu", "u")
    return re.sub(r"n(?=[bmp])", "m", spelt)


# --- names written in characters: their pinyin, Wade-Giles, Cantonese and Japanese readings -------

Reading = tuple[str, tuple[str, ...], str]  # system, tokens (family first), label as printed
T2S = opencc.OpenCC("t2s")


@cache
def _kakasi() -> Any:
    # Built once: loading its dictionaries takes tens of milliseconds. pykakasi is untyped.
    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


# pypinyin and ToJyutping load their dictionaries (about 1.3 s together) when imported, so
# they are imported on first use: a command that never reads a name starts that much sooner.


@lru_cache(maxsize=4096)
def _char_pinyin(char: str) -> str:
    from pypinyin import lazy_pinyin

    return str(lazy_pinyin(char)[0])


@lru_cache(maxsize=65536)
def _pinyin_of(han: str) -> tuple[str, ...]:
    """Toneless pinyin of a given name (or a whole transliterated name), one per character;
    cached because given names repeat across a million alerts far more than full names."""
    from pypinyin import lazy_pinyin

    return tuple(str(s) for s in lazy_pinyin(han))


@lru_cache(maxsize=8192)
def pinyin_split(token: str) -> tuple[str, ...] | None:
    """Typed pinyin cut into syllables, the fewest possible (xiaoming -> xiao ming), or None."""
    best: list[tuple[str, ...] | None] = [(), *([None] * len(token))]
    for start in range(len(token)):
        done = best[start]
        if done is None:
            continue
        for end in range(start + 1, min(len(token), start + 6) + 1):
            found = best[end]
            if token[start:end] in PINYIN_SYLLABLES and (
                found is None or len(found) > len(done) + 1
            ):
                best[end] = (*done, token[start:end])
    return best[len(token)]


def _u_variants(syllables: list[str]) -> list[list[str]]:
    """ü is LYU on passports since 2012, LV before, LU in most typing: all three."""
    if not any("v" in s for s in syllables):
        return [syllables]
    return [[s.replace("v", spelt) for s in syllables] for spelt in ("yu", "v", "u")]


def _cut(syllables: list[str], cuts: list[int]) -> list[list[str]]:
    return [syllables[a:b] for a, b in pairwise(cuts)]


def chinese_readings(original: str, parts: list[str], dotted: bool) -> list[Reading]:
    """Pinyin (with every surname reading, 单 SHAN; and the spellings of ü), Wade-Giles and Hong
    Kong Cantonese forms of a name in characters. `parts` are [family, given] in simplified
    characters, or the parts of a transliterated foreign name when `dotted` (约翰·史密斯)."""
    simplified = "".join(parts)
    family = "" if dotted else parts[0]
    if family in COMPOUND_SURNAMES:
        readings: tuple[tuple[str, ...], ...] = (COMPOUND_SURNAMES[family],)
    elif family:
        readings = tuple((r,) for r in SURNAME_READINGS.get(family, (_char_pinyin(family),)))
    else:
        readings = ((),)
    given = list(_pinyin_of(simplified[len(family) :]))
    cuts = [0]
    for part in parts:
        cuts.append(cuts[-1] + len(part))
    found: list[Reading] = []
    for reading in readings:
        for variant in _u_variants([*reading, *given]):
            words = ["".join(w) for w in _cut(variant, cuts)]
            found.append(("pinyin", tuple(words), " ".join(words).upper()))
    giles = [[wade_giles(s) for s in w] for w in _cut([*readings[0], *given], cuts)]
    label = " ".join("-".join(w) for w in giles).upper()
    found.append(("wade-giles", tuple("".join(w) for w in giles), label))
    import ToJyutping

    jyutping = ToJyutping.get_jyutping_list(original)
    if len(jyutping) != len(simplified) or any(j is None for _, j in jyutping):
        return found
    spelt = [hong_kong(j) for _, j in jyutping]
    # Given names spell the short a of zan, can, san as U more often than not: 震 CHUN, 新 SUN.
    other = [
        _SHORT_A.sub("un", s) if _SHORT_A_JP.match(j) else s
        for s, (_, j) in zip(spelt, jyutping, strict=True)
    ]
    for k, spelling in enumerate(
        (spelt, other) if other[len(family) :] != spelt[len(family) :] else (spelt,)
    ):
        canto = _cut(spelling, cuts)
        for family_spelling in HK_SURNAMES.get(family, (" ".join(canto[0]),))[: 2 - k]:
            words_hk = [family_spelling.split(), *canto[1:]] if family else canto
            label = " ".join(" ".join(w) for w in words_hk).upper()
            found.append(("cantonese", tuple("".join(w) for w in words_hk), label))
    return found


_SHORT_A_JP = re.compile(r"[zcs]an[1-6]?$")
_SHORT_A = re.compile(r"an$")


def _hepburn(chunk: str) -> list[str]:
    return [re.sub(r"[^a-z]", "", i["hepburn"].lower()) for i in _kakasi().convert(chunk)]


_JP_SIMPLIFIED = {T2S.convert(k): k for k in JP_SURNAMES}


def _known_japanese_surname(word: str) -> str:
    """The table's kanji for a common Japanese surname starting `word`, or ""."""
    for size in (3, 2, 1):
        key = _JP_SIMPLIFIED.get(T2S.convert(word[:size]))
        if key and len(word) > size:
            return key
    return ""


def japanese_readings(words: list[str]) -> tuple[list[Reading], str]:
    """The passport Hepburn reading of a Japanese name in kanji or kana (and the plain Hepburn
    one when it differs: TANAKA TARO, TANAKA TAROU), with the family name in kanji when it is
    one of the table's common surnames."""
    known = _known_japanese_surname(words[0]) if len(words) == 1 else ""
    given_kanji = ""
    if known:
        family = JP_SURNAMES[known][0]
        given_kanji = words[0][len(known) :]
        given = "".join(_hepburn(given_kanji))
    elif len(words) > 1:
        given_kanji = "".join(words[1:])
        family, given = "".join(_hepburn(words[0])), "".join(_hepburn(given_kanji))
    else:
        parts = [p for p in _hepburn(words[0]) if p]
        family, given = (parts[0] if parts else ""), "".join(parts[1:])
    # A common given name is read as its bearers read it, not as the dictionary does.
    givens = list(dict.fromkeys([*JP_GIVEN_NAMES.get(given_kanji, ()), given]))
    found: list[Reading] = []
    for g_reading in givens:
        for spell in (passport_hepburn, str):
            f, g = spell(family), spell(g_reading)
            found.append(("japanese", (f, g), f"{f} {g}".strip().upper()))
    return list(dict.fromkeys(found)), known


def looks_japanese(simplified: str) -> bool:
    """A name of three characters or more starting with a common Japanese surname that is not a
    Chinese compound surname (田中太郎, 佐々木健太), or written with the iteration mark 々."""
    if "々" in simplified:
        return True
    if len(simplified) < 3 or simplified[:2] in COMPOUND_SURNAMES:
        return False
    return simplified[:2] in _JP_SIMPLIFIED or simplified[:3] in _JP_SIMPLIFIED


@cache
def spelling_shares() -> tuple[dict[str, float], dict[str, float]]:
    """Population shares of Chinese surnames and given names by Latin spelling (pinyin,
    Wade-Giles, Hong Kong), for weighing a name typed in Latin letters: homophones add up, so
    ZHANG counts 张 and 章 and WONG counts 黄 and 王."""
    surnames: dict[str, float] = {}
    for hanzi, share in CN_SURNAME_SHARE.items():
        for spelt in {
            tokens[0] for _, tokens, _ in chinese_readings(hanzi + "一", [hanzi, "一"], False)
        }:
            surnames[spelt] = surnames.get(spelt, 0.0) + share
    given: dict[str, float] = {}
    for hanzi, share in CN_GIVEN_SHARE.items():
        spelt = "".join(_pinyin_of(hanzi))
        given[spelt] = given.get(spelt, 0.0) + share
    return surnames, given
