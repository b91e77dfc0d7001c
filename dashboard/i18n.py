"""Interface strings in Vietnamese and English, and number and period formatting for each."""

from __future__ import annotations

import math

LANGUAGES = ("vi", "en")

# Every visible interface string, keyed by a stable name; both languages are required
# (a test fails when one is missing).
STRINGS: dict[str, dict[str, str]] = {
    "app_title": {
        "vi": "Hà Nội: bình đẳng giới và vì sự tiến bộ của phụ nữ",
        "en": "Hà Nội: gender equality and the advancement of women",
    },
    "app_subtitle": {
        "vi": "Theo dõi Kế hoạch 45/KH-UBND theo quận, huyện, thị xã",
        "en": "Tracking plan 45/KH-UBND by district",
    },
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "period": {"vi": "Kỳ số liệu", "en": "Period"},
    "term": {"vi": "Nhiệm kỳ", "en": "Term"},
    "year": {"vi": "Năm", "en": "Year"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "no_data": {"vi": "chưa có số liệu", "en": "no data"},
    "yes": {"vi": "Có", "en": "Yes"},
    "no": {"vi": "Không", "en": "No"},
    "city": {"vi": "Toàn thành phố", "en": "Whole city"},
    "target": {"vi": "Mục tiêu", "en": "Target"},
    "basis": {"vi": "Căn cứ", "en": "Basis"},
    "met": {"vi": "đạt", "en": "met"},
    "not_met": {"vi": "chưa đạt", "en": "not met"},
    "no_target": {"vi": "không có mục tiêu định lượng", "en": "no numeric target"},
    "districts_with_yes": {"vi": "quận, huyện có", "en": "districts with yes"},
    "rank": {"vi": "Xếp hạng", "en": "Rank"},
    "of": {"vi": "trên", "en": "of"},
    "status": {"vi": "Trạng thái số liệu", "en": "Data status"},
    "status_official": {"vi": "chính thức", "en": "official"},
    "status_provisional": {"vi": "sơ bộ", "en": "provisional"},
    "status_illustrative": {"vi": "minh họa", "en": "illustrative"},
    "source": {"vi": "Nguồn", "en": "Source"},
    "select_district_hint": {
        "vi": "Chạm vào một quận, huyện trên bản đồ hoặc biểu đồ để xem chi tiết.",
        "en": "Tap a district on the map or the chart to see its details.",
    },
    "illustrative_notice": {
        "vi": "Số liệu minh họa: số liệu cấp quận, huyện chưa được công bố; các giá trị đánh dấu "
        "«minh họa» được sinh tự động để trình bày, tổng của chúng khớp với số liệu thật "
        "của thành phố khi có.",
        "en": "Illustrative data: district figures are not public; values marked «illustrative» "
        "are generated for demonstration and add up to the real city totals where these exist.",
    },
    "ranking_title": {"vi": "Xếp hạng các quận, huyện", "en": "Districts ranked"},
    "map_title": {"vi": "Bản đồ", "en": "Map"},
    "legend": {"vi": "Chú giải", "en": "Legend"},
    "city_value": {"vi": "Giá trị toàn thành phố", "en": "City value"},
    "not_applicable_map": {
        "vi": "Kỳ này thuộc bản đồ hành chính mới (từ 01/07/2025), chưa hiển thị trên bản đồ 30 "
        "quận, huyện.",
        "en": "This period belongs to the new administrative map (from 1 July 2025) and is not "
        "drawn on the 30-district map.",
    },
    "no_district_data": {
        "vi": "Chỉ tiêu này chưa có số liệu cấp quận, huyện cho kỳ đã chọn.",
        "en": "This indicator has no district figures for the selected period.",
    },
    "page_map": {"vi": "Bản đồ chỉ tiêu", "en": "Indicator map"},
    "close": {"vi": "Bỏ chọn", "en": "Clear"},
    "district": {"vi": "Quận, huyện", "en": "District"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "switch_language": {"vi": "English", "en": "Tiếng Việt"},
    "view_map": {"vi": "Bản đồ", "en": "Map"},
    "view_chart": {"vi": "Biểu đồ", "en": "Chart"},
    "view_table": {"vi": "Bảng", "en": "Table"},
    "gap_to_target": {"vi": "Khoảng cách đến mục tiêu", "en": "Gap to target"},
    "gap_unavailable": {
        "vi": "Chỉ tiêu này không có mục tiêu định lượng cho từng quận, huyện: bản đồ hiển thị giá trị.",
        "en": "This indicator has no numeric target per district: the map shows values.",
    },
    "points": {"vi": "điểm %", "en": "pp"},
    "below_target": {"vi": "dưới mục tiêu", "en": "below target"},
    "above_target": {"vi": "đạt hoặc vượt mục tiêu", "en": "at or above target"},
    "trend_title": {"vi": "Diễn biến qua các kỳ", "en": "Trend over time"},
    "download_csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "download_excel": {"vi": "Tải Excel", "en": "Download Excel"},
    "numerator": {"vi": "Tử số (n)", "en": "Numerator (n)"},
    "denominator": {"vi": "Mẫu số (N)", "en": "Denominator (N)"},
    "last_updated": {"vi": "Cập nhật số liệu lần cuối", "en": "Data last updated"},
}


def t(key: str, lang: str) -> str:
    """The interface string `key` in `lang`."""
    return STRINGS[key][lang]


def format_number(value: float | None, lang: str, decimals: int = 0) -> str:
    """Vietnamese 1.234,5 or English 1,234.5; missing values become the 'no data' label."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("no_data", lang)
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_value(value: float | None, kind: str, lang: str) -> str:
    """A value in its indicator's unit: 30,1% for percentages, Có/Không for yes/no."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("no_data", lang)
    if kind == "percent":
        return format_number(value, lang, 1) + "%"
    if kind == "boolean":
        return t("yes" if value >= 0.5 else "no", lang)
    return format_number(value, lang, 0 if float(value).is_integer() else 1)


def format_period(period: int, frequency: str, lang: str) -> str:
    """2016 for a year; 2016–2021 for the election term that starts in 2016."""
    if frequency == "term":
        return f"{period}–{period + 5}"
    return str(period)


def format_ratio(numerator: float | None, denominator: float | None, lang: str) -> str:
    """n/N with the language's thousands separator, or an empty string when unknown."""
    if numerator is None or denominator is None or math.isnan(numerator) or math.isnan(denominator):
        return ""
    return f"{format_number(numerator, lang)}/{format_number(denominator, lang)}"
