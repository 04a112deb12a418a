"""Scoring rules: achieved, 5-level bands, milestones, linear; both directions; band edges."""

from decimal import Decimal as D  # noqa: N817 - short for the many literals below

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phaen.plans.scoring import (
    evaluate,
    percent_of_target,
    period_value,
    score_bands,
    score_linear,
    score_milestones,
    weighted_score,
)

# DOMAIN.md's example for "% budget disbursed at year end": 1 <75, 2 75–79, 3 80–84, 4 85–89, 5 ≥90.
DISBURSEMENT_BANDS = [(1, D("0")), (2, D("75")), (3, D("80")), (4, D("85")), (5, D("90"))]
# Lower is better, e.g. "days to process a request": 5 at ≤ 3 days … 1 at ≤ 15 days.
DAYS_BANDS = [(1, D("15")), (2, D("12")), (3, D("9")), (4, D("6")), (5, D("3"))]


@pytest.mark.parametrize(
    ("actual", "level"),
    [
        ("74.99", 1),
        ("75", 2),
        ("79.99", 2),
        ("80", 3),
        ("84.99", 3),
        ("85", 4),
        ("89.99", 4),
        ("90", 5),
        ("100", 5),
    ],
)
def test_bands_at_and_around_each_threshold_higher_is_better(actual, level):
    assert score_bands(D(actual), DISBURSEMENT_BANDS, "higher") == level


@pytest.mark.parametrize(
    ("actual", "level"),
    [
        ("16", 0),
        ("15", 1),
        ("12.01", 1),
        ("12", 2),
        ("9", 3),
        ("6.5", 3),
        ("6", 4),
        ("3", 5),
        ("0", 5),
    ],
)
def test_bands_lower_is_better(actual, level):
    assert score_bands(D(actual), DAYS_BANDS, "lower") == level


def test_bands_below_every_threshold_score_zero():
    bands = [(1, D("50")), (2, D("60")), (3, D("70")), (4, D("80")), (5, D("90"))]
    assert score_bands(D("49.99"), bands, "higher") == 0


@pytest.mark.parametrize(
    ("actual", "score"),
    [
        ("75", "2"),
        ("77.5", "2.5"),
        ("80", "3"),
        ("82", "3.4"),
        ("89.99", "4.998"),
        ("90", "5"),
        ("120", "5"),
        ("10", "1.1333"),  # between level 1 (from 0) and level 2 (from 75)
    ],
)
def test_linear_interpolates_between_thresholds(actual, score):
    assert score_linear(D(actual), DISBURSEMENT_BANDS, "higher") == D(score)


def test_linear_short_of_the_first_threshold_scores_zero():
    bands = [(1, D("50")), (2, D("60")), (3, D("70")), (4, D("80")), (5, D("90"))]
    assert score_linear(D("49"), bands, "higher") == 0
    assert score_linear(D("55"), bands, "higher") == D("1.5")


@pytest.mark.parametrize(
    ("actual", "score"), [("15", "1"), ("10.5", "2.5"), ("4.5", "4.5"), ("1", "5")]
)
def test_linear_lower_is_better(actual, score):
    assert score_linear(D(actual), DAYS_BANDS, "lower") == D(score)


@pytest.mark.parametrize(
    ("done", "steps", "score"),
    [("0", 5, "0"), ("3", 5, "3"), ("5", 5, "5"), ("7", 5, "5"), ("3.9", 5, "3"), ("2", 4, "2.5")],
)
def test_milestones_count_whole_steps_on_the_five_point_scale(done, steps, score):
    assert score_milestones(D(done), steps) == D(score)


def test_achieved_rule_higher_and_lower_is_better():
    assert evaluate(rule="achieved", actual=D("80"), target=D("80"), direction="higher").achieved
    assert not evaluate(
        rule="achieved", actual=D("79.99"), target=D("80"), direction="higher"
    ).achieved
    assert evaluate(rule="achieved", actual=D("3"), target=D("3"), direction="lower").achieved
    result = evaluate(rule="achieved", actual=D("4"), target=D("3"), direction="lower")
    assert (result.achieved, result.score) == (False, D(0))


def test_evaluate_bands_reports_achievement_against_the_target_separately():
    result = evaluate(
        rule="bands", actual=D("86"), target=D("90"), direction="higher", bands=DISBURSEMENT_BANDS
    )
    assert (result.achieved, result.score, result.percent_of_target) == (False, D(4), D("95.56"))


def test_evaluate_milestones_achieved_when_the_target_step_is_done():
    result = evaluate(
        rule="milestones", actual=D("4"), target=D("4"), direction="higher", total_steps=5
    )
    assert (result.achieved, result.score) == (True, D(4))


def test_floats_are_refused():
    with pytest.raises(TypeError):
        evaluate(rule="achieved", actual=80.0, target=D("80"), direction="higher")  # type: ignore[arg-type]


def test_percent_of_target():
    assert percent_of_target(D("45"), D("60"), "higher") == D("75.00")
    assert percent_of_target(D("1"), D("0"), "higher") is None
    assert percent_of_target(D("6"), D("3"), "lower") == D("50.00")
    assert percent_of_target(D("0"), D("3"), "lower") == D("100")


def test_weighted_score_rolls_up_by_weight():
    assert weighted_score([(D(5), D(2)), (D(2), D(1))]) == D(4)
    assert weighted_score([(D(5), D(0))]) is None
    assert weighted_score([]) is None


def test_period_value_cumulative_takes_the_last_and_otherwise_sums():
    quarters = [D("10"), D("25"), D("40")]
    assert period_value(quarters, cumulative=True) == D("40")
    assert period_value(quarters, cumulative=False) == D("75")
    assert period_value([], cumulative=True) is None


@given(
    actual=st.decimals(min_value=-1000, max_value=1000, places=2),
    direction=st.sampled_from(["higher", "lower"]),
)
def test_scores_stay_within_zero_and_five(actual, direction):
    bands = DISBURSEMENT_BANDS if direction == "higher" else DAYS_BANDS
    for score in (score_bands(actual, bands, direction), score_linear(actual, bands, direction)):
        assert D(0) <= score <= D(5)


@given(
    a=st.decimals(min_value=0, max_value=200, places=2),
    b=st.decimals(min_value=0, max_value=200, places=2),
)
def test_better_results_never_score_lower(a, b):
    low, high = sorted([a, b])
    assert score_linear(high, DISBURSEMENT_BANDS, "higher") >= score_linear(
        low, DISBURSEMENT_BANDS, "higher"
    )
    assert score_bands(high, DISBURSEMENT_BANDS, "higher") >= score_bands(
        low, DISBURSEMENT_BANDS, "higher"
    )
    assert score_linear(low, DAYS_BANDS, "lower") >= score_linear(high, DAYS_BANDS, "lower")
