"""Plotly figures for the dashboard, built from a release's table documents.

Plain functions of plain data (no request, no database). A hidden cell becomes a gap: no bar,
no point and no hover value, because plotly draws nothing for None. Each figure sits above a
table with the same numbers, which is what screen readers and people without JavaScript use.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go

from portal.outcomes.dashboard import rows_of, value

# Colours distinguishable with common colour-vision differences (Okabe–Ito), all 3:1 on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00", "#56B4E9")
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"


def _layout(title: str, y_title: str, **extra) -> dict:
    return dict(
        title={"text": title, "x": 0, "font": {"size": 16}},
        font={"family": FONT, "size": 13, "color": "#1d2430"},
        height=340,
        margin={"l": 56, "r": 12, "t": 56, "b": 64},
        legend={"orientation": "h", "y": -0.22},
        yaxis={"title": {"text": y_title}, "rangemode": "tozero", "gridcolor": "#d5dce4"},
        xaxis={"type": "category"},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        hovermode="closest",
        **extra,
    )


def _series(rows: list[dict], key: str) -> list:
    return [value(row["cells"].get(key)) for row in rows]


def _bars(rows: list[dict], series: list[tuple[str, str]], hover: str = "%{y}") -> list[go.Bar]:
    labels = [row["label"] for row in rows]
    return [
        go.Bar(
            name=name,
            x=labels,
            y=_series(rows, key),
            marker_color=PALETTE[i % len(PALETTE)],
            hovertemplate=f"{name}, %{{x}}: {hover}<extra></extra>",
        )
        for i, (key, name) in enumerate(series)
    ]


def _lines(rows: list[dict], series: list[tuple[str, str]], hover: str = "%{y}") -> list[go.Scatter]:
    labels = [row["label"] for row in rows]
    return [
        go.Scatter(
            name=name,
            x=labels,
            y=_series(rows, key),
            mode="lines+markers",
            connectgaps=False,
            line={"color": PALETTE[i % len(PALETTE)], "width": 2},
            hovertemplate=f"{name}, %{{x}}: {hover}<extra></extra>",
        )
        for i, (key, name) in enumerate(series)
    ]


def figure(table_id: str, doc: dict) -> dict | None:
    """Return the figure for a table as plain JSON data, or None when it has no chart."""
    build = BUILDERS.get(table_id)
    if build is None or not doc["rows"]:
        return None
    fig = build(doc)
    return json.loads(fig.to_json()) if fig is not None else None


def _t1(doc: dict) -> go.Figure:
    rows = rows_of(doc, "quarter")
    series = [(c["key"], c["label"]) for c in doc["columns"] if c["key"] != "total"]
    return go.Figure(_bars(rows, series), _layout(doc["title"], "Referral episodes", barmode="stack"))


def _t2(doc: dict) -> go.Figure:
    row = doc["rows"][-1]
    groups = [c for c in doc["columns"] if c["kind"] == "percent" and c["group"]]
    names = [c["group"] for c in groups]
    referral = [value(row["cells"].get(c["key"])) for c in groups]
    arrests = [value(row["cells"].get(c["key"].removesuffix("_share") + "_comparison_share")) for c in groups]
    traces = [
        go.Bar(
            name="Share of LEAD referrals",
            x=names,
            y=referral,
            marker_color=PALETTE[0],
            hovertemplate="%{x}: %{y}% of referrals<extra></extra>",
        ),
        go.Bar(
            name="Share of eligible arrests",
            x=names,
            y=arrests,
            marker_color=PALETTE[1],
            hovertemplate="%{x}: %{y}% of eligible arrests<extra></extra>",
        ),
    ]
    title = f"{doc['title']}, {row['label']}"
    return go.Figure(traces, _layout(title, "Percent", barmode="group"))


def _t3(doc: dict) -> go.Figure:
    series = [(c["key"], c["label"]) for c in doc["columns"] if c["group"] == "Age"]
    return go.Figure(_bars(doc["rows"], series), _layout(doc["title"], "Referral episodes", barmode="group"))


def _t4(doc: dict) -> go.Figure:
    series = [(c["key"], c["label"]) for c in doc["columns"]]
    return go.Figure(_lines(doc["rows"], series), _layout(doc["title"], "Referral episodes"))


def _t5(doc: dict) -> go.Figure:
    series = [(c["key"], c["label"]) for c in doc["columns"]]
    return go.Figure(_lines(doc["rows"], series), _layout(doc["title"], "Episodes on the caseload"))


def _t6(doc: dict) -> go.Figure:
    rows = [r for r in doc["rows"] if r["window_months"] == 12]
    series = [(c["key"], c["group"]) for c in doc["columns"] if c["kind"] == "percent"]
    labels_rows = [{**r, "label": r["label"].split(",")[0]} for r in rows]
    layout = _layout(f"{doc['title']}: achieved within 12 months", "Percent", barmode="group")
    return go.Figure(_bars(labels_rows, series, "%{y}%"), layout)


def _t7(doc: dict) -> go.Figure:
    traces = []
    for window, colour in ((6, PALETTE[0]), (12, PALETTE[1])):
        rows = [{**r, "label": r["label"].split(",")[0]} for r in doc["rows"] if r["window_months"] == window]
        trace = _bars(rows, [("rearrested_percent", f"Within {window} months")], "%{y}%")[0]
        trace.marker.color = colour
        traces.append(trace)
    return go.Figure(
        traces, _layout(f"{doc['title']}: all referral types", "Percent re-arrested", barmode="group")
    )


def _t8(doc: dict) -> go.Figure:
    series = [(c["key"], c["label"]) for c in doc["columns"] if c["key"] != "total"]
    return go.Figure(_bars(doc["rows"], series), _layout(doc["title"], "Exits", barmode="stack"))


BUILDERS = {"T1": _t1, "T2": _t2, "T3": _t3, "T4": _t4, "T5": _t5, "T6": _t6, "T7": _t7, "T8": _t8}
