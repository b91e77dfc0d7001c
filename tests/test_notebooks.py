"""Execute every notebook under notebooks/ in a fresh kernel of this environment's Python.

Each notebook runs top to bottom against the seeded test database (DASHBOARD_DB_URL).
Cells tagged ``expect-panel`` must display a Panel/Bokeh model; EXPECTED_TEXT lists
figures a notebook must print. New notebooks are picked up automatically.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
kernelspec = pytest.importorskip("ipykernel.kernelspec")

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
KERNEL_NAME = "python3"
CELL_TIMEOUT_S = 300

# Output types that carry a rendered Panel or HoloViews/Bokeh model.
MODEL_MIMETYPES = ("application/vnd.holoviews_exec.v0+json", "application/vnd.bokehjs_exec.v0+json")
PANEL_TAG = "expect-panel"

# Real figures a notebook must print somewhere (text outputs), per notebook file name.
EXPECTED_TEXT = {
    # Women among district-council deputies 2016-2021: 356 of 1,183 (facts.csv).
    "quickstart.ipynb": ["356/1183", "numerator=356.0, denominator=1183.0"],
}
# Notebooks that must display at least one Panel/Bokeh model.
EXPECT_PANEL = {"quickstart.ipynb"}

# Appended to the in-memory copy only: tells which interpreter ran the kernel.
PROBE = "import json, sys\nprint(json.dumps({'prefix': sys.prefix, 'executable': sys.executable}))"


@pytest.fixture
def venv_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A `python3` kernelspec that starts this test process's interpreter.

    Written into a temporary JUPYTER_PATH, which has priority over user and system
    kernelspecs, so a `python3` kernel of another Python can never be picked up.
    """
    kernelspec.write_kernel_spec(path=tmp_path / "kernels" / KERNEL_NAME)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    return KERNEL_NAME


def text_of(output) -> str:
    """The plain-text part of one cell output."""
    if output.get("output_type") == "stream":
        return output.get("text", "")
    data = output.get("data", {})
    return data.get("text/plain", "") + data.get("text/html", "")


def has_model(cell) -> bool:
    return any(
        mimetype in output.get("data", {})
        for output in cell.get("outputs", [])
        for mimetype in MODEL_MIMETYPES
    )


def execute(notebook, kernel_name: str) -> None:
    """Run every cell, on past failing ones: each error stays in its cell's outputs, where
    cell_errors() finds them all, instead of only the first one being raised."""
    client = nbclient.NotebookClient(
        notebook,
        kernel_name=kernel_name,
        timeout=CELL_TIMEOUT_S,
        allow_errors=True,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()


def cell_errors(cells) -> list[str]:
    """One message per error output: exception, value and the cell that raised it."""
    return [
        f"{output.ename}: {output.evalue}\n{cell.source}"
        for cell in cells
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]


def test_notebooks_found() -> None:
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOK_DIR}"


def test_notebooks_are_stored_without_outputs() -> None:
    """Outputs would bloat diffs and could leak stale figures."""
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                assert not cell.outputs, f"{path.name} cell {index} has stored outputs"
                assert cell.execution_count is None, f"{path.name} cell {index} has a count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_notebook_runs(path: Path, venv_kernel: str, seeded_db_url: str,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The kernel inherits this environment: point it at the seeded test database.
    monkeypatch.setenv("DASHBOARD_DB_URL", seeded_db_url)
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    execute(notebook, venv_kernel)

    probe = json.loads(text_of(notebook.cells[-1].outputs[0]))
    assert Path(probe["prefix"]) == Path(sys.prefix), f"kernel ran {probe['executable']}"

    code_cells = [cell for cell in notebook.cells[:-1] if cell.cell_type == "code"]
    errors = cell_errors(code_cells)
    assert not errors, f"{path.name}:\n" + "\n\n".join(errors)

    tagged = [cell for cell in code_cells if PANEL_TAG in cell.metadata.get("tags", [])]
    if path.name in EXPECT_PANEL:
        assert tagged, f"{path.name}: no cell tagged {PANEL_TAG!r}"
    for cell in tagged:
        assert has_model(cell), f"{path.name}: no Panel/Bokeh model displayed by\n{cell.source}"

    text = "\n".join(text_of(output) for cell in code_cells for output in cell.outputs)
    for expected in EXPECTED_TEXT.get(path.name, []):
        assert expected in text, f"{path.name}: {expected!r} not in any output"


def test_a_failing_cell_is_reported(venv_kernel: str) -> None:
    """The check above can fail: a broken cell is reported with its error and source."""
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("total = 356"),
        nbformat.v4.new_code_cell("share = total / 0"),
        nbformat.v4.new_code_cell("print('still ran')"),
    ])
    execute(notebook, venv_kernel)
    errors = cell_errors(notebook.cells)
    assert len(errors) == 1
    assert errors[0].startswith("ZeroDivisionError: division by zero")
    assert "share = total / 0" in errors[0]
    assert "still ran" in text_of(notebook.cells[2].outputs[0])
