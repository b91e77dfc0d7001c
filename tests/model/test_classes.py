"""Colour classes: stable bins, and missing data never takes a class colour."""

import math

from dashboard.model.classes import NO_DATA_COLOUR, SEQUENTIAL_PALETTE, classify, nice_bins


def test_bins_cover_every_value_on_round_edges():
    bins = nice_bins([12.85, 48.72])
    assert bins[0] <= 12.85 and bins[-1] >= 48.72
    assert all(float(edge).is_integer() for edge in bins)


def test_count_bins_are_whole_numbers():
    assert all(float(edge).is_integer() for edge in nice_bins([1, 3], integer=True))


def test_missing_values_are_grey_and_labelled_never_the_top_colour():
    result = classify([10.0, math.nan, 49.0], "percent", [10, 20, 30, 40, 50], "vi")
    assert result.colours[1] == NO_DATA_COLOUR
    assert result.colours[1] not in SEQUENTIAL_PALETTE
    assert result.colours[2] == SEQUENTIAL_PALETTE[-1]
    assert result.legend[-1].label == "chưa có số liệu"
    assert result.legend[0].label == "10–20%"


def test_a_zero_is_a_value_not_missing():
    result = classify([0.0, math.nan], "count", [0, 5, 10], "en")
    assert result.colours[0] != NO_DATA_COLOUR


def test_yes_no_indicators_have_two_classes_and_no_data():
    result = classify([1.0, 0.0, math.nan], "boolean", [0, 1], "en")
    assert [entry.label for entry in result.legend] == ["Yes", "No", "no data"]
    assert len(set(result.colours)) == 3
