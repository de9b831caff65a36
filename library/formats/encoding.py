"""Turn the bytes of a team file into clean text, whatever happened to its encoding.

The team's files were opened in the wrong encoding and saved again, some more than once:
UTF-8 read as Mac Roman, UTF-8 read as Windows-1254 with the bytes that code page cannot hold
dropped. Repair goes from the safest step to the boldest:

1. decode (BOM, UTF-16, UTF-8, else Windows-1252) and normalise line endings;
2. undo the wrong decoding over the whole text when it round-trips exactly;
3. let ftfy fix what is left, piece by piece;
4. re-create a character whose last byte was lost, when only one candidate makes sense.
"""

import codecs
import re
import unicodedata

import ftfy

from .errors import ImportFormatError

# Encodings UTF-8 text is commonly misread as; the first whose reversal round-trips wins.
MISREAD_AS = ("mac_roman", "cp1252", "cp1254", "latin-1")
# Characters typical of UTF-8 misread as a single-byte encoding ("Ã©", "â€™", "ðŸ", "üìú").
MOJIBAKE_HINT = re.compile(r"[ÃÂâ][\x80-\xbf€-™œšžŸ]|[ðğ][Ÿ\x9f]|[‚Äâ√][Ä-ü†°¢£§•¶ß®©™´¨≠ÆØ]|üì|üå|üß")


def _undecodable_bytes(encoding):
    missing = []
    for byte in range(0x80, 0x100):
        try:
            bytes([byte]).decode(encoding)
        except UnicodeDecodeError:
            missing.append(byte)
    return bytes(missing)


LOST_BYTE_CANDIDATES = {enc: _undecodable_bytes(enc) for enc in ("cp1252", "cp1254", "cp1250", "cp1251")}
PLAUSIBLE_CATEGORIES = ("L", "N", "P", "S")


def decode_bytes(data, filename="<file>", preferred=""):
    """Clean text from a file's bytes; `preferred` characters win when a lost byte is ambiguous.

    Returns (text, notes): notes say what was repaired, for the import report.
    """
    notes = []
    text = _decode(data, filename)
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    repaired, how = repair_mojibake(text, preferred)
    if how:
        notes.append(f"{filename}: repaired the encoding ({how}).")
    return repaired, notes


def _decode(data, filename):
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding)
    if _looks_like_utf16(data):
        return data.decode("utf-16-le" if data[1:2] == b"\0" else "utf-16-be")
    if b"\0" in data:
        raise ImportFormatError(filename, 1, "this is a binary file, not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8: the only single-byte encoding that decodes every text byte the team would type.
        return data.decode("cp1252", errors="replace")


def _looks_like_utf16(data):
    sample = data[:200]
    return len(sample) >= 4 and (
        sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4
    )


def mojibake_score(text):
    return len(MOJIBAKE_HINT.findall(text)) + text.count("\ufffd")


def repair_mojibake(text, preferred=""):
    """Returns (repaired text, a few words on how, or "" when nothing was wrong)."""
    score = mojibake_score(text)
    if not score:
        return text, ""
    for encoding in MISREAD_AS:
        try:
            candidate = text.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if mojibake_score(candidate) < score:
            return candidate, f"UTF-8 that had been read as {encoding}"
    for encoding, lost_bytes in LOST_BYTE_CANDIDATES.items():
        try:
            raw = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        raw, restored = restore_lost_bytes(raw, lost_bytes, preferred)
        try:
            candidate = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if restored and mojibake_score(candidate) < score:
            return candidate, (
                f"UTF-8 that had been read as {encoding}; {restored} characters that had lost a byte restored"
            )
    fixed = ftfy.fix_encoding(text)
    return fixed, "mixed encodings, repaired piece by piece" if fixed != text else ""


def restore_lost_bytes(raw, lost_bytes, preferred=""):
    """Re-create UTF-8 sequences that lost one byte, one the code page could not hold.

    The survivors of "🌐" read as Windows-1254 are F0 9F 8C, its 0x90 gone. Each byte the code
    page cannot hold is tried in the gap; a candidate in `preferred` wins, else the only
    printable one; when several remain the sequence becomes U+FFFD, honest about the loss.
    Returns (bytes, how many sequences were restored).
    """
    out, restored, i = bytearray(), 0, 0
    while i < len(raw):
        lead = raw[i]
        needed = _sequence_length(lead)
        if not 0xC2 <= lead <= 0xF4:
            out.append(lead)
            i += 1
            continue
        j = i + 1
        while j < len(raw) and j - i < needed and 0x80 <= raw[j] <= 0xBF:
            j += 1
        sequence = raw[i:j]
        # A lone lead byte could be a real letter ("Ü"); only a lead with a continuation is evidence.
        if needed >= 3 and len(sequence) == needed - 1:
            out += _fill_gap(sequence, lost_bytes, preferred)
            restored += 1
        else:
            out += sequence
        i = j
    return bytes(out), restored


def _fill_gap(sequence, lost_bytes, preferred):
    candidates = []
    for byte in lost_bytes:
        for position in range(1, len(sequence) + 1):
            try:
                char = (sequence[:position] + bytes([byte]) + sequence[position:]).decode("utf-8")
            except UnicodeDecodeError:
                continue
            if unicodedata.category(char)[0] in PLAUSIBLE_CATEGORIES and char not in candidates:
                candidates.append(char)
    chosen = [c for c in candidates if c in preferred] or candidates
    return (chosen[0] if len(chosen) == 1 else "\ufffd").encode("utf-8")


def _sequence_length(lead):
    if lead >= 0xF0:
        return 4
    if lead >= 0xE0:
        return 3
    return 2
