"""Many sessions held open for minutes: errors, a browser user's changes meanwhile, server memory."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field

from browser import (
    CHANGE_TIMEOUT_S,
    LOAD_TIMEOUT_S,
    PageModel,
    launch_browser,
    open_page,
    select_changes,
    settle,
    wait_rendered,
)
from viewers import close_all, open_many

SESSIONS = 200
# Sessions arrive at this rate (200 over 100 s), as a morning of users would.
ARRIVALS_PER_S = 2
# Seconds between the browser user's indicator changes while the sessions are held.
CHANGE_EVERY_S = 10
# Memory is sampled this often, and watched for this long after the sessions close.
SAMPLE_EVERY_S = 5
RECOVERY_WINDOW_S = 120
# "Back near the baseline": at most this share of the memory the sessions added is left.
NEAR_BASELINE_SHARE = 0.2


@dataclass
class SoakFigures:
    sessions: int = SESSIONS
    opened: int = 0
    errors: list[str] = field(default_factory=list)
    change_ms: list[float] = field(default_factory=list)
    failed_changes: int = 0
    baseline_rss: int = 0
    peak_rss: int = 0
    final_rss: int = 0
    recovered_after_s: float | None = None  # seconds after closing; None: not within the window

    @property
    def per_session_rss(self) -> float | None:
        return (self.peak_rss - self.baseline_rss) / self.opened if self.opened else None


def hold_sessions(app_url: str, query: str, stop: threading.Event, figures: SoakFigures,
                  all_open: threading.Event) -> None:
    """Open the viewers at ARRIVALS_PER_S, keep them until `stop`, then close them (own event loop)."""

    async def run() -> None:
        opening, viewers = await open_many(app_url, query, figures.sessions, figures.sessions / ARRIVALS_PER_S)
        figures.opened = len(viewers)
        figures.errors += opening.errors
        all_open.set()
        while not stop.is_set():
            await asyncio.sleep(1)
        figures.errors += [v.error for v in viewers if v.error]
        await close_all(viewers)

    asyncio.run(run())


def soak(server, model: PageModel, minutes: float, sessions: int = SESSIONS) -> SoakFigures:
    """`sessions` sessions held for `minutes` while a browser user changes the indicator."""
    from playwright.sync_api import sync_playwright

    figures = SoakFigures(sessions=sessions, baseline_rss=server.rss_bytes())
    stop, all_open = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_sessions, args=(server.app_url, model.map_query, stop, figures, all_open),
                              daemon=True)
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        context, page, meter = open_page(browser, server.app_url + model.map_query, model)
        wait_rendered(page)
        settle(page, meter, LOAD_TIMEOUT_S)
        holder.start()
        all_open.wait(timeout=sessions / ARRIVALS_PER_S + 3 * LOAD_TIMEOUT_S)
        end = time.monotonic() + minutes * 60
        next_change = time.monotonic()
        while time.monotonic() < end:
            figures.peak_rss = max(figures.peak_rss, server.rss_bytes())
            if time.monotonic() >= next_change:
                for change in select_changes(page, meter, model, model.indicator_select, count=1):
                    if change.ms is None:
                        figures.failed_changes += 1
                    else:
                        figures.change_ms.append(change.ms)
                next_change = time.monotonic() + CHANGE_EVERY_S
            page.wait_for_timeout(SAMPLE_EVERY_S * 1000)
        context.close()
        browser.close()
    stop.set()
    holder.join(timeout=CHANGE_TIMEOUT_S)
    closed_at = time.monotonic()
    target = figures.baseline_rss + NEAR_BASELINE_SHARE * (figures.peak_rss - figures.baseline_rss)
    while time.monotonic() - closed_at < RECOVERY_WINDOW_S:
        figures.final_rss = server.rss_bytes()
        if figures.recovered_after_s is None and figures.final_rss <= target:
            figures.recovered_after_s = time.monotonic() - closed_at
        time.sleep(SAMPLE_EVERY_S)
    return figures
