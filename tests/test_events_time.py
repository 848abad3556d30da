"""Albany time: stored as UTC, shown in America/New_York, right on both sides of each DST change."""

import datetime

import pytest

from portal.events import localtime
from portal.events.localtime import NonexistentTimeError, to_local, to_utc
from tests.test_events_support import events_app, make_event


@pytest.fixture
def app(tmp_path, database_url):
    return events_app(tmp_path, database_url)


D, T = datetime.date, datetime.time


@pytest.mark.parametrize(
    ("day", "at", "utc"),
    [
        (D(2027, 1, 15), T(18, 0), "2027-01-15T23:00:00"),  # EST, UTC-5
        (D(2027, 7, 15), T(18, 0), "2027-07-15T22:00:00"),  # EDT, UTC-4
        (D(2027, 3, 13), T(18, 0), "2027-03-13T23:00:00"),  # the day before spring forward
        (D(2027, 3, 14), T(18, 0), "2027-03-14T22:00:00"),  # the day of spring forward
        (D(2027, 3, 14), T(3, 0), "2027-03-14T07:00:00"),  # first minute after the gap
        (D(2027, 11, 6), T(18, 0), "2027-11-06T22:00:00"),  # the day before fall back
        (D(2027, 11, 7), T(18, 0), "2027-11-07T23:00:00"),  # the day of fall back
        (D(2027, 12, 31), T(23, 30), "2028-01-01T04:30:00"),  # crosses the UTC date line
    ],
)
def test_local_times_convert_to_the_right_utc(day, at, utc):
    moment, ambiguous = to_utc(day, at)
    assert moment.isoformat() == utc and not ambiguous
    assert to_local(moment).replace(tzinfo=None) == datetime.datetime.combine(day, at)


@pytest.mark.parametrize("at", [T(2, 0), T(2, 30), T(2, 59)])
def test_times_in_the_spring_forward_gap_do_not_exist(at):
    with pytest.raises(NonexistentTimeError):
        to_utc(D(2027, 3, 14), at)


def test_an_ambiguous_fall_back_time_is_its_first_occurrence():
    moment, ambiguous = to_utc(D(2027, 11, 7), T(1, 30))
    assert ambiguous
    assert moment.isoformat() == "2027-11-07T05:30:00"
    assert to_local(moment).tzname() == "EDT"


def test_formatting_names_the_zone_in_force_that_day():
    winter, _ = to_utc(D(2027, 3, 13), T(18, 30))
    summer, _ = to_utc(D(2027, 3, 14), T(18, 30))
    assert localtime.format_clock(winter, zone=True).replace("\u202f", " ") == "6:30 PM EST"
    assert localtime.format_clock(summer, zone=True).replace("\u202f", " ") == "6:30 PM EDT"
    assert localtime.format_day(summer) == "Sunday, March 14, 2027"
    assert localtime.iso_local(summer) == "2027-03-14T18:30-04:00"


def test_local_today_follows_albany_not_utc():
    late_evening = datetime.datetime(2027, 7, 1, 2, 30)  # 10:30 PM on June 30 in Albany
    assert localtime.local_today(late_evening) == D(2027, 6, 30)


def test_event_pages_show_albany_time_either_side_of_dst(app, client):
    with app.app_context():
        before = make_event(
            starts_at=to_utc(D(2027, 3, 13), T(18, 0))[0], ends_at=to_utc(D(2027, 3, 13), T(19, 0))[0]
        )
        after = make_event(
            starts_at=to_utc(D(2027, 3, 14), T(18, 0))[0], ends_at=to_utc(D(2027, 3, 14), T(19, 0))[0]
        )
    first = client.get(before.path).get_data(as_text=True).replace("\u202f", " ")
    second = client.get(after.path).get_data(as_text=True).replace("\u202f", " ")
    assert "Saturday, March 13, 2027, 6:00 PM" in first and "7:00 PM EST" in first
    assert 'datetime="2027-03-13T18:00-05:00"' in first
    assert "Sunday, March 14, 2027, 6:00 PM" in second and "7:00 PM EDT" in second
    assert 'datetime="2027-03-14T18:00-04:00"' in second
