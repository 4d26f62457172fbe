"""Layouts a user taught the importer: what a column means, which unit a spelling names (or
that it is not one of ours), what a coded value stands for. Saved by name in the database,
applied by itself to the next file whose header row is the same, shared as TOML.

A layout only adds to what the importer knows: a column it names is read as the layout says
(or left out, "-"), everything else is read as usual. Unit spellings learned in any layout
feed the same matcher as the profile's aliases (learned_profile).
"""
from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import clock
from ..store.auth import audit
from ..errors import InputError
from ..model.kpis import COUNTER
from ..model.profile import Profile
from ..i18n.textnorm import key
from .headers import DOSSIER_FIELDS, clean_heading

NOT_USED = "-"            # a column left out, or a spelling that names no unit of ours
FIELDS = tuple(DOSSIER_FIELDS)
VALUE_FIELDS = ("channel", "has_fee", "paid_online", "fee_payment", "result_by_post", "digitised", "e_result",
                "e_certified_copy", "rating", "status")
MEANINGS = {
    "channel": ("1", "2", "3"),
    "fee_payment": ("0", "1", "3"),
    "rating": ("very_satisfied", "satisfied", "neutral", "dissatisfied", "none"),
    "status": ("not_received", "pending", "finished", "withdrawn", "stopped"),
}
YES_NO = ("yes", "no")


@dataclass
class Layout:
    name: str
    kind: str | None = None                 # dossiers, report, peers, official… or None
    header: list[str] = field(default_factory=list)      # the header row's keys, in order (its signature)
    columns: dict[str, str] = field(default_factory=dict)  # heading key -> field or counter, or "-"
    units: dict[str, str] = field(default_factory=dict)    # spelling key -> unit code, or "-"
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> raw key -> meaning
    header_row: int | None = None           # 0-based row of the header when the importer cannot find it

    # -- what it says --------------------------------------------------------------------
    def column(self, heading: object) -> str | None:
        return self.columns.get(clean_heading(heading))

    def unit(self, spelling: object) -> str | None:
        return self.units.get(key(spelling))

    def value(self, field_name: str, raw: object) -> str | None:
        return self.values.get(field_name, {}).get(key(raw))

    def skips(self, spelling: object) -> bool:
        return self.units.get(key(spelling)) == NOT_USED

    def matches(self, row: list[object]) -> bool:
        keys = [clean_heading(c) for c in row]
        while keys and not keys[-1]:
            keys.pop()
        return bool(self.header) and keys == self.header

    # -- checks --------------------------------------------------------------------------
    def validate(self, profile: Profile) -> None:
        bad = []
        for h, target in self.columns.items():
            if target != NOT_USED and target not in FIELDS and target not in COUNTER and target != "@entity" \
                    and target != "@month":
                bad.append(f"cột/column «{h}» → {target}")
        codes = set(profile.unit_codes) | {p.code for p in profile.peers}
        for sp, code in self.units.items():
            if code != NOT_USED and code not in codes:
                bad.append(f"đơn vị/unit «{sp}» → {code}")
        for f, vals in self.values.items():
            allowed = MEANINGS.get(f, YES_NO)
            for raw, meaning in vals.items():
                if f not in VALUE_FIELDS or meaning not in allowed:
                    bad.append(f"giá trị/value {f} «{raw}» → {meaning}")
        if bad:
            raise InputError("Mẫu tệp không hợp lệ: " + "; ".join(bad[:5]),
                             "Invalid layout: " + "; ".join(bad[:5]))

    # -- storage forms -------------------------------------------------------------------
    def spec(self) -> dict:
        return {"kind": self.kind, "header": self.header, "columns": self.columns, "units": self.units,
                "values": self.values, "header_row": self.header_row}

    @classmethod
    def from_spec(cls, name: str, spec: dict) -> "Layout":
        return cls(name=name, kind=spec.get("kind"), header=list(spec.get("header") or []),
                   columns={clean_heading(k): str(v) for k, v in (spec.get("columns") or {}).items()},
                   units={key(k): str(v) for k, v in (spec.get("units") or {}).items()},
                   values={f: {key(k): str(v) for k, v in (d or {}).items()}
                           for f, d in (spec.get("values") or {}).items()},
                   header_row=spec.get("header_row"))


# --- the store ----------------------------------------------------------------------------
def save(con, layout: Layout, profile: Profile, user: str | None = None) -> None:
    """Save (or replace) a layout by name; its unit spellings join the learned aliases."""
    layout.validate(profile)
    if not layout.name.strip():
        raise InputError("Mẫu tệp cần một tên", "A layout needs a name")
    con.execute("BEGIN")
    try:
        old = con.execute("SELECT spec FROM layouts WHERE name = ?", [layout.name]).fetchone()
        con.execute("DELETE FROM layouts WHERE name = ?", [layout.name])
        con.execute("INSERT INTO layouts VALUES (?, ?, ?, ?, ?)",
                    [layout.name, layout.kind, json.dumps(layout.spec(), ensure_ascii=False), clock.now(), user])
        audit(con, user, "layout_save", json.dumps({"name": layout.name, "replaced": old[0] if old else None,
                                                    "spec": layout.spec()}, ensure_ascii=False)[:4000])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def remove(con, name: str, user: str | None = None) -> Layout:
    """Remove a layout (its spec stays in the audit log, so `layouts import` can bring it back)."""
    lay = get(con, name)
    con.execute("DELETE FROM layouts WHERE name = ?", [name])
    audit(con, user, "layout_remove", json.dumps({"name": name, "spec": lay.spec()}, ensure_ascii=False)[:4000])
    return lay


def get(con, name: str) -> Layout:
    row = con.execute("SELECT spec FROM layouts WHERE name = ?", [name]).fetchone()
    if row is None:
        names = [r[0] for r in con.execute("SELECT name FROM layouts ORDER BY name").fetchall()]
        raise InputError(f"Không có mẫu tệp «{name}» (có: {', '.join(names) or 'chưa có'})",
                         f"No layout «{name}» (known: {', '.join(names) or 'none yet'})")
    return Layout.from_spec(name, json.loads(row[0]))


def all_layouts(con) -> list[Layout]:
    return [Layout.from_spec(n, json.loads(s)) for n, s in
            con.execute("SELECT name, spec FROM layouts ORDER BY created_at, name").fetchall()]


def list_frame(con):
    return con.execute("SELECT name, kind, created_at, created_by FROM layouts ORDER BY name").df()


def find_for(con, head: list[list[object]], known: list[Layout] | None = None) -> Layout | None:
    """The saved layout whose header row is one of the file's first rows (`known`: the saved
    layouts read beforehand, for an import read apart from the store)."""
    for lay in (known if known is not None else all_layouts(con)):
        if lay.header_row is not None and lay.header_row < len(head) and lay.matches(head[lay.header_row]):
            return lay
        if any(lay.matches(r) for r in head):
            return lay
    return None


def learned_profile(con, profile: Profile, layout: Layout | None = None,
                    known: list[Layout] | None = None) -> Profile:
    """The profile with the unit spellings learned in saved layouts (and in `layout`, not
    saved yet) added to its units' aliases: one matcher for both."""
    extra: dict[str, list[str]] = {}
    peers_extra: dict[str, list[str]] = {}
    layouts = known if known is not None else (all_layouts(con) if con is not None else [])
    if layout is not None:
        layouts = [lay for lay in layouts if lay.name != layout.name] + [layout]
    unit_codes = set(profile.unit_codes)
    for lay in layouts:
        for spelling, code in lay.units.items():
            if code in unit_codes:
                extra.setdefault(code, []).append(spelling)
            elif code != NOT_USED:
                peers_extra.setdefault(code, []).append(spelling)
    if not extra and not peers_extra:
        return profile
    units = [replace(u, aliases=tuple(u.aliases) + tuple(extra.get(u.code, ()))) for u in profile.units]
    peers = [replace(p, aliases=tuple(p.aliases) + tuple(peers_extra.get(p.code, ()))) for p in profile.peers]
    return replace(profile, units=units, peers=peers)


# --- sharing as TOML ------------------------------------------------------------------------
def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)     # a JSON string is a valid TOML basic string


def to_toml(layout: Layout) -> str:
    lines = [f"name = {_toml_str(layout.name)}"]
    if layout.kind:
        lines.append(f"kind = {_toml_str(layout.kind)}")
    if layout.header_row is not None:
        lines.append(f"header_row = {int(layout.header_row)}")
    lines.append("header = [" + ", ".join(_toml_str(h) for h in layout.header) + "]")
    for title, table in (("columns", layout.columns), ("units", layout.units)):
        lines.append(f"\n[{title}]")
        lines += [f"{_toml_str(k)} = {_toml_str(v)}" for k, v in table.items()]
    for f, vals in layout.values.items():
        lines.append(f"\n[values.{f}]")
        lines += [f"{_toml_str(k)} = {_toml_str(v)}" for k, v in vals.items()]
    return "\n".join(lines) + "\n"


def from_toml(text: str) -> Layout:
    try:
        d = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"Tệp mẫu không đọc được: {exc}", f"Cannot read the layout file: {exc}") from exc
    name = d.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError("Tệp mẫu thiếu tên (name = …)", "The layout file has no name (name = …)")
    return Layout.from_spec(name.strip(), d)


def read_toml(path: str | Path) -> Layout:
    return from_toml(Path(path).read_text(encoding="utf-8"))
