"""Demo content for `make run`: answered questions, and items in each state for the workspace.

The answers follow shared/docs/FACTS.md and state no figure that is not cited there. All
contact details use example.org and 555-01xx numbers, which belong to no one.
"""

import datetime

from flask import current_app

from ..db import writing
from . import answers, choices, receipts
from .models import Answer, Submission, today

# The code of the demo item that has a private reply, so a developer can try /status.
DEMO_CODE = "maple-harbor-violet-candle-meadow-ribbon"

ANSWERS = (
    (
        "how-it-works",
        "Does a person have to be arrested to get into LEAD?",
        "No. There are two ways into LEAD®, and both start with the Albany Police Department.\n\n"
        "- After an arrest for a low-level offense, an officer can send the person to LEAD "
        "instead of booking them into jail.\n"
        "- An officer can also refer someone they meet, with no arrest at all. This is called a "
        "**social contact** referral.\n\n"
        "Read more on our [how LEAD works](/how-it-works) page.",
    ),
    (
        "services",
        "Do people in LEAD have to stop using drugs first?",
        "No. LEAD uses **harm reduction**. That means helping people stay safer and healthier, one "
        "step at a time. Services are offered, not forced, and staff do not judge. They start from "
        "where each person is today.\n\n"
        "Change is often slow, and it does not always go in a straight line. Some barriers come "
        "from a person's own life. Others come from the systems around them.",
    ),
    (
        "how-it-works",
        "What happens after someone is referred to LEAD?",
        "The person is linked with a **case manager**. In Albany, case management is done by "
        "Catholic Charities Care Coordination Services. Staff reach out to people and stay in "
        "touch. They do not just hand over a phone number.\n\n"
        "After that, case managers, service providers, LEAD partners and the police keep talking "
        "with each other about what the person needs.",
    ),
    (
        "results",
        "Has LEAD been shown to work?",
        "Researchers at the University of Washington studied LEAD in Seattle, where it began in "
        "2011. The study included 318 people. In the six months after they joined the study, LEAD "
        "participants had about 60% lower odds of being arrested than a comparison group. Over a "
        "longer time, they had 39% lower odds of a felony charge.\n\n"
        "Please keep in mind:\n\n"
        "- These are Seattle figures, not Albany figures.\n"
        "- The study was not a randomized trial, so the two groups may have been different in "
        "other ways too.\n\n"
        "Source: Collins, Lonczak and Clifasefi, *Evaluation and Program Planning*, 2017. For "
        "Albany, see our [numbers page](/outcomes).",
    ),
    (
        "results",
        "Does LEAD pay attention to racial fairness?",
        "Yes. One of LEAD's six goals is to address racial disparities at the front end of the "
        "justice system, such as who gets arrested. Our [numbers page](/outcomes) shows LEAD "
        "referrals by race. You can read all six [goals](/goals).",
    ),
    (
        "safety",
        "Is LEAD just letting people off the hook?",
        "No. LEAD is for low-level offenses that are often driven by drug use, mental health "
        "needs, sex work or deep poverty. Instead of going through court and jail, the person "
        "works with a case manager on the reasons behind the offense.\n\n"
        "LEAD's goals include better public safety *and* better public health. Another goal is a "
        "stronger relationship between the police and the community.",
    ),
    (
        "businesses",
        "I run a shop downtown. How can I learn more about LEAD?",
        "The CLT runs education sessions about LEAD for area businesses. See our "
        "[businesses page](/businesses) to find out how to take part. The Central District "
        "Management Association, the downtown business improvement district, is one of LEAD's "
        "partners.\n\n"
        "If someone is in danger, call 911. For a mental health crisis, call or text 988.",
    ),
    (
        "clt",
        "Who can join the CLT?",
        "The CLT started in 2016 so that community members who are not otherwise connected to LEAD "
        "could give input, ask questions and help hold the program accountable. The Center for Law "
        "and Justice coordinates it. If you would like to take part, fill in our "
        "[interest form](/join).",
    ),
    (
        "clt",
        "When did LEAD start in Albany?",
        "The City of Albany started LEAD in April 2016. Albany was the first place on the East "
        "Coast of the United States, and the third in the nation, to launch LEAD. The LEAD model "
        "began in Seattle in 2011.",
    ),
    (
        "services",
        "Can I refer a family member to LEAD?",
        "This website cannot take referrals. Both ways into LEAD that we know of start with the "
        "police. If you want to know whether there are other ways, you can "
        "[ask us](/ask).\n\n"
        "If someone is in danger right now, call 911. For a mental health crisis, call or text 988.",
    ),
)


def _day(days_ago: int) -> datetime.date:
    return today() - datetime.timedelta(days=days_ago)


def _item(code: str | None = None, **fields) -> Submission:
    secret = current_app.config["SECRET_KEY"]
    return Submission.create(receipt_hash=receipts.keyed_hash(code or receipts.new_code(), secret), **fields)


def _answers() -> list[Answer]:
    made = []
    for number, (topic, question, text) in enumerate(ANSWERS):
        published = _day(3 + 6 * number)
        made.append(
            Answer.create(
                slug=answers.slugify(question),
                question_text=question,
                answer_html=answers.sanitize_answer(text),
                topic=topic,
                published_on=published,
                published_by="demo",
            )
        )
    return made


def _open_items(first: Answer) -> None:
    q, f, j = choices.QUESTION, choices.FEEDBACK, choices.JOIN
    _item(
        kind=q,
        message="Do any LEAD case managers speak Spanish?",
        topic="services",
        relationship="resident",
        created_on=_day(2),
        status_on=_day(2),
    )
    _item(
        kind=q,
        message="How does the CLT choose which questions to answer in public?",
        topic="clt",
        status=choices.REVIEWING,
        created_on=_day(9),
        status_on=_day(4),
    )
    _item(
        kind=q,
        message="Could the CLT hold one of its meetings in the South End?",
        topic="clt",
        neighbourhood="South End",
        status=choices.DISCUSSED,
        meeting_on=_day(6),
        created_on=_day(21),
        status_on=_day(6),
    )
    _item(
        kind=q,
        message="Do you have to be arrested to be in LEAD?",
        topic="how-it-works",
        status=choices.ANSWERED,
        answer=first,
        created_on=_day(30),
        status_on=first.published_on,
        closed_on=first.published_on,
        email="asker@example.org",
    )
    _item(
        DEMO_CODE,
        kind=f,
        message="Thank you for the session at our business association. The handout helped.",
        topic="businesses",
        relationship="business",
        status=choices.REPLIED,
        created_on=_day(20),
        reply_text="Thank you for telling us. We will pass your note on to the people who ran the session.",
        replied_on=_day(5),
        status_on=_day(5),
        closed_on=_day(5),
    )
    _item(
        kind=f,
        message="The meeting room was hard to find. A sign on the door would help.",
        topic="clt",
        status=choices.CLOSED,
        created_on=_day(130),
        status_on=_day(120),
        closed_on=_day(120),
        email="old.feedback@example.org",
    )
    _item(
        kind=f,
        message="Someone left a number for me to call, 518-555-0100, but no one answers.",
        topic="services",
        flag_personal=True,
        personal_kinds="phone",
        created_on=_day(1),
        status_on=_day(1),
    )
    _item(
        kind=f,
        message="I feel unsafe walking home past the bus stop at night.",
        topic="safety",
        flag_crisis=True,
        created_on=_day(1),
        status_on=_day(1),
    )
    _item(
        kind=j,
        message="I have lived in Arbor Hill for years and want to help.",
        topic="clt",
        relationship="resident",
        name="Demo Person",
        email="demo.person@example.org",
        phone="518-555-0199",
        created_on=_day(3),
        status_on=_day(3),
    )


def seed_demo() -> bool:
    """Add demo answers and submissions if there are none; return True if it added any."""
    if Answer.select().exists() or Submission.select().exists():
        return False
    with writing():
        made = _answers()
        _open_items(made[0])
    return True
