"""Person names across scripts, for alert screening and record linkage: a name as typed (Han
characters simplified or traditional, pinyin in any order, Wade-Giles, Hong Kong Cantonese,
Hangul, Japanese, Vietnamese, Thai ...) is read once into every Latin form it may appear in on a
document; blocking keys, initials, comparisons and frequency estimates work on those readings.

A comparison returns a score, a kind from the fixed scale below and an explanation naming the
forms that matched (STYLE #8): same 1.0 > transliteration 0.95 > romanisation 0.9 > homophone
0.85 > fuzzy 0.6-0.85 > partial <= 0.6, transliterated (automatic, native Southeast Asian
scripts) <= 0.7, different 0.0. Han characters never "typo" into each other: two names written
in characters match only as the same characters, homophones or a partial name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from accord.matching import name_tables as tables
from accord.matching import romanisation as roman
from accord.matching.identifiers import Comparison


@dataclass(frozen=True)
class NameForm:
    """One Latin spelling of a name in one system: hanzi, pinyin, wade-giles, cantonese,
    japanese, korean, latin (as typed) or transliterated (automatically, other scripts)."""

    system: str
    tokens: tuple[str, ...]  # lower-case a-z, family name first where the script's convention says


@dataclass(frozen=True)
class NameMatch(Comparison):
    """A `Comparison` (score, explanation) with its kind on the scale of the module docstring."""

    kind: str = "different"


@dataclass(frozen=True)
class NameReading:
    """A name as given and every Latin form it may take on a document (see `read_name`)."""

    text: str
    script: str  # han | latin | hangul | kana | thai | khmer | lao | myanmar | other
    hanzi: str | None
    forms: tuple[NameForm, ...]
    labels: tuple[str, ...] = ()  # each form as a document prints it: CHANG WEI-TING
    family: str = ""  # the family name in the native script (simplified), "" if not known
    nationality: str | None = None
    accented: tuple[str, ...] = ()  # Latin tokens with their diacritics, when there were any

    def label(self, index: int) -> str:
        """Form `index` as a document prints it (CHANG WEI-TING, KIM MIN JUN)."""
        if index < len(self.labels):
            return self.labels[index]
        return " ".join(self.forms[index].tokens).upper()

    @cached_property
    def _index(self) -> _Index:
        return _Index(self)


_JW = JaroWinkler.normalized_similarity
SCORES = {"same": 1.0, "transliteration": 0.95, "romanisation": 0.9, "homophone": 0.85}
DIFFERENT = NameMatch(score=0.0, explanation="names differ", kind="different")
_SYSTEM_LABELS = {"pinyin": "pinyin", "wade-giles": "Wade-Giles", "cantonese": "Cantonese"}
_SYSTEM_LABELS |= {"japanese": "Japanese reading", "korean": "Korean"}
_SYSTEM_LABELS |= {"transliterated": "automatic transliteration"}
_NATIVE_SCRIPTS = {"han", "hangul", "kana"}
_FOLDS = {"cantonese": roman.fold_cantonese, "korean": roman.fold_korean}
_FOLDS |= {"japanese": roman.fold_japanese}
_FOLD_KEYS = {"cantonese": "y:", "korean": "k:", "japanese": "j:"}
_CHINESE_NATIONALITIES = {None, "CN", "TW", "HK", "MO", "SG", "MY"}
_FOLD_NATIONS = {"cantonese": _CHINESE_NATIONALITIES, "korean": {None, "KR", "KP"}}
_FOLD_NATIONS |= {"japanese": {None, "JP"}}

# --- reading ------------------------------------------------------------------------------------

_HAN = re.compile(r"[\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_SCRIPTS = (
    ("kana", re.compile(r"[\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff]")),
    ("han", _HAN),
    ("hangul", re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")),
    ("thai", re.compile(r"[\u0e00-\u0e7f]")),
    ("lao", re.compile(r"[\u0e80-\u0eff]")),
    ("khmer", re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]")),
    ("myanmar", re.compile(r"[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]")),
)
_DOTS = "·・•‧⋅･∙."
_WORD_BREAK = re.compile(rf"[\s{re.escape(_DOTS)},，、<_\-]+")
_LATIN_SPECIAL = str.maketrans(
    {"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "ß": "ss", "æ": "ae", "Æ": "ae"}
    | {"œ": "oe", "Œ": "oe", "ı": "i", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ŋ": "ng"}
)
_LATIN_MARKS = re.compile(r"(?<=[A-Za-z])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff]+")
_ICAO = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "ø": "oe"})
_APOSTROPHES = re.compile(r"['’ʼ`´‘ʻ]")


def reading_to_data(reading: NameReading) -> list[Any]:
    """A reading as plain JSON data, to store beside what it reads (`reading_from_data`)."""
    return [
        reading.text,
        reading.script,
        reading.hanzi,
        [[f.system, list(f.tokens)] for f in reading.forms],
        list(reading.labels),
        reading.family,
        reading.nationality,
        list(reading.accented),
    ]


def reading_from_data(data: list[Any]) -> NameReading:
    """The reading `reading_to_data` stored: no romanisation is computed again."""
    text, script, hanzi, forms, labels, family, nationality, accented = data
    return NameReading(
        text,
        script,
        hanzi,
        tuple(NameForm(system, tuple(tokens)) for system, tokens in forms),
        tuple(labels),
        family,
        nationality,
        tuple(accented),
    )


def fold_latin(text: str) -> str:
    """The plain Latin form: NFKC, diacritics stripped (Nguyễn -> nguyen, đ -> d, ß -> ss),
    lower case, apostrophes removed (O'Brien -> obrien). Other scripts pass through unchanged."""
    text = unicodedata.normalize("NFKC", text).translate(_LATIN_SPECIAL)
    text = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
    return _APOSTROPHES.sub("", unicodedata.normalize("NFC", text)).lower()


_NOT_AZ = re.compile(r"[^a-z]")


def _distinct(readings: list[roman.Reading]) -> tuple[tuple[NameForm, ...], tuple[str, ...]]:
    """The forms (tokens cut to a-z, none empty, no repeats) and their labels."""
    forms: dict[NameForm, str] = {}
    for system, tokens, label in readings:
        kept = tuple(t for t in (_NOT_AZ.sub("", t) for t in tokens) if t)
        if kept:
            forms.setdefault(NameForm(system, kept), label)
    return tuple(forms), tuple(forms.values())


def _split_han(simplified: str, words: list[str]) -> list[str]:
    """[family, given] for a Chinese name, or the dot-separated parts of a transliterated one."""
    if len(words) > 1:
        return words
    if len(simplified) > 2 and simplified[:2] in tables.COMPOUND_SURNAMES:
        return [simplified[:2], simplified[2:]]
    return [simplified[:1], simplified[1:]]


def _script(text: str) -> str:
    for name, pattern in _SCRIPTS:
        if pattern.search(text):
            return name
    return "latin" if re.search(r"[a-z]", fold_latin(text)) else "other"


# A cached reading with its comparison index takes about 10 KB: 32k of them about 330 MB.
@lru_cache(maxsize=32_768)
def read_name(text: str, *, nationality: str | None = None) -> NameReading:
    """Every Latin reading of a name as typed: '张伟' gives pinyin ZHANG WEI, Wade-Giles CHANG WEI
    and Cantonese CHEUNG WAI; '田中太郎' with nationality JP gives TANAKA TARO only; 'Wei Zhang'
    gives the Latin tokens as typed. `nationality` is an ISO 3166 alpha-2 code or None. Odd
    input (empty, digits only) gives a reading without forms, never an error."""
    nat = (nationality or "").strip().upper() or None
    # Lone surrogates (from a broken decoder upstream) are dropped: no library accepts them.
    normal = unicodedata.normalize("NFKC", text or "").encode("utf-8", "ignore").decode().strip()
    script = _script(normal)
    readings: list[roman.Reading] = []
    family, hanzi, accented = "", None, ()
    words = [w for w in _WORD_BREAK.split(normal) if w]
    if script in ("han", "kana"):
        han_words = [w for w in ("".join(_HAN.findall(w)) for w in words) if w]
        simplified = [roman.T2S.convert(w) for w in han_words]
        hanzi = "".join(simplified) if script == "han" and simplified else None
        # Chinese readings unless the name is Japanese (nationality JP, kana, the mark 々).
        if hanzi and nat != "JP" and "々" not in hanzi:
            dotted = any(d in normal for d in _DOTS[:-1])
            parts = [p for p in (simplified if dotted else _split_han(hanzi, simplified)) if p]
            readings += roman.chinese_readings("".join(han_words), parts, dotted)
            family = "" if dotted else parts[0]
        japanese = nat is None and hanzi is not None and roman.looks_japanese(hanzi)
        if words and (script == "kana" or nat == "JP" or japanese):
            found, known = roman.japanese_readings(words)
            readings += found
            family = family or known
    elif script == "hangul":
        syllables = [w for w in words if any(roman.is_hangul_syllable(c) for c in w)]
        joined = "".join(syllables)
        if len(syllables) > 1:
            family = syllables[0]
        else:
            family = (
                joined[:2] if len(joined) > 2 and joined[:2] in tables.KR_SURNAMES else joined[:1]
            )
        for tokens, label in roman.korean_name_forms(family, joined[len(family) :]):
            readings.append(("korean", tokens, label))
    elif script == "latin":
        tokens = tuple(re.findall(r"[a-z]+", " ".join(fold_latin(w) for w in words)))
        readings.append(("latin", tokens, " ".join(normal.split()).upper()))
        marked = tuple(w.lower() for w in re.findall(r"[^\W\d_]+", normal))
        accented = marked if "".join(marked) != "".join(tokens) else ()
        # Passports (ICAO 9303) may print Ä Ö Ü Å Ø as AE OE UE AA OE: MÜLLER = MUELLER.
        icao = " ".join(marked).translate(_ICAO)
        if icao != " ".join(marked):
            readings.append(("latin", tuple(re.findall("[a-z]+", fold_latin(icao))), icao.upper()))
        split = [roman.pinyin_split(t) for t in tokens]
        if nat in _CHINESE_NATIONALITIES and all(split) and len(tokens) > 1:
            giles = [[roman.wade_giles(s) for s in w or ()] for w in split]
            label = " ".join("-".join(w) for w in giles).upper()
            readings.append(("wade-giles", tuple("".join(w) for w in giles), label))
    elif script != "other" or re.search(r"[^\W\d_]", normal):
        tokens = tuple(t for w in words for t in re.findall(r"[a-z]+", fold_latin(anyascii(w))))
        readings.append(("transliterated", tokens, " ".join(tokens).upper()))
    forms, labels = _distinct(readings)
    return NameReading(text, script, hanzi, forms, labels, family, nat, accented)


# --- lookup tables per reading, blocking keys -----------------------------------------------


def _orderings(tokens: tuple[str, ...], free: bool) -> list[tuple[str, bool]]:
    """The joined spellings a name may be typed in, the written order first: a Chinese-style
    [family, given] also given-first; a free sequence also with its last word moved to the front
    (WEI TING CHANG -> CHANGWEITING, JOHN PAUL SMITH -> SMITHJOHNPAUL). The reverse move is not
    needed: two typings one move apart meet in the one moved."""
    joined = "".join(tokens)
    if len(tokens) < 2:
        return [(joined, True)]
    moved = tokens[1] + tokens[0] if not free else tokens[-1] + "".join(tokens[:-1])
    return [(joined, True), (moved, False)] if moved != joined else [(joined, True)]


class _Index:
    """One reading's forms arranged for fast comparison, built once per reading: exact spellings,
    the per-system folds, the by-ear fold, consonant skeletons, strings for fuzzy matching,
    (family, given) splits for partial names, and the blocking keys."""

    def __init__(self, reading: NameReading) -> None:
        self.latin = reading.script == "latin"
        self.native = reading.script in _NATIVE_SCRIPTS
        # Typed names read "by ear" only when they are pinyin; native ones when they have pinyin.
        self.pinyin_like = not self.latin or all(
            roman.pinyin_split(t) for f in reading.forms[:1] for t in f.tokens
        )
        self.exact: dict[str, tuple[int, bool]] = {}
        self.folds: dict[str, tuple[int, bool]] = {}
        self.ear: dict[str, tuple[int, bool]] = {}
        self.skeletons: dict[str, tuple[int, bool]] = {}
        self.strings: list[str] = []
        self.string_forms: list[int] = []
        self.splits: dict[str, list[tuple[str, int]]] = {}
        keys: list[str] = [f"h:{reading.hanzi}"] if reading.hanzi else []
        # A typed name is folded as Cantonese, Korean or Japanese, and reduced to consonants for
        # Southeast Asian scripts, only when its nationality (if any) makes that plausible.
        nat = reading.nationality
        folds = {k: f for k, f in _FOLDS.items() if not self.latin or nat in _FOLD_NATIONS[k]}
        bones_too = not self.latin or nat in (None, "TH", "KH", "LA", "MM")
        for index, form in enumerate(reading.forms):
            free = not self.native or (form.system in _SYSTEM_LABELS and not reading.family)
            free = free and form.system not in ("japanese", "korean")
            typed = form.system in ("latin", "transliterated")
            orderings = _orderings(form.tokens, free)
            for spelt, primary in orderings:
                keyed = primary or free
                self.exact.setdefault(spelt, (index, primary))
                if keyed:
                    keys.append(f"n:{spelt}")
                if typed or not self.latin:
                    self.strings.append(spelt)
                    self.string_forms.append(index)
                if typed and bones_too and len(spelt) > 2:
                    bones = roman.skeleton(spelt)
                    self.skeletons.setdefault(bones, (index, primary))
                    keys.append(f"c:{bones}")
                if form.system in ("pinyin", "latin"):
                    heard = roman.fold_ear(spelt)
                    self.ear.setdefault(heard, (index, primary))
                    if keyed:
                        keys.append(f"s:{heard}")
                for system, fold in folds.items():
                    if form.system in (system, "latin"):
                        key = _FOLD_KEYS[system] + fold(spelt)
                        self.folds.setdefault(key, (index, primary))
                        if keyed:
                            keys.append(key)
            if len(form.tokens) > 1 and (typed or not self.latin):
                ends = [(form.tokens[0], form.tokens[1:]), (form.tokens[-1], form.tokens[:-1])]
                for family, given in ends[: 2 if free else 1]:
                    self.splits.setdefault(family, []).append(("".join(given), index))
        self.keys = frozenset(list(dict.fromkeys(keys))[:30])


def blocking_keys(reading: NameReading) -> frozenset[str]:
    """Short keys two readings of one person share at least one of, whatever the variant: 'h:'
    simplified characters, 'n:' a Latin spelling (pinyin, Wade-Giles, Cantonese, Korean, Japanese,
    as typed in each order), 's:' pinyin folded by ear, 'y:'/'k:'/'j:' Cantonese, Korean and
    Japanese spelling folds, 'c:' the consonant skeleton of typed or transliterated names. The
    same function serves the stored and the query side; at most 30 keys per name."""
    return reading._index.keys


def initials(reading: NameReading) -> frozenset[str]:
    """First letters of every token of every form (张小明: z, x, c, h ...), to pair with a birth
    date as a blocking key that survives a typing error later in the name."""
    return frozenset(token[0] for form in reading.forms for token in form.tokens)


# --- comparison ---------------------------------------------------------------------------------


def _shown(reading: NameReading, index: int) -> str:
    """How a matched form is named in an explanation: `pinyin ZHANG WEI = 张伟` for a reading of a
    native script, the typed name for a Latin one."""
    if reading.script == "latin":
        return reading.label(0)
    system = _SYSTEM_LABELS[reading.forms[index].system]
    return f"{system} {reading.label(index)} = {reading.text.strip()}"


def _same(probe: NameReading, stored: NameReading) -> NameMatch | None:
    """The same characters (also traditional for simplified), or the same text in one script."""
    left, right = probe.text.strip(), stored.text.strip()
    if probe.hanzi and probe.hanzi == stored.hanzi:
        p_han, s_han = (
            "".join(_HAN.findall(unicodedata.normalize("NFKC", t))) for t in (left, right)
        )
        if p_han == s_han:
            text = "same characters" if left == right else f"same characters: {left} = {right}"
        elif p_han == probe.hanzi or s_han == stored.hanzi:
            trad, simp = (right, left) if p_han == probe.hanzi else (left, right)
            text = f"{trad} is the traditional form of {simp}"
        else:
            text = f"{left} and {right} are the same characters, traditional and simplified"
        return NameMatch(score=1.0, explanation=text, kind="same")
    compact = [
        re.sub(r"\W", "", unicodedata.normalize("NFKC", t).casefold()) for t in (left, right)
    ]
    lettered = re.search(r"[^\W\d_]", compact[0])
    if probe.script == stored.script != "latin" and compact[0] == compact[1] and lettered:
        return NameMatch(score=1.0, explanation="same name", kind="same")
    return None


def _latin_kind(probe: NameReading, stored: NameReading) -> tuple[str, str]:
    """Two typed Latin names spelt alike once folded: the same, or the same but for diacritics."""
    if not probe.accented and not stored.accented:
        return "same", "same name"
    if probe.accented and stored.accented:
        if sorted(probe.accented) == sorted(stored.accented):
            return "same", "same name"
        return "romanisation", f"{probe.label(0)} ~ {stored.label(0)}: same letters, other marks"
    plain, marked = (probe, stored) if stored.accented else (stored, probe)
    return "transliteration", f"{plain.label(0)} = {marked.text.strip()} without diacritics"


def _exact_kind(probe: NameReading, i: int, stored: NameReading, j: int) -> tuple[str, str] | None:
    """The kind and explanation of forms i and j being spelt alike, or None where that proves
    nothing (a Wade-Giles form guessed from typed pinyin only meets typed names)."""
    pf, sf = probe.forms[i], stored.forms[j]
    if probe.script == "latin" and stored.script == "latin":
        if pf.system == sf.system == "latin":
            return _latin_kind(probe, stored)
        if "latin" not in (pf.system, sf.system):
            return None
        pinyin, giles = (stored, probe) if pf.system == "latin" else (probe, stored)
        return "romanisation", f"pinyin {pinyin.label(0)} = Wade-Giles {giles.label(0)}"
    if (probe.script == "latin") != (stored.script == "latin"):
        latin, native, n = (probe, stored, j) if probe.script == "latin" else (stored, probe, i)
        system = native.forms[n].system
        if (pf if latin is probe else sf).system != "latin":
            return None
        if system == "transliterated":
            text = f"{latin.label(0)} = {native.text.strip()} ({native.label(n)}, uncertain)"
            return "transliterated", f"automatic transliteration: {text}"
        first = next(k for k, f in enumerate(native.forms) if f.system == system) == n
        standard = first and system in ("pinyin", "japanese", "korean")
        return ("transliteration" if standard else "romanisation"), _shown(native, n)
    if pf.system == sf.system and pf.system in ("pinyin", "japanese", "korean"):
        label = f"{_SYSTEM_LABELS[sf.system]} {stored.label(j)}"
        return "homophone", f"{probe.text.strip()} sounds like {stored.text.strip()} ({label})"
    return None


def _with_order(text: str, in_order: bool) -> str:
    return text if in_order else f"{text}; name order differs"


def _exact(probe: NameReading, stored: NameReading) -> NameMatch | None:
    """Some form of one spelt exactly as some form of the other (order and spacing aside)."""
    a, b = probe._index.exact, stored._index.exact
    best: tuple[float, bool, str, str] | None = None
    for spelt, (i, p_primary) in a.items():
        hit = b.get(spelt)
        found = _exact_kind(probe, i, stored, hit[0]) if hit else None
        if hit and found:
            rank = (SCORES.get(found[0], 0.7), p_primary and hit[1], *found)
            best = rank if best is None or rank[:2] > best[:2] else best
    if best is None:
        return None
    score, in_order, kind, text = best
    return NameMatch(score=score, explanation=_with_order(text, in_order), kind=kind)


Lookup = dict[str, tuple[int, bool]]


def _shared(a: Lookup, b: Lookup) -> tuple[int, int, bool] | None:
    """Forms of the two readings meeting in one lookup key (best: both in written order)."""
    found = [(a[k], b[k]) for k in (a.keys() & b.keys())]
    if not found:
        return None
    (i, ip), (j, jp) = max(found, key=lambda pair: (pair[0][1] and pair[1][1], pair))
    return i, j, ip and jp


def _fuzzy(probe: NameReading, stored: NameReading) -> NameMatch | None:
    """Typing errors in a Latin name: Jaro-Winkler >= 0.85 and at most one edit in nine letters
    (two up to fifteen, three beyond), scaled to 0.6-0.85."""
    query, other = (probe, stored) if probe._index.latin else (stored, probe)
    best: tuple[float, int] | None = None
    for spelt in query._index.strings:
        for choice, sim, k in process.extract(
            spelt, other._index.strings, scorer=_JW, score_cutoff=0.85, limit=3
        ):
            longest = max(len(spelt), len(choice))
            edits = 1 if longest <= 9 else 2 if longest <= 15 else 3
            if OSA.distance(spelt, choice) <= edits and (best is None or sim > best[0]):
                best = (sim, k)
    if best is None:
        return None
    sim, k = best
    form = other._index.string_forms[k]
    if other.script not in ("latin", *_NATIVE_SCRIPTS):
        text = f"{query.label(0)} ~ {other.text.strip()} ({other.label(form)}, uncertain)"
        text = f"automatic transliteration close: {text} ({sim:.2f})"
        return NameMatch(
            score=round(min(0.7, sim - 0.3), 3), explanation=text, kind="transliterated"
        )
    shown = other.label(0) if other.script == "latin" else _shown(other, form)
    text = f"spelling close: {query.label(0)} ~ {shown} ({sim:.2f})"
    return NameMatch(score=round(0.6 + (sim - 0.85) * 5 / 3, 3), explanation=text, kind="fuzzy")


def _partial(probe: NameReading, stored: NameReading) -> NameMatch | None:
    """One name is the other with a given name, a middle name or a syllable missing."""
    a, b = probe._index.splits, stored._index.splits
    best: tuple[tuple[float, int], float, NameReading, int, NameReading, int] | None = None
    for family in a.keys() & b.keys():
        for (ga, i), (gb, j) in ((x, y) for x in a[family] for y in b[family]):
            short, long_ = sorted((ga, gb), key=len)
            if (
                short == long_
                or len(short) < 2
                or not long_.startswith(short) | long_.endswith(short)
            ):
                continue
            coverage = (len(family) + len(short)) / (len(family) + len(long_))
            # Near-equal coverages: prefer the earlier forms (pinyin before Cantonese).
            rank = (round(coverage, 1), -i - j)
            if best is None or rank > best[0]:
                parts = (probe, i, stored, j) if short == ga else (stored, j, probe, i)
                best = (rank, round(0.4 + 0.2 * coverage, 3), *parts)
    if best is None:
        return None
    _, score, part, pi, whole, wi = best
    return NameMatch(
        score=score,
        explanation=f"{_shown(part, pi)} is part of {_shown(whole, wi)}",
        kind="partial",
    )


def compare_names(probe: NameReading, stored: NameReading) -> NameMatch:
    """How far two readings name the same person, on the fixed scale of kinds (see the module
    docstring), with an explanation naming the forms that matched. The score does not depend on
    which side is the probe, on word order or on spacing."""
    found = _same(probe, stored) or (
        _exact(probe, stored) if probe.forms and stored.forms else None
    )
    if not probe.forms or not stored.forms or (found and found.score >= 0.9):
        return found or DIFFERENT
    pi, si = probe._index, stored._index
    latin, other = (probe, stored) if pi.latin else (stored, probe)
    hit = _shared(pi.folds, si.folds) if pi.latin != si.latin and other._index.native else None
    if hit:
        n, typed = (hit[1], hit[0]) if pi.latin else hit[:2]
        text = _with_order(f"{_shown(other, n)} (spelt {latin.label(typed)})", hit[2])
        return NameMatch(score=0.9, explanation=text, kind="romanisation")
    if found and found.score >= 0.85:
        return found
    candidates = [found] if found else []
    if latin._index.latin:
        hit = _shared(pi.ear, si.ear) if pi.pinyin_like and si.pinyin_like else None
        if hit:
            n = hit[1] if pi.latin else hit[0]
            text = f"{latin.label(0)} sounds like {_shown(other, n)} (typed by ear)"
            candidates.append(
                NameMatch(score=0.8, explanation=_with_order(text, hit[2]), kind="fuzzy")
            )
        hit = _shared(pi.skeletons, si.skeletons) if not other._index.latin else None
        if hit:
            n = hit[1] if pi.latin else hit[0]
            text = f"{latin.label(0)} ~ {other.text.strip()} ({other.label(n)}, uncertain)"
            text = f"consonants agree with the automatic transliteration: {text}"
            candidates.append(NameMatch(score=0.6, explanation=text, kind="transliterated"))
        candidates += [m for m in (_fuzzy(probe, stored),) if m]
    if not candidates or max(c.score for c in candidates) < 0.6:
        candidates += [m for m in (_partial(probe, stored),) if m]
    return max(candidates, key=lambda c: c.score, default=DIFFERENT)


# --- frequency ----------------------------------------------------------------------------------


def _chinese_given_share(given: str, *, latin: bool) -> float:
    if not given:
        return 1.0
    if latin:
        syllables = len(roman.pinyin_split(given) or "xx")
        default = tables.CN_GIVEN_DEFAULT.get(syllables, tables.CN_GIVEN_DEFAULT_LONG)
        # A toneless spelling stands for several characters: count a few homophones.
        return roman.spelling_shares()[1].get(given, 0.0) + 3 * default
    default = tables.CN_GIVEN_DEFAULT.get(len(given), tables.CN_GIVEN_DEFAULT_LONG)
    return tables.CN_GIVEN_SHARE.get(given, default)


def _latin_frequency(reading: NameReading) -> float:
    tokens, nat = reading.forms[0].tokens, reading.nationality
    if len(tokens) == 1:
        syllables = roman.pinyin_split(tokens[0])
        if not syllables or len(syllables) < 2 or nat not in _CHINESE_NATIONALITIES:
            return tables.FOREIGN_SINGLE_DEFAULT
        tokens = (syllables[0], "".join(syllables[1:]))
    surnames = roman.spelling_shares()[0]
    found = [tables.FOREIGN_DEFAULT]
    for family, rest in ((tokens[0], tokens[1:]), (tokens[-1], tokens[:-1])):
        given = "".join(rest)
        if nat in _CHINESE_NATIONALITIES and family in surnames:
            found.append(surnames[family] * _chinese_given_share(given, latin=True))
        if nat in (None, "VN") and family in tables.VN_SURNAME_SHARE:
            found.append(tables.VN_SURNAME_SHARE[family] * tables.VN_GIVEN_DEFAULT)
        if nat in (None, "KR", "KP") and family in tables.KR_BY_ROMAJI:
            found.append(tables.KR_BY_ROMAJI[family] * tables.KR_GIVEN_DEFAULT)
        if nat in (None, "JP") and family in tables.JP_BY_ROMAJI:
            found.append(tables.JP_BY_ROMAJI[family] * tables.JP_GIVEN_DEFAULT)
    return max(found)


def name_frequency(reading: NameReading) -> float:
    """Estimated share of the population bearing this full name, to weigh a name agreeing with
    a birth date: 张伟 about 2e-4, 欧阳修远 about 2e-8. Surname share times given-name share
    from the documented tables in `name_tables`; Vietnamese, Korean and Japanese names by their
    surname's share; names of unknown origin 1e-6 (a single word 1e-4)."""
    if not reading.forms:
        return tables.FOREIGN_DEFAULT
    system, family = reading.forms[0].system, reading.family
    if system == "japanese":
        share = tables.JP_SURNAMES[family][1] if family in tables.JP_SURNAMES else None
        share = share or tables.JP_BY_ROMAJI.get(
            reading.forms[0].tokens[0], tables.JP_SURNAME_DEFAULT
        )
        return share * tables.JP_GIVEN_DEFAULT
    if system == "korean":
        share = tables.KR_SURNAMES.get(family, (tables.KR_SURNAME_DEFAULT, ()))[0]
        return share * tables.KR_GIVEN_DEFAULT
    if reading.script == "han" and reading.hanzi:
        if not family:  # a transliterated foreign name, 约翰·史密斯
            return tables.FOREIGN_DEFAULT
        default = tables.CN_SURNAME_DEFAULT if len(family) == 1 else tables.CN_COMPOUND_DEFAULT
        share = tables.CN_SURNAME_SHARE.get(family, default)
        return share * _chinese_given_share(reading.hanzi[len(family) :], latin=False)
    if reading.script == "latin":
        return min(1.0, _latin_frequency(reading))
    if len(reading.forms[0].tokens) == 1:
        return tables.FOREIGN_SINGLE_DEFAULT
    return tables.FOREIGN_DEFAULT
