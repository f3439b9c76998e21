"""Column helpers for the matching index: code vocabularies, bitsets, compact dtypes, text columns.

Bitsets are 2-D arrays (rows × words). With up to 64 codes a row is one word of the smallest
unsigned type that holds them (uint8 for the 6 stages, uint16 for the certifications …);
beyond 64 codes, rows have several uint64 words. Floats are kept as float32 only when every
value survives the round trip exactly, so comparisons give the same answer as on the records.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "Vocabulary",
    "bitset_array",
    "compact_float",
    "compact_int",
    "float32_at_least",
    "has_all_bits",
    "has_bit",
    "is_member",
    "rows_bits",
    "text_column",
    "text_value",
]

Array = npt.NDArray[Any]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class Vocabulary:
    """Codes of one kind numbered 0, 1, …: the taxonomy's first, then any others met in data."""

    def __init__(self, codes: Iterable[str]) -> None:
        self.codes: list[str] = []
        self.ids: dict[str, int] = {}
        for code in codes:
            self.add(code)

    def add(self, code: str) -> int:
        found = self.ids.get(code)
        if found is None:
            found = self.ids[code] = len(self.codes)
            self.codes.append(code)
        return found

    def mask(self, codes: Iterable[str] | None) -> int:
        """The codes as a Python-int bit mask (bit i = code i), adding unknown ones."""
        bits = 0
        for code in codes or ():
            bits |= 1 << self.add(str(code))
        return bits

    def __len__(self) -> int:
        return len(self.codes)


def _word_dtype(nbits: int) -> type[np.unsignedinteger[Any]]:
    for dtype in (np.uint8, np.uint16, np.uint32, np.uint64):
        if nbits <= np.iinfo(dtype).bits:
            return dtype
    return np.uint64


def bitset_array(values: Sequence[int], nbits: int) -> Array:
    """Python-int masks as a (len(values), words) array for a vocabulary of ``nbits`` codes."""
    dtype = _word_dtype(nbits)
    words = max(1, math.ceil(nbits / 64)) if nbits > 64 else 1
    if words == 1:
        return np.asarray(values, dtype=np.uint64).astype(dtype).reshape(-1, 1)
    out = np.zeros((len(values), words), dtype=np.uint64)
    for w in range(words):
        out[:, w] = [(v >> (64 * w)) & 0xFFFFFFFFFFFFFFFF for v in values]
    return out


def _word_and_bit(column: Array, code_id: int) -> tuple[int, Any]:
    width = column.dtype.itemsize * 8
    return code_id // width, column.dtype.type(1 << (code_id % width))


def has_bit(column: Array, code_id: int, rows: IntArray | None = None) -> BoolArray:
    """Rows of a bitset ``column`` (optionally only ``rows``) that have code ``code_id``."""
    word, bit = _word_and_bit(column, code_id)
    if word >= column.shape[1]:
        size = column.shape[0] if rows is None else rows.size
        return np.zeros(size, dtype=bool)
    values = column[:, word] if rows is None else np.take(column[:, word], rows)
    out: BoolArray = (values & bit) != 0
    return out


def has_all_bits(column: Array, code_ids: Iterable[int], rows: IntArray | None = None
                 ) -> BoolArray | None:
    """Rows that have every code of ``code_ids``; ``None`` when ``code_ids`` is empty."""
    need: dict[int, int] = {}
    width = column.dtype.itemsize * 8
    for code_id in code_ids:
        need[code_id // width] = need.get(code_id // width, 0) | (1 << (code_id % width))
    out: BoolArray | None = None
    for word, bits in need.items():
        if word >= column.shape[1]:
            size = column.shape[0] if rows is None else rows.size
            return np.zeros(size, dtype=bool)
        values = column[:, word] if rows is None else np.take(column[:, word], rows)
        mask = column.dtype.type(bits)
        ok = (values & mask) == mask
        out = ok if out is None else out & ok
    return out


def compact_float(values: Sequence[float]) -> Array:
    """float32 when every value (NaN and ±inf included) is exact in float32, else float64."""
    wide = np.asarray(values, dtype=np.float64)
    narrow = wide.astype(np.float32)
    same = (narrow.astype(np.float64) == wide) | (np.isnan(wide) & np.isnan(narrow))
    return narrow if bool(np.all(same)) else wide


def compact_int(values: Sequence[int]) -> Array:
    """int32 when every value fits, else int64 (values must fit int64)."""
    wide = np.asarray(values, dtype=np.int64)
    info = np.iinfo(np.int32)
    if wide.size == 0 or (int(wide.min()) >= info.min and int(wide.max()) <= info.max):
        return wide.astype(np.int32)
    return wide


def float32_at_least(value: float) -> np.float32:
    """The smallest float32 ≥ ``value``: ``x >= value`` ⇔ ``x >= float32_at_least(value)``
    for every float32 ``x``, so a float32 column compares exactly with a float64 bound."""
    narrow = np.float32(value)
    if float(narrow) < value:
        narrow = np.nextafter(narrow, np.float32(np.inf))
    return narrow


def is_member(values: IntArray, pool: Array, universe: int) -> BoolArray:
    """For each of ``values``, whether it occurs in ``pool``; both hold integers in
    [0, universe). A scratch mark array beats binary search at these sizes."""
    mark = np.zeros(universe, dtype=bool)
    mark[pool] = True
    out: BoolArray = mark[values]
    return out


def rows_bits(column: Array, rows: IntArray) -> list[int]:
    """Some rows of a bitset column as Python ints (bit i = code i)."""
    if column.shape[1] == 1:
        out: list[int] = column[rows, 0].tolist()
        return out
    width = column.dtype.itemsize * 8
    return [sum(int(v) << (width * w) for w, v in enumerate(words))
            for words in column[rows].tolist()]


def text_column(texts: Sequence[str]) -> tuple[Array, Array]:
    """Strings as one UTF-8 byte buffer and offsets (row i = buffer[offsets[i]:offsets[i+1]])."""
    encoded = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    dtype = np.uint32 if offsets[-1] < 2**32 else np.uint64
    buffer = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
    return buffer, offsets.astype(dtype)


def text_value(buffer: Array, offsets: Array, row: int) -> str:
    return bytes(buffer[int(offsets[row]):int(offsets[row + 1])]).decode("utf-8")
