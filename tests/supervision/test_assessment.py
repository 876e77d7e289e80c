"""The assessment (R8.6): figures of a period of known outcomes equal the values computed by hand."""

from __future__ import annotations

import pytest
from django.test import override_settings

from jiesu.supervision.assessment import AssessmentReport
from jiesu.supervision.figures import Period, ranks, score
from tests.supervision.conftest import AS_OF, FROM, TO

pytestmark = pytest.mark.django_db

AUTUMN = Period.parse(FROM, TO)


def by_unit(report: AssessmentReport) -> dict[str, dict]:
    return {row["unit"]: row for row in report.as_json()}


def test_figures_equal_the_hand_computed_values(known_period) -> None:
    """Every figure of the known period, computed by hand from the fixture's docstring.

    后勤管理处: response 5 on time of 6 fallen due (a3 breached) = 0.8333; formal replies 7 on time of 9 fallen
    due (a1, a2×2, a3×3 — round 4 ended unjudged —, a4, a5, a6; a2's first late, a4's missed) = 0.7778;
    resolution 2 resolved (a1, a2) of 2 + 1 closed unsatisfied (a3) = 0.6667, the repeat a6 apart;
    satisfaction (1 satisfied + 1 × 1 basically) / 6 ratings (a1 S, a2 D+B, a3 D×3) = 0.3333;
    score 100 × (0.1 × 5/6 + 0.5 × 2/3 + 0.4 × 1/3) = 55.0.
    网络信息中心: every clock on time, 3 of 3 resolved (the anonymous letter included), 2 named ratings both
    satisfied (the anonymous one apart) → 1.0 each, score 100.
    图书馆: nothing fell due, nothing closed or rated → every rate null, no score, no rank."""
    report = AssessmentReport(AUTUMN, as_of=AS_OF)
    assert report.as_json() == [
        {
            "unit": "网络信息中心",
            "received": 3,
            "response_rate": 1.0,
            "ontime_rate": 1.0,
            "resolution_rate": 1.0,
            "satisfaction_rate": 1.0,
            "score": 100.0,
            "rank": 1,
        },
        {
            "unit": "后勤管理处",
            "received": 6,
            "response_rate": 0.8333,
            "ontime_rate": 0.7778,
            "resolution_rate": 0.6667,
            "satisfaction_rate": 0.3333,
            "score": 55.0,
            "rank": 2,
        },
        {
            "unit": "图书馆",
            "received": 1,
            "response_rate": None,
            "ontime_rate": None,
            "resolution_rate": None,
            "satisfaction_rate": None,
            "score": None,
            "rank": None,
        },
    ]


def test_counts_behind_the_rates_and_those_counted_apart(known_period) -> None:
    """The counts of 后勤管理处 and 网络信息中心, including repeats, missed deadlines and closings counted apart."""
    rows = {row.unit_name: row for row in AssessmentReport(AUTUMN, as_of=AS_OF).rows()}
    a = rows["后勤管理处"].counts
    assert (a.received, a.response_met, a.response_due, a.reply_met, a.reply_due) == (6, 5, 6, 7, 9)
    assert (a.closed, a.closed_resolved, a.closed_unsatisfied, a.closed_without_followup) == (3, 2, 1, 1)
    assert (a.satisfied, a.basically, a.dissatisfied, a.rated) == (1, 1, 4, 6)
    # a3's response (breached), a2's first reply (late), a4's reply (past due, unmet); a5's follow-up still runs.
    assert a.overdue == 3
    assert (a.repeats, a.anonymous, a.closed_explained, a.closed_unreachable, a.findings) == (1, 0, 0, 0, 0)
    assert rows["后勤管理处"].rates["repeat"] == pytest.approx(1 / 6)
    b = rows["网络信息中心"].counts
    assert (b.anonymous, b.anonymous_ratings, b.rated, b.closed_resolved) == (1, 1, 2, 3)


def test_the_school_total_includes_tickets_not_yet_dispatched(known_period) -> None:
    """The whole school: 6 + 3 + 1 + 1 undispatched = 11 received; the Office's dispatch clock is not a unit
    deadline, so it is not among the missed ones."""
    total = AssessmentReport(AUTUMN, as_of=AS_OF).total()
    assert total.counts.received == 11
    assert total.counts.overdue == 3
    assert total.rank is None


def test_period_bounds_are_shanghai_days(known_period) -> None:
    """2026-08-31 23:59 and 2027-01-01 00:00 (Asia/Shanghai) fall outside 2026-09-01 … 2026-12-31."""
    rows = by_unit(AssessmentReport(AUTUMN, as_of=AS_OF))
    assert rows["后勤管理处"]["received"] == 6
    assert by_unit(AssessmentReport(Period.parse("2027-01-01", "2027-01-01"), as_of=AS_OF)) == {
        "后勤管理处": {
            "unit": "后勤管理处",
            "received": 1,
            "response_rate": 0.0,
            "ontime_rate": None,
            "resolution_rate": None,
            "satisfaction_rate": 0.0,
            "score": 0.0,
            "rank": 1,
        }
    }


@override_settings(JIESU_ASSESSMENT_BASIC_WEIGHT=0.5)
def test_basically_satisfied_weight_is_a_setting(known_period) -> None:
    """w = 0.5: 后勤管理处 (1 + 0.5 × 1) / 6 = 0.25; score 100 × (0.1 × 5/6 + 0.5 × 2/3 + 0.4 × 0.25) = 51.67."""
    row = by_unit(AssessmentReport(AUTUMN, as_of=AS_OF))["后勤管理处"]
    assert row["satisfaction_rate"] == 0.25
    assert row["score"] == 51.67


@override_settings(JIESU_ASSESSMENT_WEIGHTS={"response": 1.0, "resolution": 0.0, "satisfaction": 0.0})
def test_score_weights_are_settings(known_period) -> None:
    """Only the response rate weighted: 后勤管理处 scores 100 × 5/6 = 83.33; 图书馆 has no response to judge."""
    rows = by_unit(AssessmentReport(AUTUMN, as_of=AS_OF))
    assert rows["后勤管理处"]["score"] == 83.33
    assert rows["网络信息中心"]["score"] == 100.0
    assert rows["图书馆"]["score"] is None


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([90.0, 80.0, 80.0, 70.0], [1, 2, 2, 4]),
        ([None, 50.0, None], [None, 1, None]),
        ([], []),
    ],
)
def test_ranking_is_competition_ranking(scores, expected) -> None:
    """Equal scores share a place and the next place is skipped; no score, no rank."""
    assert ranks(scores) == expected


def test_a_rate_with_nothing_to_rate_leaves_the_score_to_the_others() -> None:
    """No ratings: the response (0.1) and resolution (0.5) weights carry the score in proportion."""
    weights = {"response": 0.1, "resolution": 0.5, "satisfaction": 0.4}
    assert score({"response": 1.0, "resolution": 0.4, "satisfaction": None}, weights) == 50.0
    assert score({"response": None, "resolution": None, "satisfaction": None}, weights) is None


def test_aggregation_is_a_fixed_number_of_queries(known_period, django_assert_num_queries) -> None:
    """Four grouped queries (tickets, clocks, follow-ups, inspection findings) and two for the unit names and
    order, whatever the number of tickets."""
    with django_assert_num_queries(6):
        AssessmentReport(AUTUMN, as_of=AS_OF).rows()
