"""The demo's bundled samples are exact copies of synthetic fixtures, regenerated with them."""

from __future__ import annotations

import pytest

from tests.fixtures.make_fixtures import DEMO_SAMPLES, OUT, SAMPLES


@pytest.mark.parametrize(("sample", "fixture"), sorted(DEMO_SAMPLES.items()))
def test_sample_is_a_copy_of_its_fixture(sample: str, fixture: str) -> None:
    assert (SAMPLES / sample).read_bytes() == (OUT / fixture).read_bytes()


def test_every_sample_comes_from_a_fixture() -> None:
    assert sorted(p.name for p in SAMPLES.iterdir()) == sorted(DEMO_SAMPLES)
