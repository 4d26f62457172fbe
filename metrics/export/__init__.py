"""Exports of one month: the briefing deck (.pptx), the workbook (.xlsx), the report (.pdf).

    from metrics.export import export, file_name, MIME
    data = export(con, date(2022, 8, 1), profile, "pptx", lang="vi", unit=None)   # bytes

Every export takes (con, period, profile, lang, unit) and returns bytes, so that a page can
hand them to st.download_button and the CLI writes them to a file. The content of the
month is built once (briefing.py) and drawn by each format; chart images are rendered in
one batch per export (images.py), offline. No Streamlit here.
"""
from __future__ import annotations

from datetime import date

from ..i18n import fmt
from ..model.profile import Profile
from .common import ExportError, slug

FORMATS = ("pptx", "xlsx", "pdf")
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def export(con, period: date, profile: Profile, format: str, lang: str = "vi", unit: str | None = None) -> bytes:
    """The month's export in `format` (pptx, xlsx or pdf) as bytes."""
    if format == "pptx":
        from .pptx import export_pptx

        return export_pptx(con, period, profile, lang, unit)
    if format == "xlsx":
        from .xlsx import export_xlsx

        return export_xlsx(con, period, profile, lang, unit)
    if format == "pdf":
        from .pdf import export_pdf

        return export_pdf(con, period, profile, lang, unit)
    raise ExportError(f"Định dạng không hỗ trợ: «{format}» (chọn: {', '.join(FORMATS)})",
                      f"Unsupported format «{format}» (choose: {', '.join(FORMATS)})")


def file_name(profile: Profile, period: date, format: str, unit: str | None = None) -> str:
    """bao-cao-cchc_tuy-phuoc_2022-08[_21961].pptx"""
    parts = ["bao-cao-cchc", slug(profile.short_name or profile.jurisdiction_name), fmt.month_key(period)]
    if unit:
        parts.append(slug(unit))
    return "_".join(parts) + f".{format}"


__all__ = ["FORMATS", "MIME", "ExportError", "export", "file_name"]
