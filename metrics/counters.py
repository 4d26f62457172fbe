"""Counters per unit and month from the current dossiers (domain.md section 4).

Each dossier is expanded into the months it is open in (from its received month to its
finished month, or to the last month of data while it is pending); every counter is then a
filtered count over that expansion. The result is materialised in `dossier_counters` after
each import or undo, so that page loads read a few hundred rows, not millions.
"""
from __future__ import annotations

from .kpis import COUNTERS, Counter

COMMUNE_LEVELS_SQL = "('commune', 'township')"


def counter_expr(c: Counter) -> str:
    base = c.base or "FALSE"
    if c.flag is None:
        return f"count(*) FILTER (WHERE {base})"
    # a flag that is unknown (NULL) for any dossier it should count makes the counter unknown
    # (and with nothing to count, a flag unknown for the month's dossiers keeps it unknown:
    # an export without the column reports nothing, not zero)
    return (f"CASE WHEN count(*) FILTER (WHERE ({base}) AND ({c.flag}) IS NULL) > 0 THEN NULL "
            f"WHEN count(*) FILTER (WHERE {base}) = 0 AND count(*) FILTER (WHERE ({c.flag}) IS NULL) > 0 "
            f"THEN NULL "
            f"ELSE count(*) FILTER (WHERE ({base}) AND ({c.flag})) END")


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


def counters_select_sql(where: str = "TRUE", group: str = "d.unit_code", as_name: str = "unit_code") -> str:
    """Counters per (group, month); `group` is a trusted SQL expression over d (unit by
    default; a procedure or field for breakdowns)."""
    cols = ",\n        ".join(f"{counter_expr(c)} AS {c.name}" for c in COUNTERS)
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
    con.execute(f"INSERT INTO dossier_counters (unit_code, period, {names}) "
                f"SELECT unit_code, period, {names} FROM ({counters_select_sql()})")
