"""The morning digest: for each unit with dossiers due soon or overdue, one XLSX and one PDF
page (its list, the riskiest first), and a summary of the district for the reform office;
written to a folder, and with --send mailed through the office's SMTP server.

Sending: each message is tried up to `attempts` times (a short growing pause between); what
could not be delivered is reported per unit, in the run's log (digest_log.csv beside the
files) and by a non-zero exit of the command, never lost in silence.

Where the addresses come from: the profile's [digest.addresses] (unit code -> address), then
the e-mail of the unit's accounts (users.email); the summary goes to [digest] office.
SMTP settings: [digest] smtp_host, smtp_port, sender, tls ("starttls", "ssl" or "none");
REFORM_SMTP_HOST / _PORT / _SENDER / _TLS / _USER / _PASSWORD override them (the password
only ever from the environment).
"""
from __future__ import annotations

import csv
import io
import os
import smtplib
import time
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from .due import DueList
from ..errors import ConfigError
from ..model.profile import Profile, load_profile

XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "cchc@localhost"
    tls: str = "none"                 # none | starttls | ssl
    user: str | None = None
    password: str | None = None
    office: str | None = None         # the reform office: gets the district summary
    addresses: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_profile(cls, profile: Profile, env: dict | None = None) -> "SmtpSettings | None":
        env = os.environ if env is None else env
        raw = dict(profile.digest or {})
        host = env.get("REFORM_SMTP_HOST") or raw.get("smtp_host")
        if not host:
            return None
        tls = (env.get("REFORM_SMTP_TLS") or raw.get("tls") or "none").lower()
        if tls not in ("none", "starttls", "ssl"):
            raise ConfigError(f"Giá trị tls không hợp lệ: {tls} (none, starttls, ssl)",
                              f"Invalid tls setting {tls} (none, starttls, ssl)")
        return cls(host=host, port=int(env.get("REFORM_SMTP_PORT") or raw.get("smtp_port") or 25),
                   sender=env.get("REFORM_SMTP_SENDER") or raw.get("sender") or "cchc@localhost", tls=tls,
                   user=env.get("REFORM_SMTP_USER") or raw.get("smtp_user"), password=env.get("REFORM_SMTP_PASSWORD"),
                   office=env.get("REFORM_DIGEST_OFFICE") or raw.get("office"),
                   addresses={str(k): str(v) for k, v in (raw.get("addresses") or {}).items()})


@dataclass
class Delivery:
    unit: str                 # a unit code, or "ALL" for the summary
    to: str | None
    status: str               # sent | partial (some addresses refused) | failed | no_address
    attempts: int = 0
    error: str = ""


# --- the files ----------------------------------------------------------------------------
def _rows(dl: DueList, unit: str | None, lang: str) -> list[dict]:
    from ..i18n import t

    out = []
    for r in dl.rows:
        if unit is not None and r["unit_code"] != unit:
            continue
        out.append({
            t("unit", lang): r["unit_name"],
            t("col_dossier_code", lang): r["dossier_code"],
            t("col_procedure_name", lang): r["procedure_name"] or r["procedure_code"] or "",
            t("col_received_at", lang): r["received_at"],
            t("col_due_at", lang): r["due_at"],
            t("col_status", lang): t(f"due_status_{r['status']}", lang),
            t("due_days_left", lang): r["working_days_left"],
            t("due_risk", lang): None if r["risk"] is None else round(100 * r["risk"], 1),
            t("due_risk_cases", lang): r["risk_cases"] if r["status"] == "due_soon" else None,
            t("due_handler", lang): r["handler"] or "",
        })
    return out


def unit_xlsx(dl: DueList, unit: str | None, lang: str = "vi") -> bytes:
    import pandas as pd

    from ..export.xlsx import frames_workbook
    from ..i18n import t

    frames = {t("page_due_soon", lang): pd.DataFrame(_rows(dl, unit, lang))}
    if unit is None:
        frames = {t("due_per_unit", lang)[:31]: summary_frame(dl, lang), **frames}
    return frames_workbook(frames, lang)


def summary_frame(dl: DueList, lang: str):
    import pandas as pd

    from ..i18n import t

    names = {r["unit_code"]: r["unit_name"] for r in dl.rows}
    return pd.DataFrame([{t("unit", lang): names[u], t("due_today", lang): c["due_today"],
                          t("due_status_due_soon", lang): c["due_soon"], t("due_status_overdue", lang): c["overdue"]}
                         for u, c in sorted(dl.counts().items(), key=lambda x: -(x[1]["due_soon"] + x[1]["overdue"]))])


# dossiers printed in a digest's PDF: a unit's page, the district's summary (the workbook
# beside it lists them all)
PDF_ROWS_UNIT = 400
PDF_ROWS_SUMMARY = 60


def unit_pdf(dl: DueList, unit: str | None, title: str, lang: str = "vi") -> bytes:
    """One page (more if the list is long) with the unit's dossiers, or the district's summary."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from ..i18n import fmt
    from ..export.pdf import FONT, _register_fonts
    from ..i18n import t

    _register_fonts()
    body = ParagraphStyle("b", fontName=FONT, fontSize=8, leading=10)
    head = ParagraphStyle("h", fontName=FONT + "-Bold", fontSize=14, leading=18, spaceAfter=4)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=title)
    story = [Paragraph(title, head),
             Paragraph(t("digest_subtitle", lang, day=fmt.day(dl.as_of, lang), n=dl.within), body), Spacer(1, 4 * mm)]
    if unit is None:
        sf = summary_frame(dl, lang)
        data = [list(sf.columns)] + [[str(v) for v in r] for r in sf.itertuples(index=False)]
        tb = Table(data, repeatRows=1)
        tb.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
                                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DBE9F6")),
                                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
        story += [tb, Spacer(1, 5 * mm)]
    rows = _rows(dl, unit, lang)
    if unit is not None:            # a unit's own page: its name is the title
        rows = [{k: v for k, v in r.items() if k != t("unit", lang)} for r in rows]
    if rows:
        cols = list(rows[0])
        data = [[Paragraph(str(c), body) for c in cols]]
        shown = PDF_ROWS_UNIT if unit is not None else PDF_ROWS_SUMMARY
        for r in rows[:shown]:
            vals = []
            for c in cols:
                v = r[c]
                if hasattr(v, "strftime"):
                    v = fmt.day(v, lang)
                vals.append(Paragraph("" if v is None else str(v), body))
            data.append(vals)
        widths = ([40, 45, 60, 20, 20, 20, 14, 14, 14, 24] if unit is None
                  else [50, 80, 22, 22, 22, 16, 16, 16, 28])
        tb = Table(data, repeatRows=1, colWidths=[w * mm for w in widths[:len(cols)]])
        tb.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DBE9F6")),
                                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
        story.append(tb)
        if len(rows) > shown:
            # the page is for reading at a glance; what it leaves out is said, and is in the workbook
            story += [Spacer(1, 3 * mm), Paragraph(t("digest_more_rows", lang, n=fmt.number(len(rows) - shown, lang)),
                                                   body)]
    doc.build(story)
    return buf.getvalue()


@dataclass
class DigestFiles:
    as_of: date
    units: dict[str, tuple[Path, Path]]       # unit code -> (xlsx, pdf)
    summary: tuple[Path, Path]


def write_digest(dl: DueList, out: Path, profile: Profile | None = None, lang: str = "vi") -> DigestFiles:
    """The files of a due list (due.due_list): no database needed, so the store is not held
    while the PDFs are drawn."""
    from ..i18n import t

    profile = profile or load_profile()
    out.mkdir(parents=True, exist_ok=True)
    stamp = dl.as_of.isoformat()
    files: dict[str, tuple[Path, Path]] = {}
    names = {u.code: u.name for u in profile.units}
    for unit in sorted(dl.counts()):
        x = out / f"sap-den-han_{stamp}_{unit}.xlsx"
        p = out / f"sap-den-han_{stamp}_{unit}.pdf"
        x.write_bytes(unit_xlsx(dl, unit, lang))
        p.write_bytes(unit_pdf(dl, unit, t("digest_unit_title", lang, unit=names.get(unit, unit)), lang))
        files[unit] = (x, p)
    sx = out / f"sap-den-han_{stamp}_tong-hop.xlsx"
    sp = out / f"sap-den-han_{stamp}_tong-hop.pdf"
    sx.write_bytes(unit_xlsx(dl, None, lang))
    sp.write_bytes(unit_pdf(dl, None, t("digest_summary_title", lang, name=profile.jurisdiction_name), lang))
    return DigestFiles(dl.as_of, files, (sx, sp))


# --- sending --------------------------------------------------------------------------------
def unit_addresses(con, profile: Profile, settings: SmtpSettings) -> dict[str, str]:
    """unit code -> the addresses its message goes to ("a, b"): the profile's if it names one;
    else the e-mail of every account of the unit (one message to all of them: the first
    account's alone left the others without their unit's list)."""
    accounts: dict[str, list[str]] = {}
    for unit, email in con.execute("SELECT unit_code, email FROM users WHERE role = 'unit' AND "
                                   "email IS NOT NULL AND email <> '' ORDER BY name").fetchall():
        if email.lower() not in (a.lower() for a in accounts.setdefault(unit, [])):
            accounts[unit].append(email)
    return {**{u: ", ".join(a) for u, a in accounts.items()}, **settings.addresses}


def _message(settings: SmtpSettings, to: str, subject: str, text: str, attachments: list[Path]) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(text)
    for f in attachments:
        maintype, subtype = XLSX_MIME if f.suffix == ".xlsx" else ("application", "pdf")
        msg.add_attachment(f.read_bytes(), maintype=maintype, subtype=subtype, filename=f.name)
    return msg


def _send_one(settings: SmtpSettings, msg: EmailMessage, attempts: int, pause: float) -> tuple[str, int, str]:
    """(sent | partial | failed, attempts made, error). The addresses a server refuses while it
    takes the others are tried again alone (those who have the message do not get it twice);
    still refused after the last attempt, the delivery is "partial"."""
    err, pending = "", None                     # pending: the addresses still to reach (None: all)
    for n in range(1, attempts + 1):
        try:
            cls = smtplib.SMTP_SSL if settings.tls == "ssl" else smtplib.SMTP
            with cls(settings.host, settings.port, timeout=20) as s:
                if settings.tls == "starttls":
                    s.starttls()
                if settings.user:
                    s.login(settings.user, settings.password or "")
                refused = s.send_message(msg, to_addrs=pending)
            if not refused:
                return "sent", n, ""
            err = "; ".join(f"{k}: {v[0]} {v[1].decode(errors='replace') if isinstance(v[1], bytes) else v[1]}"
                            for k, v in refused.items())
            pending = list(refused)
        except (smtplib.SMTPException, OSError) as exc:
            err = f"{type(exc).__name__}: {exc}"[:300]
        if n < attempts:
            time.sleep(pause * n)
    return ("failed" if pending is None else "partial"), attempts, err


def send_digest(addresses: dict[str, str], dl: DueList, files: DigestFiles, settings: SmtpSettings,
                profile: Profile, attempts: int = 3, pause: float = 2.0, lang: str = "vi") -> list[Delivery]:
    """Mail each unit its files and the office the summary (addresses from unit_addresses,
    read before: no database is held through the retries)."""
    from ..i18n import fmt
    from ..i18n import t

    names = {u.code: u.name for u in profile.units}
    out: list[Delivery] = []
    counts = dl.counts()
    day = fmt.day(dl.as_of, lang)
    for unit, paths in files.units.items():
        to = addresses.get(unit)
        if not to:
            out.append(Delivery(unit, None, "no_address", 0, "no address in the profile or the accounts"))
            continue
        c = counts[unit]
        text = t("digest_mail_unit", lang, unit=names.get(unit, unit), day=day, soon=c["due_soon"],
                 late=c["overdue"], today=c["due_today"])
        msg = _message(settings, to, t("digest_subject_unit", lang, unit=names.get(unit, unit), day=day), text,
                       list(paths))
        status, n, err = _send_one(settings, msg, attempts, pause)
        out.append(Delivery(unit, to, status, n, err))
    if settings.office:
        soon = sum(c["due_soon"] for c in counts.values())
        late = sum(c["overdue"] for c in counts.values())
        text = t("digest_mail_office", lang, day=day, soon=soon, late=late, units=len(counts))
        lines = [f"- {d.unit} {names.get(d.unit, '')}: {d.status}" + (f" ({d.error})" if d.error else "")
                 for d in out]
        msg = _message(settings, settings.office, t("digest_subject_office", lang, day=day),
                       text + "\n\n" + "\n".join(lines), list(files.summary))
        status, n, err = _send_one(settings, msg, attempts, pause)
        out.append(Delivery("ALL", settings.office, status, n, err))
    else:
        out.append(Delivery("ALL", None, "no_address", 0, "no [digest] office address"))
    return out


def write_log(out: Path, deliveries: list[Delivery], as_of: date) -> Path:
    path = out / f"digest_log_{as_of.isoformat()}.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["unit", "to", "status", "attempts", "error"])
        for d in deliveries:
            w.writerow([d.unit, d.to or "", d.status, d.attempts, d.error])
    return path
