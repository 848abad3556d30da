"""The Atom feed of new public answers, built with feedgen."""

import datetime

from feedgen.feed import FeedGenerator

FEED_SIZE = 30


def _moment(day: datetime.date) -> datetime.datetime:
    # Answers carry a date only; noon UTC keeps the day right in every time zone near Albany.
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def build(answers, site_url: str, site_name: str, title: str, subtitle: str) -> bytes:
    """Return an Atom document listing the answers (newest first) with absolute links."""
    base = site_url.rstrip("/")
    feed = FeedGenerator()
    feed.id(f"{base}/answers")
    feed.title(title)
    feed.subtitle(subtitle)
    feed.author({"name": site_name})
    feed.link(href=f"{base}/answers", rel="alternate")
    feed.link(href=f"{base}/answers/feed.atom", rel="self")
    feed.language("en")
    newest = None
    # feedgen puts entries added later first, so add the oldest first.
    for answer in reversed(list(answers)[:FEED_SIZE]):
        moment = _moment(answer.updated_on or answer.published_on)
        newest = max(newest or moment, moment)
        entry = feed.add_entry()
        entry.id(f"{base}{answer.path}")
        entry.title(answer.question_text)
        entry.link(href=f"{base}{answer.path}", rel="alternate")
        entry.published(_moment(answer.published_on))
        entry.updated(moment)
        entry.category(term=answer.topic, label=str(answer.topic_label))
        entry.content(answer.answer_html, type="html")
    feed.updated(newest or datetime.datetime(2016, 4, 1, tzinfo=datetime.UTC))
    return feed.atom_str(pretty=True)
