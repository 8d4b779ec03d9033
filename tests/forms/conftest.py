"""Fixtures of the forms tests: a valid opening application from the contract's examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

# The contract lives beside the project: /work/shared next to /work/main.
# The nearest shared/ above this file: /work/shared, also from the copy mutation testing runs in
# (/work/main/mutants/tests/...).
EXAMPLES = next(
    (
        p / "shared" / "scenarios" / "examples"
        for p in Path(__file__).resolve().parents
        if (p / "shared" / "scenarios").is_dir()
    ),
    Path(__file__).resolve().parents[3] / "shared" / "scenarios" / "examples",
)


@pytest.fixture
def application() -> dict[str, Any]:
    """A valid 开班申请 as a scenario file writes it (dates are date objects), from example 04."""
    doc = yaml.safe_load((EXAMPLES / "04_bad_applications.yaml").read_text(encoding="utf-8"))
    data: dict[str, Any] = doc["steps"][0]["data"]
    return data
