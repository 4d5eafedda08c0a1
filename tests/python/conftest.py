"""Shared pytest fixtures: throw-away copies of the dbt project (see dbt_harness.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from dbt_harness import DbtProject


@pytest.fixture
def project(tmp_path: Path) -> DbtProject:
    """A fresh copy of the project with the default configuration and an empty raw folder."""
    return DbtProject(tmp_path / "project")
