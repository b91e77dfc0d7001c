"""The map-transition page served: a deep link to an old district lists its successors, marked approximate."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard import geo
from dashboard.catalogue import load_catalogue

from . import query_string, wait_until

BRIDGED = [ind.id for ind in load_catalogue() if "district" in ind.levels and "commune" in ind.levels]


def test_deep_link_to_a_district_lists_every_successor(open_app):
    page = open_app("/?page=transition&unit=001", plots=False)
    expect(page.locator(".transition-heading")).to_have_text("Chuyển đổi bản đồ")
    expect(page.locator(".transition-district select")).to_have_value("Quận Ba Đình")
    if not BRIDGED:
        expect(page.locator(".transition-empty")).to_be_visible()
        return
    rows = page.locator(".transition-table tbody tr.transition-row-unit")
    successors = geo.successors("001")
    expect(rows).to_have_count(len(successors))
    for code in successors["new_code"]:
        expect(page.locator(f'.transition-table tr[data-code="{code}"]')).to_have_count(1)
    expect(page.locator(".transition-approximate-flag")).to_have_text("ước tính / approximate")
    expect(page.locator(".transition-approximate-notice")).to_contain_text("một phần")
    expect(page.locator(".transition-table tr.transition-partial").first).to_be_visible()
    expect(page.locator(".transition-key")).to_contain_text("ranh giới quận, huyện cũ")
    expect(page.locator(".attribution").last).to_contain_text("vietnamese-provinces-database")


def test_choosing_a_district_moves_the_url_and_english_works(open_app):
    if not BRIDGED:
        pytest.skip("no indicator on both maps in this catalogue")
    page = open_app(f"/?page=transition&unit=001&indicator={BRIDGED[0]}&lang=en", plots=False)
    expect(page.locator(".transition-heading")).to_have_text("Map transition")
    page.locator(".transition-district select").select_option(label="Hoàn Kiếm (urban district)")
    wait_until(lambda: "unit=002" in query_string(page), page, timeout=10_000)
    expect(page.locator(".transition-summary")).to_contain_text("Hoàn Kiếm")
    expect(page.locator(".transition-approximate-flag")).to_have_text("approximate / ước tính")


@pytest.mark.parametrize("width", [1920, 390])
def test_readable_at_desktop_and_phone_widths(open_app, width, tmp_path):
    page = open_app("/?page=transition&unit=001", width=width, height=1200, plots=False)
    expect(page.locator(".transition-heading")).to_be_visible()
    # Nothing wider than the screen: the table scrolls inside its own box on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, overflow
    page.screenshot(path=str(tmp_path / f"transition_{width}.png"), full_page=True)
