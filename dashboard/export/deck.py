"""The review-meeting deck: a 16:9 PowerPoint built with python-pptx from the dashboard's KPIs.

Slides, in order:

1. title, with the date it was made and the data status;
2. one slide per headline KPI (`kpi.HEADLINE_INDICATORS`, themes in catalogue order): the
   KPI summary, the map and the ranking chart with its target;
3. the districts behind target;
4. sources and methods.

Every slide has its sources in a footer text box; every slide showing illustrative figures
carries the "minh họa" notice; speaker notes give the key numbers as sentences. Text is
NFC-normalised and set in Arial, which has every Vietnamese glyph on Windows and macOS.
Shapes are named (`SHAPE_*`) so tests and later edits can find them.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import weakref
from collections import OrderedDict

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from ..data import DashboardData
from ..i18n import t
from ..maps import COMMUNE_MAP, DISTRICT_MAP, map_for_period
from ..model.kpi import (
    Kpi,
    indicator_kpi,
    period_label,
    spoken_summary,
    summary_lines,
    theme_kpis,
)
from ..model.targets import target_text
from . import common, images

FONT = "Arial"
SLIDE_WIDTH_IN = 13.333
SLIDE_HEIGHT_IN = 7.5
MARGIN_IN = 0.4
CONTENT_TOP_IN = 1.65
FOOTER_TOP_IN = 6.72
# The pictures are rendered at the size they take on the slide, so their type sizes are
# true slide points; 150 dpi is sharper than a full-HD projector shows a 13.3-inch slide.
PICTURE_DPI = 150
MAP_BOX_IN = (4.05, CONTENT_TOP_IN, 4.25, 5.0)
CHART_BOX_IN = (8.45, CONTENT_TOP_IN, 4.5, 5.0)
KPI_BOX_IN = (MARGIN_IN, CONTENT_TOP_IN, 3.5, 5.0)

TITLE_COLOUR = RGBColor(0x1F, 0x2D, 0x4D)
TEXT_COLOUR = RGBColor(0x22, 0x22, 0x22)
MUTED_COLOUR = RGBColor(0x55, 0x55, 0x55)
NOTICE_FILL = RGBColor(0xFF, 0xF3, 0xCD)
NOTICE_LINE = RGBColor(0xD3, 0x9E, 0x00)
MET_COLOUR = RGBColor(0x1B, 0x7F, 0x3B)
NOT_MET_COLOUR = RGBColor(0xB0, 0x1E, 0x3C)

SHAPE_FOOTER = "Footer sources"
SHAPE_NOTICE = "Illustrative notice"
SHAPE_KPI = "KPI summary"
SHAPE_MAP = "Map"
SHAPE_CHART = "Ranking chart"
SHAPE_BODY = "Body"

# Decks kept per data object: a few periods in both languages, about 1 MB each.
DECK_CACHE_SIZE = 8
_DECK_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_DECK_LOCK = threading.Lock()

LANGUAGE_IDS = {"vi": MSO_LANGUAGE_ID.VIETNAMESE, "en": MSO_LANGUAGE_ID.ENGLISH_UK}


def deck_bytes(
    data: DashboardData, period: int, lang: str = "vi", today: dt.date | None = None
) -> bytes:
    """The deck for `period` as .pptx bytes.

    Decks are kept per data object and data version, like the images: the same deck asked
    for again the same day is not rebuilt, and a live import (which moves the version of
    the shared data object) is never answered with a deck of the figures before it.
    """
    today = today or dt.date.today()
    key = (data.version, period, lang, today)
    with _DECK_LOCK:
        cache = _DECK_CACHE.setdefault(data, OrderedDict())
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    buffer = io.BytesIO()
    build_deck(data, period, lang, today).save(buffer)
    content = buffer.getvalue()
    with _DECK_LOCK:
        cache[key] = content
        while len(cache) > DECK_CACHE_SIZE:
            cache.popitem(last=False)
    return content


def build_deck(data: DashboardData, period: int, lang: str = "vi", today: dt.date | None = None):
    """A python-pptx Presentation for `period` in `lang`, dated `today` (default: today)."""
    return _DeckBuilder(data, period, lang, today or dt.date.today()).build()


class _DeckBuilder:
    def __init__(self, data: DashboardData, period: int, lang: str, today: dt.date):
        self.data = data
        self.period = period
        self.lang = lang
        self.today = today
        self.kpis = theme_kpis(data, period)
        self.presentation = Presentation()
        self.presentation.slide_width = Inches(SLIDE_WIDTH_IN)
        self.presentation.slide_height = Inches(SLIDE_HEIGHT_IN)

    def build(self):
        self._title_slide()
        for kpi in self.kpis:
            self._kpi_slide(kpi)
        self._behind_slide()
        self._sources_slide()
        return self.presentation

    # --------------------------------------------------------------- slides

    def _title_slide(self) -> None:
        lang = self.lang
        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[0])
        title = slide.shapes.title
        _place(title, MARGIN_IN, 1.5, SLIDE_WIDTH_IN - 2 * MARGIN_IN, 1.6)
        _write(
            title.text_frame,
            [[(t("app_title", lang), {"size": 36, "bold": True, "colour": TITLE_COLOUR})]],
            lang,
        )
        illustrative = any(kpi.illustrative for kpi in self.kpis)
        status = t("deck_status_illustrative" if illustrative else "deck_status_published", lang)
        lines = [
            t("deck_subtitle", lang).format(period=self.period),
            t("deck_made_on", lang).format(date=common.format_date(self.today, lang)),
            f"{t('status', lang)}: {status}",
        ]
        updated = self.data.updated_at
        if updated is not None:
            lines.append(
                t("deck_data_updated", lang).format(date=common.format_date(updated.date(), lang))
            )
        subtitle = slide.placeholders[1]
        _place(subtitle, MARGIN_IN, 3.25, SLIDE_WIDTH_IN - 2 * MARGIN_IN, 2.0)
        _write(
            subtitle.text_frame,
            [
                [(line, {"size": 20 if i == 0 else 16, "colour": TEXT_COLOUR})]
                for i, line in enumerate(lines)
            ],
            lang,
        )
        if illustrative:
            self._notice(slide, top=5.4)
        self._footer(slide, self._all_sources_line())
        names = ", ".join(kpi.indicator.short_name[lang] for kpi in self.kpis)
        self._notes(
            slide,
            t("deck_notes_title", lang).format(
                period=self.period,
                date=common.format_date(self.today, lang),
                count=len(self.kpis),
                names=names,
                status=status,
            ),
        )

    def _kpi_slide(self, kpi: Kpi) -> None:
        lang, indicator = self.lang, kpi.indicator
        theme = self.data.catalogue.theme(indicator.theme).name[lang]
        label = f" ({period_label(indicator, kpi.period, lang)})" if kpi.period is not None else ""
        slide = self._slide(f"{theme}: {indicator.short_name[lang]}{label}")
        snapshot = common.snapshot_for(self.data, indicator.id, kpi.period or self.period, lang)
        illustrative = kpi.illustrative or snapshot.shows_illustrative
        if illustrative:
            self._notice(slide, map_id=common.shown_map(snapshot).id)
        self._kpi_text(slide, kpi)
        if kpi.period is not None and common.has_district_values(snapshot):
            for view, box, name in (
                ("map", MAP_BOX_IN, SHAPE_MAP),
                ("chart", CHART_BOX_IN, SHAPE_CHART),
            ):
                left, top, width, height = box
                png = images.render_png(
                    snapshot,
                    view,
                    size=(round(width * PICTURE_DPI), round(height * PICTURE_DPI)),
                    dpi=PICTURE_DPI,
                    layout=images.SLIDE_PANEL,
                )
                picture = slide.shapes.add_picture(
                    io.BytesIO(png), Inches(left), Inches(top), Inches(width), Inches(height)
                )
                picture.name = name
                alt = f"{common.heading(snapshot)} · {common.period_heading(snapshot)}"
                picture._element.nvPicPr.cNvPr.set("descr", alt)
        else:
            left, top, _w, _h = MAP_BOX_IN
            box = self._text_box(
                slide, left, top, CHART_BOX_IN[0] + CHART_BOX_IN[2] - left, 1.0, SHAPE_BODY
            )
            _write(
                box.text_frame,
                [[(common.no_unit_data(snapshot), {"size": 16, "colour": MUTED_COLOUR})]],
                lang,
            )
        self._footer(slide, common.source_line(snapshot, with_boundaries=True))
        self._notes(slide, spoken_summary(kpi, lang))

    def _kpi_text(self, slide, kpi: Kpi) -> None:
        lang = self.lang
        left, top, width, height = KPI_BOX_IN
        box = self._text_box(slide, left, top, width, height, SHAPE_KPI)
        paragraphs = [
            [(kpi.indicator.name[lang], {"size": 14, "bold": True, "colour": TITLE_COLOUR})]
        ]
        for index, line in enumerate(summary_lines(kpi, lang)):
            style = {"size": 13, "colour": TEXT_COLOUR}
            if index == 0:
                style = {"size": 17, "bold": True, "colour": TEXT_COLOUR}
            elif (
                kpi.target is not None
                and line.startswith(t("target", lang))
                and kpi.met is not None
            ):
                style = {
                    "size": 14,
                    "bold": True,
                    "colour": MET_COLOUR if kpi.met else NOT_MET_COLOUR,
                }
            paragraphs.append([(line, style)])
        _write(box.text_frame, paragraphs, lang, space_after=6)

    def _behind_kpis(self) -> list[Kpi]:
        """Every district indicator judged against a target: headline ones first, then the rest."""
        headline = {kpi.indicator.id for kpi in self.kpis}
        others = [
            indicator_kpi(self.data, indicator.id, self.period)
            for indicator in self.data.catalogue.for_level("district")
            if indicator.id not in headline and indicator.targets
        ]
        return [
            kpi
            for kpi in [*self.kpis, *others]
            if kpi.districts_behind is not None and (kpi.target or kpi.district_target)
        ]

    def _behind_slide(self) -> None:
        lang = self.lang
        kpis = self._behind_kpis()
        on_communes = self._map_ids() == [COMMUNE_MAP.id]
        slide = self._slide(t("deck_behind_title_communes" if on_communes else "deck_behind_title", lang))
        if any(kpi.illustrative for kpi in kpis):
            self._notice(slide)
        names = self._district_names()
        header = [
            t("indicator", lang),
            t("target", lang),
            t("deck_behind_count", lang),
            t("deck_behind_communes" if on_communes else "deck_behind_districts", lang),
        ]
        widths = (3.3, 1.9, 1.3, SLIDE_WIDTH_IN - 2 * MARGIN_IN - 6.5)
        rows = [header]
        notes = []
        for kpi in kpis:
            indicator = kpi.indicator
            heading = f"{indicator.short_name[lang]} ({period_label(indicator, kpi.period, lang)})"
            target = kpi.district_target or kpi.target
            scope = t("deck_scope_district" if kpi.district_target else "deck_scope_city", lang)
            rows.append(
                [
                    heading,
                    f"{target_text(target, indicator, lang)} ({target.year}), {scope}",
                    f"{kpi.districts_behind}/{kpi.districts_reporting}",
                    ", ".join(names[code] for code in kpi.behind_codes)
                    or t("deck_behind_none", lang),
                ]
            )
            said = "kpi_say_districts_no" if indicator.is_boolean else "kpi_say_districts_behind"
            notes.append(
                f"{heading}: "
                + t(said, lang).format(
                    count=kpi.districts_behind, reporting=kpi.districts_reporting
                )
            )
        table = slide.shapes.add_table(
            len(rows),
            len(header),
            Inches(MARGIN_IN),
            Inches(CONTENT_TOP_IN),
            Inches(sum(widths)),
            Inches(0.3 * len(rows)),
        )
        table.name = SHAPE_BODY
        for index, width in enumerate(widths):
            table.table.columns[index].width = Inches(width)
        for row_index, row in enumerate(rows):
            for column_index, text in enumerate(row):
                cell = table.table.cell(row_index, column_index)
                cell.margin_top = cell.margin_bottom = Inches(0.04)
                style = {
                    "size": 11,
                    "bold": row_index == 0 or column_index == 0,
                    "colour": RGBColor(0xFF, 0xFF, 0xFF) if row_index == 0 else TEXT_COLOUR,
                }
                _write(cell.text_frame, [[(text, style)]], lang)
        if not kpis:
            notes.append(t("deck_behind_no_target", lang))
        sources = dict.fromkeys(kpi.indicator.source[lang].rstrip(".") for kpi in kpis)
        if any(kpi.illustrative for kpi in kpis):
            sources[t("export_illustrative_source", lang)] = None
        self._footer(slide, f"{t('source', lang)}: " + "; ".join(sources) + ".")
        self._notes(slide, " ".join(notes))

    def _sources_slide(self) -> None:
        lang = self.lang
        slide = self._slide(t("deck_sources_title", lang))
        published = self._published_sources()
        bases = dict.fromkeys(
            target.basis[lang] for indicator in self.data.catalogue for target in indicator.targets
        )
        heading = {"size": 13, "bold": True, "colour": TITLE_COLOUR}
        body = {"size": 11, "colour": TEXT_COLOUR}
        left_column = [[(t("deck_published_sources", lang), heading)]]
        left_column += [[("• " + source, body)] for source in published]
        left_column += [
            [(t("deck_boundaries", lang), heading)],
            *[[(attribution, body)] for attribution in self._attributions()],
            [(t("deck_reform", lang), body)],
        ]
        left_column += [[(t("deck_legal_bases", lang), heading)]]
        left_column += [[("• " + basis, body)] for basis in bases]
        right_column = [
            [(t("deck_illustrative_heading", lang), heading)],
            [(common.illustrative_notice(lang, self._map_ids()[-1]), body)],
            [(t("deck_illustrative_method", lang), body)],
            [(t("deck_methods_heading", lang), heading)],
            [(t("deck_methods_city", lang), body)],
            [(t("deck_methods_targets", lang), body)],
            [(t("deck_methods_map", lang), body)],
        ]
        width = (SLIDE_WIDTH_IN - 2 * MARGIN_IN - 0.3) / 2
        height = FOOTER_TOP_IN - 1.25 - 0.1
        for index, paragraphs in enumerate((left_column, right_column)):
            box = self._text_box(
                slide,
                MARGIN_IN + index * (width + 0.3),
                1.25,
                width,
                height,
                f"{SHAPE_BODY} {index + 1}",
            )
            _write(box.text_frame, paragraphs, lang, space_after=4)
        self._footer(slide, self._all_sources_line())
        self._notes(
            slide, t("deck_notes_sources", lang).format(sources=len(published), bases=len(bases))
        )

    # -------------------------------------------------------------- helpers

    def _slide(self, title: str):
        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[5])
        shape = slide.shapes.title
        _place(shape, MARGIN_IN, 0.25, SLIDE_WIDTH_IN - 2 * MARGIN_IN, 0.8)
        shape.text_frame.word_wrap = True
        shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        _write(
            shape.text_frame,
            [[(title, {"size": 24, "bold": True, "colour": TITLE_COLOUR})]],
            self.lang,
            align=PP_ALIGN.LEFT,
        )
        return slide

    def _text_box(self, slide, left: float, top: float, width: float, height: float, name: str):
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        box.name = name
        box.text_frame.word_wrap = True
        return box

    def _notice(self, slide, top: float = 1.07, map_id: str | None = None) -> None:
        shape = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE,
            Inches(MARGIN_IN),
            Inches(top),
            Inches(SLIDE_WIDTH_IN - 2 * MARGIN_IN),
            Inches(0.48),
        )
        shape.name = SHAPE_NOTICE
        shape.fill.solid()
        shape.fill.fore_color.rgb = NOTICE_FILL
        shape.line.color.rgb = NOTICE_LINE
        shape.shadow.inherit = False
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        for side in ("margin_left", "margin_right"):
            setattr(frame, side, Inches(0.12))
        frame.margin_top = frame.margin_bottom = Inches(0.03)
        _write(
            frame,
            [
                [
                    (
                        common.illustrative_notice(self.lang, map_id or self._map_ids()[-1]),
                        {"size": 10.5, "bold": True, "colour": TEXT_COLOUR},
                    )
                ]
            ],
            self.lang,
            align=PP_ALIGN.LEFT,
        )

    def _footer(self, slide, text: str) -> None:
        box = self._text_box(
            slide,
            MARGIN_IN,
            FOOTER_TOP_IN,
            SLIDE_WIDTH_IN - 2 * MARGIN_IN,
            SLIDE_HEIGHT_IN - FOOTER_TOP_IN - 0.1,
            SHAPE_FOOTER,
        )
        box.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        _write(box.text_frame, [[(text, {"size": 9, "colour": MUTED_COLOUR})]], self.lang)

    def _notes(self, slide, text: str) -> None:
        _write(slide.notes_slide.notes_text_frame, [[(text, {"size": 12})]], self.lang)

    def _district_names(self) -> dict[str, str]:
        """Names of the units of both maps: 3-digit district codes and 5-digit commune codes."""
        column = "full_name_vi" if self.lang == "vi" else "name_vi"
        names = {}
        for map_id in (DISTRICT_MAP.id, COMMUNE_MAP.id):
            units = self.data.units(map_id)
            names.update(zip(units["code"], units[column]))
        return names

    def _map_ids(self) -> list[str]:
        """The maps the deck's slides are drawn on, oldest first."""
        used = {map_for_period(kpi.period, kpi.indicator.frequency).id for kpi in self.kpis if kpi.period}
        return [m.id for m in (DISTRICT_MAP, COMMUNE_MAP) if m.id in used] or [
            map_for_period(self.period).id]

    def _attributions(self) -> list[str]:
        maps = {DISTRICT_MAP.id: DISTRICT_MAP, COMMUNE_MAP.id: COMMUNE_MAP}
        return [maps[map_id].attribution[self.lang] for map_id in self._map_ids()]

    def _published_sources(self) -> list[str]:
        observations = self.data.observations
        published = observations.loc[observations["status"] != "illustrative", "source"]
        return [common.nfc(source) for source in dict.fromkeys(published.dropna().astype(str))]

    def _all_sources_line(self) -> str:
        lang = self.lang
        parts = self._published_sources()
        if any(kpi.illustrative for kpi in self.kpis):
            parts.append(t("export_illustrative_source", lang))
        return f"{t('source', lang)}: " + "; ".join(parts) + ". " + " ".join(self._attributions())


def _place(shape, left: float, top: float, width: float, height: float) -> None:
    shape.left, shape.top = Inches(left), Inches(top)
    shape.width, shape.height = Inches(width), Inches(height)


def _write(
    frame, paragraphs: list[list[tuple[str, dict]]], lang: str, align=None, space_after: float = 0
) -> None:
    """Replace the text of `frame`: one list of (text, style) runs per paragraph."""
    frame.clear()
    for index, runs in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if space_after:
            paragraph.space_after = Pt(space_after)
        for text, style in runs:
            run = paragraph.add_run()
            run.text = common.nfc(text)
            font = run.font
            font.name = FONT
            font.language_id = LANGUAGE_IDS[lang]
            font.size = Pt(style.get("size", 14))
            font.bold = style.get("bold", False)
            if "colour" in style:
                font.color.rgb = style["colour"]
