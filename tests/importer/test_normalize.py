"""What people type is understood: district spellings, numbers, yes/no, periods."""

from __future__ import annotations

import unicodedata

import pytest

from dashboard import geo
from dashboard.importer import normalize as nz


@pytest.fixture(scope="module")
def districts() -> nz.DistrictIndex:
    return nz.DistrictIndex.from_unit_list(geo.read_district_list())


@pytest.mark.parametrize(
    "text",
    ["Hoàn Kiếm", "Quận Hoàn Kiếm", "quan hoan kiem", "Q. Hoàn Kiếm", "Q.Hoàn Kiếm",
     "QUẬN  HOÀN KIẾM", "Hoan Kiem", "HoànKiếm", "Hoan Kiem District", " hoàn kiếm "],
)
def test_district_names_with_or_without_diacritics_and_prefixes(districts, text):
    assert districts.by_name(text).code == "002"


@pytest.mark.parametrize(
    ("text", "code"),
    [("Huyện Sóc Sơn", "016"), ("H. Sóc Sơn", "016"), ("H.Soc Son", "016"),
     ("Thị xã Sơn Tây", "269"), ("TX Sơn Tây", "269"), ("TX. Son Tay", "269"),
     ("thi xa son tay", "269"), ("Đống Đa", "006"), ("Đông Anh", "017"),
     ("Bắc Từ Liêm", "021"), ("Nam Tu Liem", "019"), ("Hà Đông", "268"),
     ("Hai Bà Trưng", "007"), ("Ứng Hòa", "281"), ("Ung Hoa", "281")],
)
def test_district_prefixes_and_similar_names(districts, text, code):
    assert districts.by_name(text).code == code


def test_nfd_and_nfc_names_are_the_same(districts):
    nfd = unicodedata.normalize("NFD", "Quận Tây Hồ")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert districts.by_name(nfd).code == districts.by_name("Quận Tây Hồ").code == "003"


@pytest.mark.parametrize("value", ["001", "1", "01", 1, 1.0, "'001", " 1 "])
def test_gso_codes_with_or_without_leading_zeros(districts, value):
    assert districts.by_code(value).code == "001"


@pytest.mark.parametrize("value", ["999", "0", 0, 1.5, "abc", True, "1001"])
def test_bad_codes(districts, value):
    with pytest.raises(nz.Unreadable):
        districts.by_code(value)


@pytest.mark.parametrize(
    ("text", "integer", "expected"),
    [("35", False, 35.0), ("35,5", False, 35.5), ("35.5", False, 35.5), ("35%", False, 35.0),
     ("35,5 %", False, 35.5), ("35,5\u00a0%", False, 35.5), ("1.234", True, 1234.0),
     ("1,234", True, 1234.0), ("1.234.567", True, 1_234_567.0), ("1 234 567", True, 1_234_567),
     ("1.234,5", False, 1234.5), ("1,234.5", False, 1234.5), ("-3", True, -3.0),
     ("\u22123", True, -3.0), ("+7", True, 7.0), (12, True, 12.0), (12.5, False, 12.5),
     ("1,5", True, 1.5), ("0,125", False, 0.125)],
)
def test_numbers_in_vietnamese_and_english_notation(text, integer, expected):
    assert nz.parse_number(text, integer=integer).value == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "abc", "1e3", "12a", "1.23.4", "1,2,3", "--1", "%", ".5.",
                                  "nan", "inf", float("nan"), True, None, "3 4%%"])
def test_not_numbers(text):
    with pytest.raises(nz.Unreadable):
        nz.parse_number(text)


def test_decimals_typed_are_remembered():
    assert nz.parse_number("35,50 %").decimals == 2
    assert nz.parse_number("35%").decimals == 0
    assert nz.parse_number("35%").percent_sign


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Có", 1.0), ("có", 1.0), ("CO", 1.0), ("Yes", 1.0), ("1", 1.0), (1, 1.0), (True, 1.0),
     ("Không", 0.0), ("khong", 0.0), ("No", 0.0), ("0", 0.0), (0, 0.0), (False, 0.0),
     (unicodedata.normalize("NFD", "Không"), 0.0)],
)
def test_yes_no(value, expected):
    assert nz.parse_yes_no(value) == expected


@pytest.mark.parametrize("value", ["Có lẽ", "2", 2, "x", "", "đúng", 0.5])
def test_not_yes_no(value):
    with pytest.raises(nz.Unreadable):
        nz.parse_yes_no(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2024", 2024), (2024, 2024), (2024.0, 2024), ("2016-2021", 2016), ("2021–2026", 2021),
     ("Nhiệm kỳ 2016 - 2021", 2016), ("Năm 2019", 2019)],
)
def test_periods(value, expected):
    assert nz.parse_period(value) == expected


@pytest.mark.parametrize("value", ["2016-2020", "24", "1999", "2036", 2024.5, "năm nay", True])
def test_bad_periods(value):
    with pytest.raises(nz.Unreadable):
        nz.parse_period(value)


@pytest.mark.parametrize(
    ("header", "expected"),
    [("Mã ĐVHC", "unit_code"), ("unit_code", "unit_code"), ("Quận/huyện", "district"),
     ("Năm", "period"), ("Nguồn", "source"), ("Chỉ tiêu", "indicator_id"),
     ("Tử số", "numerator"), ("Mẫu số", "denominator"), ("Giá trị", "value"), ("xyz", None)],
)
def test_header_aliases(header, expected):
    assert nz.fixed_column(header) == expected


# ------------------------------------------------------------ the 2025 map's units


@pytest.fixture(scope="module")
def communes() -> nz.DistrictIndex:
    return nz.DistrictIndex.from_commune_list(geo.commune_unit_list())


@pytest.mark.parametrize(
    "text", ["Phường Hoàn Kiếm", "phuong hoan kiem", "P. Hoàn Kiếm", "P.Hoàn Kiếm", "Hoàn Kiếm",
             "HOÀN KIẾM", "Hoan Kiem Ward", " hoàn kiếm "])
def test_ward_names_with_or_without_diacritics_and_prefixes(communes, text):
    assert communes.by_name(text).code == "00070"


def test_a_district_prefix_does_not_name_a_ward(communes):
    with pytest.raises(nz.Unreadable) as error:
        communes.by_name("Quận Hoàn Kiếm")
    assert "xã, phường" in error.value.vi and "commune or ward" in error.value.en


@pytest.mark.parametrize(("value", "code"), [("00070", "00070"), ("70", "00070"), (70, "00070"),
                                             (70.0, "00070"), ("'09700", "09700")])
def test_ward_codes_with_or_without_their_zeros(communes, value, code):
    assert communes.by_code(value).code == code


@pytest.mark.parametrize(("value", "length"), [("001", 3), ("00004", 5), ("09700", 5), ("10465", 5),
                                               ("'001", 3), ("271", None), (271, None), ("4", None)])
def test_a_code_written_with_its_zeros_says_its_map(value, length):
    assert nz.written_code_length(value) == length


def test_a_short_name_two_units_share_asks_for_the_full_name():
    units = [nz.District("00001", "Yên Lạc", "Phường Yên Lạc", "phường", "Yen Lac", "hn_communes_2025"),
             nz.District("00002", "Yên Lạc", "Xã Yên Lạc", "xã", "Yen Lac", "hn_communes_2025")]
    index = nz.DistrictIndex(units, geo.maps.COMMUNE_MAP)
    assert index.by_name("Xã Yên Lạc").code == "00002"
    with pytest.raises(nz.Unreadable) as error:
        index.by_name("Yên Lạc")
    assert "Phường Yên Lạc, Xã Yên Lạc" in error.value.vi and "full name" in error.value.en
