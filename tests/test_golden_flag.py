"""Golden files must never be regenerated in CI."""

import os

from tests.conftest import REGEN_GOLDEN


def test_golden_regeneration_is_off_in_ci() -> None:
    if os.environ.get("CI"):
        assert not REGEN_GOLDEN, "NIANBAO_REGEN_GOLDEN must not be set in CI"
    assert REGEN_GOLDEN in (True, False)
