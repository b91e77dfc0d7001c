"""The model layer reads only the data layer: data -> model -> views -> pages -> shell."""

import ast
from pathlib import Path

import dashboard.model

MODEL_DIR = Path(dashboard.model.__file__).parent
UPPER_LAYERS = ("views", "pages", "shell", "export")


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports, as an absolute dotted name under `dashboard`."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against dashboard.model
                base = ["dashboard", "model"][: 2 - (node.level - 1)]
                names.append(".".join(base + ([node.module] if node.module else [])))
            else:
                names.append(node.module or "")
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def test_no_model_module_imports_views_pages_shell_or_export():
    offending = {
        path.name: module
        for path in MODEL_DIR.glob("*.py")
        for module in imported_modules(path)
        if any(module == f"dashboard.{layer}" or module.startswith(f"dashboard.{layer}.") for layer in UPPER_LAYERS)
    }
    assert not offending, offending


def test_the_layer_holds_each_rule_once():
    # The twins this layer replaced stay gone.
    import dashboard.pages.district as district
    import dashboard.pages.methods as methods
    import dashboard.views.controls as controls

    assert not hasattr(district, "_vietnamese_sort_key")
    assert district.rank_among is dashboard.model.rank.rank_among
    assert methods.indicator_groups is controls.indicator_groups
    assert not any(path.name == "frames.py" for path in (MODEL_DIR.parent / "views").glob("*.py"))
