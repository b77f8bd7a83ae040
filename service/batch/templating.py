"""The batch pages' one Jinja2 environment (templates/, autoescaped, strict) and its number filter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined


def fmt(value: Any) -> str:
    """A number as the pages print it (one decimal, two below 1); text as it is; nothing for None."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 1 or value == 0 else f"{value:.2f}"
    return str(value)


# Autoescape: agency names, paths and messages come from the documents and the manifest.
ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                  undefined=StrictUndefined)
ENV.filters["fmt"] = fmt
