"""Entry point for `panel serve app.py`: the Hà Nội gender-equality dashboard."""

from dashboard.shell import build_app, configure

configure()
build_app().servable(title="Bình đẳng giới Hà Nội / Hà Nội gender equality")
