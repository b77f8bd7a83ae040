"""Shared test helpers: where the real corpus and the fixtures live."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = ROOT / "tests" / "fixtures" / "reports"


def env_flag(env: Mapping[str, str], name: str) -> bool:
    """Whether an environment variable is switched on: 1, true, yes or on, in any case."""
    return env.get(name, "").strip().lower() in ("1", "true", "yes", "on")


# Golden files are rewritten only when this is set, and never in CI (tests/test_golden_flag.py).
REGEN_GOLDEN = env_flag(os.environ, "NIANBAO_REGEN_GOLDEN")


def corpus_file(relative: str) -> Path:
    """A file of the real corpus; skips the test cleanly on a machine without ../shared."""
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"real corpus not available: {path}")
    return path
