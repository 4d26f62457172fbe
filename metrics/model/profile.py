"""The jurisdiction profile: units, aliases, peers, target rank, score weights, goals.

Profiles are TOML files under metrics/model/profiles/. The default is the 2022 Tuy Phước set-up;
`REFORM_PROFILE` (a name or a path) selects another one without any code change.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError
from ..i18n import pick
from ..i18n.textnorm import compact, fold, key, similarity, strip_accents
from .workdays import Calendar, load_calendar

PROFILE_DIR = Path(__file__).parent / "profiles"
DEFAULT_PROFILE = "tuy_phuoc_2022"

LEVELS = ("department", "land_branch", "commune", "township")
COMMUNE_LEVELS = ("commune", "township")
# the two groups a district's units are ranked and filtered in, by level (one definition: the
# league, the score's unit ranking and the filter "Khối …" all read it)
UNIT_GROUPS = {"departments": ("department", "land_branch"), "communes": COMMUNE_LEVELS}
LEVEL_LABELS = {
    "department": ("Phòng, ban cấp huyện", "District departments"),
    "land_branch": ("Chi nhánh VP Đăng ký đất đai", "Land registration branch"),
    "commune": ("Xã", "Communes"),
    "township": ("Thị trấn", "Townships"),
}

# Prefixes that officers write, or omit, before a unit's name. Longest first.
_PREFIXES = [
    "uy ban nhan dan", "ubnd", "bo phan mot cua", "bo phan tn va tkq", "bp mot cua",
    "thi tran", "tt", "xa", "phuong", "phong", "p",
]


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    aliases: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    rolls_into: str | None = None

    @property
    def is_commune(self) -> bool:
        return self.level in COMMUNE_LEVELS


@dataclass(frozen=True)
class Peer:
    code: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicator:
    key: str
    kpi: str
    weight: float
    full_mark: float


@dataclass
class Profile:
    name: str
    path: Path
    code: str
    jurisdiction_name: str
    jurisdiction_name_en: str
    short_name: str
    province: str
    issuing_body: str
    place: str
    peer_kind_vi: str
    peer_kind_en: str
    target_rank: int
    stretch_rank: int
    units: list[Unit]
    peers: list[Peer]
    indicators: list[Indicator]
    goals: dict[str, float]
    digitisation_from: dict[str, date] = field(default_factory=dict)
    # working days: weekends, public holidays and compensating days (metrics/model/workdays.py)
    calendar: "Calendar" = field(default=None)
    # the morning digest's mail settings and addresses ([digest]; metrics/rules/digest.py)
    digest: dict = field(default_factory=dict)

    # -- names in the user's language ------------------------------------------
    def jurisdiction(self, lang: str = "vi") -> str:
        return pick((self.jurisdiction_name, self.jurisdiction_name_en), lang)

    def peer_kind(self, lang: str = "vi") -> str:
        """What the peers are: "huyện, thị xã, thành phố" / "district-level units"."""
        return pick((self.peer_kind_vi, self.peer_kind_en), lang)

    # -- lookups ---------------------------------------------------------------
    def unit(self, code: str) -> Unit:
        for u in self.units:
            if u.code == code:
                return u
        raise KeyError(code)

    @property
    def unit_codes(self) -> list[str]:
        return [u.code for u in self.units]

    def peer_name(self, code: str) -> str:
        for p in self.peers:
            if p.code == code:
                return p.name
        return code

    def current_units(self) -> list[Unit]:
        """Units that report today (no successor)."""
        return [u for u in self.units if not u.rolls_into]

    # -- name matching ----------------------------------------------------------
    def match_unit(self, raw: object) -> Unit | None:
        return self._units_matcher().match(raw)

    def suggest_units(self, raw: object, n: int = 3) -> list[str]:
        return self._units_matcher().suggest(raw, n)

    def match_peer(self, raw: object) -> Peer | None:
        return self._peers_matcher().match(raw)

    def suggest_peers(self, raw: object, n: int = 3) -> list[str]:
        return self._peers_matcher().suggest(raw, n)

    def _units_matcher(self) -> "_Matcher":
        if not hasattr(self, "_um"):
            # a unit written with the place it sits in ("… - huyện Tuy Phước, tỉnh Bình Định") is
            # ours only when that place is ours: "… huyện Phù Cát" is another district's office
            home = tuple(p for p in (key(self.jurisdiction_name), key(self.province)) if p)
            self._um = _Matcher([(u, u.code, u.name, u.aliases) for u in self.units], home=home)
        return self._um

    def _peers_matcher(self) -> "_Matcher":
        if not hasattr(self, "_pm"):
            self._pm = _Matcher([(p, p.code, p.name, p.aliases) for p in self.peers])
        return self._pm


# abbreviations written before names, and what they stand for
_CANONICAL = [("uy ban nhan dan ", ""), ("ubnd ", ""), ("tt ", "thi tran "), ("p ", "phong ")]


def _canonical(k: str) -> str:
    """Accent-stripped name with the prefix spelled out: 'TT Tuy Phước' -> 'thi tran tuy phuoc',
    so that a township and a commune of the same name stay apart."""
    plain = strip_accents(k)
    changed = True
    while changed:
        changed = False
        for short, long in _CANONICAL:
            if plain.startswith(short) and len(plain) > len(short):
                plain = long + plain[len(short):]
                changed = True
    return plain


# every place a written place may start at, after a name (overlapping: "… huyen huyen tuy phuoc")
_PLACE_START = re.compile(r"(?=\s(huyen|tinh|thanh pho|thi xa|tp|tx)\s\S)")


def _without_prefix(k: str) -> str:
    # compare without accents ("xã" and "xa" are the same prefix); strip_accents keeps the
    # length of NFC text, so the cut position carries over to the accented string
    changed = True
    while changed:
        changed = False
        plain = strip_accents(k)
        for p in _PREFIXES:
            if plain.startswith(p + " ") and len(k) > len(p) + 1:
                k = k[len(p) + 1:]
                changed = True
    return k


# "và" and "&" join the parts of a name ("Tài nguyên và Môi trường", "TN&MT"); offices as
# often write a dash or nothing
_CONNECTORS = {"va"}


def _words(f: str) -> list[str]:
    """The name without its prefix, accents and connectors, word by word."""
    return [w for w in strip_accents(_without_prefix(f)).split() if w not in _CONNECTORS]


def _place_stops(words: list[str]) -> set[int]:
    """Where a spelling of this name may end: at its last word, or before the place it sits in
    ("… đất đai | huyện Tuy Phước")."""
    stops = {len(words)}
    joined = " ".join(words)
    m = _PLACE_START.search(joined)
    if m:
        stops.add(joined.count(" ", 0, m.start() + 1))      # the words before the place
    return stops


def _spells(tokens: list[str], words: list[str], stops: set[int]) -> bool:
    """Whether the tokens, in order, write the words from the first up to a stop, each token
    one word or the initials of two or more words in a row."""
    at = {0}
    for t in tokens:
        nxt = set()
        for j in at:
            if j < len(words) and words[j] == t:
                nxt.add(j + 1)
            if len(t) >= 2 and j + len(t) <= len(words) and \
                    all(words[j + k][0] == t[k] for k in range(len(t))):
                nxt.add(j + len(t))
        if not nxt:
            return False
        at = nxt
    return bool(at & stops)


class _Matcher:
    """Matches a name written any of the ways of domain.md 2.2 to one known entity.

    Tried in order, so that a stricter reading wins: code; folded name with accents; the
    name with its prefix spelled out; without prefixes; then accents stripped and spaces
    dropped (last resort). A key shared by two entities matches neither.
    """

    def __init__(self, entries, home: tuple[str, ...] | None = None):
        self.entries = entries
        # the places a written name may end with and still be one of ours (None: any place)
        self.home = home
        self.by_code: dict[str, object] = {}
        self.tables: list[dict[str, object]] = [{}, {}, {}, {}, {}]
        # each name and alias as its words, for the last resort of match (_by_words)
        self.spelled: list[tuple[object, list[str], set[int]]] = []
        ambiguous: list[set[str]] = [set(), set(), set(), set(), set()]
        for obj, code, name, aliases in entries:
            self.by_code[fold(code)] = obj
            self.by_code[compact(code)] = obj
            for text in (name, *aliases):
                f = fold(text)
                variants = [f, _canonical(f), _without_prefix(f), strip_accents(_without_prefix(f)),
                            compact(_without_prefix(f))]
                for i, v in enumerate(variants):
                    if not v:
                        continue
                    t = self.tables[i]
                    if v in t and t[v] is not obj:
                        ambiguous[i].add(v)
                    t[v] = obj
                words = _words(f)
                if words:
                    self.spelled.append((obj, words, _place_stops(words)))
        for i, amb in enumerate(ambiguous):
            for v in amb:
                self.tables[i].pop(v, None)
        self.names = [(obj, name) for obj, _, name, _ in entries]

    def match(self, raw: object):
        if raw is None:
            return None
        f = fold(raw)
        if not f:
            return None
        if f in self.by_code:
            return self.by_code[f]
        if compact(raw) in self.by_code and any(ch.isdigit() for ch in f):
            return self.by_code[compact(raw)]
        found = self._probe(f)
        if found is None:
            # "UBND xã Phước Hưng - huyện Tuy Phước": the place it sits in, written after the
            # name, is dropped as a last resort (the full name of a unit that contains it,
            # such as the land branch "… huyện Tuy Phước", has already matched above)
            cut = self._place_cut(strip_accents(f))
            if cut:
                found = self._probe(f[:cut].strip())
        if found is None:
            found = self._by_words(f)
        return found

    def _place_cut(self, plain: str) -> int | None:
        """Where the place written after a name begins, if it names our own place (or any
        place, for a matcher without one): the first such start, so that a name which itself
        ends in a place word ("Văn phòng HĐND và UBND huyện - huyện Tuy Phước") keeps it."""
        for m in _PLACE_START.finditer(plain):
            if m.start() > 0 and self._ours(plain[m.start():]):
                return m.start()
        return None

    def _ours(self, place: str) -> bool:
        """Whether the place written after a name ("huyen tuy phuoc tinh binh dinh", accents
        stripped) names nothing but our own district and province."""
        if self.home is None:
            return True
        rest = f" {key(place)} "
        for p in self.home:
            rest = rest.replace(f" {p} ", " ")
        return not rest.strip()

    def _by_words(self, f: str):
        """Word by word, each word of the raw name written out or as the initials of several
        ("CN VPĐK đất đai" for "Chi nhánh Văn phòng Đăng ký đất đai huyện Tuy Phước",
        "Phòng Tài nguyên - Môi trường" for "… Tài nguyên và Môi trường"), the place the unit
        sits in optional at the end. A raw name more than one entity could be is none of them:
        offices abbreviate their own way, and a profile cannot list every spelling."""
        tokens = _words(f)
        cut = self._place_cut(" ".join(tokens))
        if cut:
            tokens = " ".join(tokens)[:cut].split()
        # one short abbreviation alone ("PH") says too little to stand for a name
        if not tokens or (len(tokens) == 1 and len(tokens[0]) < 3):
            return None
        found = {id(obj): obj for obj, words, stops in self.spelled if _spells(tokens, words, stops)}
        return next(iter(found.values())) if len(found) == 1 else None

    def _probe(self, f: str):
        stripped = _without_prefix(f)
        probes = [f, _canonical(f), stripped, strip_accents(stripped), compact(stripped)]
        for i, probe in enumerate(probes):
            if probe in self.tables[i]:
                return self.tables[i][probe]
        return None

    def suggest(self, raw: object, n: int = 3) -> list[str]:
        k = key(_without_prefix(fold(raw)))
        scored = sorted(
            ((similarity(k, key(_without_prefix(fold(name)))), name) for _, name in self.names),
            reverse=True,
        )
        return [name for _, name in scored[:n]]


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def profile_path(name_or_path: str | None = None) -> Path:
    name = name_or_path or os.environ.get("REFORM_PROFILE") or DEFAULT_PROFILE
    p = Path(name)
    if p.suffix == ".toml" and p.exists():
        return p
    candidate = PROFILE_DIR / f"{name}.toml"
    if candidate.exists():
        return candidate
    known = ", ".join(sorted(x.stem for x in PROFILE_DIR.glob("*.toml")))
    raise ConfigError(f"Không tìm thấy hồ sơ cấu hình «{name}» (có: {known})",
                      f"Profile «{name}» not found (known: {known})")


@lru_cache(maxsize=8)
def _load(path: str) -> Profile:
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Không đọc được {p.name}: {exc}", f"Cannot read {p.name}: {exc}") from exc
    try:
        j = raw["jurisdiction"]
        units = [
            Unit(code=str(u["code"]), name=u["name"], level=u["level"],
                 aliases=tuple(u.get("aliases", ())), valid_from=_date(u.get("valid_from")),
                 valid_to=_date(u.get("valid_to")), rolls_into=u.get("rolls_into"))
            for u in raw["units"]
        ]
        peers = [Peer(code=str(x["code"]), name=x["name"], aliases=tuple(x.get("aliases", ())))
                 for x in raw.get("peers", [])]
        indicators = [Indicator(key=i["key"], kpi=i["kpi"], weight=float(i["weight"]),
                                full_mark=float(i["full_mark"]))
                      for i in raw.get("score", {}).get("indicators", [])]
        prof = Profile(
            name=p.stem, path=p, code=str(j["code"]), jurisdiction_name=j["name"],
            jurisdiction_name_en=j.get("name_en", j["name"]),
            short_name=j.get("short_name", j["name"]), province=j.get("province", ""),
            issuing_body=j.get("issuing_body", j["name"].upper()), place=j.get("place", ""),
            peer_kind_vi=j.get("peer_kind_vi", "đơn vị"), peer_kind_en=j.get("peer_kind_en", "peers"),
            target_rank=int(j.get("target_rank", 5)), stretch_rank=int(j.get("stretch_rank", 4)),
            units=units, peers=peers, indicators=indicators,
            goals={k: float(v) for k, v in raw.get("goals", {}).items()},
            digitisation_from={k: _date(v) for k, v in j.get("digitisation_from", {}).items()},
            calendar=load_calendar(raw.get("calendar"), _national_holidays()),
            digest=dict(raw.get("digest", {})),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"Hồ sơ cấu hình {p.name} thiếu hoặc sai mục {exc}",
                          f"Profile {p.name} has a missing or bad entry {exc}") from exc
    bad = [u.code for u in units if u.level not in LEVELS]
    if bad:
        raise ConfigError(f"Cấp đơn vị không hợp lệ: {bad}", f"Unknown unit level for {bad}")
    codes = [u.code for u in units]
    if len(set(codes)) != len(codes):
        raise ConfigError("Mã đơn vị trùng nhau trong hồ sơ cấu hình", "Duplicate unit codes in profile")
    return prof


def _national_holidays() -> dict:
    try:
        return tomllib.loads((Path(__file__).parent / "calendars" / "holidays_vn.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Không đọc được holidays_vn.toml: {exc}", f"Cannot read holidays_vn.toml: {exc}") from exc


def load_profile(name_or_path: str | None = None) -> Profile:
    return _load(str(profile_path(name_or_path)))
