"""Personal-details and crisis screening: catches what matters, leaves ordinary questions alone."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.questions import screening

TODAY = datetime.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Call me at 518-555-0134 after six", "phone"),
        ("my number is (518) 555 0134", "phone"),
        ("+1 518.555.0134", "phone"),
        ("text 5185550134", "phone"),
        ("email me at a.person+lead@example.org", "email"),
        ("I live at 123 Lark Street near the park", "address"),
        ("it happened outside 45 South Pearl St.", "address"),
        ("she is in apt 4B", "address"),
        ("12b Main St", "address"),
        ("my DOB is 3/14/1987", "birth-date"),
        ("he was born on March 14, 1987", "birth-date"),
        ("my son, born 04-02-2001, was referred", "birth-date"),
        ("on 3/14/1987 he moved here", "birth-date"),
        ("case number 2023-001234 is still open", "case-number"),
        ("arrest # 12345678", "case-number"),
        ("docket no. CR-12345", "case-number"),
        ("the reference was 23-012345", "case-number"),
        ("SSN 123-45-6789", "case-number"),
    ],
)
def test_personal_details_found(text, kind):
    assert kind in screening.personal_details(text, TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "LEAD started in April 2016.",
        "What did the 2016-2017 report say?",
        "The study had 318 people and found 60% lower odds.",
        "Should I call 911 or 988?",
        "I live on Lark Street.",
        "Over $1,000,000 was spent.",
        "Is the meeting at 7:30 pm on 12/5/2026?",
        "I waited 2 hours on the court steps.",
        "In 2018 there were 87 diversions and 35 in 2019.",
        "Route 9 and I-787 were closed.",
        "5 people way over there were shouting.",
        "See page 12, line 4.",
        "The meeting on November 20, 2026 was good.",
        "The 2 main roads are busy.",
        "I have 3 kids at school.",
        "The year 1987 was different.",
        "How do I file a report?",
        "مرحبا، كيف يعمل البرنامج؟ 😀",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert screening.personal_details(text, TODAY) == ()


def test_kinds_come_back_in_a_fixed_order_without_the_text():
    found = screening.personal_details("DOB 1/2/1990, call 518-555-0134, a@example.org", TODAY)
    assert found == ("phone", "email", "birth-date")


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "I'm going to end my life tonight",
        "I have been feeling suicidal",
        "my friend is overdosing right now",
        "he won’t wake up",
        "someone has a gun outside the store",
        "he is beating her in the hallway",
        "this is an emergency",
        "I feel unsafe at home",
        "he keeps threatening to kill me",
    ],
)
def test_crisis_is_recognised(text):
    assert screening.reads_like_crisis(text)


@pytest.mark.parametrize(
    "text",
    [
        "What does LEAD do about overdoses?",
        "Does LEAD give out Narcan?",
        "Is LEAD part of suicide prevention work?",
        "I killed time at the library.",
        "I am not in danger, just curious.",
        "The officer shot a video for training.",
        "I am a die-hard fan of the CLT.",
        "How many people have died from overdoses in Albany?",
    ],
)
def test_ordinary_questions_are_not_crises(text):
    assert not screening.reads_like_crisis(text)


def test_screen_combines_fields():
    result = screening.screen("Call 518-555-0134", "123 Lark Street", None, today=TODAY)
    assert result.personal == ("phone", "address")
    assert not result.crisis
    assert screening.screen("fine", "", today=TODAY) == screening.Screening()


@given(st.text(max_size=2000))
def test_screening_never_raises(text):
    result = screening.screen(text, today=TODAY)
    assert set(result.personal) <= set(screening.PERSONAL_KINDS)
