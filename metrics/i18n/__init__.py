"""The user's language: t("key", lang) from the catalogues in metrics/i18n/locales/{vi,en}.json.

Vietnamese is the default and the reference; both catalogues have the same keys (a test
checks it, and another that every key the code asks for exists). A key missing at run time
shows the Vietnamese text, then the key itself: a wrong label is better than a crash in
front of the chairman.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
LOCALE_DIR = Path(__file__).parent / "locales"
# keys asked for but absent from a catalogue (tests run every page and expect none)
MISSING: set[tuple[str, str]] = set()


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    lang = lang if lang in LANGS else DEFAULT_LANG
    return json.loads((LOCALE_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    text = catalogue(lang).get(key)
    if text is None:
        MISSING.add((lang, key))
        text = catalogue(DEFAULT_LANG).get(key, key)
    if values:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def pick(pair: tuple[str, str], lang: str) -> str:
    """The engine's (vi, en) label pairs: KIND_LABELS, FLAG_LABELS, LEVEL_LABELS."""
    return pair[1] if lang == "en" else pair[0]
