"""Turn the bytes of a team file into clean lines, whatever happened to its encoding.

The team's files were opened in the wrong encoding and saved again: UTF-8 read as Mac Roman,
UTF-8 read as Windows-1254 with the bytes that code page cannot hold dropped. The file's
misreading is recognised on a sample, then each line is repaired, from the safest step to the
boldest:

1. decode (BOM, UTF-16, UTF-8, else Windows-1252) and drop the CR of CRLF;
2. undo the file's misreading where the line round-trips exactly;
3. re-create characters that lost a byte, when one candidate makes sense;
4. let ftfy fix whatever is left.

Lines are decoded one at a time, so a long log never exists as one big string (an emoji makes
Python store a whole string at four bytes a character).
"""

import codecs
import itertools
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


SAMPLE_BYTES = 256 * 1024


class DecodedFile:
    """A file's bytes, read as clean lines; `notes` says what was repaired once they are read."""

    def __init__(self, data, filename="<file>", preferred=""):
        self.data, self.filename, self.preferred = data, filename, preferred
        self.repaired = self.restored = 0
        self.codec = self._detect_codec()
        sample = [
            line for line in itertools.islice(self._raw_lines(limit=SAMPLE_BYTES), 5000) if not line.isascii()
        ]
        self.misread = _detect_misreading(sample)
        self.lost_byte_encoding = _detect_lost_byte_encoding(sample, self.misread)

    @property
    def line_count(self):
        return self.data.count(b"\n") // (2 if self.codec.startswith("utf-16") else 1) + 1

    def lines(self):
        self.repaired = self.restored = 0  # counted afresh on each full read
        for line in self._raw_lines():
            yield self._repair(line)

    def text(self):
        return "\n".join(self.lines())

    @property
    def notes(self):
        if not self.repaired:
            return []
        how = f"UTF-8 that had been read as {self.misread or 'a legacy code page'}"
        if self.restored:
            how += f"; {self.restored} characters that had lost a byte restored"
        return [f"{self.filename}: repaired the encoding ({how})."]

    def _detect_codec(self):
        data = self.data
        for bom, codec in (
            (codecs.BOM_UTF8, "utf-8-sig"),
            (codecs.BOM_UTF16_LE, "utf-16"),
            (codecs.BOM_UTF16_BE, "utf-16"),
        ):
            if data.startswith(bom):
                return codec
        sample = data[:200]
        if len(sample) >= 4 and max(sample[0::2].count(0), sample[1::2].count(0)) > len(sample) // 4:
            return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        if b"\0" in data[:SAMPLE_BYTES]:
            raise ImportFormatError(self.filename, 1, "this is a binary file, not a text file")
        return "utf-8"

    def _raw_lines(self, limit=None):
        """Decoded lines, CR and BOM removed: UTF-16 at once (rare), UTF-8 one line at a time."""
        data = self.data if limit is None else self.data[:limit]
        if self.codec.startswith("utf-16"):
            text = data.decode(self.codec, errors="ignore" if limit else "strict")
            yield from (line.removesuffix("\r") for line in text.split("\n"))
            return
        start = 3 if self.codec == "utf-8-sig" else 0
        while start <= len(data):
            end = data.find(b"\n", start)
            end = len(data) if end == -1 else end
            raw = data[start:end].removesuffix(b"\r")
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                if limit is not None and end == len(data):
                    return  # the sample cut a character in two
                # Not UTF-8: the single-byte encoding that decodes every text byte the team would type.
                yield raw.decode("cp1252", errors="replace")
            start = end + 1

    def _repair(self, line):
        if line.isascii():
            return line
        fixed = _repair_line(line, self.misread, self.lost_byte_encoding, self.preferred)
        if fixed != line:
            self.repaired += 1
            if fixed.restored:
                self.restored += fixed.restored
        return str(fixed)


class _Repaired(str):
    restored = 0


def _repair_line(line, misread, lost_byte_encoding, preferred):
    if misread:
        try:
            return _Repaired(line.encode(misread).decode("utf-8"))
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    score = mojibake_score(line)
    if not score:
        return line
    if lost_byte_encoding:
        try:
            raw, restored = restore_lost_bytes(
                line.encode(lost_byte_encoding), LOST_BYTE_CANDIDATES[lost_byte_encoding], preferred
            )
            fixed = _Repaired(raw.decode("utf-8"))
            if mojibake_score(fixed) < score:
                fixed.restored = restored
                return fixed
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return _Repaired(ftfy.fix_encoding(line))


def _detect_misreading(sample):
    """The encoding the file was misread as: the one whose reversal repairs most sample lines."""
    broken = [line for line in sample if mojibake_score(line)]
    best, best_count = None, 0
    for encoding in MISREAD_AS:
        count = 0
        for line in broken:
            try:
                fixed = line.encode(encoding).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            count += mojibake_score(fixed) < mojibake_score(line)
        if count > best_count:
            best, best_count = encoding, count
    return best


def _detect_lost_byte_encoding(sample, misread):
    if misread in LOST_BYTE_CANDIDATES:
        return misread
    broken = [line for line in sample if mojibake_score(line)]
    for encoding in LOST_BYTE_CANDIDATES:
        try:
            for line in broken:
                line.encode(encoding)
        except UnicodeEncodeError:
            continue
        return encoding if broken else None
    return None


def decode_bytes(data, filename="<file>", preferred=""):
    """Clean text from a file's bytes; `preferred` characters win when a lost byte is ambiguous.

    Returns (text, notes): notes say what was repaired, for the import report.
    """
    decoded = DecodedFile(data, filename, preferred)
    text = decoded.text()
    return text, decoded.notes


def mojibake_score(text):
    return len(MOJIBAKE_HINT.findall(text)) + text.count("\ufffd")


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
