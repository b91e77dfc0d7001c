"""Vietnamese alphabetical order: one key, aware of đ, of marked letters and of tone marks."""

import random

import pandas as pd

from dashboard.model.collation import vietnamese_sort_key, vietnamese_sort_keys

HANOI_ORDER = [
    "Ba Đình", "Ba Vì", "Bắc Từ Liêm", "Cầu Giấy", "Chương Mỹ", "Đan Phượng", "Đông Anh", "Đống Đa",
    "Gia Lâm", "Hà Đông", "Hai Bà Trưng", "Hoài Đức", "Hoàn Kiếm", "Hoàng Mai", "Long Biên", "Mê Linh",
    "Mỹ Đức", "Nam Từ Liêm", "Phú Xuyên", "Phúc Thọ", "Quốc Oai", "Sóc Sơn", "Sơn Tây", "Tây Hồ",
    "Thạch Thất", "Thanh Oai", "Thanh Trì", "Thanh Xuân", "Thường Tín", "Ứng Hòa",
]


def test_the_thirty_districts_sort_as_in_a_vietnamese_list():
    shuffled = HANOI_ORDER.copy()
    random.Random(4).shuffle(shuffled)
    assert sorted(shuffled, key=vietnamese_sort_key) == HANOI_ORDER


def test_d_stroke_follows_every_d_and_marked_letters_follow_their_base():
    assert sorted(["Đa", "Dz", "Da"], key=vietnamese_sort_key) == ["Da", "Dz", "Đa"]
    assert sorted(["ân", "ăn", "an", "ba"], key=vietnamese_sort_key) == ["an", "ăn", "ân", "ba"]
    assert sorted(["ư", "u", "ơ", "o", "ô"], key=vietnamese_sort_key) == ["o", "ô", "ơ", "u", "ư"]


def test_tone_marks_decide_only_between_equal_letters_in_school_order():
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(reversed(tones), key=vietnamese_sort_key) == tones
    # The letters decide first: "mạc" follows "mà" although its tone comes later.
    assert sorted(["mạc", "mà"], key=vietnamese_sort_key) == ["mà", "mạc"]


def test_case_and_unicode_form_do_not_change_the_order():
    assert vietnamese_sort_key("đông anh")[:2] == vietnamese_sort_key("Đông Anh")[:2]
    decomposed = "Hoa\u0300n Kie\u0302\u0301m"
    assert vietnamese_sort_key(decomposed)[:2] == vietnamese_sort_key("Hoàn Kiếm")[:2]


def test_the_column_key_sorts_a_dataframe_the_same_way():
    frame = pd.DataFrame({"name": list(reversed(HANOI_ORDER))})
    assert frame.sort_values("name", key=vietnamese_sort_keys)["name"].tolist() == HANOI_ORDER
