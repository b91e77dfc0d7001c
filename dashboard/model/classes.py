"""Colour classes for choropleths: fixed bins per indicator, and a colour of its own for no data."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from ..i18n import format_number, t

# ColorBrewer YlGnBu, 5 classes: sequential and safe for colour-blind readers. Its lightest
# class is yellow, so it can never be mistaken for the grey of missing data.
SEQUENTIAL_PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
YES_COLOUR = "#2c7fb8"
NO_COLOUR = "#fdae61"
NO_DATA_COLOUR = "#d0d0d0"
CLASS_COUNT = len(SEQUENTIAL_PALETTE)
# ColorBrewer PuOr, 6 classes: orange below the target, purple at or above it; no white
# middle class, so "exactly on target" never looks like missing data.
DIVERGING_PALETTE = ("#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788")
# Percentage points from the target; 5-point steps match how targets are discussed (35%, 40%).
GAP_EDGES = (-10.0, -5.0, 0.0, 5.0, 10.0)


@dataclasses.dataclass(frozen=True)
class LegendEntry:
    colour: str
    label: str


@dataclasses.dataclass(frozen=True)
class Classification:
    """The colour of each unit, in input order, and the legend that explains them."""

    colours: list[str]
    legend: list[LegendEntry]


def nice_bins(
    values: pd.Series | np.ndarray, count: int = CLASS_COUNT, integer: bool = False
) -> list[float]:
    """Equal-interval class edges on round numbers, covering every value given.

    Computed over all periods of an indicator, so a colour means the same value in every
    year and the map can be compared as the period changes.
    """
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return [0.0, 1.0]
    low, high = float(finite.min()), float(finite.max())
    if math.isclose(low, high):
        return [low, high + 1.0]
    raw_step = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    if integer:  # counts of people or events: half a course is not a class edge
        step = max(1, math.ceil(step))
    start = math.floor(low / step) * step
    # Rounding the start down can need one class more than asked to reach the top.
    classes = max(1, math.ceil((high - start) / step - 1e-9))
    edges = [round(start + i * step, 10) for i in range(classes + 1)]
    return edges


def classify(values: pd.Series, kind: str, bins: list[float], lang: str) -> Classification:
    """Colour each value; missing values get the no-data colour and legend entry, never a class."""
    values = pd.Series(values, dtype=float)
    missing = values.isna()
    if kind == "boolean":
        colours = np.where(values >= 0.5, YES_COLOUR, NO_COLOUR)
        legend = [LegendEntry(YES_COLOUR, t("yes", lang)), LegendEntry(NO_COLOUR, t("no", lang))]
    else:
        palette = _palette_for(len(bins) - 1)
        indices = np.clip(np.searchsorted(bins, values.fillna(bins[0]), side="right") - 1,
                          0, len(palette) - 1)
        colours = np.array(palette)[indices]
        decimals = 0 if all(float(edge).is_integer() for edge in bins) else 1
        suffix = "%" if kind == "percent" else ""
        legend = [
            LegendEntry(colour, f"{format_number(low, lang, decimals)}–"
                                f"{format_number(high, lang, decimals)}{suffix}")
            for colour, low, high in zip(palette, bins[:-1], bins[1:])
        ]
    colours = np.where(missing, NO_DATA_COLOUR, colours)
    legend.append(LegendEntry(NO_DATA_COLOUR, t("no_data", lang)))
    return Classification(colours=[str(colour) for colour in colours], legend=legend)


def classify_gap(values: pd.Series, target: float, polarity: str, lang: str) -> Classification:
    """Colour by distance to the target on a diverging scale centred on it.

    For indicators where lower is better the sign is flipped, so purple always means
    "meets the target".
    """
    values = pd.Series(values, dtype=float)
    gaps = (target - values) if polarity == "lower_is_better" else (values - target)
    indices = np.searchsorted(GAP_EDGES, gaps.fillna(0), side="right")
    colours = np.where(values.isna(), NO_DATA_COLOUR, np.array(DIVERGING_PALETTE)[indices])
    unit = " " + t("points", lang)
    edges = [format_number(edge, lang) for edge in GAP_EDGES]
    labels = [f"< {edges[0]}{unit}"]
    labels += [f"{low} … {high}{unit}" for low, high in zip(edges[:-1], edges[1:])]
    labels += [f"≥ {edges[-1]}{unit}"]
    legend = [LegendEntry(colour, label) for colour, label in zip(DIVERGING_PALETTE, labels)]
    legend.append(LegendEntry(NO_DATA_COLOUR, t("no_data", lang)))
    return Classification(colours=[str(colour) for colour in colours], legend=legend)


def _palette_for(class_count: int) -> tuple[str, ...]:
    if class_count <= len(SEQUENTIAL_PALETTE):
        # Spread fewer classes over the whole ramp so they stay distinguishable.
        positions = np.linspace(0, len(SEQUENTIAL_PALETTE) - 1, class_count).round().astype(int)
        return tuple(SEQUENTIAL_PALETTE[i] for i in positions)
    # At most one class more than the ramp (see nice_bins): extend it with a darker blue.
    return SEQUENTIAL_PALETTE + ("#081d58",) * (class_count - len(SEQUENTIAL_PALETTE))
