"""Reading pool files: text encodings, CSV rows and a bounded, entity-free XLSX reader.

Every reader yields ``(line, cells)`` with the spreadsheet's own line number, skips blank rows
(spreadsheet programs write trailing rows of bare commas) and refuses a file that would take
more than the import limits before it costs time or memory.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext

from shisaku.core.text import nfc
from shisaku.errors import InputError

MAX_IMPORT_BYTES = 512 * 1024 * 1024  # the command line; the browser takes SHISAKU_IMPORT_UPLOAD_MB
# An XLSX is a zip of XML: bound what it expands to and how much it may expand (zip bombs
# reach ratios of thousands; real workbooks stay below 30).
MAX_XLSX_EXPANDED_BYTES = 400 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_ROWS = 2_000_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell

# Encodings a user may name; detection weighs the first three (see decode()).
ENCODINGS = ("utf-8", "cp949", "shift_jis", "cp932", "gb18030", "big5")
DETECTED = ("utf-8", "cp949", "shift_jis")


# -- encodings ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    # Plausibility of the decoded text in [0, 1] and the runner-up, for the report.
    confidence: float = 1.0
    alternatives: tuple[tuple[str, float], ...] = ()


def _in_ks_x_1001(ch: str) -> bool:
    """One of the 2,350 common Hangul syllables of KS X 1001 (two bytes in EUC-KR; Python
    writes the others as eight-byte jamo sequences)."""
    try:
        return len(ch.encode("euc_kr")) == 2
    except UnicodeEncodeError:
        return False


def _plausibility(text: str, encoding: str) -> float:
    """How much the non-ASCII text looks like a firm list written in ``encoding``'s language.

    A Shift_JIS file read as CP949 becomes Hangul syllables that only the Unified Hangul Code
    extension holds (no Korean office types them); a CP949 file read as Shift_JIS becomes
    half-width katakana and rare kanji. Common characters of the language score 1, rare ones
    0.3, and characters the other reading produces 0.
    """
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return 1.0
    score = 0.0
    seen: dict[str, float] = {}
    for c in wide:
        if c in seen:
            score += seen[c]
            continue
        value = _char_score(c, encoding)
        seen[c] = value
        score += value
    return score / len(wide)


def _char_score(c: str, encoding: str) -> float:
    o = ord(c)
    if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E:  # CJK punctuation, full-width forms
        return 1.0
    if encoding == "cp949":
        if 0xAC00 <= o <= 0xD7A3:  # Hangul syllables: the 2,350 of KS X 1001 are the common ones
            return 1.0 if _in_ks_x_1001(c) else 0.0
        if 0x4E00 <= o <= 0x9FFF:  # hanja appear in Korean firm names, rarely
            return 0.3
        if 0x3131 <= o <= 0x318E:
            return 0.3
        return 0.1 if unicodedata.category(c).startswith(("S", "P")) else 0.0
    # shift_jis
    if 0x3041 <= o <= 0x30FF:  # hiragana, full-width katakana
        return 1.0
    if 0x4E00 <= o <= 0x9FFF:
        lead = c.encode("shift_jis")[0]
        return 1.0 if 0x88 <= lead <= 0x98 else 0.3  # JIS level 1 kanji are the common ones
    if 0xFF61 <= o <= 0xFF9F:  # half-width katakana: what Korean bytes turn into
        return 0.05
    return 0.1 if unicodedata.category(c).startswith(("S", "P")) else 0.0


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """The text of a CSV file: in the given encoding, else UTF-8, else CP949 or Shift_JIS.

    UTF-8 is taken when the bytes are valid UTF-8 (legacy text almost never is). Otherwise
    every legacy encoding that decodes the bytes strictly is weighed on the decoded text
    (Hangul vs kana and kanji plausibility) and the most plausible wins. GB18030 and Big5 decode
    nearly any bytes and are given by the user (``--encoding``), never guessed.
    """
    if encoding:
        codec = "utf-8-sig" if encoding == "utf-8" else encoding
        try:
            return Decoded(data.decode(codec), encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError("encoding", gettext("the file is not valid %(encoding)s: %(exc)s") % {"encoding": encoding, "exc": exc}) from None
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    scored: list[tuple[float, str, str]] = []
    for name, codec in (("cp949", "cp949"), ("shift_jis", "shift_jis"),
                        ("cp932", "cp932")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if name == "cp932" and any(n == "shift_jis" for _s, n, _t in scored):
            continue  # same reading; cp932 only adds the Windows extensions
        scored.append((_plausibility(text, "cp949" if name == "cp949" else "shift_jis"),
                       name, text))
    if not scored:
        raise InputError("encoding", gettext("cannot tell the encoding (not UTF-8, CP949 or "
                                             "Shift_JIS); give it with --encoding (%(names)s)")
                         % {"names": ", ".join(ENCODINGS)})
    scored.sort(key=lambda s: -s[0])
    best, name, text = scored[0]
    return Decoded(text, name, round(best, 3),
                   tuple((n, round(s, 3)) for s, n, _t in scored[1:]))


# -- CSV ----------------------------------------------------------------------------------------
def _blank(values: Any) -> bool:
    return all(v is None or str(v).strip() == "" for v in values)


def rows_from_csv(text: str, check_header: Any) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, cells) per non-blank row; a row with more cells than the header is refused."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [nfc(h).strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    check_header(header)
    normalise = nfc if not unicodedata.is_normalized("NFC", text) else str
    count = 0
    for row in reader:
        extra = row.pop(None, None)  # type: ignore[call-overload]
        if _blank(row.values()) and _blank(extra or ()):
            continue  # ",,,,," rows that spreadsheet programs append
        if extra and not _blank(extra):
            raise InputError("file", gettext("line %(line_num)s: more cells than columns") % {"line_num": reader.line_num})
        count += 1
        if count > MAX_ROWS:
            raise InputError("file", gettext("more than %(max_rows)s rows") % {"max_rows": f"{MAX_ROWS:,}"})
        yield reader.line_num, {k: normalise((v or "").strip()) for k, v in row.items() if k}


# -- XLSX ---------------------------------------------------------------------------------------
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _parse(zf: zipfile.ZipFile, name: str) -> Iterator[tuple[str, Any]]:
    """Stream one part of the workbook; DTDs and entities are refused (no billion laughs)."""
    with zf.open(name) as fh:
        yield from iterparse(fh, events=("start", "end"), forbid_dtd=True,
                             forbid_entities=True, forbid_external=True)


def _first_sheet(zf: zipfile.ZipFile) -> str:
    sheet_rel = None
    for _event, el in _parse(zf, "xl/workbook.xml"):
        if el.tag == f"{_NS_MAIN}sheet":
            sheet_rel = el.get(f"{_NS_REL}id")
            break
    if sheet_rel is None:
        raise InputError("file", gettext("the workbook has no worksheet"))
    for _event, el in _parse(zf, "xl/_rels/workbook.xml.rels"):
        if el.tag == f"{_NS_PKG_REL}Relationship" and el.get("Id") == sheet_rel:
            target = el.get("Target") or ""
            return (target.lstrip("/") if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target)))
    raise InputError("file", gettext("the workbook's first worksheet is missing"))


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    strings: list[str] = []
    parts: list[str] = []
    chars = 0
    for event, el in _parse(zf, "xl/sharedStrings.xml"):
        if event != "end":
            continue
        if el.tag == f"{_NS_MAIN}t":
            parts.append(el.text or "")
        elif el.tag == f"{_NS_MAIN}si":
            text = "".join(parts)
            chars += len(text)
            if len(text) > MAX_CELL_CHARS or chars > MAX_XLSX_EXPANDED_BYTES:
                raise InputError("file", gettext("the workbook's text is larger than the import limit"))
            strings.append(text)
            parts = []
            el.clear()
    return strings


def _cell_text(cell: Any, shared: list[str]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_NS_MAIN}t"))
    value = cell.find(f"{_NS_MAIN}v")
    raw = "" if value is None or value.text is None else value.text
    if kind == "s":
        try:
            return shared[int(raw)]
        except (ValueError, IndexError):
            raise InputError("file", gettext("cell %(value)s: broken shared-string reference") % {"value": cell.get('r')}) from None
    if kind == "b":
        return "true" if raw == "1" else "false"
    if kind in (None, "n") and raw:
        try:  # numbers as a spreadsheet shows them: 5000, not 5000.0
            number = float(raw)
        except ValueError:
            return raw
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    return raw


def _open_xlsx(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InputError("file", gettext("not a readable XLSX workbook: %(exc)s") % {"exc": exc}) from None
    infos = zf.infolist()
    expanded = sum(i.file_size for i in infos)
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise InputError("file", gettext("the workbook expands to %(mb)s MB, more than the limit "
                                         "of %(max)s MB")
                         % {"mb": expanded // (1024 * 1024),
                            "max": MAX_XLSX_EXPANDED_BYTES // (1024 * 1024)})
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
            raise InputError("file", gettext("%(name)s expands %(ratio)s times: refused as a zip "
                                             "bomb")
                             % {"name": info.filename,
                                "ratio": info.file_size // max(info.compress_size, 1)})
    return zf


def rows_from_xlsx(data: bytes, check_header: Any) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, cells) per non-blank row of the first worksheet, streamed and bounded.

    The sheet's declared size (``<dimension>``) is not trusted: rows and columns are counted as
    they are read, and a workbook over MAX_ROWS rows or MAX_COLUMNS columns is refused there.
    """
    zf = _open_xlsx(data)
    try:
        sheet = _first_sheet(zf)
        shared = _shared_strings(zf)
        if sheet not in zf.namelist():
            raise InputError("file", gettext("the workbook's first worksheet is missing"))
        header: list[str] | None = None
        rows = 0
        cells: dict[int, str] = {}
        line = 0
        for event, el in _parse(zf, sheet):
            if event == "start":
                if el.tag == f"{_NS_MAIN}row":
                    cells = {}
                    try:
                        line = int(el.get("r") or line + 1)
                    except ValueError:
                        raise InputError("file", gettext("row %(value)s is not a row number") % {"value": repr(el.get('r'))}) from None
                continue
            if el.tag == f"{_NS_MAIN}c":
                ref = _CELL_REF.match(el.get("r") or "")
                column = _column_index(ref.group(1)) if ref else len(cells)
                if column >= MAX_COLUMNS:
                    raise InputError("file", gettext("line %(line)s: more than %(max_columns)s columns") % {"line": line, "max_columns": MAX_COLUMNS})
                text = _cell_text(el, shared)
                if len(text) > MAX_CELL_CHARS:
                    raise InputError("file", gettext("line %(line)s: a cell over %(max_cell_chars)s characters") % {"line": line, "max_cell_chars": MAX_CELL_CHARS})
                cells[column] = text
            elif el.tag == f"{_NS_MAIN}row":
                el.clear()
                if not cells or _blank(cells.values()):
                    continue
                rows += 1
                if rows > MAX_ROWS:
                    raise InputError("file", gettext("more than %(max_rows)s rows") % {"max_rows": f"{MAX_ROWS:,}"})
                if header is None:
                    width = max(cells) + 1
                    header = [nfc(cells.get(i, "")).strip() for i in range(width)]
                    check_header(header)
                    continue
                if max(cells) >= len(header) and not _blank(
                        v for i, v in cells.items() if i >= len(header)):
                    raise InputError("file", gettext("line %(line)s: more cells than columns") % {"line": line})
                yield line, {h: nfc(cells.get(i, "").strip())
                             for i, h in enumerate(header) if h}
        if header is None:
            check_header([])
    except (DefusedXmlException, SyntaxError) as exc:  # ParseError is a SyntaxError
        raise InputError("file", gettext("not a readable XLSX workbook: %(name)s: %(exc)s") % {"name": type(exc).__name__, "exc": exc}) from None
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise InputError("file", gettext("not a readable XLSX workbook: %(exc)s") % {"exc": exc}) from None
    finally:
        zf.close()
