"""Public pages: the events list, each event, its calendar file, registration, change and evaluation."""

import contextlib

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from ..assets import asset_url
from ..ratelimit import limited
from . import booking, catalogue, evaluations, ics, links, localtime, richtext
from .forms import CancelForm, ChangeForm, EvaluationForm, RegistrationForm
from .models import KINDS
from .results import Answer

blueprint = Blueprint("events", __name__, url_prefix="/events")


def _locale() -> str:
    return str(get_locale() or "en")


@blueprint.app_template_filter("event_day")
def event_day(moment):
    return localtime.format_day(moment, _locale())


@blueprint.app_template_filter("event_clock")
def event_clock(moment, zone=False):
    return localtime.format_clock(moment, _locale(), zone)


@blueprint.app_template_filter("iso_local")
def iso_local(moment):
    return localtime.iso_local(moment)


@blueprint.app_template_filter("with_static_links")
def with_static_links(html):
    from markupsafe import Markup

    # Only organizer text cleaned by nh3 on save reaches this filter.
    return Markup(richtext.link_static_files(html, asset_url))  # noqa: S704 (sanitised on save)


def _private(body, status: int = 200):
    """Return a page reached through a private link: never stored by a browser or proxy cache."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _message(title: str, message: str, status: int = 200, event=None):
    return render_template("events/message.html", title=title, message=message, event=event), status


@blueprint.get("")
def index():
    kind = request.args.get("kind")
    kind = kind if kind in KINDS else None
    upcoming, past = catalogue.listing(localtime.utcnow(), kind)
    return render_template("events/list.html", upcoming=upcoming, past=past, kind=kind, kinds=KINDS)


def _event_or_404(event_id: int):
    event = catalogue.public_event(event_id)
    if event is None:
        abort(404)
    return event


@blueprint.get("/<int:event_id>")
@blueprint.get("/<int:event_id>-<slug>")
def show(event_id: int, slug: str = ""):
    event = _event_or_404(event_id)
    if slug != event.slug:
        return redirect(event.path, 301)
    return render_template("events/event.html", page=catalogue.event_page(event, localtime.utcnow()))


def _calendar_response(body: bytes, filename: str, attachment: bool) -> Response:
    response = Response(body, mimetype="text/calendar")
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=600"
    return response


@blueprint.get("/<int:event_id>.ics")
def event_ics(event_id: int):
    event = _event_or_404(event_id)
    body = ics.calendar_bytes([event], current_app.config["SITE_URL"], event.title)
    return _calendar_response(body, f"{event.slug}.ics", attachment=True)


@blueprint.get("/calendar.ics")
def feed():
    events = catalogue.feed_events(localtime.utcnow())
    body = ics.calendar_bytes(events, current_app.config["SITE_URL"], _("Albany LEAD CLT events"))
    return _calendar_response(body, "albany-lead-clt-events.ics", attachment=False)


@blueprint.route("/<int:event_id>/register", methods=["GET", "POST"])
@limited("events-register", 30, 3600)
def register(event_id: int):
    event = _event_or_404(event_id)
    page = catalogue.event_page(event, localtime.utcnow())
    if page.closed_reason:
        return _message(
            _("Registration is closed"), page.closed_reason, 409 if request.method == "POST" else 200, event
        )
    form = RegistrationForm()
    if form.validate_on_submit():
        details = booking.Details(**{name: form[name].data for name in booking.Details.__dataclass_fields__})
        try:
            booked = booking.register(event.id, details, form.submission_key.data)
        except booking.BookingError as refused:
            form.attendees.errors = [refused.message]
            return render_template("events/register.html", page=page, form=form), 409
        return _after_booking(booked, form.submission_key.data)
    return render_template("events/register.html", page=page, form=form), 400 if form.errors else 200


def _after_booking(booked: booking.Booking, key: str):
    """Show the private page; a form sent twice finds the link kept in this browser's session."""
    if booked.token is None:
        token = session.get("events_last_booking", {}).get(key)
        if token is None:
            return _message(
                _("We already have this registration"),
                _(
                    "This form was already sent, and we registered it once. "
                    "Your private link is in the email we sent."
                ),
                event=booked.registration.event,
            )
        flash(_("We already had this registration, so nothing was booked twice."), "ok")
        return redirect(url_for(".manage", token=token))
    session["events_last_booking"] = {key: booked.token}
    flash(str(booked.registration.id), "confirmation")
    return redirect(url_for(".manage", token=booked.token))


def _manage_target(token: str):
    try:
        return links.resolve(token, links.MANAGE)
    except (links.InvalidLinkError, links.ExpiredLinkError):
        return None


def _bad_link():
    return _message(
        _("This link does not work"),
        _("The link may be mistyped or no longer in use. Please use the newest link from your email."),
        404,
    )


@blueprint.route("/manage/<token>", methods=["GET", "POST"])
@limited("events-manage", 60, 3600)
def manage(token: str):
    registration = _manage_target(token)
    if registration is None:
        return _bad_link()
    event, now = registration.event, localtime.utcnow()
    form = ChangeForm(obj=registration)
    if form.validate_on_submit():
        try:
            booking.change(
                registration.id, form.attendees.data, form.phone.data, form.accessibility_needs.data
            )
        except booking.BookingError as refused:
            flash(refused.message, "error")
        else:
            flash(_("Your changes are saved."), "ok")
        return redirect(url_for(".manage", token=token))
    page = render_template(
        "events/manage.html",
        registration=registration,
        page=catalogue.event_page(event, now),
        position=booking.waitlist_position(registration),
        locked=event.is_cancelled or event.has_started(now) or not registration.is_active,
        form=form,
        cancel_form=CancelForm(),
        token=token,
    )
    return _private(page, 400 if form.errors else 200)


@blueprint.post("/manage/<token>/cancel")
@limited("events-manage", 60, 3600)
def cancel(token: str):
    registration = _manage_target(token)
    if registration is None:
        return _bad_link()
    if CancelForm().validate_on_submit():
        try:
            cancelled = booking.cancel(registration.id)
        except booking.BookingError as refused:
            flash(refused.message, "error")
        else:
            flash(
                _("Your registration is cancelled.")
                if cancelled
                else _("This registration was already cancelled."),
                "ok",
            )
    return redirect(url_for(".manage", token=token))


@blueprint.route("/evaluate/<token>", methods=["GET", "POST"])
@limited("events-evaluate", 30, 3600)
def evaluate(token: str):
    try:
        registration = links.resolve(token, links.EVALUATE, max_age=evaluations.LINK_DAYS * 86400)
    except links.ExpiredLinkError:
        return _message(
            _("This link has expired"), _("Thank you for coming. The time to answer has passed."), 410
        )
    except links.InvalidLinkError:
        return _bad_link()
    event, now = registration.event, localtime.utcnow()
    try:
        evaluations.can_evaluate(registration, now)
    except evaluations.AlreadyAnsweredError:
        return _message(
            _("You already answered"), _("Thank you. We have your answers for this session."), event=event
        )
    except evaluations.NotOpenError:
        return _message(_("Not open yet"), _("You can answer after the session."), event=event)
    form = EvaluationForm()
    if form.validate_on_submit():
        answer = Answer(
            int(form.before.data), int(form.after.data), int(form.usefulness.data), form.recommend.data
        )
        # A double click: the first answer counts and the second lands on the same thank-you page.
        with contextlib.suppress(evaluations.AlreadyAnsweredError):
            evaluations.record(registration.id, answer, form.comment.data, now)
        return redirect(url_for(".evaluated", event_id=event.id))
    return _private(
        render_template("events/evaluate.html", event=event, form=form), 400 if form.errors else 200
    )


@blueprint.get("/<int:event_id>/thanks")
def evaluated(event_id: int):
    event = _event_or_404(event_id)
    return _message(
        _("Thank you"),
        _("We have your answers. They help the CLT make the next session better."),
        event=event,
    )
