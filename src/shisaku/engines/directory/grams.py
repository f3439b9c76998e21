"""The n-gram inverted index: every 1-, 2- and 3-character substring of a firm's search text ->
a roaring bitmap of the rows that contain it.

Keys are integers: a character is its code point + 1 (so no character is 0), a unigram is
``c``, a bigram ``c1 << 21 | c2`` and a trigram ``c1 << 42 | c2 << 21 | c3`` — three disjoint
ranges, one sorted ``uint64`` array. Postings are serialized roaring bitmaps in one buffer
(``offsets`` delimit them) and are deserialized per query. N-grams never span the single space
that separates two fields of the search text.

A token of at most three characters is answered exactly by its own posting. A longer token
takes the intersection of the postings of all its trigrams as *candidates* and keeps those whose
text really contains it (a bounded search in the UTF-8 text buffer, in C: see
:meth:`GramIndex._verify`): exact substring semantics.
"""

from __future__ import annotations

import array
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Any, Protocol, cast

import numpy as np
import numpy.typing as npt
from pyroaring import BitMap

__all__ = ["GramBuilder", "GramIndex", "bitmap_of"]

_SHIFT = 21
_ROW_BITS = 14  # rows per build chunk: 16,384


def _global_keys(grams: npt.NDArray[np.uint64], chars: npt.NDArray[np.uint64],
                 size: np.uint64) -> npt.NDArray[np.uint64]:
    """Chunk-local gram numbers -> global keys (``chars``: code point + 1 per local letter)."""
    bi_base, tri_base = size, size + size * size
    out = np.empty_like(grams)
    uni = grams < bi_base
    out[uni] = chars[grams[uni]]
    bi = (grams >= bi_base) & (grams < tri_base)
    g = grams[bi] - bi_base
    out[bi] = (chars[g // size] << np.uint64(_SHIFT)) | chars[g % size]
    tri = grams >= tri_base
    g = grams[tri] - tri_base
    out[tri] = ((chars[g // (size * size)] << np.uint64(2 * _SHIFT))
                | (chars[(g // size) % size] << np.uint64(_SHIFT)) | chars[g % size])
    return out


class _Findable(Protocol):
    """The search texts' buffer: ``bytes``, or an ``mmap`` of a snapshot (both offer the
    buffer protocol, which the verification reads through NumPy views)."""

    def find(self, sub: bytes, start: int, end: int, /) -> int: ...


def bitmap_of(rows: npt.NDArray[Any]) -> BitMap:
    """A bitmap of row numbers (fast path through a uint32 buffer)."""
    if not rows.size:
        return BitMap()  # (pyroaring refuses an empty buffer)
    return BitMap(array.array("I", np.ascontiguousarray(rows, dtype=np.uint32).tobytes()))


def _keys(text: str) -> list[int]:
    """The n-gram keys of one token (no spaces), shortest form: the token itself if ≤ 3
    characters, else its trigrams."""
    cps = [ord(c) + 1 for c in text]
    if len(cps) == 1:
        return [cps[0]]
    if len(cps) == 2:
        return [cps[0] << _SHIFT | cps[1]]
    return [cps[i] << 2 * _SHIFT | cps[i + 1] << _SHIFT | cps[i + 2]
            for i in range(len(cps) - 2)]


# Candidates verified per step (the lines of their texts that the search will read are touched
# together first), the number of candidates from which the search is planned on a sample, and
# at most how many bytes of each text are touched ahead.
_STEP = 2048
_SAMPLE_FROM = 256
_SAMPLE = 32
_LINE = 64
_AHEAD = 256


def _plan(view: Callable[[int, int], npt.NDArray[np.bytes_]], needle: bytes,
          starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]) -> tuple[bool, int]:
    """How to search the candidates' texts, judged on an evenly spread sample (only the speed
    depends on it): from their ends rather than their starts when that reads fewer bytes, and
    how many bytes a search typically reads (the median)."""
    pick = np.linspace(0, starts.size - 1, _SAMPLE).astype(np.intp)
    s, e = starts[pick], ends[pick]
    lo, hi = int(s.min()), int(e.max())
    if hi - lo < len(needle):
        return False, 0
    text = view(lo, hi)
    first = np.strings.find(text, needle, s - lo, e - lo)
    last = np.strings.rfind(text, needle, s - lo, e - lo)
    forward = np.where(first >= 0, first + lo - s + len(needle), e - s)
    backward = np.where(last >= 0, e - (last + lo), e - s)
    if backward.sum() < forward.sum():
        return True, int(np.median(backward))
    return False, int(np.median(forward))


class GramBuilder:
    """Collects the search texts of consecutive rows in chunks and builds the postings."""

    def __init__(self, chunk: int = 2**_ROW_BITS) -> None:
        self.chunk = min(chunk, 2**_ROW_BITS)
        self._texts: list[str] = []
        self._first = 0
        self._postings: dict[int, BitMap] = {}
        self._utf8: list[bytes] = []
        self._lengths: list[int] = []

    def add(self, text: str) -> None:
        self._texts.append(text)
        if len(self._texts) >= self.chunk:
            self._flush()

    def _flush(self) -> None:
        texts, self._texts = self._texts, []
        if not texts:
            return
        encoded = [t.encode("utf-8") for t in texts]
        self._utf8.append(b"".join(encoded))
        self._lengths.extend(len(e) for e in encoded)
        joined = " ".join(texts) + " "
        cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        # A chunk-local dense alphabet keeps (gram, row) in one uint64, so one plain sort
        # groups and de-duplicates the pairs.
        present = np.zeros(0x110000, dtype=np.bool_)
        present[cps] = True
        alphabet = np.flatnonzero(present).astype(np.uint32)
        local = (np.cumsum(present, dtype=np.uint32) - np.uint32(1))[cps].astype(np.uint64)
        size = np.uint64(alphabet.size)
        if alphabet.size > 2**16:
            raise ValueError("too many distinct characters in one chunk; use a smaller chunk")
        rows = np.repeat(np.arange(len(texts), dtype=np.uint64), [len(t) + 1 for t in texts])
        self_first = self._first
        self._first += len(texts)
        ok = cps != 32
        ok2 = ok[:-1] & ok[1:]
        ok3 = ok2[:-1] & ok[2:]
        bi_base, tri_base = size, size + size * size
        grams = np.concatenate([
            local[ok],
            (bi_base + local[:-1] * size + local[1:])[ok2],
            (tri_base + (local[:-2] * size + local[1:-1]) * size + local[2:])[ok3],
        ])
        key_rows = np.concatenate([rows[ok], rows[:-1][ok2], rows[:-2][ok3]])
        if not grams.size:
            return
        pairs = (grams << np.uint64(_ROW_BITS)) | key_rows
        pairs.sort()  # (np.unique's hash path is far slower here)
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
        grams = pairs >> np.uint64(_ROW_BITS)
        key_rows = (pairs & np.uint64(2**_ROW_BITS - 1)).astype(np.uint32) + np.uint32(self_first)
        starts = np.flatnonzero(np.r_[True, grams[1:] != grams[:-1]])
        ends = np.r_[starts[1:], grams.size]
        keys = _global_keys(grams[starts], alphabet.astype(np.uint64) + np.uint64(1), size)
        postings = self._postings
        for key, s, e in zip(keys.tolist(), starts.tolist(), ends.tolist(), strict=True):
            found = postings.get(key)
            part = bitmap_of(key_rows[s:e])
            if found is None:
                postings[key] = part
            else:
                found |= part

    def finish(self) -> dict[str, npt.NDArray[Any]]:
        """The arrays of a :class:`GramIndex` (keys, offsets, postings, text, text offsets)."""
        self._flush()
        keys = np.array(sorted(self._postings), dtype=np.uint64)
        postings, self._postings = self._postings, {}
        blobs = []
        for key in keys.tolist():
            bm = postings.pop(key)  # (each bitmap freed once serialized)
            bm.run_optimize()
            blobs.append(bm.serialize())
        offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(b) for b in blobs], dtype=np.int64)
        text_off = np.zeros(len(self._lengths) + 1, dtype=np.int64)
        text_off[1:] = np.cumsum(self._lengths, dtype=np.int64)
        chunks, self._utf8 = self._utf8, []
        return {
            "gram_keys": keys, "gram_off": offsets, "gram_buf": _joined(blobs),
            "text_off": text_off, "text_buf": _joined(chunks),
        }


def _joined(parts: list[bytes]) -> npt.NDArray[np.uint8]:
    """The parts concatenated into one array, **emptying** ``parts`` as they are copied (at
    1M firms the postings and texts are 0.5–0.8 GB: ``b"".join`` would hold both copies)."""
    out = np.empty(sum(len(p) for p in parts), dtype=np.uint8)
    at = 0
    parts.reverse()
    while parts:
        part = parts.pop()
        out[at:at + len(part)] = np.frombuffer(part, dtype=np.uint8)
        at += len(part)
    return out


class GramIndex:
    """Lookups over the arrays of :meth:`GramBuilder.finish`: ``postings`` the serialized
    bitmaps, ``text`` a buffer whose UTF-8 texts start at ``text_base`` (bytes in memory, or
    an ``mmap`` of the snapshot). Verified rows of the last :data:`CACHE_TOKENS` long tokens
    are kept (the index never changes, so they stay exact)."""

    CACHE_TOKENS = 256

    def __init__(self, keys: npt.NDArray[np.uint64], offsets: npt.NDArray[np.int64],
                 postings: memoryview, text_off: npt.NDArray[np.int64], text: _Findable,
                 text_base: int = 0) -> None:
        self.keys = keys
        self.offsets = offsets
        # Row r's text is text[text_base + text_off[r] : text_base + text_off[r + 1]] (the
        # offsets are kept as given, not shifted: no second copy of an array of n + 1 int64).
        self.text_off = text_off
        self.text_base = int(text_base)
        self.text = text
        self._blob = postings
        self.cache: OrderedDict[str, BitMap] = OrderedDict()
        self._lock = threading.Lock()

    def _posting(self, key: int) -> BitMap | None:
        i = int(np.searchsorted(self.keys, key))
        if i >= self.keys.size or int(self.keys[i]) != key:
            return None
        blob = self._blob[int(self.offsets[i]):int(self.offsets[i + 1])]
        return BitMap.deserialize(cast(bytes, blob))  # any buffer will do

    def rows_containing(self, token: str, within: BitMap | None = None) -> BitMap:
        """Rows whose search text contains ``token`` (folded, no spaces), among ``within``."""
        with self._lock:
            cached = self.cache.get(token)
            if cached is not None:
                self.cache.move_to_end(token)
        if cached is not None:
            return cached if within is None else cached & within
        postings = []
        for key in _keys(token):
            bm = self._posting(key)
            if bm is None:
                return BitMap()
            postings.append(bm)
        postings.sort(key=len)
        found = postings[0]
        if within is not None:
            found = found & within
        for bm in postings[1:]:
            if not found:
                break
            found &= bm
        if len(token) <= 3 or not found:
            return found
        verified = self._verify(found, token.encode("utf-8"))
        if within is None:
            with self._lock:
                self.cache[token] = verified
                while len(self.cache) > self.CACHE_TOKENS:
                    self.cache.popitem(last=False)
        return verified

    def _verify(self, candidates: BitMap, needle: bytes) -> BitMap:
        """The candidates whose text contains ``needle`` (UTF-8 bytes of a folded token).

        One bounded substring search per candidate, in C: NumPy's string ``find`` (``rfind``)
        over a one-element byte-string *view* of the whole text buffer, with the candidates'
        starts and ends as arrays, so no text is copied and no Python call is made per
        candidate. The cost is
        mostly memory: candidates lie all over the buffer, so each step first touches the
        lines of its candidates' texts that a search typically reads, in one gather that lets
        the CPU fetch them in parallel; and a sample decides the side to search from (a Hangul
        token usually lies in the Korean description, the last field; a Latin one near the
        start) and how far to touch. The answer never depends on it: whether the bytes occur."""
        rows = np.frombuffer(candidates.to_array(), dtype=np.uint32)
        if b"\0" in needle:  # (a NumPy byte string drops trailing NULs)
            return self._verify_each(rows, needle)
        starts = self.text_off[rows]
        ends = self.text_off[rows + 1]
        backward, depth = False, 0
        if rows.size >= _SAMPLE_FROM:
            backward, depth = _plan(self._view, needle, starts, ends)
        search = np.strings.rfind if backward else np.strings.find
        size = int(self.text_off[-1])
        if not size:
            return BitMap()
        text = self._view(0, size)
        touch = np.frombuffer(cast(Any, self.text), dtype=np.uint8, count=size,
                              offset=self.text_base)
        # The lines a search will read first: from each text's start (or its last byte) on,
        # one more than the typical depth (a text's start is seldom at a line's start).
        ahead = np.arange(0, min(depth, _AHEAD) + _LINE, _LINE, dtype=np.int64)
        first = ends - 1 if backward else starts
        hits = np.empty(rows.size, dtype=np.bool_)
        for i in range(0, rows.size, _STEP):
            s, e = starts[i:i + _STEP], ends[i:i + _STEP]
            at = first[i:i + _STEP, None]  # (only the loads of this gather matter)
            touch.take(at - ahead if backward else at + ahead, mode="clip")
            hits[i:i + _STEP] = search(text, needle, s, e) >= 0
        return bitmap_of(rows[hits])

    def _verify_each(self, rows: npt.NDArray[np.uint32], needle: bytes) -> BitMap:
        """The plain way: one ``find`` call per candidate."""
        base = self.text_base
        starts = (self.text_off[rows] + base).tolist()
        ends = (self.text_off[rows + 1] + base).tolist()
        found = np.fromiter(map(self.text.find, repeat(needle), starts, ends),
                            dtype=np.int64, count=rows.size)
        return bitmap_of(rows[found >= 0])

    def _view(self, lo: int, hi: int) -> npt.NDArray[np.bytes_]:
        """Bytes ``lo:hi`` of the texts as one byte string (a view, nothing copied)."""
        return np.frombuffer(cast(Any, self.text), dtype=f"S{max(hi - lo, 1)}", count=1,
                             offset=self.text_base + lo)

    def rows_matching(self, tokens: Sequence[str], within: BitMap | None = None) -> BitMap:
        """Rows containing every token (shortest posting first), among ``within``."""
        found = within
        for token in sorted(tokens, key=len, reverse=True):
            found = self.rows_containing(token, found)
            if not found:
                break
        assert found is not None
        return found
