"""The organizers' pages under /workspace/events: events, rosters, attendance, waitlist, results."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.gate import protect
from . import booking, evaluations, organizing, results_view
from .localtime import utcnow
from .models import KINDS, WAITLISTED, Event, Registration
from .organizer_forms import ActionForm, CancelEventForm, EventForm

workspace = Blueprint("events_workspace", __name__, url_prefix="/workspace/events")

protect(workspace, "organizer")


def _event(event_id: int) -> Event:
    event = Event.get_or_none(Event.id == event_id)
    if event is None:
        abort(404)
    return event


def _flash_ambiguous(form: EventForm) -> None:
    for clock in form.ambiguous:
        flash(
            _(
                "%(time)s happens twice on that night, because clocks go back one hour. We used the first "
                "one (daylight time). If you meant the second, set a time after 2:00 AM instead.",
                time=clock,
            ),
            "warn",
        )


@workspace.get("/")
def index():
    events = Event.select().order_by(Event.starts_at.desc())
    seats = Registration.seats_by_event(e.id for e in events)
    return render_template(
        "events/workspace/index.html", events=events, seats=seats, kinds=KINDS, now=utcnow()
    )


@workspace.route("/new", methods=["GET", "POST"])
def new():
    form = EventForm()
    if form.validate_on_submit():
        event = organizing.create_event(organizing.fields_from_form(form))
        _flash_ambiguous(form)
        flash(_("The event is saved as a draft. Publish it when it is ready."), "ok")
        return redirect(url_for(".detail", event_id=event.id))
    return render_template("events/workspace/edit.html", form=form, event=None), 400 if form.errors else 200


@workspace.route("/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int):
    event = _event(event_id)
    form = EventForm(data=organizing.form_data(event)) if request.method == "GET" else EventForm()
    if form.validate_on_submit():
        try:
            organizing.update_event(event_id, organizing.fields_from_form(form))
        except booking.BookingError as refused:
            form.capacity.errors = [refused.message]
        else:
            _flash_ambiguous(form)
            flash(_("Your changes are saved."), "ok")
            return redirect(url_for(".detail", event_id=event_id))
    return render_template("events/workspace/edit.html", form=form, event=event), 400 if form.errors else 200


@workspace.get("/<int:event_id>")
def detail(event_id: int):
    event = _event(event_id)
    return render_template(
        "events/workspace/detail.html",
        event=event,
        free=booking.free_seats(event),
        waiting=Registration.waitlist(event_id).count(),
        action_form=ActionForm(),
        now=utcnow(),
    )


@workspace.post("/<int:event_id>/publish")
def publish(event_id: int):
    _event(event_id)
    if ActionForm().validate_on_submit():
        organizing.publish(event_id)
        flash(_("The event is published."), "ok")
    return redirect(url_for(".detail", event_id=event_id))


@workspace.route("/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel(event_id: int):
    event = _event(event_id)
    form = CancelEventForm()
    if form.validate_on_submit():
        emailed = organizing.cancel_event(event_id, form.reason.data)
        flash(_("The event is cancelled. We emailed %(num)d registrants.", num=emailed), "ok")
        return redirect(url_for(".detail", event_id=event_id))
    return render_template(
        "events/workspace/cancel.html", event=event, form=form
    ), 400 if form.errors else 200


@workspace.get("/<int:event_id>/roster")
def roster(event_id: int):
    event = _event(event_id)
    return render_template(
        "events/workspace/roster.html",
        event=event,
        registrations=list(Registration.roster(event_id)),
        free=booking.free_seats(event),
        form=ActionForm(),
        waitlisted=WAITLISTED,
    )


@workspace.get("/<int:event_id>/roster.csv")
def roster_csv(event_id: int):
    event = _event(event_id)
    response = Response(organizing.roster_csv(event_id), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="roster-{event.id}-{event.slug}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@workspace.post("/<int:event_id>/attendance")
def attendance(event_id: int):
    _event(event_id)
    if ActionForm().validate_on_submit():
        present = {int(v) for v in request.form.getlist("present") if v.isdigit() and len(v) < 12}
        count = organizing.set_attendance(event_id, present)
        flash(_("Attendance is saved: %(num)d registrations marked present.", num=count), "ok")
    return redirect(url_for(".roster", event_id=event_id))


@workspace.post("/<int:event_id>/waitlist/<int:registration_id>/remove")
def remove_from_waitlist(event_id: int, registration_id: int):
    _event(event_id)
    if ActionForm().validate_on_submit():
        if organizing.remove_from_waitlist(event_id, registration_id):
            flash(_("Removed from the waitlist. We emailed them."), "ok")
        else:
            flash(_("That registration is no longer on the waitlist."), "warn")
    return redirect(url_for(".roster", event_id=event_id))


@workspace.get("/results")
def all_results():
    return render_template(
        "events/workspace/results.html", **results_view.overview(evaluations.all_session_results(utcnow()))
    )


@workspace.get("/<int:event_id>/results")
def event_results(event_id: int):
    event = _event(event_id)
    result = evaluations.session_result(event)
    return render_template(
        "events/workspace/event_results.html",
        event=event,
        comments=evaluations.comments(event_id),
        **results_view.session(result),
    )
