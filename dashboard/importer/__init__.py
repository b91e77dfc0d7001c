"""Data officers' tools: the Excel template, the validated all-or-nothing import, the audit
trail and rollback.

Public API (what the CLI and the data page call)::

    from dashboard.importer import (
        import_bytes, import_file, ImportResult, ImportProblem,
        build_template, template_file_name,
        batch_history, BatchInfo, rollback_batch, RollbackResult,
        MAX_FILE_BYTES,
    )

    result = import_bytes(data, "bao_cao_2024.xlsx", user="nguyen.van.a", comment="Q4")
    if result.ok:
        print(result.batch_id, result.summary("vi"))
    else:
        for problem in result.problems:      # ImportProblem: file, sheet, row, column,
            print(problem.message("vi"))     # value, reason_vi, reason_en, code

Names are loaded lazily so that `python -m dashboard <command>` stays fast.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "import_bytes": "pipeline",
    "import_file": "pipeline",
    "ImportResult": "pipeline",
    "rollback_batch": "pipeline",
    "RollbackResult": "pipeline",
    "batch_history": "pipeline",
    "IMPORT_STATUSES": "pipeline",
    "BatchInfo": "batches",
    "ImportProblem": "problems",
    "build_template": "template",
    "template_file_name": "template",
    "TemplateError": "template",
    "TEMPLATE_VERSION": "template",
    "MAX_FILE_BYTES": "readers",
    "MAX_FILE_LABEL": "readers",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f"{__name__}.{_EXPORTS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
