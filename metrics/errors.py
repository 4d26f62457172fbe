"""One small hierarchy of errors that a person can act on.

Every error carries both languages because the CLI and the UI show them to Vietnamese
officers first, and to the English-speaking maintainers second.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import pick


class ReformError(Exception):
    """Base error: a message in Vietnamese and English, and a short title."""

    title_vi = "Lỗi"
    title_en = "Error"

    def __init__(self, vi: str, en: str | None = None):
        super().__init__(en or vi)
        self.vi = vi
        self.en = en or vi

    def text(self, lang: str = "vi") -> str:
        return pick((self.vi, self.en), lang)

    @classmethod
    def title(cls, lang: str = "vi") -> str:
        return pick((cls.title_vi, cls.title_en), lang)

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}" if self.vi != self.en else self.vi


class ConfigError(ReformError):
    title_vi, title_en = "Lỗi cấu hình", "Configuration error"


class DatabaseBusyError(ReformError):
    title_vi, title_en = "Cơ sở dữ liệu đang bận", "Database busy"


class DemoDataPresent(ReformError):
    """A real file offered to a database that holds the demo data (or the demo to one that
    holds real data): the two never mix in one set of figures."""

    title_vi, title_en = "Đang có dữ liệu mẫu", "Demo data present"


class InputError(ReformError):
    """A bad argument: unknown unit, malformed period, unknown import id."""

    title_vi, title_en = "Tham số không hợp lệ", "Invalid input"


@dataclass
class Problem:
    """One thing wrong in one place of an input file."""

    vi: str
    en: str
    row: int | None = None      # 1-based row number as the user sees it in Excel
    column: str | None = None   # the heading as written in the file
    value: str | None = None
    expected_vi: str | None = None
    expected_en: str | None = None
    # what a person can teach the importer to fix it (a layout, metrics/importers/layouts.py):
    # ("unit", spelling), ("peer", spelling), ("value", field, raw), ("column", index),
    # ("missing", field); None when only the file can be mended
    learn: tuple | None = None

    def message(self, lang: str = "vi") -> str:
        return pick((self.vi, self.en), lang)

    def expected(self, lang: str = "vi") -> str:
        return pick((self.expected_vi, self.expected_en), lang) or ""

    def line(self, lang: str | None = None) -> str:
        """The problem on one line: in one language, or in both (lang None: the CLI's report)."""
        where = []
        if self.row is not None:
            where.append(f"dòng/row {self.row}")
        if self.column:
            where.append(f"cột/column «{self.column}»")
        if self.value is not None:
            where.append(f"giá trị/value «{_short(self.value)}»")
        head = ", ".join(where)
        msg = f"{self.vi} / {self.en}" if lang is None else self.message(lang)
        exp = ""
        if self.expected_vi or self.expected_en:
            exp = f" — cần/expected: {self.expected_vi or ''}" + (
                f" / {self.expected_en}" if self.expected_en and lang is None else "")
        return f"{head}: {msg}{exp}" if head else f"{msg}{exp}"


def _short(value: str, limit: int = 60) -> str:
    value = str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


class ImportRejected(ReformError):
    """A file that cannot be imported; nothing of it was written."""

    title_vi, title_en = "Tệp bị từ chối", "File refused"
    MAX_LISTED = 50

    def __init__(self, file_name: str, problems: list[Problem], total: int | None = None):
        self.file_name = file_name
        self.problems = problems[: self.MAX_LISTED]
        self.total = total if total is not None else len(problems)
        # what would have the file read, said apart from its problems: (vi, en) lines
        self.hints: list[tuple[str, str]] = []
        super().__init__(
            f"Tệp {file_name}: {self.total} lỗi, không nhập gì",
            f"File {file_name}: {self.total} error(s), nothing imported",
        )

    def report(self) -> str:
        lines = [str(self)] + [f"  → {vi} / {en}" for vi, en in self.hints]
        for p in self.problems:
            lines.append("  - " + p.line())
        if self.total > len(self.problems):
            lines.append(f"  … và {self.total - len(self.problems)} lỗi khác / and "
                         f"{self.total - len(self.problems)} more")
        return "\n".join(lines)


@dataclass
class ProblemList:
    """Collects problems while a file is read; caps memory on hostile files."""

    items: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.items) < ImportRejected.MAX_LISTED:
            self.items.append(problem)

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self, file_name: str) -> None:
        if self.total:
            raise ImportRejected(file_name, self.items, self.total)
