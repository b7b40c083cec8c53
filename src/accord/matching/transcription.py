"""Foreign names written in Chinese characters (约翰·史密斯) against their Latin form (JOHN SMITH).

Chinese renders a foreign name sound by sound (the Xinhua transcription tables): 约翰 for John,
怀特 for White, 彼得罗夫 for Petrov. Going back is ambiguous, so instead both sides are reduced to
a consonant skeleton in which the distinctions the transcription loses do not count: voiced and
voiceless pairs (b/p, d/t, g/k, v/f), l and r (尔 stands for either), the sibilants (s, z, x,
sh, ch, th), g, j and q (加 jia for "Ga", 琼 qiong for "Jo"), w, v and f, and the h and y that
the transcription turns into vowels (怀 huai for "Wh", 亚 ya for "-ia"); an r before a
consonant or at the end is not heard at all (马丁 for Martin).
Two skeletons that are nearly the same (by edit distance) are the same name transcribed.

The Han side is read through pypinyin; the comparison is order-insensitive across the name's
parts (a Western name is often given family name first on Chinese documents).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from accord.matching.names import fold_latin

_MIDDLE_DOTS = "·・•‧∙．.•"
_HAN = re.compile(r"[\u3400-\u9fff]")

# Consonant classes; anything not listed (vowels, h, y) is dropped. G, j and pinyin q go
# together: 加 jia is "Ga", 琼 qiong "Jo(nes)", and 约 yue, read as "jue", "Jo(hn)"; w goes
# with v and f (卫 wei for "vi", 沃 wo for "Wa").
_CLASSES = {
    "b": "B", "p": "B",
    "d": "D", "t": "D",
    "g": "J", "j": "J", "q": "J", "k": "K", "c": "K",
    "f": "F", "v": "F", "w": "F",
    "l": "L", "r": "L",
    "s": "S", "z": "S", "x": "S",
    "m": "M", "n": "N",
}  # fmt: skip

THRESHOLD = 0.75


def _skeleton(latin: str) -> str:
    text = latin.lower()
    # Digraphs first: the sibilants, "ph" as f, "ck" as k, "ng" as n (琼 qiong for "jo-n").
    pairs = (("sch", "s"), ("sh", "s"), ("ch", "s"), ("zh", "s"), ("ts", "s"), ("th", "s"))
    for a, b in (*pairs, ("ph", "f")):
        text = text.replace(a, b)
    text = text.replace("ck", "k").replace("ng", "n")
    out: list[str] = []
    for ch in text:
        cls = _CLASSES.get(ch)
        if cls and (not out or out[-1] != cls):
            out.append(cls)
    return "".join(out)


def is_transcribed(text: str) -> bool:
    """Whether a name looks like a foreign name in characters: Han script with a middle dot."""
    return bool(_HAN.search(text)) and any(d in text for d in _MIDDLE_DOTS)


def _as_spoken(syllable: str) -> str:
    """A transcription syllable as the Latin sound it stands for: 约 yue and 詹 zhan are "J"."""
    if syllable == "yue":
        return "jue"
    if syllable.startswith("zh"):
        return "j" + syllable[2:]
    if syllable == "er":
        return "r"  # 尔 stands for a final l or r
    return syllable


@lru_cache(maxsize=65536)
def han_parts(text: str) -> tuple[str, ...]:
    """The skeleton of each dot-separated part of a Han-script foreign name."""
    from pypinyin import lazy_pinyin  # on first use: its dictionaries take a while to load

    parts = [p for p in re.split(f"[{re.escape(_MIDDLE_DOTS)}\\s]+", text) if p]
    syllables = [[_as_spoken(s) for s in lazy_pinyin(p)] for p in parts]
    return tuple(_skeleton("".join(s)) for s in syllables)


@lru_cache(maxsize=65536)
def latin_parts(text: str) -> tuple[str, ...]:
    folded = fold_latin(text)
    return tuple(_skeleton(_as_heard(t)) for t in re.split(r"[^a-z]+", folded) if t)


def _as_heard(token: str) -> str:
    """A Latin name part as Chinese transcription hears it: a soft c is s, and an r that no
    vowel follows is silent (马丁 for Martin, 沃克 for Walker)."""
    token = re.sub(r"c(?=[eiy])", "s", token)
    token = token.replace("wh", "h")
    return re.sub(r"r+(?![aeiouy])", "", token)


def similarity(han_text: str, latin_text: str) -> float:
    """How alike the Han transcription and the Latin name sound, 0..1 (best name order)."""
    han, latin = han_parts(han_text), latin_parts(latin_text)
    if not han or not latin:
        return 0.0
    a = "".join(han)
    best = 0.0
    orders = (latin, tuple(reversed(latin)), (*latin[1:], latin[0]), (latin[-1], *latin[:-1]))
    for order in orders:
        best = max(best, Levenshtein.normalized_similarity(a, "".join(order)))
    return best


def initials(parts: tuple[str, ...]) -> set[str]:
    """The first consonant class of each part (for birth-date blocking keys)."""
    return {p[0] for p in parts if p}
