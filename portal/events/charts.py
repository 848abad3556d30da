"""Plotly figures for evaluation results, as JSON-ready dicts; each has an equal HTML table on the page.

The page never loads plotly.js itself: the figure JSON sits in a non-executable script block that
the portal's self-hosted chart loader (added by the outcomes work) draws.
"""

import json

from .results import SCALE, SessionResult, Summary

COLORS = {"before": "#8a4b08", "after": "#1f5f8b", "useful": "#1e6b3a"}
LAYOUT = {
    "font": {"family": "system-ui, sans-serif", "size": 14, "color": "#1d2430"},
    "margin": {"l": 50, "r": 20, "t": 50, "b": 50},
    "paper_bgcolor": "#ffffff",
    "plot_bgcolor": "#ffffff",
}


def _count_axis(title: str, counts) -> dict:
    """Return a y axis for counts: whole-number ticks while the numbers are small."""
    axis = {"title": title, "rangemode": "tozero"}
    if max(counts, default=0) <= 10:
        axis.update(tick0=0, dtick=1)
    return axis


def _as_dict(figure) -> dict:
    # to_json turns numpy arrays and plotly objects into plain JSON types.
    return json.loads(figure.to_json())


def understanding_figure(
    summary: Summary, scale_labels: dict[int, str], names: dict[str, str], title: str
) -> dict:
    """Return bars of how well people understood LEAD before and after, per scale point."""
    import plotly.graph_objects as go

    x = [scale_labels[p] for p in SCALE]
    figure = go.Figure(
        data=[
            go.Bar(
                name=names["before"], x=x, y=[summary.before[p] for p in SCALE], marker_color=COLORS["before"]
            ),
            go.Bar(
                name=names["after"], x=x, y=[summary.after[p] for p in SCALE], marker_color=COLORS["after"]
            ),
        ]
    )
    figure.update_layout(
        title=title,
        barmode="group",
        yaxis=_count_axis(names["count"], [*summary.before.values(), *summary.after.values()]),
        **LAYOUT,
    )
    return _as_dict(figure)


def counts_figure(counts: dict, labels: dict, title: str, axis: str) -> dict:
    """Return a bar chart of counts per answer, in the order of labels."""
    import plotly.graph_objects as go

    keys = list(labels)
    figure = go.Figure(
        data=[
            go.Bar(
                x=[labels[k] for k in keys], y=[counts.get(k, 0) for k in keys], marker_color=COLORS["useful"]
            )
        ]
    )
    figure.update_layout(title=title, yaxis=_count_axis(axis, counts.values()), **LAYOUT)
    return _as_dict(figure)


def trend_figure(sessions: list[SessionResult], names: dict[str, str], title: str) -> dict:
    """Return average scores per session over time (sessions without answers are left out)."""
    import plotly.graph_objects as go

    answered = [s for s in sessions if s.summary.responses]
    days = [s.day.isoformat() for s in answered]
    series = (
        ("before", "mean_before", COLORS["before"]),
        ("after", "mean_after", COLORS["after"]),
        ("useful", "mean_usefulness", COLORS["useful"]),
    )
    figure = go.Figure(
        data=[
            go.Scatter(
                name=names[key],
                x=days,
                y=[getattr(s.summary, attr) for s in answered],
                mode="lines+markers",
                line={"color": color},
                text=[s.title for s in answered],
            )
            for key, attr, color in series
        ]
    )
    figure.update_layout(title=title, yaxis={"title": names["average"], "range": [1, 5]}, **LAYOUT)
    return _as_dict(figure)
