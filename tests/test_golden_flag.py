"""Golden files must never be regenerated in CI: the flag's parsing, CI's own flag, and the check itself."""

from __future__ import annotations

import os
import re

import pytest

from tests.conftest import REGEN_GOLDEN, ROOT, env_flag


@pytest.mark.parametrize(
    ("value", "on"),
    [("1", True), ("true", True), ("TRUE", True), (" yes ", True), ("on", True),
     ("0", False), ("", False), ("false", False), ("no", False), ("2", False)],
)
def test_flag_values(value: str, on: bool) -> None:
    assert env_flag({"NIANBAO_REGEN_GOLDEN": value}, "NIANBAO_REGEN_GOLDEN") is on


def test_unset_flag_is_off() -> None:
    assert env_flag({}, "NIANBAO_REGEN_GOLDEN") is False


def test_ci_entry_point_says_it_is_ci() -> None:
    # Without CI=1 the check below would skip in CI as well and guard nothing.
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^export\b[^#\n]*\bCI=1\b", script, re.MULTILINE), ".ci/run must export CI=1"


def test_golden_regeneration_is_off_in_ci() -> None:
    if not env_flag(os.environ, "CI"):
        pytest.skip("not in CI: regenerating golden files is allowed here")
    # Read outside the assert: pytest would print the whole environment (secrets included) on failure.
    regenerate = env_flag(os.environ, "NIANBAO_REGEN_GOLDEN")
    assert not regenerate, "NIANBAO_REGEN_GOLDEN must not be set in CI"
    assert REGEN_GOLDEN is False
