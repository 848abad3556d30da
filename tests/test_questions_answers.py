"""Answered questions: the grouped list, each answer's page, search, the Atom feed and the demo."""

import datetime
import html
import xml.etree.ElementTree as ET

import pytest

from portal import db
from portal.questions import demo, search, workflow
from portal.questions.models import Answer, Submission
from tests.conftest import make_app

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def qapp(database_url):
    return make_app(database_url, MIN_FILL_SECONDS=0, SITE_URL="https://lead.example.org")


@pytest.fixture
def qclient(qapp):
    return qapp.test_client()


def publish(app, question, answer, topic, days_ago=0):
    with app.test_request_context():
        made = workflow.publish_answer(None, question, answer, topic, "sam")
        made.published_on = datetime.date.today() - datetime.timedelta(days=days_ago)
        made.save()
        return made


def test_answers_are_grouped_by_topic_newest_first(qapp, qclient):
    publish(qapp, "Old safety question?", "Old.", "safety", days_ago=10)
    publish(qapp, "New safety question?", "New.", "safety", days_ago=1)
    publish(qapp, "How does it work?", "Like this.", "how-it-works", days_ago=5)
    page = qclient.get("/answers").get_data(as_text=True)
    assert page.index('id="topic-how-it-works"') < page.index('id="topic-safety"')  # topics in list order
    assert page.index("New safety question?") < page.index("Old safety question?")
    assert "Like this." in page
    assert 'type="application/atom+xml"' in page


def test_empty_answers_page_invites_a_question(qclient):
    assert "There are no answered questions yet." in qclient.get("/answers").get_data(as_text=True)


def test_each_answer_has_its_own_page_and_old_links_redirect(qapp, qclient):
    made = publish(qapp, "Is LEAD only for drug use?", "No, *not only*.", "how-it-works")
    page = qclient.get(made.path)
    assert page.status_code == 200
    assert "<em>not only</em>" in page.get_data(as_text=True)
    wrong_slug = qclient.get(f"/answers/{made.id}-old-wording")
    assert wrong_slug.status_code == 301 and wrong_slug.headers["Location"].endswith(made.path)
    assert qclient.get(f"/answers/{made.id}").headers["Location"].endswith(made.path)
    assert qclient.get("/answers/999-nothing").status_code == 404
    assert qclient.get("/answers/999").status_code == 404


def test_question_text_is_escaped_and_answer_html_sanitised_even_if_stored_raw(qapp, qclient):
    made = publish(qapp, "<script>alert(1)</script> question?", "fine", "other")
    with qapp.app_context():
        Answer.update(answer_html="<p>ok</p><script>bad()</script><a href='javascript:x'>x</a>").where(
            Answer.id == made.id
        ).execute()
    page = qclient.get(made.path).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "bad()" not in page and "javascript:" not in page and "<p>ok</p>" in page


def test_feed_lists_newest_answers_with_absolute_links(qapp, qclient):
    old = publish(qapp, "Older?", "Old & true.", "clt", days_ago=3)
    new = publish(qapp, "Newer?", "New.", "results", days_ago=1)
    response = qclient.get("/answers/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)  # noqa: S314 (our own feed, in a test)
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Newer?", "Older?"]
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links == [f"https://lead.example.org{new.path}", f"https://lead.example.org{old.path}"]
    assert "Old &amp; true." in entries[1].find(f"{ATOM}content").text
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "https://lead.example.org/answers/feed.atom"


def test_empty_feed_is_valid(qclient):
    root = ET.fromstring(qclient.get("/answers/feed.atom").data)  # noqa: S314 (our own feed)
    assert root.findall(f"{ATOM}entry") == []


def test_search_finds_answers_and_program_pages(qapp, qclient):
    publish(qapp, "Do people have to stop using drugs first?", "No. LEAD uses harm reduction.", "services")
    page = html.unescape(qclient.get("/search?q=harm+reduction").get_data(as_text=True))
    assert "Do people have to stop using drugs first?" in page
    assert 'id="answers-found"' in page and 'id="pages-found"' in page
    assert "<mark>harm</mark>" in page.lower() or "<mark>Harm</mark>" in page


def test_search_requires_every_word_and_escapes_the_query(qapp, qclient):
    page = qclient.get("/search", query_string={"q": "<script>alert(1)</script> zzyzx"}).get_data(
        as_text=True
    )
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; zzyzx" in page
    assert "0 results" in page and "Nothing matched every word" in page


def test_search_excerpts_are_escaped_with_only_mark_added(qapp, qclient):
    publish(qapp, "What does code look like?", "Like `<script>alert(2)</script>` in a box.", "other")
    page = qclient.get("/search?q=alert").get_data(as_text=True)
    assert "<script>alert(2)" not in page
    assert "&lt;script&gt;<mark>alert</mark>(2)&lt;/script&gt;" in page


def test_search_handles_empty_long_and_odd_queries(qclient):
    assert "results for" not in qclient.get("/search").get_data(as_text=True)
    assert "That search is too long" in qclient.get("/search", query_string={"q": "x" * 300}).get_data(
        as_text=True
    )
    for odd in ("\u202eevil", "👋", "'; DROP TABLE answer; --", "%00", "a" * 200):
        assert qclient.get("/search", query_string={"q": odd}).status_code == 200


def test_search_functions_mark_matches_safely():
    documents = [
        search.Document(
            "Harm reduction", "Harm reduction means meeting people where they are.", "/a", "answers"
        ),
        search.Document("Other", "Nothing to see about <b>harmony</b>.", "/b", "pages"),
        search.Document("Unrelated", "Nothing here.", "/c", "pages"),
    ]
    hits = search.find("HARM", documents)
    assert [h.document.path for h in hits] == ["/a", "/b"]  # title matches count more; prefix match
    assert ("Harm", True) in hits[0].title
    assert any(text == "<b>" or "<b>" in text for text, matched in hits[1].excerpt if not matched)
    assert search.find("", documents) == [] and search.find("harm zebra", documents) == []
    assert (
        search.terms("a A b " + "c " * 20)[:2] == ["a", "b"] and len(search.terms("w " * 50 + "x y z")) <= 8
    )


def test_excerpt_is_centred_on_the_match():
    text = ("filler " * 100) + "the needle is here " + ("more " * 100)
    piece = search.excerpt(text, search._pattern(["needle"]))
    assert "needle" in piece and piece.startswith("… ") and piece.endswith(" …")
    assert len(piece) <= search.EXCERPT + 10


def test_demo_seeds_once_with_answers_in_several_topics(qapp, qclient):
    with qapp.app_context(), db.db.connection_context():
        assert demo.seed_demo() is True
        assert demo.seed_demo() is False
        assert Answer.select().count() == len(demo.ANSWERS) >= 8
        assert len({a.topic for a in Answer.select()}) >= 5
        statuses = {s.status for s in Submission.select()}
        assert {"received", "reviewing", "discussed", "answered", "replied", "closed"} <= statuses
    page = html.unescape(qclient.post("/status", data={"code": demo.DEMO_CODE}).get_data(as_text=True))
    assert "Private reply from the CLT" in page
    assert "Does a person have to be arrested to get into LEAD?" in qclient.get("/answers").get_data(
        as_text=True
    )


def test_demo_answers_cite_no_figures_beyond_the_facts():
    import re

    allowed = {"2011", "2016", "318", "60", "39", "2017", "911", "988"}
    for _topic, question, text in demo.ANSWERS:
        assert set(re.findall(r"\d+", question + text)) <= allowed, question
