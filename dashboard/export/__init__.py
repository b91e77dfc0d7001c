"""Files for review meetings: slide-ready PNGs, a PowerPoint deck and an offline HTML snapshot.

Every export is built from the same builders and snapshot the dashboard draws with, so a
file and the screen agree. Modules:

- `common`: snapshots for an indicator and period, titles, source lines, file names;
- `images`: PNGs of the map and the ranking chart, drawn with HoloViews' matplotlib backend;
- `deck`: the PowerPoint deck (python-pptx);
- `snapshot`: the map page's linked Bokeh map, ranking and card, and the inline document;
- `pages`: an offline HTML copy of any page that shows figures, built from the page itself;
- `cli`: `python -m dashboard export png|pptx|html ...`.

PNGs and decks are cached per data object and data version, so a live import is never
answered with a file of the figures before it.

Heavy libraries are imported by those modules only, so importing this package is cheap.
"""
