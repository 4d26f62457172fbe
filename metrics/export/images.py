"""Chart images for the exports, rendered locally in ONE batch.

Plotly figures become PNGs through kaleido (v1) driving Debian's chromium: one browser is
started per call and every figure of the export goes through it, so a whole deck takes
seconds. Nothing is fetched from the network: plotly.js is the copy inside the plotly
package and MathJax is switched off (kaleido would otherwise load it from a CDN).

The browser is, in order: $REFORM_CHROMIUM, $BROWSER_PATH, then chromium / chromium-browser /
google-chrome on the PATH. Without one the export stops with an ExportError that says what
to install.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from .common import ExportError

SCALE = 2            # pixels per layout pixel: ~180 dpi on a slide, ~350 dpi in print
TIMEOUT = 60         # seconds for any one figure


_FONT_KEYS = ("font", "tickfont", "textfont", "insidetextfont", "outsidetextfont", "titlefont")


def scale_fonts(obj, factor: float, _default: float = 12.0):
    """Every font size in a figure dict multiplied by `factor` (in place), including the
    layout's base font, so that text without its own size grows as well."""
    if factor == 1:
        return obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in _FONT_KEYS and isinstance(v, dict) and isinstance(v.get("size"), (int, float)):
                v["size"] = round(v["size"] * factor, 1)
            if isinstance(v, (dict, list, tuple)):
                scale_fonts(v, factor)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            if isinstance(v, (dict, list, tuple)):
                scale_fonts(v, factor)
    return obj


def browser_path() -> str | None:
    for var in ("REFORM_CHROMIUM", "BROWSER_PATH"):
        p = os.environ.get(var)
        if p:
            return p
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        p = shutil.which(name)
        if p:
            return p
    return None


def _missing_browser(detail: str = "") -> ExportError:
    extra = f" ({detail})" if detail else ""
    return ExportError(
        "Không vẽ được biểu đồ: cần trình duyệt Chromium trên máy chủ (cài bằng «apt-get install chromium», "
        f"hoặc đặt biến REFORM_CHROMIUM trỏ tới tệp chạy){extra}",
        "Cannot draw the charts: the Chromium browser is needed on the server (install it with «apt-get install "
        f"chromium», or point REFORM_CHROMIUM to its executable){extra}")


def render(charts, scale: float = SCALE) -> dict[str, bytes]:
    """{chart.key: PNG bytes} for every chart (objects with key, figure, width, height and
    optionally font_scale), all through one browser."""
    charts = list(charts)
    if not charts:
        return {}
    keys = [c.key for c in charts]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate chart keys: {keys}")
    try:
        import kaleido
        from kaleido.errors import ChromeNotFoundError
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ExportError("Thiếu thư viện kaleido để vẽ biểu đồ (pip install -r requirements.txt)",
                          "The kaleido package is missing (pip install -r requirements.txt)") from exc
    path = browser_path()
    if path is not None and not Path(path).exists():
        raise _missing_browser(path)
    kopts = dict(mathjax=False, timeout=TIMEOUT)
    if path:
        kopts["path"] = path
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="reform-export-") as tmp:
        specs = []
        for i, c in enumerate(charts):
            fig = c.figure.to_dict()
            scale_fonts(fig, getattr(c, "font_scale", 1.0))
            # the size drawn is the size asked for, whatever height the figure was built with
            fig.setdefault("layout", {}).update(width=c.width, height=c.height)
            specs.append(dict(fig=fig, path=Path(tmp) / f"{i:03d}.png",
                              opts=dict(format="png", width=c.width, height=c.height, scale=scale)))
        try:
            kaleido.write_fig_from_object_sync(specs, kopts=kopts, cancel_on_error=True)
        except ChromeNotFoundError as exc:
            raise _missing_browser() from exc
        except ExportError:
            raise
        except Exception as exc:
            raise ExportError(f"Không vẽ được biểu đồ: {type(exc).__name__}: {exc}",
                              f"Cannot draw the charts: {type(exc).__name__}: {exc}") from exc
        out = {}
        for i, c in enumerate(charts):
            f = Path(tmp) / f"{i:03d}.png"
            if not f.exists() or f.stat().st_size == 0:
                raise ExportError(f"Không vẽ được biểu đồ «{c.key}»", f"Chart «{c.key}» was not drawn")
            out[c.key] = f.read_bytes()
    render.last_seconds = time.monotonic() - started
    return out


render.last_seconds = 0.0
