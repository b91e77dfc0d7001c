"""Every visible text has a Vietnamese and an English version, in the catalogue and in the code."""

import ast
import importlib
import inspect
import pkgutil
import types

import pytest

import dashboard
from dashboard.catalogue import load_catalogue

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(dashboard.__path__, "dashboard.")
    if not name.endswith("__main__")
)


def bilingual_texts(value, path="", seen=None):
    """Yield (path, dict) for every dict that holds a 'vi' or an 'en' text, however nested."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, dict):
        if "vi" in value or "en" in value:
            yield path, value
        for key, item in value.items():
            yield from bilingual_texts(item, f"{path}.{key}", seen)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from bilingual_texts(item, f"{path}[{index}]", seen)


# Calls that take a Vietnamese and an English text: callee name -> (vi, en) as positions and
# keywords. "add" is Collector.add(code, vi, en); a set's add() has a single argument.
BILINGUAL_CALLS = {
    "DataError": ((1, "reason_vi"), (2, "reason_en")),
    "ImportProblem": ((1, "reason_vi"), (2, "reason_en")),
    "add": ((1, "vi"), (2, "en")),
    # The importer's helpers that locate a problem and pass it on to Collector.add.
    "_add": ((2, "vi"), (3, "en")),
    "_once": ((2, "vi"), (3, "en")),
    "Unreadable": ((0, "vi"), (1, "en")),
    "Refused": ((0, "vi"), (1, "en")),
    "TemplateError": ((0, "vi"), (1, "en")),
    "EditorsFileError": ((0, "vi"), (1, "en")),
}
# Modules whose texts the checks must find: if one of these is no longer found, the
# detection itself is broken, not the module.
MUST_HAVE_TEXTS = (
    "dashboard.i18n", "dashboard.geo", "dashboard.catalogue", "dashboard.importer.parse",
    "dashboard.importer.validate", "dashboard.importer.readers", "dashboard.importer.pipeline",
    "dashboard.auth", "dashboard.export.pages", "dashboard.pages.overview",
)


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    return positional[position] if len(positional) > position else None


def _text(node: ast.expr | None, constants: dict) -> str | None:
    """The literal text of an argument: a string, an f-string's fixed parts, or a module
    constant; None for a value passed through (e.g. `error.vi`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant)) or " "
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left, constants), _text(node.right, constants)
        return None if left is None and right is None else (left or "") + (right or "")
    if isinstance(node, ast.Name) and isinstance(constants.get(node.id), str):
        return constants[node.id]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _text(node.func.value, constants)  # "...".replace(...), "...".format(...)
    return None


def call_texts(module) -> list[tuple[str, str, str]]:
    """(where, vi, en) of every bilingual call in the module's source with literal texts."""
    source = inspect.getsource(module)
    constants = {name: value for name, value in vars(module).items() if isinstance(value, str)}
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _callee(node) not in BILINGUAL_CALLS:
            continue
        name = _callee(node)
        if name == "add" and len(node.args) + len(node.keywords) < 3:
            continue  # set.add(item)
        (vi_at, vi_key), (en_at, en_key) = BILINGUAL_CALLS[name]
        vi_node, en_node = _argument(node, vi_at, vi_key), _argument(node, en_at, en_key)
        vi, en = _text(vi_node, constants), _text(en_node, constants)
        if vi is None and en is None:
            continue  # both passed through from elsewhere, checked where they are written
        found.append((f"{module.__name__}:{node.lineno} {name}()", vi or "", en or ""))
    return found


def defined_names(module) -> set[str]:
    """Names the module assigns at its top level itself (not those it imports)."""
    names = set()
    for node in ast.parse(inspect.getsource(module)).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names


def dict_texts(module) -> list[tuple[str, dict]]:
    """(path, {'vi': ..., 'en': ...}) of every module-level bilingual dict, however nested."""
    found = []
    own = defined_names(module)
    for name, value in vars(module).items():
        if name not in own or callable(value) or isinstance(value, types.ModuleType):
            continue
        found.extend(bilingual_texts(value, f"{module.__name__}.{name}"))
    return found


def module_texts(module_name: str) -> tuple[list, list]:
    module = importlib.import_module(module_name)
    return dict_texts(module), call_texts(module)


# Only modules with texts of their own: each test then checks something. Plumbing modules
# (no text, or texts taken from i18n.py and the catalogue) are left out by name in the ids.
MODULES_WITH_TEXTS = [name for name in MODULES if any(module_texts(name))]


@pytest.mark.parametrize("module_name", MODULES_WITH_TEXTS)
def test_module_texts_have_both_languages(module_name):
    dicts, calls = module_texts(module_name)
    assert dicts or calls
    for path, texts in dicts:
        assert {"vi", "en"} <= set(texts), f"{path} lacks a language: {sorted(texts)}"
        for lang in ("vi", "en"):
            text = texts[lang]
            assert text.strip() if isinstance(text, str) else text is not None, f"{path}.{lang} is empty"
    for where, vi, en in calls:
        assert vi.strip(), f"{where}: the Vietnamese text is missing"
        assert en.strip(), f"{where}: the English text is missing"
        assert vi != en, f"{where}: the same text in both languages: {vi!r}"


def test_the_modules_known_to_hold_texts_are_checked():
    assert set(MUST_HAVE_TEXTS) <= set(MODULES_WITH_TEXTS)
    # The importer's problems are found where they are written, not only in i18n dictionaries.
    assert call_texts(importlib.import_module("dashboard.importer.validate"))
    assert call_texts(importlib.import_module("dashboard.geo"))


def test_every_catalogue_text_has_both_languages():
    catalogue = load_catalogue()
    for entry in [*catalogue.themes, *catalogue.indicators.values()]:
        for path, texts in bilingual_texts(vars(entry), entry.id):
            assert {"vi", "en"} <= set(texts), path
            assert all(texts[lang].strip() for lang in ("vi", "en")), path
        for target in getattr(entry, "targets", ()):
            assert target.basis["vi"].strip() and target.basis["en"].strip()


def test_the_check_would_catch_a_missing_language():
    assert list(bilingual_texts({"title": {"vi": "Bản đồ"}}))


def test_the_check_sees_the_texts_of_errors_and_problems():
    module = types.ModuleType("example")
    source = (
        "def check(problems, row):\n"
        "    problems.add('bad', 'ô trống', '', row=row)\n"
        "    raise DataError('a.csv', f'dòng {row} sai', f'row {row} is wrong', row=row)\n"
        "seen = set()\n"
        "seen.add(1)\n"
    )
    found = call_texts_of(source, module)
    assert [(vi, en) for _where, vi, en in found] == [("ô trống", ""), ("dòng  sai", "row  is wrong")]


def call_texts_of(source: str, module: types.ModuleType) -> list:
    original = inspect.getsource
    inspect.getsource = lambda _module: source
    try:
        return call_texts(module)
    finally:
        inspect.getsource = original
