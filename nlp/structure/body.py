"""The identity of a reporting body, so that one body's reports of different years pair up everywhere."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def body_key(agency: str | None) -> str:
    """The key two reports of the same body share ("" when the agency is unknown).

    PDF extraction scatters spaces through names, so they are compared without any."""
    return _SPACE.sub("", agency or "")
