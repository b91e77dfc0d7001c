"""Full-page screenshots at desktop and phone sizes, with layout checks that can fail.

The PNGs land in artifacts/screenshots/ (gitignored) for a human to review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import DEEP_FIND_JS, plot_boxes, wait_for_app, wait_until

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

# name, viewport width, height, path
VIEWS = [
    ("desktop-vi", 1920, 1080, "/?page=map&district=271"),
    ("phone-vi", 390, 844, "/?page=map&district=271"),
    ("phone-en", 390, 844,
     "/?page=map&lang=en&district=001&indicator=committee_established&year=2018"),
]

_CARD_BOX = """() => {
  """ + DEEP_FIND_JS + """
  const el = deepFind(document, '.district-card');
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, width: r.width, height: r.height};
}"""


def layout(page) -> dict:
    """Page scroll width and the boxes of the map, the ranking chart, the district card and the indicator select."""
    return {
        "scrollWidth": page.evaluate("() => document.documentElement.scrollWidth"),
        **plot_boxes(page),
        "card": page.evaluate(_CARD_BOX),
        "indicator": page.evaluate(_CARD_BOX.replace(".district-card", ".indicator-select")),
    }


@pytest.mark.parametrize("name, width, height, path", VIEWS, ids=[v[0] for v in VIEWS])
def test_screenshot_layout(page, served_app_url, console_errors, offsite_requests,
                           name, width, height, path):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(served_app_url + path)
    wait_for_app(page)
    # Bokeh lays the canvases out after the first idle; wait until both plots have a size.
    def sized():
        boxes = plot_boxes(page)
        assert boxes["map"]["height"] > 0 and boxes["ranking"]["height"] > 0, boxes

    wait_until(sized, page, timeout=10_000)
    boxes = layout(page)

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"{name}.png", full_page=True)

    assert boxes["scrollWidth"] <= width + 1, f"page overflows horizontally: {boxes}"
    for part in ("map", "ranking", "card"):
        box = boxes[part]
        assert box is not None, f"{part} not found"
        assert box["left"] >= -1 and box["right"] <= width + 1, f"{part} outside the page: {box}"
    assert boxes["map"]["width"] >= min(300, 0.8 * width) and boxes["map"]["height"] >= 300, boxes
    assert boxes["ranking"]["width"] >= min(300, 0.8 * width), boxes
    assert boxes["ranking"]["height"] >= 260, boxes
    # Long indicator names: the select is as wide as the controls allow, on a line of its own on a phone.
    assert boxes["indicator"]["width"] >= min(440, width - 40), boxes["indicator"]
    assert console_errors == []
    assert offsite_requests == []
