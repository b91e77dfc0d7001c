"""Interface strings in Vietnamese and English, and number and period formatting for each."""

from __future__ import annotations

import datetime as dt
import math

from .maps import COMMUNE_MAP

LANGUAGES = ("vi", "en")

# Every visible interface string, keyed by a stable name; both languages are required
# (a test fails when one is missing).
STRINGS: dict[str, dict[str, str]] = {
    # Exports
    "export_heading": {"vi": "Tải xuống cho cuộc họp", "en": "Downloads for meetings"},
    "export_button_map": {"vi": "Ảnh bản đồ (PNG)", "en": "Map image (PNG)"},
    "export_button_chart": {"vi": "Ảnh biểu đồ (PNG)", "en": "Chart image (PNG)"},
    "export_button_deck": {"vi": "Bài trình chiếu (PPTX)", "en": "Slide deck (PPTX)"},
    "export_button_html": {"vi": "Bản HTML ngoại tuyến", "en": "Offline HTML copy"},
    "snapshot_offline_note": {
        "vi": "Bản sao ngoại tuyến, xuất ngày {date}. Di chuột lên bản đồ hoặc biểu đồ để xem giá trị, "
        "chạm vào một quận, huyện, thị xã để xem chi tiết. Muốn đổi chỉ tiêu, kỳ số liệu hoặc ngôn ngữ, hãy "
        "mở bảng theo dõi trực tuyến.",
        "en": "Offline copy exported on {date}. Hover over the map or the chart to see values, tap a "
        "district for its details. To change the indicator, period or language, open the live "
        "dashboard.",
    },
    "deck_subtitle": {
        "vi": "Tài liệu họp sơ kết, tổng kết · Số liệu đến năm {period}",
        "en": "Review meeting · Figures up to {period}",
    },
    "deck_made_on": {"vi": "Ngày lập: {date}", "en": "Prepared on {date}"},
    "deck_data_updated": {"vi": "Cơ sở dữ liệu cập nhật ngày {date}", "en": "Database updated on {date}"},
    "deck_status_illustrative": {
        "vi": "có số liệu minh họa (số liệu cấp huyện chưa được công bố); các trang có số liệu "
        "minh họa đều ghi rõ",
        "en": "includes illustrative figures (district figures are not public); every slide showing "
        "them says so",
    },
    "deck_status_published": {
        "vi": "số liệu chính thức hoặc sơ bộ đã công bố",
        "en": "official or provisional published figures",
    },
    "deck_notes_title": {
        "vi": "Bộ trình chiếu tóm tắt {count} chỉ tiêu chính đến năm {period}, lập ngày {date}: "
        "{names}. Trạng thái số liệu: {status}.",
        "en": "This deck sums up {count} headline indicators up to {period}, prepared on {date}: "
        "{names}. Data status: {status}.",
    },
    "deck_behind_title": {"vi": "Quận, huyện, thị xã chưa đạt mục tiêu", "en": "Districts behind target"},
    "deck_behind_no_target": {
        "vi": "Kỳ này không có chỉ tiêu cấp huyện nào có mục tiêu để so sánh.",
        "en": "No district indicator has a target to compare with in this period.",
    },
    "deck_behind_count": {"vi": "Chưa đạt hoặc «không»", "en": "Behind or “no”"},
    "deck_behind_districts": {"vi": "Quận, huyện, thị xã", "en": "Districts"},
    "deck_scope_district": {"vi": "từng quận, huyện, thị xã", "en": "each district"},
    "deck_scope_city": {"vi": "toàn thành phố", "en": "whole city"},
    "deck_behind_none": {"vi": "không có quận, huyện, thị xã nào", "en": "none"},
    "deck_behind_target": {
        "vi": "mục tiêu cấp huyện {target} ({year})",
        "en": "district target {target} ({year})",
    },
    "deck_sources_title": {"vi": "Nguồn số liệu và phương pháp", "en": "Sources and methods"},
    "deck_published_sources": {"vi": "Số liệu đã công bố", "en": "Published figures"},
    "deck_boundaries": {"vi": "Bản đồ", "en": "Maps"},
    "deck_reform": {
        "vi": "Bản đồ 30 quận, huyện, thị xã dùng cho số liệu đến 30/6/2025: từ 01/07/2025 cấp huyện "
        "không còn, Hà Nội có 126 xã, phường (Nghị quyết 1656/NQ-UBTVQH15).",
        "en": "The 30-district map serves figures up to 30 June 2025: from 1 July 2025 the district "
        "level no longer exists and Hà Nội has 126 communes and wards (Resolution 1656/NQ-UBTVQH15).",
    },
    "deck_legal_bases": {"vi": "Căn cứ của các mục tiêu", "en": "Legal bases of the targets"},
    "deck_illustrative_heading": {"vi": "Số liệu minh họa", "en": "Illustrative data"},
    "deck_illustrative_method": {
        "vi": "Số liệu minh họa được sinh tự động với một hạt giống cố định, nên mọi bản xuất đều "
        "giống nhau; không dùng chúng để đánh giá quận, huyện, thị xã cụ thể.",
        "en": "Illustrative figures are generated with a fixed seed, so every export shows the same "
        "values; do not use them to judge any particular district.",
    },
    "deck_methods_heading": {"vi": "Phương pháp", "en": "Methods"},
    "deck_methods_city": {
        "vi": "Giá trị toàn thành phố: số liệu đã công bố khi có; nếu không, tính từ số liệu các quận, "
        "huyện, thị xã (tỷ lệ: tổng tử số ÷ tổng mẫu số; có/không: tỷ lệ đơn vị trả lời «có»; số "
        "lượng: tổng).",
        "en": "City values: the published figure where there is one; otherwise computed from the "
        "district figures (shares: sum of numerators ÷ sum of denominators; yes/no: share of "
        "districts answering yes; counts: the sum).",
    },
    "deck_methods_targets": {
        "vi": "Mục tiêu: chỉ áp dụng cho các kỳ mà văn bản làm căn cứ bao trùm (mục tiêu đặt năm 2021 "
        "không dùng để đánh giá 2016–2020); trong đó, mục tiêu có hạn gần nhất sắp đến được dùng. "
        "Quận, huyện, thị xã chưa đạt: so với mục tiêu cấp huyện; chỉ tiêu có/không: đơn vị trả lời "
        "«không».",
        "en": "Targets: applied only to the periods their legal basis covers (a target set in 2021 "
        "does not judge 2016–2020); among those, the nearest upcoming deadline applies. Districts "
        "behind: compared with the district target; yes/no indicators: districts answering no.",
    },
    "deck_methods_map": {
        "vi": "Màu bản đồ và biểu đồ theo các khoảng cố định cho mọi kỳ, để so sánh được giữa các "
        "năm; màu xám là chưa có số liệu, không phải 0.",
        "en": "Map and chart colours use the same classes in every period, so years can be "
        "compared; grey means no data, never 0.",
    },
    "deck_notes_sources": {
        "vi": "Trang này liệt kê {sources} nguồn số liệu đã công bố và {bases} văn bản làm căn cứ "
        "cho các mục tiêu, cùng cách tính và ý nghĩa của số liệu minh họa.",
        "en": "This slide lists {sources} published sources and {bases} documents the targets are "
        "based on, with the methods and what illustrative figures mean.",
    },
    "kpi_year_label": {"vi": "năm {period}", "en": "{period}"},
    "kpi_term_label": {"vi": "nhiệm kỳ {period}", "en": "term {period}"},
    "kpi_points": {"vi": "điểm phần trăm", "en": "percentage points"},
    "kpi_no_change": {"vi": "không đổi", "en": "no change"},
    "kpi_change_illustrative": {
        "vi": "có số liệu minh họa, không phải thay đổi thật",
        "en": "involves illustrative figures, not a real change",
    },
    "kpi_say_change_illustrative": {
        "vi": "Phép so sánh này có một đầu là số liệu minh họa, nên không phải là thay đổi thật.",
        "en": "One end of this comparison is illustrative, so it is not a real change.",
    },
    "kpi_say_unchanged": {
        "vi": "Không đổi so với {period} ({previous}).",
        "en": "Unchanged since {period} ({previous}).",
    },
    "kpi_no_data_any_period": {
        "vi": "Chỉ tiêu này chưa có số liệu.",
        "en": "This indicator has no figures yet.",
    },
    "kpi_city_line": {"vi": "Toàn thành phố, {period}: {value}", "en": "Whole city, {period}: {value}"},
    "kpi_latest_period": {
        "vi": "Số liệu mới nhất: {period} (kỳ đã chọn: {requested})",
        "en": "Latest figures: {period} (period selected: {requested})",
    },
    "kpi_change_line": {"vi": "So với {period}: {change}", "en": "Compared with {period}: {change}"},
    "kpi_districts_behind": {
        "vi": "Chưa đạt mục tiêu: {count} trong số {reporting} quận, huyện, thị xã có số liệu",
        "en": "Below target: {count} of the {reporting} districts reporting",
    },
    "kpi_districts_behind_none": {
        "vi": "Cả {reporting} quận, huyện, thị xã có số liệu đều đạt mục tiêu",
        "en": "All {reporting} districts reporting meet the target",
    },
    "kpi_districts_no": {
        "vi": "Trả lời «không»: {count} trong số {reporting} quận, huyện, thị xã có số liệu",
        "en": "Answering no: {count} of the {reporting} districts reporting",
    },
    "kpi_districts_no_none": {
        "vi": "Cả {reporting} quận, huyện, thị xã có số liệu đều trả lời «có»",
        "en": "All {reporting} districts reporting answer yes",
    },
    "kpi_reporting": {
        "vi": "Có số liệu: {count} trong số {total} quận, huyện, thị xã",
        "en": "Reporting: {count} of {total} districts",
    },
    "kpi_no_council": {
        "vi": "Không tổ chức HĐND (phường, Nghị quyết 97/2019/QH14): {count} quận, huyện, thị xã",
        "en": "No People's Council (wards, Resolution 97/2019/QH14): {count} districts",
    },
    "kpi_say_no_council": {
        "vi": "{count} quận, huyện, thị xã không tổ chức HĐND ở cấp này (các phường không có HĐND từ "
        "01/07/2021, Nghị quyết 97/2019/QH14), nên không được tính là thiếu số liệu.",
        "en": "{count} districts have no council at this level (wards have no People's Council from "
        "1 July 2021, Resolution 97/2019/QH14), so they are not counted as missing figures.",
    },
    "kpi_derived": {"vi": "tính từ số liệu quận, huyện, thị xã", "en": "computed from district figures"},
    "kpi_say_no_data": {
        "vi": "Chỉ tiêu «{name}» chưa có số liệu.",
        "en": "There are no figures yet for “{name}”.",
    },
    "kpi_say_no_city_value": {
        "vi": "Chỉ tiêu «{name}» chưa có giá trị toàn thành phố cho {period}.",
        "en": "“{name}” has no city-wide value for {period}.",
    },
    "kpi_say_share_yes": {
        "vi": "{name}, {period}: {yes} trong số {total} quận, huyện, thị xã trả lời «có», tức {value}.",
        "en": "{name}: in {period}, {yes} of {total} districts answer yes, that is {value}.",
    },
    "kpi_say_value": {
        "vi": "{name}, {period}: toàn thành phố đạt {value}",
        "en": "{name}, {period}: the city-wide value is {value}",
    },
    "kpi_say_ratio": {"vi": ", tức {ratio}", "en": ", that is {ratio}"},
    "kpi_say_latest": {
        "vi": "Không có số liệu cho năm {requested}; đây là số liệu {period}, kỳ gần nhất có số liệu.",
        "en": "There are no figures for {requested}; these are for {period}, the latest period with figures.",
    },
    "kpi_say_met": {
        "vi": "Kết quả này đạt mục tiêu {target} đến năm {year} ({basis}).",
        "en": "This meets the target of {target} by {year} ({basis}).",
    },
    "kpi_say_not_met": {
        "vi": "Kết quả này chưa đạt mục tiêu {target} đến năm {year} ({basis}).",
        "en": "This does not yet meet the target of {target} by {year} ({basis}).",
    },
    "kpi_say_no_target_for_period": {
        "vi": "Không có mục tiêu nào áp dụng cho kỳ này: mỗi mục tiêu chỉ dùng cho các kỳ mà văn bản "
        "làm căn cứ bao trùm.",
        "en": "No target applies to this period: each target is used only for the periods its legal "
        "basis covers.",
    },
    "kpi_say_no_target": {
        "vi": "Chỉ tiêu này không có mục tiêu định lượng.",
        "en": "This indicator has no numeric target.",
    },
    "kpi_say_change": {
        "vi": "So với {period} ({previous}), thay đổi {change}.",
        "en": "Compared with {period} ({previous}), the change is {change}.",
    },
    "kpi_say_districts_behind": {
        "vi": "Trong số {reporting} quận, huyện, thị xã có số liệu, {count} đơn vị chưa đạt mục tiêu "
        "cấp huyện.",
        "en": "Of the {reporting} districts reporting, {count} fall short of the district target.",
    },
    "kpi_say_districts_behind_none": {
        "vi": "Cả {reporting} quận, huyện, thị xã có số liệu đều đạt mục tiêu cấp huyện.",
        "en": "All {reporting} districts reporting meet the district target.",
    },
    "kpi_say_districts_no": {
        "vi": "Trong số {reporting} quận, huyện, thị xã có số liệu, {count} đơn vị trả lời «không».",
        "en": "Of the {reporting} districts reporting, {count} answer no.",
    },
    "kpi_say_districts_no_none": {
        "vi": "Cả {reporting} quận, huyện, thị xã có số liệu đều trả lời «có».",
        "en": "All {reporting} districts reporting answer yes.",
    },
    "kpi_say_missing": {
        "vi": "{missing} trong số {total} quận, huyện, thị xã chưa có số liệu.",
        "en": "{missing} of the {total} districts have no figures.",
    },
    "kpi_say_illustrative": {
        "vi": "Lưu ý: các số liệu này có phần minh họa, không phải số liệu chính thức.",
        "en": "Note: some of these figures are illustrative, not official.",
    },
    "export_unit": {"vi": "Đơn vị", "en": "Unit"},
    "export_illustrative_source": {
        "vi": "số liệu cấp huyện: minh họa, sinh tự động",
        "en": "district figures: illustrative, generated",
    },
    # District profile and methods pages
    "profile_heading": {"vi": "Hồ sơ quận, huyện, thị xã", "en": "District profile"},
    "profile_choose": {"vi": "Chọn quận, huyện, thị xã", "en": "Choose a district"},
    "profile_placeholder": {"vi": "— Chọn quận, huyện, thị xã —", "en": "— Choose a district —"},
    "profile_prompt": {
        "vi": "Chọn một quận, huyện, thị xã ở ô phía trên để xem hồ sơ: mọi chỉ tiêu so với toàn "
        "thành phố và với mục tiêu, thứ hạng trong các quận, huyện, thị xã và thay đổi so với kỳ trước.",
        "en": "Choose a district above to see its profile: every indicator against the whole city "
        "and the target, its rank among the districts and the change since the previous period.",
    },
    "profile_intro": {
        "vi": "Mỗi chỉ tiêu: giá trị kỳ gần nhất có số liệu, toàn thành phố cùng kỳ, mục tiêu và "
        "căn cứ, thứ hạng (1 = tốt nhất) và thay đổi so với kỳ trước. Kỳ không có số liệu để "
        "trống trên biểu đồ, không tính là 0.",
        "en": "For each indicator: the latest value reported, the whole city in the same period, "
        "the target and its basis, the rank (1 = best) and the change since the previous period. "
        "Periods without data are left blank on the charts, never drawn as 0.",
    },
    "profile_population": {"vi": "Dân số 2019", "en": "Population 2019"},
    "profile_people": {"vi": "người", "en": "people"},
    "profile_communes": {
        "vi": "xã, phường, thị trấn (2020)",
        "en": "communes, wards and townships (2020)",
    },
    "profile_census_source": {
        "vi": "Nguồn dân số: Tổng điều tra dân số và nhà ở 2019, Tổng cục Thống kê.",
        "en": "Population: 2019 Population and Housing Census, General Statistics Office.",
    },
    "profile_city_same_period": {"vi": "Toàn thành phố cùng kỳ", "en": "Whole city, same period"},
    "profile_city_average": {"vi": "trung bình mỗi quận, huyện, thị xã", "en": "average per district"},
    "profile_districts_average": {"vi": "Trung bình các quận, huyện, thị xã", "en": "District average"},
    "profile_city_target": {
        "vi": "mục tiêu chung của toàn thành phố",
        "en": "a target for the city as a whole",
    },
    "profile_district_target": {
        "vi": "áp dụng cho từng quận, huyện, thị xã",
        "en": "applies to each district",
    },
    "profile_assessment": {"vi": "Đánh giá", "en": "Assessment"},
    "profile_assessed_city_only": {
        "vi": "không đánh giá riêng từng quận, huyện, thị xã",
        "en": "not assessed per district",
    },
    "profile_rank_of": {
        "vi": "{rank} trên {count} quận, huyện, thị xã có số liệu (1 = tốt nhất)",
        "en": "{rank} of {count} districts reporting (1 = best)",
    },
    "profile_not_ranked_boolean": {
        "vi": "không xếp hạng (chỉ tiêu có/không)",
        "en": "not ranked (yes/no indicator)",
    },
    "profile_not_ranked_neutral": {
        "vi": "không xếp hạng (cao hay thấp đều không phải là tốt hơn)",
        "en": "not ranked (neither higher nor lower is better)",
    },
    "profile_change": {"vi": "Thay đổi so với kỳ trước", "en": "Change since the previous period"},
    "profile_no_change": {"vi": "không đổi", "en": "no change"},
    "profile_points": {"vi": "điểm %", "en": "pp"},
    "profile_since": {"vi": "so với {period}", "en": "vs {period}"},
    "profile_no_previous_data": {
        "vi": "chưa có số liệu kỳ trước",
        "en": "no data for the previous period",
    },
    "profile_first_period": {"vi": "chưa có kỳ trước", "en": "no earlier period"},
    "profile_not_reported_latest": {
        "vi": "Không có số liệu kỳ {period}; giá trị trên là kỳ gần nhất có báo cáo.",
        "en": "No figure for {period}; the value above is the latest reported.",
    },
    "profile_no_council_latest": {
        "vi": "Kỳ {period}: không tổ chức HĐND ở cấp này (các phường không có HĐND từ 01/07/2021, Nghị "
        "quyết 97/2019/QH14); giá trị trên là kỳ gần nhất có HĐND.",
        "en": "{period}: no People's Council at this level (wards have none from 1 July 2021, "
        "Resolution 97/2019/QH14); the value above is from the latest period with a council.",
    },
    "profile_print": {"vi": "In hồ sơ", "en": "Print profile"},
    "profile_see_on_map": {"vi": "Xem trên bản đồ", "en": "See on the map"},
    "profile_no_indicators": {
        "vi": "Quận, huyện, thị xã này chưa có số liệu chỉ tiêu nào.",
        "en": "This district has no indicator figures yet.",
    },
    "methods_heading": {"vi": "Dữ liệu và phương pháp", "en": "Data and methods"},
    "methods_intro": {
        "vi": "Siêu dữ liệu của từng chỉ tiêu theo mẫu của Tổng cục Thống kê, ý nghĩa các trạng "
        "thái số liệu, nguồn bản đồ và giấy phép, và số giá trị chính thức, sơ bộ, minh họa của "
        "từng chỉ tiêu.",
        "en": "GSO-style metadata for each indicator, what the data status flags mean, where the "
        "maps come from and under which licence, and how many values of each indicator are "
        "official, provisional or illustrative.",
    },
    "methods_metadata": {"vi": "Siêu dữ liệu chỉ tiêu", "en": "Indicator metadata"},
    "methods_choose_indicator": {"vi": "Chọn chỉ tiêu", "en": "Choose an indicator"},
    "methods_field_id": {"vi": "Mã chỉ tiêu", "en": "Indicator id"},
    "methods_field_theme": {"vi": "Chủ đề", "en": "Theme"},
    "methods_field_definition": {"vi": "Khái niệm, định nghĩa", "en": "Definition"},
    "methods_field_formula": {"vi": "Phương pháp tính", "en": "Formula"},
    "methods_field_numerator": {"vi": "Tử số", "en": "Numerator"},
    "methods_field_denominator": {"vi": "Mẫu số", "en": "Denominator"},
    "methods_field_breakdown": {"vi": "Phân tổ chủ yếu", "en": "Main breakdowns"},
    "methods_field_frequency": {"vi": "Kỳ công bố", "en": "Frequency"},
    "methods_field_unit": {"vi": "Đơn vị tính", "en": "Unit"},
    "methods_field_levels": {"vi": "Cấp có số liệu", "en": "Levels observed"},
    "methods_field_polarity": {"vi": "Chiều đánh giá", "en": "Direction"},
    "methods_field_city_aggregate": {"vi": "Số liệu toàn thành phố", "en": "City figure"},
    "methods_field_agency": {
        "vi": "Cơ quan chịu trách nhiệm thu thập, tổng hợp",
        "en": "Responsible agency",
    },
    "methods_field_source": {"vi": "Nguồn số liệu", "en": "Data source"},
    "methods_field_targets": {"vi": "Mục tiêu và căn cứ pháp lý", "en": "Targets and legal basis"},
    "methods_field_note": {"vi": "Ghi chú", "en": "Note"},
    "methods_field_periods": {"vi": "Các kỳ có số liệu", "en": "Periods with data"},
    "methods_frequency_annual": {"vi": "Hằng năm", "en": "Annual"},
    "methods_frequency_term": {
        "vi": "Theo nhiệm kỳ 5 năm (kỳ ghi theo năm đầu nhiệm kỳ)",
        "en": "Per five-year term (a period is named by the term's first year)",
    },
    "methods_polarity_higher_is_better": {"vi": "Càng cao càng tốt", "en": "Higher is better"},
    "methods_polarity_lower_is_better": {"vi": "Càng thấp càng tốt", "en": "Lower is better"},
    "methods_polarity_neutral": {
        "vi": "Không có chiều tốt, xấu (chỉ tiêu bối cảnh)",
        "en": "Neither higher nor lower is better (context)",
    },
    "methods_level_district": {"vi": "quận, huyện, thị xã", "en": "district"},
    "methods_level_city": {"vi": "thành phố", "en": "city"},
    "methods_level_country": {"vi": "cả nước", "en": "country"},
    "methods_aggregate_ratio_of_sums": {
        "vi": "Tổng tử số ÷ tổng mẫu số của các quận, huyện, thị xã × 100 (không lấy trung bình các tỷ "
        "lệ), trừ khi thành phố công bố số liệu riêng",
        "en": "Sum of the district numerators ÷ sum of the denominators × 100 (not an average of "
        "percentages), unless the city publishes its own figure",
    },
    "methods_aggregate_share_of_units": {
        "vi": "Tỷ lệ đơn vị trả lời «có» trong số quận, huyện, thị xã có số liệu",
        "en": "Share of the reporting districts that answer yes",
    },
    "methods_aggregate_sum": {"vi": "Tổng của các quận, huyện, thị xã", "en": "Sum over the districts"},
    "methods_aggregate_none": {
        "vi": "Chỉ dùng số liệu đã công bố cho toàn thành phố",
        "en": "The published city figure only",
    },
    "methods_scope_city": {"vi": "toàn thành phố", "en": "city-wide"},
    "methods_scope_district": {"vi": "từng quận, huyện, thị xã", "en": "each district"},
    "methods_by_year": {"vi": "đến năm", "en": "by"},
    "methods_applies_from": {"vi": "áp dụng từ {start}", "en": "applies from {start}"},
    "methods_applies_range": {"vi": "áp dụng {start} đến {end}", "en": "applies {start} to {end}"},
    "methods_applies_term": {"vi": "áp dụng cho nhiệm kỳ {period}", "en": "applies to the {period} term"},
    "methods_applies_year": {"vi": "áp dụng cho năm {period}", "en": "applies to {period}"},
    "methods_statuses": {"vi": "Trạng thái số liệu", "en": "Data status flags"},
    "methods_status_official_text": {
        "vi": "Số liệu do cơ quan có thẩm quyền công bố (Tổng cục Thống kê, Hội đồng bầu cử, Hội "
        "đồng nhân dân, Ủy ban nhân dân…), có ghi nguồn.",
        "en": "Figures published by a competent authority (General Statistics Office, election "
        "councils, People's Councils and Committees…), with their source.",
    },
    "methods_status_provisional_text": {
        "vi": "Số liệu đã được công bố (thường qua báo chí) nhưng chưa phải kết quả cuối cùng; có "
        "thể thay đổi khi có số liệu chính thức.",
        "en": "Figures already published (often in the press) but not final; they may change when "
        "the official figures come out.",
    },
    "methods_status_illustrative_text": {
        "vi": "Không phải số liệu thật. Được sinh tự động để trình bày khi số liệu cấp quận, "
        "huyện chưa được công bố; tổng của chúng khớp với số liệu thật của thành phố khi có. "
        "Không dùng để đánh giá quận, huyện, thị xã nào.",
        "en": "Not real figures. Generated for demonstration while district figures are not "
        "public; they add up to the real city totals where these exist. Do not use them to assess "
        "any district.",
    },
    "methods_counts": {"vi": "Số giá trị theo trạng thái", "en": "Values by status"},
    "methods_counts_intro": {
        "vi": "Số giá trị trong cơ sở dữ liệu của bảng điều khiển, theo chỉ tiêu và trạng thái "
        "(mọi cấp, mọi kỳ).",
        "en": "Values in the dashboard's database, by indicator and status (every level, every "
        "period).",
    },
    "methods_total": {"vi": "Tổng", "en": "Total"},
    "methods_all_indicators": {"vi": "Tất cả chỉ tiêu", "en": "All indicators"},
    "methods_real_figures": {"vi": "Số liệu thật và nguồn", "en": "Real figures and their sources"},
    "methods_real_figures_intro": {
        "vi": "Các số liệu đã công bố cho toàn thành phố Hà Nội và cả nước, dùng trong bảng điều "
        "khiển.",
        "en": "The published figures for the whole of Hà Nội and for Viet Nam used in the "
        "dashboard.",
    },
    "methods_area": {"vi": "Phạm vi", "en": "Area"},
    "methods_area_hn_city": {"vi": "Hà Nội", "en": "Hà Nội"},
    "methods_area_vn_country": {"vi": "Cả nước", "en": "Viet Nam"},
    "methods_geodata": {
        "vi": "Bản đồ, danh mục đơn vị và giấy phép",
        "en": "Maps, unit lists and licences",
    },
    "methods_geodata_map": {
        "vi": "Bản đồ 30 quận, huyện, thị xã (hiệu lực đến 30/6/2025): geoBoundaries gbOpen, Việt "
        "Nam cấp 2 (ADM2), năm 2020; nguồn gốc OCHA ROAP / Chính phủ Việt Nam; giấy phép CC BY "
        "3.0 IGO.",
        "en": "Map of the 30 districts (valid until 30 June 2025): geoBoundaries gbOpen, Viet Nam "
        "ADM2, year 2020; upstream source OCHA ROAP / Government of Viet Nam; licence CC BY 3.0 "
        "IGO.",
    },
    "methods_geodata_units": {
        "vi": "Mã đơn vị hành chính và số xã, phường, thị trấn (01/01/2020): danh mục đơn vị hành "
        "chính của Tổng cục Thống kê (bản chép công khai daohoangson/dvhcvn).",
        "en": "Administrative-unit codes and the number of communes, wards and townships (1 Jan "
        "2020): the General Statistics Office's list of administrative units (public copy "
        "daohoangson/dvhcvn).",
    },
    "methods_geodata_census": {
        "vi": "Dân số: Tổng điều tra dân số và nhà ở 2019, Tổng cục Thống kê (kết quả toàn bộ); "
        "30 quận, huyện, thị xã cộng lại đúng 8.053.663 người. Dân số theo giới tính của từng đơn vị "
        "chưa có trong tệp công khai nào nên không được hiển thị.",
        "en": "Population: 2019 Population and Housing Census, General Statistics Office "
        "(complete results); the 30 districts add up to exactly 8,053,663 people. Population by "
        "sex per district is in no public file, so it is not shown.",
    },
    "reform_notice": {
        "vi": "Bản đồ 30 quận, huyện, thị xã dùng cho số liệu đến ngày 30/6/2025. Từ 01/07/2025, "
        "chính quyền địa phương chỉ còn hai cấp (thành phố và xã, phường): cấp huyện không còn, "
        "Hà Nội nay có 126 xã, phường (Nghị quyết 1656/NQ-UBTVQH15, 16/6/2025). Số liệu sau mốc "
        "này thuộc bản đồ mới và không được vẽ lên ranh giới 30 quận, huyện, thị xã.",
        "en": "The map of 30 districts serves figures up to 30 June 2025. From 1 July 2025 local "
        "government has two levels (the city, and communes and wards): the district level no "
        "longer exists and Hà Nội now has 126 communes and wards (Resolution 1656/NQ-UBTVQH15, 16 "
        "June 2025). Figures after that date belong to the new map and are not drawn on the 30 "
        "district boundaries.",
    },
    "methods_updated": {"vi": "Cơ sở dữ liệu cập nhật lần cuối", "en": "Database last updated"},
    "app_title": {
        "vi": "Hà Nội: bình đẳng giới và vì sự tiến bộ của phụ nữ",
        "en": "Hà Nội: gender equality and the advancement of women",
    },
    "app_subtitle": {
        "vi": "Theo dõi Kế hoạch 45/KH-UBND theo quận, huyện, thị xã (đến 30/06/2025) và xã, phường (từ 01/07/2025)",
        "en": "Tracking plan 45/KH-UBND by district (until 30 June 2025) and by commune or ward (from 1 July 2025)",
    },
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    # The map page's first view (views/first_view.py), shown while the live map loads.
    "first_view_loading": {
        "vi": "Đang tải bản đồ tương tác… Hình dưới đây là ảnh tĩnh của cùng số liệu.",
        "en": "Loading the interactive map… Below is a still picture of the same figures.",
    },
    "ranking": {"vi": "Xếp hạng", "en": "Ranking"},
    "period": {"vi": "Kỳ số liệu", "en": "Period"},
    "term": {"vi": "Nhiệm kỳ", "en": "Term"},
    "year": {"vi": "Năm", "en": "Year"},
    "no_data": {"vi": "chưa có số liệu", "en": "no data"},
    "yes": {"vi": "Có", "en": "Yes"},
    "no": {"vi": "Không", "en": "No"},
    "city": {"vi": "Toàn thành phố", "en": "Whole city"},
    "target": {"vi": "Mục tiêu", "en": "Target"},
    "basis": {"vi": "Căn cứ", "en": "Basis"},
    "met": {"vi": "đạt", "en": "met"},
    "not_met": {"vi": "chưa đạt", "en": "not met"},
    "no_target": {"vi": "không có mục tiêu định lượng", "en": "no numeric target"},
    "no_target_for_period": {
        "vi": "không có mục tiêu áp dụng cho kỳ này",
        "en": "no target applies to this period",
    },
    "districts_with_yes": {"vi": "quận, huyện, thị xã có", "en": "districts with yes"},
    "rank": {"vi": "Xếp hạng", "en": "Rank"},
    "of": {"vi": "trên", "en": "of"},
    "status": {"vi": "Trạng thái số liệu", "en": "Data status"},
    "status_official": {"vi": "chính thức", "en": "official"},
    "status_provisional": {"vi": "sơ bộ", "en": "provisional"},
    "status_illustrative": {"vi": "minh họa", "en": "illustrative"},
    "status_no_council": {"vi": "không tổ chức HĐND", "en": "no People's Council"},
    "source": {"vi": "Nguồn", "en": "Source"},
    "select_district_hint": {
        "vi": "Chạm vào một quận, huyện, thị xã trên bản đồ hoặc biểu đồ để xem chi tiết.",
        "en": "Tap a district on the map or the chart to see its details.",
    },
    "illustrative_notice": {
        "vi": "Số liệu minh họa: số liệu cấp huyện chưa được công bố; các giá trị đánh dấu "
        "«minh họa» được sinh tự động để trình bày, tổng của chúng khớp với số liệu thật "
        "của thành phố khi có.",
        "en": "Illustrative data: district figures are not public; values marked «illustrative» "
        "are generated for demonstration and add up to the real city totals where these exist.",
    },
    "legend": {"vi": "Chú giải", "en": "Legend"},
    "city_value": {"vi": "Giá trị toàn thành phố", "en": "City value"},
    "not_applicable_map": {
        "vi": "Kỳ này thuộc bản đồ hành chính mới (từ 01/07/2025), chưa hiển thị trên bản đồ 30 "
        "quận, huyện, thị xã.",
        "en": "This period belongs to the new administrative map (from 1 July 2025) and is not "
        "drawn on the 30-district map.",
    },
    "no_district_data": {
        "vi": "Chỉ tiêu này chưa có số liệu cấp huyện cho kỳ đã chọn.",
        "en": "This indicator has no district figures for the selected period.",
    },
    "district": {"vi": "Quận, huyện, thị xã", "en": "District"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "switch_language": {"vi": "English", "en": "Tiếng Việt"},
    "full_screen": {"vi": "⛶ Toàn màn hình", "en": "⛶ Full screen"},
    "open_profile": {"vi": "Xem hồ sơ quận, huyện, thị xã →", "en": "Open the district profile →"},
    "view_map": {"vi": "Bản đồ", "en": "Map"},
    "view_chart": {"vi": "Biểu đồ", "en": "Chart"},
    "view_table": {"vi": "Bảng", "en": "Table"},
    "gap_to_target": {"vi": "Khoảng cách đến mục tiêu", "en": "Gap to target"},
    "gap_unavailable": {
        "vi": "Chỉ tiêu này không có mục tiêu định lượng cho từng quận, huyện, thị xã: bản đồ hiển thị giá trị.",
        "en": "This indicator has no numeric target per district: the map shows values.",
    },
    "points": {"vi": "điểm %", "en": "pp"},
    "trend_title": {"vi": "Diễn biến qua các kỳ", "en": "Trend over time"},
    "download_csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "download_excel": {"vi": "Tải Excel", "en": "Download Excel"},
    "numerator": {"vi": "Tử số (n)", "en": "Numerator (n)"},
    "denominator": {"vi": "Mẫu số (N)", "en": "Denominator (N)"},
    "last_updated": {"vi": "Cập nhật số liệu lần cuối", "en": "Data last updated"},
    # Database outage banner, shown on every open page while the database cannot be reached
    "database_unreachable": {
        "vi": "Không kết nối được cơ sở dữ liệu. Số liệu đang hiển thị là lần tải gần nhất; trang tự "
        "cập nhật khi kết nối lại.",
        "en": "The database cannot be reached. The figures shown are the last ones loaded; the page "
        "updates itself when the database is back.",
    },
    "database_unreachable_start": {
        "vi": "Không kết nối được cơ sở dữ liệu nên chưa có số liệu để hiển thị. Xin tải lại trang sau "
        "ít phút.",
        "en": "The database cannot be reached, so there are no figures to show yet. Please reload the "
        "page in a few minutes.",
    },
    # HF: the profile of a unit on the 126-unit map (from 1 July 2025); its wordings there are in ON_COMMUNE_MAP
    "profile_map_choice": {"vi": "Bản đồ", "en": "Map"},
    "profile_unit_type": {"vi": "Loại đơn vị", "en": "Type of unit"},
    "profile_unit_map": {
        "vi": "Bản đồ {map} ({dates})",
        "en": "Map of {map} ({dates})",
    },
    "profile_predecessors": {"vi": "Trước 01/07/2025 thuộc", "en": "Before 1 July 2025 part of"},
    "profile_predecessor_communes": {
        "vi": "{count} xã, phường, thị trấn cũ",
        "en": "{count} former communes, wards or townships",
    },
    "profile_predecessor_partial": {"vi": "một phần", "en": "in part"},
    "profile_predecessors_note": {
        "vi": "Số liệu của các quận, huyện cũ không được chuyển sang đơn vị mới: hồ sơ này chỉ có các kỳ "
        "của bản đồ 126 xã, phường.",
        "en": "Figures of the former districts are not carried over to the new unit: this profile shows "
        "only the periods of the 126-unit map.",
    },
    # HD: map transition page, unit search box, methods page on two maps
    "transition_intro": {
        "vi": "Quận, huyện, thị xã nào đã chuyển thành những xã, phường mới nào từ 01/07/2025, và số liệu "
        "trước và sau khi sắp xếp so với nhau ra sao?",
        "en": "Which new communes and wards took the communes of each old district on 1 July 2025, and how "
        "do the figures before and after the reorganisation compare?",
    },
    "transition_choose_district": {"vi": "Quận, huyện, thị xã cũ", "en": "Old district"},
    "transition_choose_indicator": {"vi": "Chỉ tiêu có trên cả hai bản đồ", "en": "Indicator on both maps"},
    "transition_no_indicator": {
        "vi": "Chưa có chỉ tiêu nào có số liệu trên cả bản đồ quận, huyện và bản đồ xã, phường.",
        "en": "No indicator has figures on both the district map and the commune map yet.",
    },
    "transition_unit": {"vi": "Đơn vị", "en": "Unit"},
    "transition_map": {"vi": "Bản đồ", "en": "Map"},
    "transition_period": {"vi": "Kỳ", "en": "Period"},
    "transition_ratio": {"vi": "n/N", "en": "n/N"},
    "transition_merge": {"vi": "Sáp nhập", "en": "Merge"},
    "transition_approximate_column": {"vi": "Ước tính?", "en": "Approximate?"},
    "transition_approximate": {"vi": "ước tính / approximate", "en": "approximate / ước tính"},
    "transition_merge_word_full": {"vi": "trọn xã", "en": "whole"},
    "transition_merge_word_partial": {"vi": "một phần", "en": "partial"},
    "transition_merge_full": {
        "vi": "{communes} xã, phường cũ, đều trọn vẹn",
        "en": "{communes} old communes, all whole",
    },
    "transition_merge_partial": {
        "vi": "{communes} xã, phường cũ ({full} trọn vẹn, {partial} một phần)",
        "en": "{communes} old communes ({full} whole, {partial} in part)",
    },
    "transition_other_districts": {
        "vi": "cũng nhận xã, phường của quận, huyện khác",
        "en": "also took communes of another district",
    },
    "transition_estimate_name": {
        "vi": "{district}: các đơn vị mới gộp lại",
        "en": "{district}: its new units combined",
    },
    "transition_reason_base": {
        "vi": "Số liệu của các xã, phường mới được gộp lại trên phạm vi quận, huyện cũ như cách tính số "
        "toàn thành phố; ranh giới mới không trùng ranh giới cũ nên con số này chỉ là ước tính.",
        "en": "The new units' figures are combined over the old district as the city figure is; the new "
        "borders do not follow the old ones, so this figure is only approximate.",
    },
    "transition_reason_partial": {
        "vi": "Sáp nhập một phần (chỉ nhận một phần xã, phường cũ bị chia tách): {units}.",
        "en": "Partial merges (took only part of a split old commune): {units}.",
    },
    "transition_reason_shared": {
        "vi": "Cũng gồm xã, phường của quận, huyện khác: {units}.",
        "en": "Also include communes of another district: {units}.",
    },
    "transition_units_reporting": {
        "vi": "Chỉ {reporting}/{total} đơn vị mới có số liệu; đơn vị thiếu số liệu không được tính là 0.",
        "en": "Only {reporting} of {total} new units have figures; missing units are not counted as zero.",
    },
    "transition_summary": {
        "vi": "{communes} xã, phường, thị trấn cũ của {district} ({split} trong số đó bị chia cho nhiều đơn "
        "vị) nay thuộc {units} xã, phường mới: {full} đơn vị chỉ nhận trọn xã cũ, {partial} đơn vị có nhận "
        "một phần của xã cũ bị chia tách.",
        "en": "The {communes} old communes of {district} ({split} of them split between several units) now "
        "belong to {units} new communes and wards: {full} took whole old communes only, {partial} took part "
        "of a split one.",
    },
    "transition_district_communes": {
        "vi": "{communes} xã, phường cũ ({full} chuyển trọn, {partial} bị chia tách)",
        "en": "{communes} old communes ({full} moved whole, {partial} split)",
    },
    "transition_see_note": {"vi": "xem ghi chú phía trên bảng", "en": "see the note above the table"},
    "transition_key_full": {"vi": "nhận trọn xã, phường cũ", "en": "took whole old communes"},
    "transition_key_partial": {"vi": "có nhận một phần xã, phường cũ", "en": "took part of an old commune"},
    "transition_key_outline": {"vi": "ranh giới quận, huyện cũ", "en": "old district border"},
    "search_label": {"vi": "Tìm xã, phường", "en": "Find a commune or ward"},
    "search_label_district": {"vi": "Tìm quận, huyện", "en": "Find a district"},
    "search_placeholder": {
        "vi": "Gõ tên, có dấu hoặc không dấu (vd. hoan kiem)",
        "en": "Type a name, with or without diacritics (e.g. hoan kiem)",
    },
    "search_no_match": {"vi": "Không tìm thấy đơn vị nào tên «{query}».", "en": "No unit named “{query}”."},
    "methods_maps": {"vi": "Hai bản đồ hành chính", "en": "Two administrative maps"},
    "methods_map_periods_district": {
        "vi": "Số liệu năm đến 2024 và các nhiệm kỳ 2016–2021, 2021–2026.",
        "en": "Annual figures up to 2024 and the terms 2016–2021 and 2021–2026.",
    },
    "methods_map_periods_commune": {
        "vi": "Số liệu năm từ 2025 (tình hình ngày 31/12) và nhiệm kỳ 2026–2031.",
        "en": "Annual figures from 2025 (as on 31 December) and the 2026–2031 term.",
    },
    "methods_map_valid": {"vi": "Hiệu lực", "en": "Valid"},
    "methods_bridge": {"vi": "Nối hai bản đồ: con số ước tính", "en": "Bridging the maps: approximate figures"},
    "methods_bridge_text": {
        "vi": "Trang «Chuyển đổi bản đồ» liệt kê, cho mỗi quận, huyện cũ, các xã, phường mới đã nhận xã, phường "
        "của nó theo bảng chuyển đổi (526 xã, phường, thị trấn cũ → 126 đơn vị mới). Con số duy nhất đi qua "
        "hai bản đồ là số liệu của các đơn vị mới gộp lại trên phạm vi quận, huyện cũ: tỷ lệ được tính lại "
        "từ tổng tử số và tổng mẫu số, chỉ tiêu có/không thành tỷ lệ đơn vị trả lời «có», số đếm được cộng "
        "lại; đơn vị thiếu số liệu bị bỏ qua, không tính là 0. Con số này luôn ghi «ước tính»: một xã cũ bị "
        "chia cho hai đơn vị mới trở lên (sáp nhập một phần) và một đơn vị mới nhận xã của nhiều quận, huyện "
        "khiến phạm vi gộp lại không trùng quận, huyện cũ. Không có con số nào được chuyển sang bản đồ kia "
        "mà không ghi rõ như vậy.",
        "en": "The “Map transition” page lists, for each old district, the new communes and wards that took "
        "its communes, from the crosswalk (526 old communes, wards and townships → 126 new units). The only "
        "figure that crosses the maps is the new units' figures combined over the old district: ratios are "
        "recomputed from summed numerators and denominators, yes/no indicators become the share of units "
        "answering yes, counts are summed; units without a figure are left out, never counted as zero. It "
        "is always marked “approximate”: an old commune split between two or more new units (a partial "
        "merge) and a new unit that took communes of several districts make the combined area differ from "
        "the old district. No figure is carried to the other map without saying so.",
    },
    "snapshot_offline_note_communes": {
        "vi": "Bản sao ngoại tuyến, xuất ngày {date}. Di chuột lên bản đồ hoặc biểu đồ để xem giá trị, "
        "chạm vào một xã, phường để xem chi tiết. Muốn đổi chỉ tiêu, kỳ số liệu hoặc ngôn ngữ, hãy "
        "mở bảng theo dõi trực tuyến.",
        "en": "Offline copy exported on {date}. Hover over the map or the chart to see values, tap a "
        "commune or ward for its details. To change the indicator, period or language, open the live "
        "dashboard.",
    },
    "deck_behind_title_communes": {"vi": "Xã, phường chưa đạt mục tiêu", "en": "Communes and wards behind target"},
    "deck_behind_communes": {"vi": "Xã, phường", "en": "Communes and wards"},
    "methods_quota_unverified": {
        "vi": "Chưa xác minh được văn bản quy định tỷ lệ nữ ứng cử viên cho nhiệm kỳ 2026–2031: chưa áp dụng "
        "mục tiêu nào.",
        "en": "The text setting a quota of women candidates for the 2026–2031 term has not been verified: no "
        "target is applied.",
    },
    # HC: the explorer on both maps
    "ranking_cut": {
        "vi": "Hiển thị {keep} đơn vị đứng đầu, {keep} đơn vị đứng cuối bảng xếp hạng và đơn vị đang chọn, "
        "trong số {count} đơn vị có số liệu; danh sách đầy đủ ở chế độ xem Bảng.",
        "en": "Showing the top {keep}, the bottom {keep} and the selected unit of the {count} units "
        "with data; the Table view has the full list.",
    },
    "ranking_cut_answers": {
        "vi": "Hiển thị {keep} đơn vị đầu và {keep} đơn vị cuối danh sách (theo câu trả lời) cùng đơn vị đang "
        "chọn, trong số {count} đơn vị có số liệu; danh sách đầy đủ ở chế độ xem Bảng.",
        "en": "Showing the first {keep} and the last {keep} units (by answer) and the selected unit, of the "
        "{count} units with data; the Table view has the full list.",
    },
    "communes_with_yes": {"vi": "xã, phường có", "en": "communes and wards with yes"},
    "ranking_units_count": {
        "vi": "{count} đơn vị (xem chế độ xem Bảng)",
        "en": "{count} units (see the Table view)",
    },
    "map_changed": {"vi": "đổi bản đồ 01/07/2025", "en": "map changed 1 July 2025"},
    "map_shown": {"vi": "Bản đồ", "en": "Map"},
    "map_why_changed": {"vi": "Vì sao bản đồ thay đổi?", "en": "Why did the map change?"},
    "unit_cleared": {
        "vi": "{unit} không có trên bản đồ {map} của kỳ {period} nên đã được bỏ chọn. "
        "Hãy chọn một đơn vị trên bản đồ này.",
        "en": "{unit} is not on the map of {map} used for {period}, so it is no longer selected. "
        "Pick a unit on this map.",
    },
    # HB: the level of the 126-unit map, as the methods page lists an indicator's levels
    "methods_level_commune": {"vi": "xã, phường (từ 01/07/2025)", "en": "commune or ward (from 1 July 2025)"},
}


# The same sentences where they name the units of the 126-unit map (from 1 July 2025): `t_map`.
ON_COMMUNE_MAP: dict[str, dict[str, str]] = {
    "district": {"vi": "Xã, phường", "en": "Commune or ward"},
    "kpi_districts_behind": {
        "vi": "Chưa đạt mục tiêu: {count} trong số {reporting} xã, phường có số liệu",
        "en": "Below target: {count} of the {reporting} communes and wards reporting",
    },
    "kpi_districts_behind_none": {
        "vi": "Cả {reporting} xã, phường có số liệu đều đạt mục tiêu",
        "en": "All {reporting} communes and wards reporting meet the target",
    },
    "kpi_districts_no": {
        "vi": "Trả lời «không»: {count} trong số {reporting} xã, phường có số liệu",
        "en": "Answering no: {count} of the {reporting} communes and wards reporting",
    },
    "kpi_districts_no_none": {
        "vi": "Cả {reporting} xã, phường có số liệu đều trả lời «có»",
        "en": "All {reporting} communes and wards reporting answer yes",
    },
    "kpi_reporting": {
        "vi": "Có số liệu: {count} trong số {total} xã, phường",
        "en": "Reporting: {count} of {total} communes and wards",
    },
    "kpi_derived": {"vi": "tính từ số liệu xã, phường", "en": "computed from commune and ward figures"},
    "profile_rank_of": {
        "vi": "{rank} trên {count} xã, phường có số liệu (1 = tốt nhất)",
        "en": "{rank} of {count} communes and wards reporting (1 = best)",
    },
    "select_district_hint": {
        "vi": "Chạm vào một xã, phường trên bản đồ hoặc biểu đồ để xem chi tiết.",
        "en": "Tap a commune or ward on the map or the chart to see its details.",
    },
    "illustrative_notice": {
        "vi": "Số liệu minh họa: số liệu cấp xã chưa được công bố; các giá trị đánh dấu «minh họa» được "
        "sinh tự động để trình bày, tổng của chúng khớp với số liệu thật của thành phố khi có.",
        "en": "Illustrative data: commune and ward figures are not public; values marked «illustrative» "
        "are generated for demonstration and add up to the real city totals where these exist.",
    },
    "no_district_data": {
        "vi": "Chỉ tiêu này chưa có số liệu cấp xã cho kỳ đã chọn.",
        "en": "This indicator has no commune or ward figures for the selected period.",
    },
    "open_profile": {"vi": "Xem hồ sơ xã, phường →", "en": "Open the commune or ward profile →"},
    "kpi_say_districts_behind": {
        "vi": "Trong số {reporting} xã, phường có số liệu, {count} đơn vị chưa đạt mục tiêu cấp xã.",
        "en": "Of the {reporting} communes and wards reporting, {count} fall short of the unit target.",
    },
    "kpi_say_districts_behind_none": {
        "vi": "Cả {reporting} xã, phường có số liệu đều đạt mục tiêu cấp xã.",
        "en": "All {reporting} communes and wards reporting meet the unit target.",
    },
    "kpi_say_districts_no": {
        "vi": "Trong số {reporting} xã, phường có số liệu, {count} đơn vị trả lời «không».",
        "en": "Of the {reporting} communes and wards reporting, {count} answer no.",
    },
    "kpi_say_districts_no_none": {
        "vi": "Cả {reporting} xã, phường có số liệu đều trả lời «có».",
        "en": "All {reporting} communes and wards reporting answer yes.",
    },
    "kpi_say_missing": {
        "vi": "{missing} trong số {total} xã, phường chưa có số liệu.",
        "en": "{missing} of the {total} communes and wards have no figures.",
    },
    # HF: the unit profile's wordings on the 126-unit map
    "profile_heading": {"vi": "Hồ sơ xã, phường", "en": "Commune or ward profile"},
    "profile_choose": {"vi": "Chọn xã, phường", "en": "Choose a commune or ward"},
    "profile_placeholder": {"vi": "— Chọn xã, phường —", "en": "— Choose a commune or ward —"},
    "profile_prompt": {
        "vi": "Chọn một xã, phường ở ô phía trên để xem hồ sơ: mọi chỉ tiêu trên bản đồ 126 xã, phường so "
        "với toàn thành phố và với mục tiêu, thứ hạng trong các xã, phường và thay đổi so với kỳ trước.",
        "en": "Choose a commune or ward above to see its profile: every indicator on the 126-unit map "
        "against the whole city and the target, its rank among the communes and wards and the change "
        "since the previous period.",
    },
    "profile_city_average": {"vi": "trung bình mỗi xã, phường", "en": "average per commune or ward"},
    "profile_districts_average": {"vi": "Trung bình các xã, phường", "en": "Commune and ward average"},
    "profile_district_target": {"vi": "áp dụng cho từng xã, phường", "en": "applies to each commune or ward"},
    "districts_with_yes": {"vi": "xã, phường có", "en": "communes and wards with yes"},
    "profile_assessed_city_only": {
        "vi": "không đánh giá riêng từng xã, phường",
        "en": "not assessed per commune or ward",
    },
    "profile_no_indicators": {
        "vi": "Xã, phường này chưa có số liệu chỉ tiêu nào trên bản đồ 126 xã, phường.",
        "en": "This commune or ward has no indicator figures on the 126-unit map yet.",
    },
}


def t_map(key: str, lang: str, map_id: str) -> str:
    """The interface string `key` in `lang`, in the words of the map `map_id` (districts or communes)."""
    if map_id == COMMUNE_MAP.id and key in ON_COMMUNE_MAP:
        return ON_COMMUNE_MAP[key][lang]
    return t(key, lang)


def t(key: str, lang: str) -> str:
    """The interface string `key` in `lang`."""
    return STRINGS[key][lang]


def unit_noun(map_id: str, lang: str) -> str:
    """What one unit of a map is called: "Quận, huyện, thị xã" / "District", or "Xã, phường" / "Commune or ward"."""
    return t_map("district", lang, map_id)


def sentence_case(text: str) -> str:
    """The first letter in upper case and the rest as written: str.capitalize would turn HĐND into hđnd."""
    return text[:1].upper() + text[1:]


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


# Việt Nam keeps UTC+7 all year, so a fixed offset is exact.
VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7))


def format_datetime(moment: dt.datetime, lang: str = "vi") -> str:
    """28/11/2026 12:05 in Vietnamese, 28 Nov 2026 12:05 in English, in Vietnam time.

    A naive time is UTC: that is how SQLite hands back the stored timestamps.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(VIETNAM_TIME)
    return local.strftime("%d/%m/%Y %H:%M") if lang == "vi" else local.strftime("%d %b %Y %H:%M")


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
