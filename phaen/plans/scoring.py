"""Scoring an indicator's result against its target (DOMAIN.md §6), on one 0–5 scale.

Rules, chosen per indicator:

- achieved / not achieved (บรรลุ/ไม่บรรลุ): 5 when the target is met, else 0;
- 5-level bands (เกณฑ์ 5 ระดับ): the highest level whose threshold the result meets;
- milestones (ระดับความสำเร็จ): the number of steps done, scaled to 5 when there are not 5 steps;
- linear (เทียบบัญญัติไตรยางศ์): between two band thresholds the score moves in proportion.

"Meets" follows the indicator's direction: at least the threshold when higher is better, at most
when lower is better. Scores roll up to goals, strategic issues and plans by weight. Results and
targets of a period are compared as given: a cumulative indicator's quarter values are totals to
date, so the year's result is its last value; a non-cumulative one's are amounts of the quarter,
so a longer period's result is their sum (see ``period_value``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

MAX_SCORE = Decimal(5)
PLACES = Decimal("0.0001")

HIGHER = "higher"
LOWER = "lower"


@dataclass(frozen=True)
class Result:
    """How a result compares with its target."""

    achieved: bool
    score: Decimal
    percent_of_target: Decimal | None


def meets(value: Decimal, threshold: Decimal, direction: str) -> bool:
    return value >= threshold if direction == HIGHER else value <= threshold


def percent_of_target(actual: Decimal, target: Decimal, direction: str) -> Decimal | None:
    """The result as a percentage of the target (for lower-is-better: target ÷ result)."""
    if direction == HIGHER:
        if target == 0:
            return None
        percent = actual / target * 100
    else:
        if actual == 0:
            return None if target == 0 else Decimal(100)
        percent = target / actual * 100
    return percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_bands(actual: Decimal, bands: Sequence[tuple[int, Decimal]], direction: str) -> Decimal:
    """The highest level whose threshold ``actual`` meets; 0 when it meets none."""
    met = [level for level, threshold in bands if meets(actual, threshold, direction)]
    return Decimal(max(met)) if met else Decimal(0)


def score_linear(actual: Decimal, bands: Sequence[tuple[int, Decimal]], direction: str) -> Decimal:
    """Bands with proportional steps: halfway between the thresholds of 3 and 4 scores 3.5.

    A result short of the lowest level's threshold scores 0; beyond the highest, the highest.
    """
    ordered = sorted(bands)
    if not ordered:
        return Decimal(0)
    if not meets(actual, ordered[0][1], direction):
        return Decimal(0)
    for (level, threshold), (next_level, next_threshold) in pairwise(ordered):
        if meets(actual, next_threshold, direction):
            continue
        span = next_threshold - threshold
        if span == 0:
            return Decimal(level)
        fraction = (actual - threshold) / span
        return (Decimal(level) + fraction * (next_level - level)).quantize(PLACES, ROUND_HALF_UP)
    return Decimal(ordered[-1][0])


def score_milestones(steps_done: Decimal, total_steps: int) -> Decimal:
    """Steps done (whole steps only), on the 0–5 scale."""
    if total_steps <= 0:
        return Decimal(0)
    done = min(max(int(steps_done), 0), total_steps)
    return (Decimal(done) * MAX_SCORE / total_steps).quantize(PLACES, ROUND_HALF_UP)


def evaluate(
    *,
    rule: str,
    actual: Decimal,
    target: Decimal,
    direction: str,
    bands: Sequence[tuple[int, Decimal]] = (),
    total_steps: int = 0,
) -> Result:
    """Score one result. ``rule`` is an ``Indicator.ScoringRule`` value."""
    if isinstance(actual, float) or isinstance(target, float):
        raise TypeError("results and targets are Decimal, never float")
    if rule == "milestones":
        achieved = Decimal(int(actual)) >= target
        score = score_milestones(actual, total_steps)
    else:
        achieved = meets(actual, target, direction)
        if rule == "bands":
            score = score_bands(actual, bands, direction)
        elif rule == "linear":
            score = score_linear(actual, bands, direction)
        else:
            score = MAX_SCORE if achieved else Decimal(0)
    return Result(
        achieved=achieved,
        score=score,
        percent_of_target=percent_of_target(actual, target, direction),
    )


def weighted_score(scores: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """The weighted mean of (score, weight) pairs; None when nothing carries weight."""
    pairs = list(scores)
    total_weight = sum((weight for _, weight in pairs), Decimal(0))
    if total_weight == 0:
        return None
    total = sum((score * weight for score, weight in pairs), Decimal(0))
    return (total / total_weight).quantize(PLACES, ROUND_HALF_UP)


def period_value(values: Sequence[Decimal], *, cumulative: bool) -> Decimal | None:
    """The value of a longer period from its quarters' values, in quarter order.

    Cumulative indicators report totals to date (the last one counts); others report the
    quarter's own amount (they add up).
    """
    if not values:
        return None
    return values[-1] if cumulative else sum(values, Decimal(0))
