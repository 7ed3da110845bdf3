"""Recurrence expansion: local wall-clock times across daylight-saving changes, count and until."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from pydotorg.core.exceptions import FieldError
from pydotorg.events.recurrence import (
    Rule,
    TooManyOccurrences,
    instant,
    local_midnight,
    zone,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def weekly_berlin(**overrides: object) -> Rule:
    """Thursdays 18:00-20:00 in Berlin from 11 March 2027; Europe's clocks move on 28 March."""
    values: dict[str, object] = {
        "start": instant(datetime(2027, 3, 11, 18), BERLIN),
        "end": instant(datetime(2027, 3, 11, 20), BERLIN),
        "frequency": "weekly",
        "by_day": ("TH",),
    }
    values.update(overrides)
    return Rule(**values)  # type: ignore[arg-type]


def test_weekly_rule_keeps_local_time_across_the_spring_change() -> None:
    rule = weekly_berlin(count=6)
    rule.check(BERLIN)
    starts = list(rule.starts(BERLIN))
    assert len(starts) == 6
    assert {s.astimezone(BERLIN).strftime("%a %H:%M") for s in starts} == {"Thu 18:00"}
    offsets = [s.astimezone(BERLIN).utcoffset() for s in starts]
    assert offsets[:3] == [timedelta(hours=1)] * 3
    assert offsets[3:] == [timedelta(hours=2)] * 3
    assert [s.hour for s in starts] == [17, 17, 17, 16, 16, 16]
    assert all(
        b - a in (timedelta(days=7), timedelta(days=7, hours=-1)) for a, b in pairwise(starts)
    )


def test_duration_is_kept_in_local_time_across_the_autumn_change() -> None:
    start = instant(datetime(2027, 10, 30, 23), BERLIN)
    end = instant(datetime(2027, 10, 31, 4), BERLIN)
    rule = Rule(start=start, end=end, frequency="daily", count=2)
    first, second = rule.between(start, start + timedelta(days=3), BERLIN)
    assert first.end - first.start == timedelta(hours=6)
    assert second.end - second.start == timedelta(hours=5)
    assert second.start.astimezone(BERLIN).hour == 23


def test_until_is_inclusive_and_sets_the_last_end() -> None:
    last_start = instant(datetime(2027, 4, 8, 18), BERLIN)
    rule = weekly_berlin(until=last_start)
    rule.check(BERLIN)
    starts = list(rule.starts(BERLIN))
    assert starts[-1] == last_start
    assert len(starts) == 5
    assert rule.last_end(BERLIN) == last_start + timedelta(hours=2)
    shorter = weekly_berlin(until=last_start - timedelta(minutes=1))
    assert list(shorter.starts(BERLIN))[-1] == last_start - timedelta(days=7)


def test_count_and_unbounded_rules() -> None:
    assert weekly_berlin(count=3).last_end(BERLIN) == instant(datetime(2027, 3, 25, 20), BERLIN)
    endless = weekly_berlin()
    assert endless.last_end(BERLIN) is None
    far = datetime(2040, 1, 1, tzinfo=UTC)
    upcoming = endless.next_after(far, BERLIN)
    assert upcoming is not None
    assert upcoming.start >= far - timedelta(hours=2)
    assert upcoming.start.astimezone(BERLIN).strftime("%a %H:%M") == "Thu 18:00"


def test_next_after_includes_an_occurrence_in_progress() -> None:
    rule = weekly_berlin(count=3)
    during = instant(datetime(2027, 3, 18, 19), BERLIN)
    found = rule.next_after(during, BERLIN)
    assert found is not None
    assert found.start == instant(datetime(2027, 3, 18, 18), BERLIN)
    assert rule.next_after(instant(datetime(2027, 3, 25, 21), BERLIN), BERLIN) is None


def test_between_finds_only_overlapping_occurrences() -> None:
    rule = weekly_berlin(count=10)
    after = instant(datetime(2027, 3, 18, 19), BERLIN)
    before = instant(datetime(2027, 4, 1, 18), BERLIN)
    found = rule.between(after, before, BERLIN)
    assert [o.start.astimezone(BERLIN).date() for o in found] == [
        date(2027, 3, 18),
        date(2027, 3, 25),
    ]


def test_monthly_numbered_weekday_and_several_weekdays() -> None:
    start = instant(datetime(2027, 1, 29, 19), NEW_YORK)
    last_friday = Rule(start, start + timedelta(hours=2), "monthly", count=4, by_day=("-1FR",))
    last_friday.check(NEW_YORK)
    days = [s.astimezone(NEW_YORK).date() for s in last_friday.starts(NEW_YORK)]
    assert days == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26), date(2027, 4, 30)]
    assert {s.astimezone(NEW_YORK).hour for s in last_friday.starts(NEW_YORK)} == {19}
    start = instant(datetime(2027, 3, 1, 9), NEW_YORK)
    twice = Rule(
        start, start + timedelta(hours=1), "weekly", interval=2, count=4, by_day=("MO", "WE")
    )
    twice.check(NEW_YORK)
    days = [s.astimezone(NEW_YORK).date() for s in twice.starts(NEW_YORK)]
    assert days == [date(2027, 3, 1), date(2027, 3, 3), date(2027, 3, 15), date(2027, 3, 17)]


def test_all_day_rules_repeat_local_dates() -> None:
    rule = Rule(
        local_midnight(date(2027, 3, 27), BERLIN),
        local_midnight(date(2027, 3, 28), BERLIN),
        "daily",
        count=3,
        all_day=True,
    )
    found = rule.between(datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC), BERLIN)
    assert [o.start.astimezone(BERLIN).time().hour for o in found] == [0, 0, 0]
    assert [o.start.astimezone(BERLIN).date().day for o in found] == [27, 28, 29]
    assert found[1].end - found[1].start == timedelta(hours=23)
    assert rule.rrule_text(BERLIN) == "FREQ=DAILY;COUNT=3"
    until = Rule(
        rule.start,
        rule.end,
        "weekly",
        until=local_midnight(date(2027, 4, 10), BERLIN),
        all_day=True,
    )
    assert until.rrule_text(BERLIN) == "FREQ=WEEKLY;UNTIL=20270410"


def test_rrule_text_is_rfc_5545() -> None:
    until = instant(datetime(2027, 4, 8, 18), BERLIN)
    text = weekly_berlin(until=until, interval=2).rrule_text(BERLIN)
    assert text == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270408T160000Z;BYDAY=TH"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"count": 2, "until": datetime(2027, 5, 1, tzinfo=UTC)}, "rules"),
        ({"until": datetime(2027, 1, 1, tzinfo=UTC)}, "until"),
        ({"by_day": ("MO",)}, "by_day"),
        ({"by_day": ("1TH",)}, "by_day"),
        ({"by_day": ("XX",)}, "by_day"),
        ({"frequency": "daily", "until": datetime(2045, 1, 1, tzinfo=UTC), "by_day": ()}, "rules"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(FieldError) as caught:
        weekly_berlin(**overrides).check(BERLIN)
    assert caught.value.field == field


def test_time_zones_must_be_iana_names() -> None:
    assert zone("Europe/Berlin") == BERLIN
    assert zone("UTC").key == "UTC"
    for bad in ("Mars/Olympus", "../etc/passwd", "", "CEST+1", "localtime", "Factory"):
        with pytest.raises(FieldError):
            zone(bad)


def test_expand_stops_one_past_the_bound_it_is_given() -> None:
    rule = weekly_berlin(count=3)
    assert [o.start for o in rule.expand(BERLIN)] == list(rule.starts(BERLIN))
    assert rule.expand(BERLIN, most=3)[-1].end == rule.last_end(BERLIN)
    with pytest.raises(TooManyOccurrences) as caught:
        rule.expand(BERLIN, most=2)
    assert caught.value.field == "rules"
    assert caught.value.message == "a rule may produce at most 2 occurrences"


def test_a_rule_without_an_end_is_counted_up_to_the_last_supported_year() -> None:
    weekly_berlin().check(BERLIN)  # about 3,850 Thursdays from 2027 to 2100
    daily = weekly_berlin(frequency="daily", by_day=())
    with pytest.raises(FieldError) as caught:
        daily.check(BERLIN)
    assert caught.value.field == "rules"
    assert "at most 5000 occurrences by the end of 2100" in caught.value.message
    early = weekly_berlin(start=instant(datetime(1990, 3, 15, 18), BERLIN))
    with pytest.raises(FieldError):
        early.check(BERLIN)  # about 5,700 Thursdays


def test_a_rule_must_end_in_the_last_supported_year() -> None:
    start = instant(datetime(2095, 1, 6, 18), BERLIN)
    rule = Rule(start, start + timedelta(hours=2), "weekly", count=320)
    with pytest.raises(FieldError) as caught:
        rule.check(BERLIN)
    assert caught.value.message == "the last occurrence must end by the end of 2100"
    Rule(start, start + timedelta(hours=2), "weekly", count=200).check(BERLIN)
