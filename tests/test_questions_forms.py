"""The ask, feedback and join forms: every message, every kind of bad input, the spam checks."""

import html
import re

import pytest

from portal import db
from portal.questions.models import Submission
from tests.conftest import make_app

QUESTION = {
    "message": "How does LEAD decide who to help?",
    "topic": "how-it-works",
    "relationship": "",
    "neighbourhood": "",
}
JOIN = {
    "name": "Sam Example",
    "email": "sam@example.org",
    "phone": "",
    "relationship": "",
    "neighbourhood": "",
    "message": "",
}


@pytest.fixture
def qapp(tmp_path, database_url):
    return make_app(database_url, MIN_FILL_SECONDS=0, MAIL_OUTBOX=tmp_path / "outbox")


@pytest.fixture
def qclient(qapp):
    return qapp.test_client()


def rows(app):
    with app.app_context():
        return list(Submission.select().order_by(Submission.id))


def receipt_code(client) -> str:
    page = client.get("/sent").get_data(as_text=True)
    return "-".join(re.findall(r'class="code-word">([a-z]+)<', page))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("url", ["/ask", "/feedback", "/join"])
def test_each_form_says_what_is_stored_and_who_sees_it(qclient, url):
    page = text(qclient.get(url))
    assert "What we keep and who sees it" in page
    assert "never keep your IP address" in page
    assert "90 days" in page
    assert "call 911" in page and "988" in page
    assert 'name="comment_extra"' in page and 'class="q-trap"' in page


def test_question_page_explains_public_answers_and_feedback_privacy(qclient):
    assert "answer it in public" in text(qclient.get("/ask"))
    assert "never posted" in text(qclient.get("/feedback"))
    assert "contact details" in text(qclient.get("/join"))


def test_question_is_stored_and_receipt_shown_once(qapp, qclient):
    response = qclient.post(
        "/ask", data=QUESTION | {"email": "me@example.org", "neighbourhood": "Arbor Hill"}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/sent")
    [item] = rows(qapp)
    assert (item.kind, item.topic, item.email, item.neighbourhood) == (
        "question",
        "how-it-works",
        "me@example.org",
        "Arbor Hill",
    )
    assert item.status == "received" and not item.flag_personal and not item.flag_crisis
    first = qclient.get("/sent")
    assert first.headers["Cache-Control"] == "no-store"
    code = "-".join(re.findall(r'class="code-word">([a-z]+)<', first.get_data(as_text=True)))
    assert len(code.split("-")) == 6
    assert code not in item.receipt_hash
    assert "Write this code down or print this page now" in text(first)
    again = text(qclient.get("/sent"))
    assert "Nothing to show here" in again and code.split("-")[0] not in re.findall(r"code-word", again)


def test_feedback_and_join_are_stored_with_their_kind(qapp, qclient):
    assert qclient.post("/feedback", data=QUESTION).status_code == 303
    assert (
        qclient.post("/join", data=JOIN | {"phone": "518-555-0199", "message": "I want to help."}).status_code
        == 303
    )
    feedback, join = rows(qapp)
    assert feedback.kind == "feedback" and feedback.email is None
    assert (join.kind, join.name, join.email, join.phone, join.topic) == (
        "join",
        "Sam Example",
        "sam@example.org",
        "518-555-0199",
        "clt",
    )


def test_empty_message_gets_a_clear_message(qapp, qclient):
    for blank in ("", "   \n\t  "):
        response = qclient.post("/ask", data=QUESTION | {"message": blank})
        assert response.status_code == 400
        page = text(response)
        assert "Please write your message." in page
        assert 'id="error-summary"' in page and 'href="#message"' in page
        assert 'aria-invalid="true"' in page
    assert rows(qapp) == []


def test_too_long_message_says_the_limit_and_keeps_the_text(qapp, qclient):
    long = "a" * 3001
    page = text(qclient.post("/ask", data=QUESTION | {"message": long}))
    assert "Please keep your message to 3000 characters or fewer. It is 3001 now." in page
    assert long in page  # kept so nothing is lost
    assert rows(qapp) == []
    assert qclient.post("/ask", data=QUESTION | {"message": "b" * 3000}).status_code == 303


def test_bad_email_and_tampered_choices_are_explained(qapp, qclient):
    page = text(qclient.post("/ask", data=QUESTION | {"email": "not-an-email"}))
    assert "Enter an email address like name@example.org, or leave this empty." in page
    page = text(qclient.post("/ask", data=QUESTION | {"topic": "'; DROP TABLE submission; --"}))
    assert "Please choose one of the options in the list." in page
    page = text(qclient.post("/ask", data=QUESTION | {"relationship": "police-chief"}))
    assert "Please choose one of the options in the list." in page
    assert rows(qapp) == []


def test_join_needs_name_and_email_and_checks_phone(qapp, qclient):
    page = text(qclient.post("/join", data=JOIN | {"name": "", "email": ""}))
    assert "Please tell us your name" in page and "Please give an email address" in page
    page = text(qclient.post("/join", data=JOIN | {"phone": "call me maybe"}))
    assert "Enter a phone number using digits" in page
    assert rows(qapp) == []


def test_20_megabyte_body_gets_413_not_500(qclient):
    body = "message=" + "x" * (20 * 1024 * 1024)
    response = qclient.post("/ask", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "too large" in text(response)


def test_malformed_utf8_never_breaks_the_form(qapp, qclient):
    form = "application/x-www-form-urlencoded"
    # Percent-encoded bytes that are not UTF-8 are kept as the literal escapes.
    response = qclient.post("/ask", data=b"message=caf%C3%A9+%FF%FE+x&topic=other", content_type=form)
    assert response.status_code == 303
    # Raw bytes that are not UTF-8 make the whole body unreadable: a clear message, nothing stored.
    response = qclient.post("/ask", data=b"message=caf\xff\xfe+raw&topic=other", content_type=form)
    assert response.status_code == 400 and "Please write your message." in text(response)
    # In a multipart body they become replacement characters.
    body = b'--b\r\nContent-Disposition: form-data; name="message"\r\n\r\n\xff\xfeabc\r\n--b--\r\n'
    response = qclient.post("/ask", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 303
    first, second = rows(qapp)
    assert first.message == "café %FF%FE x"
    assert second.message == "\ufffd\ufffdabc"


def test_a_file_instead_of_text_is_refused_clearly(qapp, qclient):
    import io

    data = {"message": (io.BytesIO(b"x" * 100), "notes.txt"), "topic": "other"}
    response = qclient.post("/ask", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "Please write your message." in text(response)
    assert rows(qapp) == []


def test_nul_and_control_characters_are_removed(qapp, qclient):
    response = qclient.post(
        "/ask", data=QUESTION | {"message": "before\x00after\x07 end\r\nnext", "neighbourhood": "A\x00B"}
    )
    assert response.status_code == 303
    [item] = rows(qapp)
    assert item.message == "beforeafter end\nnext" and item.neighbourhood == "AB"


def test_only_nul_bytes_count_as_empty(qclient):
    assert "Please write your message." in text(qclient.post("/ask", data=QUESTION | {"message": "\x00\x00"}))


def test_script_and_sql_payloads_are_stored_as_typed_and_shown_escaped(qapp, qclient):
    payload = "<script>alert('x')</script> '; DROP TABLE submission; -- \" OR 1=1"
    assert qclient.post("/ask", data=QUESTION | {"message": payload}).status_code == 303
    code = receipt_code(qclient)
    [item] = rows(qapp)
    assert item.message == payload
    page = qclient.post("/status", data={"code": code}).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    # A failed re-shown form escapes it too.
    page = qclient.post("/ask", data=QUESTION | {"message": payload, "email": "bad"}).get_data(as_text=True)
    assert "<script>alert" not in page


def test_right_to_left_and_emoji_round_trip(qapp, qclient):
    message = "مرحبا! هل يمكنني المساعدة؟ 👋🏽 שלום \u202eevil"
    assert (
        qclient.post("/feedback", data=QUESTION | {"message": message, "neighbourhood": "حي 🏠"}).status_code
        == 303
    )
    code = receipt_code(qclient)
    [item] = rows(qapp)
    assert item.message == message and item.neighbourhood == "حي 🏠"
    page = qclient.post("/status", data={"code": code}).get_data(as_text=True)
    assert message in page
    assert 'class="visitor-text" dir="auto"' in page


def test_honeypot_pretends_success_and_stores_nothing(qapp, qclient, caplog):
    caplog.set_level("INFO")
    response = qclient.post("/ask", data=QUESTION | {"comment_extra": "http://spam.example"})
    assert response.status_code == 303
    assert len(receipt_code(qclient).split("-")) == 6
    assert rows(qapp) == []
    assert "honeypot tripped" in caplog.text
    assert "spam.example" not in caplog.text


def test_too_fast_asks_to_check_and_send_again_then_accepts(database_url):
    app = make_app(database_url, MIN_FILL_SECONDS=2)
    client = app.test_client()
    page = client.get("/ask").get_data(as_text=True)
    token = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/ask", data=QUESTION | {"started": token})
    assert response.status_code == 400
    assert "Please check your message and send it again" in text(response)
    assert QUESTION["message"] in text(response)
    assert token in response.get_data(as_text=True)  # the same start time is kept
    assert rows(app) == []
    # Missing or forged start times are treated the same way, never silently dropped.
    for forged in ("", "form.123.abc"):
        assert "send it again" in text(client.post("/ask", data=QUESTION | {"started": forged}))
    # Once enough time has passed (as far as the signed token says), it goes through.
    import time

    from itsdangerous import TimestampSigner

    class Past(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 60

    with app.app_context():
        old = Past(app.config["SECRET_KEY"], salt="questions-form-started").sign(b"form").decode()
    assert client.post("/ask", data=QUESTION | {"started": old}).status_code == 303
    assert len(rows(app)) == 1


def test_personal_details_warn_without_echo_then_send_as_is_keeps_flag(qapp, qclient):
    message = "My neighbour at 12 Lark Street, phone 518-555-0134, needs help."
    response = qclient.post("/ask", data=QUESTION | {"message": message})
    assert response.status_code == 200
    page = text(response)
    assert "Your message may include personal details" in page
    assert "a phone number" in page and "a street address" in page
    assert page.count("518-555-0134") == 1  # only in the text box, never echoed in the warning
    assert "Send it as it is" in page
    assert rows(qapp) == []
    response = qclient.post("/ask", data=QUESTION | {"message": message, "send_as_is": "y"})
    assert response.status_code == 303
    [item] = rows(qapp)
    assert item.flag_personal and item.personal_list == ["phone", "address"]


def test_personal_details_edited_out_are_not_flagged(qapp, qclient):
    qclient.post("/feedback", data=QUESTION | {"message": "Call me on 518-555-0134"})
    assert (
        qclient.post("/feedback", data=QUESTION | {"message": "Please reply here instead."}).status_code
        == 303
    )
    [item] = rows(qapp)
    assert not item.flag_personal


def test_crisis_message_is_accepted_flagged_and_shows_911_and_988(qapp, qclient):
    response = qclient.post("/feedback", data=QUESTION | {"message": "I want to kill myself tonight."})
    assert response.status_code == 303
    [item] = rows(qapp)
    assert item.flag_crisis
    page = text(qclient.get("/sent"))
    assert "If you or someone else is in danger, get help now" in page
    assert 'href="tel:911"' in page and 'href="tel:988"' in page
    assert page.index("crisis-box") < page.index("receipt-code")


def test_crisis_box_also_shows_when_the_form_comes_back(qclient):
    page = text(
        qclient.post("/ask", data=QUESTION | {"message": "someone has a gun outside", "email": "bad"})
    )
    assert "If you or someone else is in danger" in page


def test_ordinary_receipt_has_no_crisis_box(qclient):
    qclient.post("/ask", data=QUESTION)
    assert "crisis-box" not in qclient.get("/sent").get_data(as_text=True)


def test_submissions_are_rate_limited_per_client_with_the_text_kept(database_url):
    app = make_app(database_url, MIN_FILL_SECONDS=0, SUBMISSIONS_PER_HOUR=2)
    client = app.test_client()
    for _ in range(2):
        assert (
            client.post("/ask", data=QUESTION, environ_base={"REMOTE_ADDR": "203.0.113.5"}).status_code == 303
        )
    response = client.post("/ask", data=QUESTION, environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert response.status_code == 429
    assert "Please wait before sending again" in text(response) and QUESTION["message"] in text(response)
    other = client.post("/ask", data=QUESTION, environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert other.status_code == 303
    assert len(rows(app)) == 3


def test_csrf_is_required_on_every_form(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True, MIN_FILL_SECONDS=0)
    client = app.test_client()
    for url, data in (
        ("/ask", QUESTION),
        ("/feedback", QUESTION),
        ("/join", JOIN),
        ("/status", {"code": "a b"}),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 400 and "This form expired" in text(response), url
    assert client.post("/status/withdraw", data={"code": "x", "confirm": "yes"}).status_code == 400
    page = client.get("/ask").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/ask", data=QUESTION | {"csrf_token": token}).status_code == 303
    assert len(rows(app)) == 1


def test_database_failure_is_a_calm_page_and_nothing_half_written(qapp, qclient, monkeypatch):
    from peewee import OperationalError

    from portal.questions import intake

    def locked(*_args, **_kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(intake.Submission, "create", locked)
    response = qclient.post("/ask", data=QUESTION)
    assert response.status_code == 503
    assert "We could not save your message just now" in text(response)
    assert "Nothing was saved" in text(response)
    monkeypatch.undo()
    assert rows(qapp) == []
    with qapp.app_context():
        assert db.db.is_closed() or True


@pytest.mark.parametrize("url", ["/ask", "/feedback", "/join", "/status"])
def test_fields_carry_no_placeholder_attributes_and_pages_follow_the_csp(qclient, url):
    for page in (qclient.get(url).get_data(as_text=True), qclient.post(url, data={}).get_data(as_text=True)):
        assert '="None"' not in page  # aria-invalid="None" would mark every field invalid
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
        assert not re.search(r"\sstyle=|\son[a-z]+=", page)  # no inline style or handler
