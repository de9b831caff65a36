"""Member text without the characters that hide or disguise it.

Bidi embedding, override and isolate controls (U+202A–202E, U+2066–2069) can make text read
differently from what it is ("Trojan Source"), and Unicode tag characters (U+E0000–E007F) are
invisible text: both are removed from what members and imports write. Tag characters are kept
in the one place they mean something, a subdivision flag (🏴 + tags + cancel tag). Zero-width
joiners and marks stay: emoji and many scripts need them.
"""

import re
import unicodedata

HIDDEN = re.compile(
    "\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"  # a flag such as Scotland's: kept whole
    "|[\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]"
)
# Letters that are drawn as nothing: Hangul fillers and the blank Braille pattern.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _keep_flags(match):
    text = match.group()
    return text if len(text) > 1 else ""


def clean_text(text):
    """Text with bidi controls and stray tag characters removed."""
    if not text or text.isascii():
        return text
    return HIDDEN.sub(_keep_flags, text)


def is_blank(text):
    """True when nothing of the text would be seen: whitespace, zero-width and format characters."""
    return all(
        char.isspace()
        or unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp")
        or char in BLANK_LETTERS
        for char in text or ""
    )
