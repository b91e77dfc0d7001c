"""Numbers, periods and strings follow the conventions of each language."""

import math

from dashboard.i18n import LANGUAGES, STRINGS, format_number, format_period, format_ratio, format_value


def test_every_interface_string_has_both_languages():
    for key, texts in STRINGS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key


def test_vietnamese_numbers_use_dot_thousands_and_comma_decimals():
    assert format_number(1234.5, "vi", 1) == "1.234,5"
    assert format_number(1234.5, "en", 1) == "1,234.5"


def test_missing_values_are_labelled_not_zero():
    assert format_value(math.nan, "percent", "vi") == "chưa có số liệu"
    assert format_value(None, "count", "en") == "no data"
    assert format_value(0.0, "count", "en") == "0"


def test_values_in_their_units():
    assert format_value(30.09, "percent", "vi") == "30,1%"
    assert format_value(1.0, "boolean", "vi") == "Có"
    assert format_value(0.0, "boolean", "en") == "No"
    assert format_ratio(356, 1183, "vi") == "356/1.183"
    assert format_ratio(math.nan, 10, "vi") == ""


def test_terms_are_shown_as_year_ranges():
    assert format_period(2016, "term", "vi") == "2016–2021"
    assert format_period(2016, "annual", "en") == "2016"
