"""The packages resolve to this repository (PyPI has unrelated `nlp`, `eval`, … packages)."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["nlp", "models", "training", "eval", "service"])
def test_package_resolves_to_this_repository(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve().parent == ROOT / name


def test_pyproject_lists_the_packages_explicitly() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["project"]["name"] == "nianbao"
    packages = config["tool"]["setuptools"]["packages"]
    for name in ("nlp", "models", "training", "eval", "service"):
        assert name in packages
    for folder in ("nlp/ingest", "nlp/structure"):
        assert folder.replace("/", ".") in packages


def test_every_test_folder_is_a_package() -> None:
    for folder in (ROOT / "tests").rglob("*"):
        if folder.is_dir() and any(folder.glob("test_*.py")):
            assert (folder / "__init__.py").exists(), folder


def test_every_shipped_folder_is_a_listed_package() -> None:
    """A folder reached only through a parent's package-data glob makes setuptools warn on every build."""
    packages = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    # training's data and gold folders are read from the checkout, never installed.
    unshipped = {"training.data", "training.gold"}
    for top in ("nlp", "models", "eval", "service", "training"):
        for folder in [ROOT / top, *(ROOT / top).rglob("*")]:
            if folder.is_dir() and folder.name != "__pycache__" and any(f.is_file() for f in folder.iterdir()):
                name = ".".join(folder.relative_to(ROOT).parts)
                assert name in packages or name in unshipped, name
