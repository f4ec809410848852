"""Reporting periods in Asia/Ho_Chi_Minh."""

from datetime import UTC, datetime, timedelta

import pytest

from ranking.periods import CITY_TZ, parse_period, period_containing, periods_between


def test_month_parses_to_local_calendar_bounds():
    period = parse_period("2026-10")
    assert (period.key, period.kind) == ("2026-10", "month")
    assert period.start == datetime(2026, 10, 1, tzinfo=CITY_TZ)
    assert period.end == datetime(2026, 11, 1, tzinfo=CITY_TZ)
    # Midnight in Ho Chi Minh City (UTC+7) is 17:00 UTC the day before.
    assert period.start.astimezone(UTC) == datetime(2026, 9, 30, 17, tzinfo=UTC)


def test_quarter_parses_to_three_months():
    period = parse_period("2026-Q3")
    assert (period.key, period.kind) == ("2026-Q3", "quarter")
    assert period.start == datetime(2026, 7, 1, tzinfo=CITY_TZ)
    assert period.end == datetime(2026, 10, 1, tzinfo=CITY_TZ)


def test_december_and_q4_end_next_january():
    assert parse_period("2026-12").end == datetime(2027, 1, 1, tzinfo=CITY_TZ)
    assert parse_period("2026-Q4").end == datetime(2027, 1, 1, tzinfo=CITY_TZ)


def test_lowercase_quarter_and_spaces_are_normalised():
    assert parse_period(" 2026-q2 ").key == "2026-Q2"


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026-00", "2026-Q5", "2026-Q0", "abc", "", "2026-1", "2026/10", "26-10", "2026-Q10", "0000-01"],
)
def test_bad_period_text_is_rejected_with_a_clear_message(text):
    with pytest.raises(ValueError, match=r"period|year"):
        parse_period(text)


def test_month_error_names_the_valid_range():
    with pytest.raises(ValueError, match="01-12"):
        parse_period("2026-13")
    with pytest.raises(ValueError, match="Q1-Q4"):
        parse_period("2026-Q5")


def test_previous_of_january_is_december_of_last_year():
    assert parse_period("2026-01").previous() == parse_period("2025-12")


def test_previous_of_q1_is_q4_of_last_year():
    assert parse_period("2026-Q1").previous() == parse_period("2025-Q4")


def test_previous_keeps_the_kind():
    assert parse_period("2026-Q3").previous().key == "2026-Q2"
    assert parse_period("2026-07").previous().key == "2026-06"


def test_has_ended_at_the_exclusive_end():
    period = parse_period("2026-10")
    end = datetime(2026, 11, 1, tzinfo=CITY_TZ)
    assert not period.has_ended(end - timedelta(microseconds=1))
    assert period.has_ended(end)
    assert period.has_ended(end.astimezone(UTC))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_period("2026-10").has_ended(datetime(2026, 11, 2))
    with pytest.raises(ValueError, match="timezone-aware"):
        period_containing(datetime(2026, 11, 2), "month")


def test_period_containing_uses_city_time_not_utc():
    # 18:30 UTC on 31 October is 01:30 on 1 November in the city.
    moment = datetime(2026, 10, 31, 18, 30, tzinfo=UTC)
    assert period_containing(moment, "month").key == "2026-11"
    assert period_containing(moment, "quarter").key == "2026-Q4"
    # 16:59 UTC on 30 September is still 23:59 on 30 September locally.
    assert period_containing(datetime(2026, 9, 30, 16, 59, tzinfo=UTC), "quarter").key == "2026-Q3"


def test_period_containing_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        period_containing(datetime(2026, 1, 1, tzinfo=UTC), "week")


def test_periods_between_is_inclusive_and_crosses_years():
    keys = [p.key for p in periods_between(parse_period("2025-11"), parse_period("2026-02"))]
    assert keys == ["2025-11", "2025-12", "2026-01", "2026-02"]
    quarters = [p.key for p in periods_between(parse_period("2025-Q4"), parse_period("2026-Q2"))]
    assert quarters == ["2025-Q4", "2026-Q1", "2026-Q2"]


def test_periods_between_single_and_reversed():
    period = parse_period("2026-05")
    assert periods_between(period, period) == [period]
    assert periods_between(period, period.previous()) == []


def test_periods_between_refuses_mixed_kinds():
    with pytest.raises(ValueError, match="kinds"):
        periods_between(parse_period("2026-01"), parse_period("2026-Q1"))


def test_periods_are_hashable_and_contain_their_start():
    period = parse_period("2026-Q1")
    assert len({period, parse_period("2026-Q1")}) == 1
    assert period.contains(period.start)
    assert not period.contains(period.end)
    assert str(period) == "2026-Q1"


@pytest.mark.parametrize("text", ["0001-01", "0001-Q1", "1999-12", "2101-01", "9999-Q4"])
def test_parse_period_refuses_years_outside_2000_to_2100(text):
    with pytest.raises(ValueError, match="year must be 2000-2100"):
        parse_period(text)
