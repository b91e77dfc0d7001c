"""The data layer: loads, validates and joins catalogue, geometry and observations once per process."""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import threading
from collections.abc import Callable

import geopandas as gpd
import pandas as pd
from sqlalchemy.engine import make_url

from . import geo, maps, store
from .catalogue import Catalogue, Indicator, load_catalogue
from .maps import AdministrativeMap

CITY_MAP_ID = "hn_city"
CITY_CODE = "01"
# Seconds between two checks of the data version, once per process: new figures reach every
# open page within about this long.
REFRESH_INTERVAL_S = 5.0

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class CityValue:
    """The city-level value of an indicator for one period, with how it was obtained."""

    value: float
    numerator: float | None
    denominator: float | None
    status: str
    source: str
    # True when computed from district figures rather than published as a city figure.
    derived: bool
    units_reporting: int | None = None


def combined_status(statuses: pd.Series) -> str:
    """The weakest status among the parts: one illustrative value makes the whole illustrative."""
    for status in ("illustrative", "provisional"):
        if (statuses == status).any():
            return status
    return "official"


def _periods_by_indicator(observations: pd.DataFrame) -> dict[str, tuple[int, ...]]:
    """Each indicator's periods with observations, oldest first."""
    return {
        indicator_id: tuple(sorted(int(period) for period in periods.unique()))
        for indicator_id, periods in observations.groupby("indicator_id")["period"]
    }


def _periods_by_map(observations: pd.DataFrame) -> dict[tuple[str, str], tuple[int, ...]]:
    """{(indicator, map id): periods with unit observations on that map}, oldest first."""
    units = observations[observations["map_id"].isin(list(maps.MAPS))]
    return {
        (indicator_id, map_id): tuple(sorted(int(period) for period in periods.unique()))
        for (indicator_id, map_id), periods in units.groupby(["indicator_id", "map_id"])["period"]
    }


class DashboardData:
    """Everything the views read: catalogue, display geometry and observations, joined."""

    def __init__(
        self, catalogue: Catalogue, districts: gpd.GeoDataFrame, observations: pd.DataFrame,
        version: int = 0, units: dict[str, gpd.GeoDataFrame] | None = None,
    ):
        self.catalogue = catalogue
        # The 30 districts; `units(map_id)` gives any map's units.
        self.districts = districts
        self._units = {maps.DISTRICT_MAP.id: districts, **(units or {})}
        self.replace_observations(observations, version)

    def units(self, map_id: str) -> gpd.GeoDataFrame:
        """The units of a map in map order, with display geometry; the commune map loads on first use."""
        if map_id not in self._units:
            self._units[map_id] = geo.display_geometry(map_id)
        return self._units[map_id]

    def map_for(self, indicator_id: str, period: int) -> AdministrativeMap:
        """The map an indicator's period is drawn on (maps.map_for_period, by the indicator's frequency)."""
        return maps.map_for_period(period, self.indicator(indicator_id).frequency)

    def replace_observations(self, observations: pd.DataFrame, version: int) -> None:
        """Swap in newer observations; geometry and catalogue stay, so sessions keep their plots.

        The index is built before anything is swapped, so readers see the old or the new data.
        """
        by_cell = observations.set_index(["indicator_id", "map_id", "period"]).sort_index()
        # Periods per indicator, found once per data version: every session's controls ask.
        periods = _periods_by_indicator(observations)
        periods_by_map = _periods_by_map(observations)
        unit_periods: dict[str, set[int]] = {}
        for (indicator_id, map_id), map_periods in periods_by_map.items():
            # Only the periods a map is valid for: a figure stored on the wrong map is never drawn.
            frequency = self.indicator(indicator_id).frequency if indicator_id in self.catalogue else "annual"
            unit_periods.setdefault(indicator_id, set()).update(
                p for p in map_periods if maps.map_for_period(p, frequency).id == map_id)
        district_periods = {key: tuple(sorted(value)) for key, value in unit_periods.items() if value}
        (self.observations, self._by_cell, self._periods, self._district_periods, self._periods_by_map,
         self.version) = observations, by_cell, periods, district_periods, periods_by_map, version

    @property
    def updated_at(self) -> pd.Timestamp | None:
        return self.observations["updated_at"].max() if len(self.observations) else None

    def indicator(self, indicator_id: str) -> Indicator:
        return self.catalogue.get(indicator_id)

    def _rows(self, indicator_id: str, map_id: str, period: int) -> pd.DataFrame:
        key = (indicator_id, map_id, period)
        if key not in self._by_cell.index:
            return self.observations.iloc[0:0]
        return self._by_cell.loc[[key]].reset_index()

    def periods(self, indicator_id: str) -> list[int]:
        """Periods with any observation of the indicator, oldest first."""
        return list(self._periods.get(indicator_id, ()))

    def district_periods(self, indicator_id: str) -> list[int]:
        """Periods with unit observations on the map of that period (either map): what the map can show."""
        return list(self._district_periods.get(indicator_id, ()))

    def unit_periods(self, indicator_id: str, map_id: str) -> list[int]:
        """Periods with unit observations on one map, among the periods that map is valid for."""
        frequency = self.indicator(indicator_id).frequency
        return [p for p in self._periods_by_map.get((indicator_id, map_id), ())
                if maps.map_for_period(p, frequency).id == map_id]

    def district_values(self, indicator_id: str, map_id: str = maps.DISTRICT_MAP.id) -> pd.Series:
        """Every unit value of the indicator on one map, across that map's periods."""
        rows = self.observations[
            (self.observations["indicator_id"] == indicator_id)
            & (self.observations["map_id"] == map_id)
            & self.observations["period"].isin(self.unit_periods(indicator_id, map_id))
        ]
        return rows["value"]

    def district_table(self, indicator_id: str, period: int) -> pd.DataFrame:
        """One row per unit of the period's map (30 districts or 126 communes and wards), in map order.

        Units without data keep NaN values.
        """
        map_id = self.map_for(indicator_id, period).id
        rows = self._rows(indicator_id, map_id, period)
        values = rows.set_index("unit_code")[["value", "numerator", "denominator", "status", "source"]]
        table = self.units(map_id)[["code", "name_vi", "name_en", "full_name_vi", "unit_type"]].join(
            values, on="code"
        )
        return pd.DataFrame(table)

    def unit_count(self, indicator_id: str, period: int) -> int:
        """How many units the map of this period has."""
        return len(self.units(self.map_for(indicator_id, period).id))

    def city_value(self, indicator_id: str, period: int) -> CityValue | None:
        """The published city figure when there is one, else the one derived from districts."""
        published = self._rows(indicator_id, CITY_MAP_ID, period)
        if len(published):
            row = published.iloc[0]
            return CityValue(
                value=float(row["value"]), numerator=_optional(row["numerator"]),
                denominator=_optional(row["denominator"]), status=row["status"],
                source=row["source"], derived=False,
            )
        return self._derived_city_value(self.indicator(indicator_id), period)

    def _derived_city_value(self, indicator: Indicator, period: int) -> CityValue | None:
        rows = self._rows(indicator.id, self.map_for(indicator.id, period).id, period).dropna(subset=["value"])
        if rows.empty or indicator.city_aggregate == "none":
            return None
        if indicator.city_aggregate == "ratio_of_sums":
            numerator, denominator = rows["numerator"].sum(), rows["denominator"].sum()
            value = 100.0 * numerator / denominator if denominator else math.nan
        elif indicator.city_aggregate == "share_of_units":
            numerator, denominator = float((rows["value"] >= 0.5).sum()), float(len(rows))
            value = 100.0 * numerator / denominator
        else:  # "sum"
            numerator = denominator = None
            value = float(rows["value"].sum())
        sources = sorted(set(rows["source"]))
        return CityValue(
            value=value, numerator=numerator, denominator=denominator,
            status=combined_status(rows["status"]), source="; ".join(sources), derived=True,
            units_reporting=len(rows),
        )


def _optional(number: float) -> float | None:
    return None if pd.isna(number) else float(number)


def load_data(db_url: str | None = None) -> DashboardData:
    """Load and join everything from the database at `db_url` (default: the configured one)."""
    engine = store.create_db_engine(db_url)
    try:
        version = store.data_version(engine)
        observations = store.read_observations(engine)
    finally:
        engine.dispose()
    # Both maps' geometry is built here, once per process, never inside a session's request.
    units = {map_id: geo.display_geometry(map_id) for map_id in maps.MAPS}
    return DashboardData(load_catalogue(), geo.display_districts(), observations, version, units=units)


def refresh_if_changed(data: DashboardData, db_url: str | None = None,
                       timeout_ms: int | None = None) -> bool:
    """Reload observations when another process or import changed the database.

    One cheap query per call; the full read happens only when the version moved. Every
    session of this process shares `data`, so one reload serves them all. Raises when the
    database cannot be reached; `data` then keeps what it had.
    """
    engine = shared_engine(db_url or store.database_url())
    with _REFRESH_LOCK:  # the process's watcher and an import's own refresh, one at a time
        version = store.data_version(engine, timeout_ms)
        if version == data.version:
            return False
        data.replace_observations(store.read_observations(engine), version)
    return True


_REFRESH_LOCK = threading.Lock()


@dataclasses.dataclass(frozen=True)
class DatabaseStatus:
    """What the latest check found: whether the database answered, and the data version."""

    reachable: bool
    version: int
    # Why it could not be reached, for the log (never shown as a traceback).
    reason: str = ""


class DataWatcher:
    """Checks the data version once per process, in a thread, and tells sessions of changes.

    The check never runs on the server's event loop, so a locked, missing or unreachable
    database cannot freeze pages. Subscribers are called from the watcher's thread, only when
    the version or the reachability changed; a session hands the news to its own document.
    """

    def __init__(self, data: DashboardData, db_url: str, interval: float = REFRESH_INTERVAL_S):
        self.data = data
        self.db_url = db_url
        self.interval = interval
        self.status = DatabaseStatus(True, data.version)
        self._subscribers: dict[int, Callable[[DatabaseStatus], None]] = {}
        self._subscribers_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> DataWatcher:
        if not self.running:
            self._stopped.clear()
            self._thread = threading.Thread(target=self._run, name="dashboard-data-watcher",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self._stopped.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def request_check(self) -> None:
        """Check now instead of at the next interval (e.g. right after an import)."""
        self._wake.set()

    def subscribe(self, callback: Callable[[DatabaseStatus], None]) -> Callable[[], None]:
        """Call `callback(status)` on every change; returns the function that unsubscribes."""
        key = id(callback)
        with self._subscribers_lock:
            self._subscribers[key] = callback

        def unsubscribe() -> None:
            with self._subscribers_lock:
                self._subscribers.pop(key, None)

        return unsubscribe

    @property
    def subscriber_count(self) -> int:
        with self._subscribers_lock:
            return len(self._subscribers)

    def check(self) -> DatabaseStatus:
        """One check in the calling thread; subscribers hear of it only if something changed."""
        try:
            refresh_if_changed(self.data, self.db_url, store.VERSION_CHECK_TIMEOUT_MS)
            status = DatabaseStatus(True, self.data.version)
        except Exception as error:  # whatever the cause, pages show the banner, not a traceback
            status = DatabaseStatus(False, self.data.version, _reason(error))
        previous, self.status = self.status, status
        # Compared with what sessions were last told, since a session that imported may have
        # reloaded the shared data itself.
        changed = status.version != previous.version
        if status.reachable != previous.reachable:
            if status.reachable:
                log.warning("database reachable again: %s", _shown(self.db_url))
            else:
                log.error("database cannot be reached (%s): %s", _shown(self.db_url), status.reason)
        if changed or status.reachable != previous.reachable:
            self._notify(status)
        return status

    def _notify(self, status: DatabaseStatus) -> None:
        with self._subscribers_lock:
            callbacks = list(self._subscribers.values())
        for callback in callbacks:
            try:
                callback(status)
            except Exception:  # one closed session must not keep the news from the others
                log.exception("a session could not be told about the database status")

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                self.check()
            except Exception:  # the thread must outlive any surprise, or pages stop updating
                log.exception("the data version check failed")
            self._wake.wait(self.interval)
            self._wake.clear()


def _reason(error: Exception) -> str:
    """A one-line reason for the log: the driver's message, not the SQL or a traceback."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return f"{type(original).__name__}: {text[0] if text else ''}"


def _shown(db_url: str) -> str:
    return make_url(db_url).render_as_string(hide_password=True)


_WATCHERS: dict[str, DataWatcher] = {}
_WATCHERS_LOCK = threading.Lock()


def data_watcher(db_url: str | None = None) -> DataWatcher:
    """The running watcher of this process for the database (default: the configured one).

    Created on first use, after any fork (`--num-procs`), so every process has its own thread.
    """
    db_url = db_url or store.database_url()
    with _WATCHERS_LOCK:
        watcher = _WATCHERS.get(db_url)
        if watcher is None:
            watcher = _WATCHERS[db_url] = DataWatcher(cached_data(db_url), db_url)
        return watcher.start()


@functools.lru_cache(maxsize=4)
def shared_engine(db_url: str):
    """One engine per database for the version checks and the data page's history."""
    return store.create_db_engine(db_url)


@functools.lru_cache(maxsize=2)
def cached_data(db_url: str) -> DashboardData:
    """The process-wide data, loaded once per database URL."""
    return load_data(db_url)


def get_data() -> DashboardData:
    """Data for the configured database, loaded once per process."""
    return cached_data(store.database_url())
