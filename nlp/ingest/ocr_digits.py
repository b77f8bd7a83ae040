"""Numbers as OCR reads them: letters that look like digits, full-width digits and separators inside numbers."""

from __future__ import annotations

import re
import unicodedata

# Letters the recogniser returns for a digit in a number it otherwise reads (1O3, l2, 2I): a guess, so the
# value they give is flagged for review, never trusted.
_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8", "Z": "2"})
# A token that is a number apart from such letters: at least one real digit, nothing but digits, lookalikes and
# separators.
_NUMBERISH = re.compile(r"(?<![A-Za-z])[0-9OoDlI|SBZ][0-9OoDlI|SBZ,.、，]*(?![A-Za-z])")
# A thousands separator as a scan shows it: a comma, an enumeration comma or a full-width comma between a digit
# and exactly three digits.
_SEPARATOR = re.compile(r"(?<=\d)[,、，](?=\d{3}(?:\D|$))")
# A lone stroke in a table cell is the not-applicable dash, however the recogniser spells it (一 is "one" in
# prose, but a table cell holds Arabic digits).
_DASH = {"一", "_", "~", "～", "ー", "丨"}


def normalize_digits(text: str) -> tuple[str, bool]:
    """The text with full-width digits folded, thousands separators dropped and lookalike letters inside numbers
    read as digits; and whether a letter had to be read as a digit (the value is then a guess)."""
    text = "".join(unicodedata.normalize("NFKC", ch) if "０" <= ch <= "９" else ch for ch in text)
    guessed = False

    def fix(match: re.Match[str]) -> str:
        nonlocal guessed
        token = match.group(0)
        # Without a real digit only a lone O, l or I in a cell of its own is a digit (cells come one by one).
        if not any(ch.isdigit() for ch in token) and (
            len(token) > 1 or token not in "OolI|" or match.string.strip() != token
        ):
            return token
        fixed = token.translate(_LOOKALIKES)
        guessed = guessed or fixed != token
        return fixed

    if text.strip() in _DASH:
        return "—", False
    text = _NUMBERISH.sub(fix, text)
    return _SEPARATOR.sub("", text), guessed
