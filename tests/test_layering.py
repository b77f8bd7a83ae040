"""Imports run one way (design.md): nlp <- models, eval <- training <- service."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("nlp", "models", "training", "eval", "service")
ALLOWED = {
    "nlp": set(),
    "models": {"nlp"},
    "eval": {"nlp"},
    "training": {"nlp", "models", "eval"},
    "service": {"nlp", "models", "training", "eval"},
}


def _absolute(path: Path, node: ast.ImportFrom) -> list[str]:
    """The modules an ImportFrom names, a relative one resolved against the file's own package
    (`from ..x import y` in nlp/ingest/pdf.py is nlp.x); one that climbs above the repository root is an error."""
    if node.level == 0:
        return [node.module] if node.module else []
    package = path.relative_to(ROOT).parent.parts  # nlp/ingest/pdf.py and nlp/ingest/__init__.py: nlp.ingest
    if node.level - 1 > len(package):
        raise AssertionError(f"{path.relative_to(ROOT)}: relative import climbs above the repository root")
    base = package[: len(package) - (node.level - 1)]
    if node.module:
        return [".".join((*base, node.module))]
    # `from .. import service`: the names themselves may be modules.
    return [".".join((*base, alias.name)) for alias in node.names]


def _imported_packages(path: Path, source: str | None = None) -> set[str]:
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found |= {name.split(".")[0] for name in _absolute(path, node)}
    return found & set(PACKAGES)


def test_relative_imports_are_resolved_against_the_package() -> None:
    path = ROOT / "nlp" / "ingest" / "example.py"
    source = "from . import rows\nfrom ..report import Report\nfrom ...service.batch import runner\n"
    assert _imported_packages(path, source) == {"nlp", "service"}
    assert _imported_packages(path, "from ... import eval as scoring\n") == {"eval"}
    assert _imported_packages(ROOT / "nlp" / "__init__.py", "from . import pipeline\n") == {"nlp"}
    wrong = _imported_packages(path, source) - ALLOWED["nlp"] - {"nlp"}
    assert wrong == {"service"}
    with pytest.raises(AssertionError, match="above the repository root"):
        _imported_packages(path, "from .... import x\n")


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_run_one_way(package: str) -> None:
    files = list((ROOT / package).rglob("*.py"))
    assert files, f"package {package} has no modules"
    for path in files:
        wrong = _imported_packages(path) - ALLOWED[package] - {package}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_no_bare_import_of_eval() -> None:
    for path in ROOT.rglob("*.py"):
        if ".venv" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert all(alias.name != "eval" for alias in node.names), f"bare `import eval` in {path}"
