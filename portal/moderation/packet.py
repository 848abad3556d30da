"""The CLT meeting packet: what came in over a period, as counts, a chart and a list of items.

It never holds a name, an email address, a phone number or a neighborhood. Questions show the
CLT's published (edited) wording once answered; anything still flagged for personal details
is listed without its text; join requests and hidden items are only counted.
"""

import csv
import datetime
import html
import io
import json
import re
from dataclasses import dataclass, field

from peewee import JOIN

from ..questions import choices
from ..questions.models import Answer, Submission

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
LISTED_KINDS = (choices.QUESTION, choices.FEEDBACK)


@dataclass(frozen=True)
class Item:
    """One item as the packet may show it."""

    id: int
    kind: str
    topic: str
    status: str
    received_on: datetime.date
    crisis: bool
    text: str | None  # None: withheld because it may hold personal details
    public: bool  # the text is the CLT's published wording
    answer_path: str | None
    discussable: bool  # still open, so it can be marked as discussed


@dataclass
class Packet:
    """Everything the packet page and its downloads show."""

    since: datetime.date
    until: datetime.date
    by_kind: dict[str, int] = field(default_factory=dict)
    by_topic: dict[str, dict[str, int]] = field(default_factory=dict)
    by_state: dict[str, int] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    hidden: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def default_period(
    today: datetime.date, last_meeting: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    """Return (since, until): from the last CLT meeting (or 30 days back) to today."""
    if last_meeting is not None and last_meeting <= today:
        return last_meeting, today
    return today - datetime.timedelta(days=DEFAULT_DAYS), today


def last_meeting_day(now: datetime.datetime) -> datetime.date | None:
    """Return the Albany date of the latest CLT meeting that has started, or None."""
    try:
        from ..events.localtime import to_local
        from ..events.models import PUBLISHED, Event
    except ImportError:  # the events feature is optional
        return None
    meeting = (
        Event.select()
        .where(Event.kind.in_(["meeting", "clt_meeting"]), Event.status == PUBLISHED, Event.starts_at <= now)
        .order_by(Event.starts_at.desc())
        .first()
    )
    return to_local(meeting.starts_at).date() if meeting else None


def _item(row: Submission) -> Item:
    answer = row.answer if row.answer_id else None
    if answer is not None:
        text, public = answer.question_text, True
    elif row.flag_personal:
        text, public = None, False
    else:
        text, public = row.message, False
    return Item(
        id=row.id,
        kind=row.kind,
        topic=row.topic,
        status=row.status,
        received_on=row.created_on,
        crisis=row.flag_crisis,
        text=text,
        public=public,
        answer_path=answer.path if answer else None,
        discussable=row.status in (choices.RECEIVED, choices.REVIEWING, choices.DISCUSSED),
    )


def collect(since: datetime.date, until: datetime.date) -> Packet:
    """Gather the packet for items received from since to until, inclusive."""
    packet = Packet(since=since, until=until)
    packet.by_kind = dict.fromkeys(choices.KINDS, 0)
    packet.by_state = dict.fromkeys(choices.STATUSES, 0)
    packet.by_topic = {key: dict.fromkeys(LISTED_KINDS, 0) for key in choices.TOPIC_KEYS}
    # Only the columns the packet may use: contact details are never even read.
    columns = (
        Submission.id,
        Submission.kind,
        Submission.topic,
        Submission.status,
        Submission.created_on,
        Submission.flag_crisis,
        Submission.flag_personal,
        Submission.message,
        Submission.answer,
    )
    rows = (
        Submission.select(*columns, Answer.id, Answer.slug, Answer.question_text)
        .join(Answer, join_type=JOIN.LEFT_OUTER, on=(Submission.answer == Answer.id))
        .where(Submission.created_on >= since, Submission.created_on <= until)
        .order_by(Submission.created_on, Submission.id)
    )
    for row in rows:
        packet.by_kind[row.kind] = packet.by_kind.get(row.kind, 0) + 1
        packet.by_state[row.status] = packet.by_state.get(row.status, 0) + 1
        if row.kind not in LISTED_KINDS:
            continue
        topic = row.topic if row.topic in packet.by_topic else "other"
        packet.by_topic[topic][row.kind] += 1
        if row.status == choices.HIDDEN:
            packet.hidden += 1
            continue
        packet.items.append(_item(row))
    return packet


def safe_cell(value) -> str:
    """Return a CSV cell that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(packet: Packet, labels: dict) -> str:
    """Return the packet's items as CSV (one row each), then its counts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "kind", "topic", "state", "received_on", "crisis_flag", "text_shown", "text"])
    for item in packet.items:
        shown = "published wording" if item.public else ("withheld" if item.text is None else "as sent")
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    item.id,
                    item.kind,
                    item.topic,
                    item.status,
                    item.received_on.isoformat(),
                    "yes" if item.crisis else "no",
                    shown,
                    item.text if item.text is not None else labels["withheld"],
                )
            ]
        )
    writer.writerow([])
    writer.writerow(["counted_by", "key", "items"])
    for group, counts in (("kind", packet.by_kind), ("state", packet.by_state)):
        for key, number in counts.items():
            writer.writerow([group, safe_cell(key), number])
    for topic, counts in packet.by_topic.items():
        writer.writerow(["topic", safe_cell(topic), sum(counts.values())])
    return out.getvalue()


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!>|~])")


def markdown_text(text: str) -> str:
    """Return visitor text that any Markdown renderer shows as plain words (no markup, no HTML)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(text, quote=False))


def _quote(text: str) -> str:
    return "\n".join("> " + markdown_text(line) if line.strip() else ">" for line in text.splitlines()) or ">"


def to_markdown(packet: Packet, labels: dict) -> str:
    """Return the packet as Markdown, every visitor word escaped."""
    lines = [
        f"# {labels['title']}",
        "",
        f"{labels['period']}: {packet.since.isoformat()} – {packet.until.isoformat()}",
        "",
        f"## {labels['by_kind']}",
        "",
    ]
    lines += [f"- {labels['kinds'][key]}: {n}" for key, n in packet.by_kind.items()]
    lines += ["", f"## {labels['by_state']}", ""]
    lines += [f"- {labels['states'][key]}: {n}" for key, n in packet.by_state.items()]
    lines += ["", f"## {labels['by_topic']}", ""]
    lines += [f"- {labels['topics'][key]}: {sum(c.values())}" for key, c in packet.by_topic.items()]
    lines += ["", f"## {labels['items']}", ""]
    for item in packet.items:
        lines.append(
            f"### #{item.id} · {labels['kinds'][item.kind]} · {labels['topics'].get(item.topic, item.topic)}"
        )
        lines.append("")
        crisis = f" · {labels['crisis']}" if item.crisis else ""
        lines.append(
            f"{labels['received']} {item.received_on.isoformat()} · {labels['states'][item.status]}{crisis}"
        )
        lines.append("")
        lines.append(_quote(item.text) if item.text is not None else f"*{labels['withheld']}*")
        lines.append("")
    if packet.hidden:
        lines.append(labels["hidden_note"])
        lines.append("")
    return "\n".join(lines)


def topic_figure(packet: Packet, labels: dict) -> dict:
    """Return stacked bars of questions and feedback per topic (the page shows the same table)."""
    import plotly.graph_objects as go

    keys = list(packet.by_topic)
    x = [str(labels["topics"][key]) for key in keys]
    colors = {choices.QUESTION: "#1f5f8b", choices.FEEDBACK: "#8a4b08"}
    figure = go.Figure(
        data=[
            go.Bar(
                name=str(labels["kinds"][kind]),
                x=x,
                y=[packet.by_topic[key][kind] for key in keys],
                marker_color=colors[kind],
            )
            for kind in LISTED_KINDS
        ]
    )
    most = max((sum(c.values()) for c in packet.by_topic.values()), default=0)
    axis = {"title": str(labels["count"]), "rangemode": "tozero"}
    if most <= 10:
        axis.update(tick0=0, dtick=1)
    figure.update_layout(
        title=str(labels["chart_title"]),
        barmode="stack",
        yaxis=axis,
        font={"family": "system-ui, sans-serif", "size": 14, "color": "#1d2430"},
        margin={"l": 50, "r": 20, "t": 50, "b": 110},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
    )
    return json.loads(figure.to_json())
