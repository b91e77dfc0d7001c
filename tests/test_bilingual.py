"""Every visible text has a Vietnamese and an English version, in the catalogue and in the code."""

import importlib
import pkgutil

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


@pytest.mark.parametrize("module_name", MODULES)
def test_module_texts_have_both_languages(module_name):
    module = importlib.import_module(module_name)
    for name, value in vars(module).items():
        if name.startswith("__") or callable(value):
            continue
        for path, texts in bilingual_texts(value, f"{module_name}.{name}"):
            assert {"vi", "en"} <= set(texts), f"{path} lacks a language: {sorted(texts)}"
            for lang in ("vi", "en"):
                text = texts[lang]
                assert text.strip() if isinstance(text, str) else text is not None, f"{path}.{lang} is empty"


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
