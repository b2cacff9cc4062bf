"""A phonetic key for Azerbaijani, Russian and English spellings of the same name.

The register searches names through a blind index: it stores a keyed hash of
each normalised name token, never the name. For a search to find a person
whatever alphabet the name was typed in, the three spellings of a name must
normalise to the same token: ``Məmmədova``, ``Мамедова`` and ``Mammadova``
all become ``mamadova``.

The key is deliberately coarse (a, e and ə are one vowel; h, x, q, g and
Russian г and х are one consonant; doubled letters are one). A search may therefore list a
few people whose names differ; it never shows their names, only references.
"""

from __future__ import annotations

import re
import unicodedata

# Sounds written with two Latin letters get one placeholder (upper case, since input is
# case-folded first) so that folding "h" below cannot break "sh", "ch" or "zh".
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "o", "ж": "Z",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "g", "ц": "ts",
    "ч": "C", "ш": "S", "щ": "SC", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "u",
    "я": "a", "ә": "a", "ғ": "g", "ү": "u", "ө": "o", "һ": "g", "ҹ": "j", "ј": "y",
}  # fmt: skip
_LATIN_DIGRAPHS = {"sh": "S", "ch": "C", "zh": "Z", "kh": "g", "gh": "g"}
# Azerbaijani Latin letters, read as an Azerbaijani would write a Russian or English name.
_AZERBAIJANI = {
    "ə": "a", "ı": "i", "ö": "o", "ü": "u", "ğ": "g", "ş": "S", "ç": "C",
    "c": "j", "q": "g", "x": "g", "h": "g",
}  # fmt: skip
_PLACEHOLDERS = str.maketrans({"S": "sh", "C": "ch", "Z": "zh"})
_VOWEL_CLASSES = str.maketrans({"e": "a", "y": "i"})
_TOKEN = re.compile(r"[^\W\d_]+")


def _to_latin(word: str) -> str:
    word = word.replace("дж", "j")
    word = "".join(_CYRILLIC.get(letter, letter) for letter in word)
    for digraph, placeholder in _LATIN_DIGRAPHS.items():
        word = word.replace(digraph, placeholder)
    word = "".join(_AZERBAIJANI.get(letter, letter) for letter in word)
    return "".join(
        letter
        for letter in unicodedata.normalize("NFKD", word)
        if not unicodedata.combining(letter)
    )


def name_key(word: str) -> str:
    """The phonetic key of one name token ('' for a token too short to search by)."""
    word = _to_latin(word.casefold().replace("i̇", "i"))
    # "i" before a vowel is often written "iy" (Aliyev, Guliyeva) and not in Russian (Алиев).
    word = re.sub(r"iy(?=[aeiou])", "i", word)
    word = word.translate(_VOWEL_CLASSES)
    word = re.sub(r"(.)\1+", r"\1", word).translate(_PLACEHOLDERS)
    return word if len(word) >= 2 else ""


def name_keys(text: str) -> list[str]:
    """Keys of every name token in ``text``, without repeats, in order."""
    keys = (name_key(token) for token in _TOKEN.findall(text))
    return list(dict.fromkeys(key for key in keys if key))
