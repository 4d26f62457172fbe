"""What one kind of Streamlit element adds to a new tab, against a page without it.

    python benchmarks/element_costs.py [--repeat 6] [variant ...]

Serves a small app whose ?v= chooses what is drawn under one line of text, opens each
variant in a new tab of headless Chromium and times it, by the page's own clock, until it is
done (benchmarks/page_load.READY_JS, as benchmarks/pages.py). The first round is not counted
(a warm-up round: the server's and the browser's first loads). Why it exists: st.dataframe added 0.2–0.25 s to
every page that drew one, an HTML table nothing measurable (docs/performance.md).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from page_load import ARGS, CHROMIUM, READY_JS, _median, _serve, _stop  # noqa: E402

APP = '''import pandas as pd
import streamlit as st

v = st.query_params.get("v", "floor")
st.write("Sẵn sàng / ready")
df = pd.DataFrame({"Đơn vị": [f"Xã {i}" for i in range(15)], "a": range(15), "b": [x / 3 for x in range(15)]})
big = pd.DataFrame({"a": range(400), "b": [f"Hồ sơ số {i}" for i in range(400)], "c": [1.5] * 400})
if v == "floor":
    st.write("two")
elif v == "dataframe":
    st.dataframe(df, hide_index=True)
elif v == "dataframe_4000":
    st.dataframe(pd.concat([big] * 10), hide_index=True, height=560)
elif v == "dataframe_in_expander":
    with st.expander("e"):
        st.dataframe(df, hide_index=True)
elif v == "table":
    st.table(df)
elif v == "html_table":
    st.html(df.to_html())
elif v == "html_table_400":
    st.html(big.to_html())
elif v == "segmented_control":
    st.segmented_control("x", ["a", "b", "c"], default="a")
elif v == "sidebar_widgets":
    st.write("two")
    with st.sidebar:
        st.selectbox("a", ["x", "y"])
        st.selectbox("b", ["x", "y"])
        st.segmented_control("c", ["vi", "en"], default="vi")
elif v == "file_uploader":
    st.file_uploader("f")
'''
VARIANTS = ["floor", "dataframe", "dataframe_4000", "dataframe_in_expander", "table", "html_table", "html_table_400",
            "segmented_control", "sidebar_widgets", "file_uploader"]


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("variants", nargs="*", default=VARIANTS)
    ap.add_argument("--repeat", type=int, default=6)
    ap.add_argument("--port", type=int, default=8677)
    a = ap.parse_args()
    work = HERE / "out" / "elements"
    work.mkdir(parents=True, exist_ok=True)
    (work / "app.py").write_text(APP, encoding="utf-8")
    proc = _serve(str(work / "app.py"), a.port, {}, work / "app.log")
    times: dict[str, list[float]] = {v: [] for v in a.variants}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            ctx = browser.new_context(viewport={"width": 1280, "height": 720})
            for round_ in range(a.repeat + 1):
                for v in a.variants:
                    page = ctx.new_page()
                    page.goto(f"http://127.0.0.1:{a.port}/?v={v}")
                    done = page.wait_for_function(READY_JS, arg=None, polling="raf", timeout=60_000).json_value()
                    if round_:
                        times[v].append((done - page.evaluate("performance.timeOrigin")) / 1000)
                    page.close()
            browser.close()
    finally:
        _stop(proc)
    floor = min(times["floor"]) if times.get("floor") else None
    print(f"{'variant':<24} {'best':>6} {'median':>7} {'+ floor':>8}  (s, new tab to done; 1280x720)")
    for v, xs in times.items():
        extra = f"{min(xs) - floor:+8.2f}" if floor is not None else ""
        print(f"{v:<24} {min(xs):6.2f} {_median(xs):7.2f} {extra}")


if __name__ == "__main__":
    main()
