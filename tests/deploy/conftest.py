"""Fixtures of the deployment tests: the `deploy` marker."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "deploy: the deploy/ front server (Debian's nginx) in front of dashboard processes"
    )
