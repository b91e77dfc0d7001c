"""The served Hà Nội gender-equality dashboard: `python -m dashboard serve` (`make run`) serves this
file with safe defaults; a bare `panel serve app.py` works too, without them."""

from dashboard.shell import build_app, configure

configure()
build_app().servable(title="Bình đẳng giới Hà Nội / Hà Nội gender equality")
