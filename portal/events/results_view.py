"""Labels, tables and chart figures for the organizers' results pages."""

from flask_babel import gettext as _

from . import charts
from .results import SessionResult


def _labels() -> dict:
    understanding = {1: _("1 – not at all"), 2: "2", 3: "3", 4: "4", 5: _("5 – very well")}
    useful = {1: _("1 – not useful"), 2: "2", 3: "3", 4: "4", 5: _("5 – very useful")}
    recommend = {"yes": _("Yes"), "maybe": _("Maybe"), "no": _("No")}
    names = {
        "before": _("Before the session"),
        "after": _("After the session"),
        "useful": _("How useful"),
        "count": _("Responses"),
        "average": _("Average score (1 to 5)"),
    }
    return {"understanding": understanding, "useful": useful, "recommend": recommend, "names": names}


def session(result: SessionResult) -> dict:
    """Return what the one-session results page shows: the summary, its tables' labels and its figures."""
    labels = _labels()
    summary = result.summary
    figures = {}
    if summary.responses:
        figures = {
            "understanding": charts.understanding_figure(
                summary, labels["understanding"], labels["names"], _("How well people understood LEAD")
            ),
            "usefulness": charts.counts_figure(
                summary.usefulness,
                labels["useful"],
                _("How useful the session was"),
                labels["names"]["count"],
            ),
            "recommend": charts.counts_figure(
                summary.recommend, labels["recommend"], _("Would recommend it"), labels["names"]["count"]
            ),
        }
    return {"result": result, "summary": summary, "labels": labels, "figures": figures}


def overview(sessions: list[SessionResult]) -> dict:
    """Return what the all-sessions page shows: one row per session and a trend figure."""
    labels = _labels()
    answered = [s for s in sessions if s.summary.responses]
    trend = (
        charts.trend_figure(sessions, labels["names"], _("Average scores by session")) if answered else None
    )
    return {
        "sessions": sessions,
        "labels": labels,
        "trend": trend,
        "total_responses": sum(s.summary.responses for s in sessions),
    }
