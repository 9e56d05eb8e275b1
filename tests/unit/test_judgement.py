"""RAG from polarity, target and tolerance; direction of travel."""
from __future__ import annotations

import pytest

from etl.indicators.judgement import direction, rag


@pytest.mark.parametrize("value,polarity,expected", [
    (90, "up", "green"), (91, "up", "green"), (85, "up", "amber"), (84.9, "up", "red"),
    (90, "down", "green"), (80, "down", "green"), (95, "down", "amber"), (95.1, "down", "red"),
    (50, "context", None), (None, "up", None), ("c", "up", None)])
def test_rag(value, polarity, expected):
    assert rag(value, polarity, target=90, tolerance=5) == expected


def test_rag_without_a_target():
    assert rag(50, "up", None, None) is None


@pytest.mark.parametrize("current,previous,polarity,moved,trend", [
    (60, 50, "up", "up", "improving"), (40, 50, "up", "down", "worsening"),
    (40, 50, "down", "down", "improving"), (60, 50, "down", "up", "worsening"),
    (50, 50, "up", "same", "no change"), (60, 50, "context", "up", "context")])
def test_direction(current, previous, polarity, moved, trend):
    d = direction(current, previous, polarity)
    assert (d["direction"], d["trend"], d["change"]) == (moved, trend, current - previous)


def test_no_direction_without_both_values():
    assert direction(50, None, "up") is None and direction("c", 50, "up") is None
