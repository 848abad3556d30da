"""Ask, feedback and join forms; the receipt; /status; answered questions, search and the feed."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from .. import ratelimit
from . import choices, feed, intake, receipts, search, workflow
from .forms import CodeForm, FeedbackForm, JoinForm, QuestionForm
from .models import Answer

blueprint = Blueprint("questions", __name__)

FORMS = {choices.QUESTION: QuestionForm, choices.FEEDBACK: FeedbackForm, choices.JOIN: JoinForm}
PRIVATE = {"Cache-Control": "no-store"}


def _form_page(kind: str):
    form = FORMS[kind]()
    result = intake.Intake()
    if request.method == "POST":
        result = intake.receive(kind, form)
        if result.receipt:
            session["receipt"] = result.receipt.to_session()
            return redirect(url_for(".receipt"), 303)
    if not intake.token_is_valid(form.started.data):
        form.started.data = intake.fill_token()
    form.comment_extra.data = ""
    page = render_template("questions/form.html", kind=kind, form=form, result=result, choices=choices)
    return page, result.status_code, PRIVATE


@blueprint.route("/ask", methods=["GET", "POST"])
def ask():
    return _form_page(choices.QUESTION)


@blueprint.route("/feedback", methods=["GET", "POST"])
def feedback():
    return _form_page(choices.FEEDBACK)


@blueprint.route("/join", methods=["GET", "POST"])
def join():
    return _form_page(choices.JOIN)


@blueprint.route("/sent")
def receipt():
    shown = intake.Receipt.from_session(session.pop("receipt", None))
    groups = receipts.groups(shown.code) if shown else []
    return render_template("questions/receipt.html", receipt=shown, groups=groups), 200, PRIVATE


def _guess_allowed() -> bool:
    """Count one receipt-code guess against this client and against everyone."""
    config = current_app.config
    per_client = ratelimit.hit("status-guess", config["STATUS_TRIES_PER_CLIENT"], 600)
    overall = ratelimit.hit("status-guess", config["STATUS_TRIES_OVERALL"], 600, subject="everyone")
    return per_client and overall


def _status_form(form, not_found=False, status=200):
    page = render_template(
        "questions/status_form.html", form=form, not_found=not_found, limited=status == 429
    )
    return page, status, PRIVATE


@blueprint.route("/status", methods=["GET", "POST"])
def status():
    form = CodeForm()
    if request.method == "GET":
        return _status_form(form)
    if not form.validate_on_submit():
        return _status_form(form, status=400)
    if not _guess_allowed():
        return _status_form(form, status=429)
    item = workflow.status_for(form.code.data)
    if item is None:
        return _status_form(form, not_found=True)
    return render_template("questions/status.html", item=item, form=form, choices=choices), 200, PRIVATE


@blueprint.route("/status/withdraw", methods=["POST"])
def withdraw():
    form = CodeForm()
    if not form.validate_on_submit():
        return _status_form(form, status=400)
    if not _guess_allowed():
        return _status_form(form, status=429)
    if form.confirm.data != "yes":
        item = workflow.status_for(form.code.data)
        if item is None:
            return _status_form(form, not_found=True)
        return render_template("questions/withdraw.html", item=item, form=form, choices=choices), 200, PRIVATE
    if not workflow.withdraw(form.code.data):
        return _status_form(form, not_found=True)
    return redirect(url_for(".withdrawn"), 303)


@blueprint.route("/status/withdrawn")
def withdrawn():
    return render_template("questions/withdrawn.html")


@blueprint.route("/answers")
def answers():
    grouped = {}
    for answer in Answer.published():
        grouped.setdefault(answer.topic, []).append(answer)
    groups = [(key, label, grouped[key]) for key, label in choices.TOPICS if key in grouped]
    return render_template("questions/answers.html", groups=groups)


@blueprint.route("/answers/<int:answer_id>-<slug>")
def answer(answer_id: int, slug: str):
    found = Answer.get_or_none(Answer.id == answer_id)
    if found is None:
        abort(404)
    if slug != found.slug:
        return redirect(found.path, 301)
    return render_template("questions/answer.html", answer=found)


@blueprint.route("/answers/<int:answer_id>")
def answer_short(answer_id: int):
    found = Answer.get_or_none(Answer.id == answer_id)
    if found is None:
        abort(404)
    return redirect(found.path, 301)


@blueprint.route("/answers/feed.atom")
def answers_feed():
    body = feed.build(
        Answer.newest(feed.FEED_SIZE),
        current_app.config["SITE_URL"],
        current_app.config["SITE_NAME"],
        _("Answered questions from the Albany LEAD CLT"),
        _("New answers to questions people asked the Community Leadership Team."),
    )
    return Response(body, mimetype="application/atom+xml")


@blueprint.route("/search")
def search_page():
    query = request.args.get("q", "")[: search.MAX_QUERY * 2]
    too_long = len(query) > search.MAX_QUERY
    hits = [] if too_long else search.find(query, search_documents())
    return render_template("questions/search.html", query=query, hits=hits, too_long=too_long)


def search_documents() -> list[search.Document]:
    """Return every answered question and program page as something search can find."""
    documents = [
        search.Document(a.question_text, a.plain_answer, a.path, "answers") for a in Answer.published()
    ]
    pages = current_app.extensions["pages"].pages.values()
    documents += [search.Document(p.title, f"{p.summary} {p.text}", p.path, "pages") for p in pages]
    return documents
