"""Files for review meetings: slide-ready PNGs, a PowerPoint deck and an offline HTML snapshot.

Every export is built from the same builders and snapshot the dashboard draws with, so a
file and the screen agree. Modules:

- `common`: snapshots for an indicator and period, titles, source lines, file names;
- `images`: PNGs of the map and the ranking chart, drawn with HoloViews' matplotlib backend;
- `deck`: the PowerPoint deck (python-pptx);
- `snapshot`: one self-contained HTML file with the Bokeh map and ranking;
- `cli`: `python -m dashboard export png|pptx|html ...`.

Heavy libraries are imported by those modules only, so importing this package is cheap.
"""
