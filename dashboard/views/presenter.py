"""Presentation mode controls: step through the themes with arrow keys, PageUp/PageDown or a clicker."""

from __future__ import annotations

import param
from panel.custom import ReactiveHTML

# Keys a presentation clicker sends: most send PageDown/PageUp, some arrows or space.
FORWARD_KEYS = ("ArrowRight", "ArrowDown", "PageDown", " ")
BACK_KEYS = ("ArrowLeft", "ArrowUp", "PageUp")


class KeyboardStepper(ReactiveHTML):
    """Counts forward and back key presses anywhere on the page, and offers full screen.

    The count goes to Python, which decides what each step shows.
    """

    step = param.Integer(default=0, doc="Net number of forward presses since the page opened.")
    label = param.String(default="", doc="Text of the position indicator, e.g. '2 / 5 · Bộ máy'.")
    fullscreen_label = param.String(default="⛶", doc="Label of the full-screen button.")

    # Both labels are plain text inside the bar, not Panel components.
    _child_config = {"label": "literal", "fullscreen_label": "literal"}

    _template = """
    <div id="bar" class="presenter-bar">
      <button id="back" class="presenter-button" onclick="${script('back')}">◀</button>
      <span id="position" class="presenter-position">${label}</span>
      <button id="forward" class="presenter-button" onclick="${script('forward')}">▶</button>
      <button id="full" class="presenter-button" onclick="${script('fullscreen')}">${fullscreen_label}</button>
    </div>
    """

    _scripts = {
        "render": f"""
          const forwardKeys = {list(FORWARD_KEYS)!r};
          const backKeys = {list(BACK_KEYS)!r};
          if (window._dashboardStepper) {{
            document.removeEventListener('keydown', window._dashboardStepper);
          }}
          window._dashboardStepper = (event) => {{
            const tag = (event.target && event.target.tagName) || '';
            if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') {{ return; }}
            if (forwardKeys.includes(event.key)) {{ data.step = data.step + 1; event.preventDefault(); }}
            else if (backKeys.includes(event.key)) {{ data.step = data.step - 1; event.preventDefault(); }}
          }};
          document.addEventListener('keydown', window._dashboardStepper);
        """,
        "forward": "data.step = data.step + 1",
        "back": "data.step = data.step - 1",
        "fullscreen": """
          if (document.fullscreenElement) { document.exitFullscreen(); }
          else { document.documentElement.requestFullscreen().catch(() => {}); }
        """,
    }
