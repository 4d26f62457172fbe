"""Counters per unit and month from the current dossiers (domain.md section 4).

Each dossier is expanded into the months it is open in (from its received month to its
finished month, or to the last month of data while it is pending); every counter is then a
filtered count over that expansion. The result is materialised in `dossier_counters` after
each import or undo, so that page loads read a few hundred rows, not millions.
"""
from __future__ import annotations

import re

from .kpis import COUNTERS, Counter
from .profile import COMMUNE_LEVELS

# (the profile's level names, our own constants)
COMMUNE_LEVELS_SQL = "(" + ", ".join(f"'{lv}'" for lv in COMMUNE_LEVELS) + ")"


def _count(pred: str) -> str:
    """Rows of the group where `pred` is TRUE (NULL counts as not): the same number as
    `count(*) FILTER (WHERE pred)`, but DuckDB evaluates a plain `count_if` over a boolean
    more than twice as fast as a filtered aggregate (about 70 of them per rebuild)."""
    return f"CAST(count_if(coalesce({pred}, FALSE)) AS BIGINT)"


def counter_expr(c: Counter, never_null: frozenset[str] = frozenset()) -> str:
    base = c.base or "FALSE"
    if c.flag is None:
        return _count(base)
    if _flag_never_null(c.flag, never_null):
        # no dossier has the flag unknown: the CASE below would always take its ELSE
        return _count(f"({base}) AND ({c.flag})")
    # a flag that is unknown (NULL) for any dossier it should count makes the counter unknown
    # (and with nothing to count, a flag unknown for the month's dossiers keeps it unknown:
    # an export without the column reports nothing, not zero)
    return (f"CASE WHEN {_count(f'({base}) AND ({c.flag}) IS NULL')} > 0 THEN NULL "
            f"WHEN {_count(base)} = 0 AND {_count(f'({c.flag}) IS NULL')} > 0 "
            f"THEN NULL "
            f"ELSE {_count(f'({base}) AND ({c.flag})')} END")


_D_COLUMN = re.compile(r"\bd\.(\w+)")
# a flag built from non-NULL columns with these operators cannot be NULL; anything that can
# make a NULL out of known values keeps the full expression
_NULL_MAKERS = re.compile(r"\b(null|nullif|case|try_cast|try)\b|/", re.IGNORECASE)


def _flag_never_null(flag: str, never_null: frozenset[str]) -> bool:
    cols = set(_D_COLUMN.findall(flag))
    return bool(cols) and cols <= never_null and not _NULL_MAKERS.search(flag)


def never_null_columns(con, where: str = "TRUE") -> frozenset[str]:
    """The dossier columns read by counter flags that hold no NULL among the current dossiers
    (one cheap scan): their counters need not check for unknown flags."""
    have = {d[0] for d in con.execute("SELECT * FROM dossiers LIMIT 0").description}
    cols = sorted({m for c in COUNTERS if c.flag for m in _D_COLUMN.findall(c.flag)} & have)
    if not cols:
        return frozenset()
    row = con.execute(f"SELECT {', '.join(f'bool_or(x.{c} IS NULL)' for c in cols)} "
                      f"FROM dossiers x WHERE x.is_current AND ({where})").fetchone()
    return frozenset(c for c, has_null in zip(cols, row) if has_null is False)


def expansion_sql(where: str = "TRUE") -> str:
    """The dossier-month expansion d(…, m_start, m_end) over current dossiers.

    `where` is a trusted SQL predicate on the dossiers table `x` built by our own code.
    """
    return f"""
    WITH cur AS (
        SELECT x.*, CAST(x.received_at AS DATE) AS received_date,
               CAST(x.due_at AS DATE) AS due_date, CAST(x.finished_at AS DATE) AS finished_date,
               u.level IN {COMMUNE_LEVELS_SQL} AS is_commune
        FROM dossiers x JOIN units u ON u.code = x.unit_code
        WHERE x.is_current AND ({where})
    ),
    bounds AS (
        SELECT CAST(date_trunc('month', max(greatest(received_date, coalesce(finished_date, received_date))))
                    AS DATE) AS last_month
        FROM cur
    ),
    d AS (
        SELECT cur.*, CAST(t.m AS DATE) AS m_start, last_day(CAST(t.m AS DATE)) AS m_end
        FROM cur, bounds,
             unnest(generate_series(CAST(date_trunc('month', cur.received_date) AS TIMESTAMP),
                                    CAST(date_trunc('month', coalesce(cur.finished_date, bounds.last_month))
                                         AS TIMESTAMP),
                                    INTERVAL 1 MONTH)) AS t(m)
    )
    """


def counters_select_sql(where: str = "TRUE", group: str = "d.unit_code", as_name: str = "unit_code",
                        never_null: frozenset[str] = frozenset()) -> str:
    """Counters per (group, month); `group` is a trusted SQL expression over d (unit by
    default; a procedure or field for breakdowns). `never_null`: see never_null_columns."""
    cols = ",\n        ".join(f"{counter_expr(c, never_null)} AS {c.name}" for c in COUNTERS)
    return f"""{expansion_sql(where)}
    SELECT {group} AS {as_name}, d.m_start AS period,
        {cols}
    FROM d
    GROUP BY {group}, d.m_start
    """


def rebuild(con) -> None:
    """Recompute `dossier_counters` from the current dossiers; the caller owns the transaction."""
    con.execute("DELETE FROM dossier_counters")
    names = ", ".join(c.name for c in COUNTERS)
    sel = counters_select_sql(never_null=never_null_columns(con))
    con.execute(f"INSERT INTO dossier_counters (unit_code, period, {names}) "
                f"SELECT unit_code, period, {names} FROM ({sel})")
