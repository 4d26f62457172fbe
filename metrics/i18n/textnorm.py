"""Normalised keys for matching Vietnamese headings and names written many ways."""
from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def strip_accents(text: str) -> str:
    """Remove diacritics; đ/Đ are letters of their own, so map them explicitly."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fold(text: object) -> str:
    """Case-folded NFC text with punctuation collapsed to single spaces, accents kept."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text)).casefold()
    # "&" carries meaning in abbreviations such as "TN&MT"; read it as "va"
    s = s.replace("&", " và ")
    s = _PUNCT.sub(" ", s)
    return " ".join(s.split())


def key(text: object) -> str:
    """Accent-, case-, space- and punctuation-insensitive key."""
    return strip_accents(fold(text))


def compact(text: object) -> str:
    """The key with no spaces at all: 'TN & MT' and 'TNMT' meet here."""
    return key(text).replace(" ", "")


def similarity(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b).ratio()
