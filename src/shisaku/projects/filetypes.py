"""Upload checks: the type of a file from its content (magic bytes), never from its name.

Pure (no ORM). :func:`inspect_upload` reads a seekable binary stream and returns the detected
type or raises InputError("file", reason) naming what is wrong in plain words. A name must
carry no extension or the extension of the detected type (``page.html`` or ``setup.exe`` with
a PDF inside are refused). Files are stored under :func:`stored_name` (random, with the
extension of the detected type, short enough for any disk) and served with :data:`MIME` of the
detected type; the original name is kept, shortened by :func:`display_name`, as metadata.
"""

from __future__ import annotations

import re
import secrets
import struct
import unicodedata
import zipfile
from pathlib import PurePath
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shisaku.errors import InputError

__all__ = ["ALLOWED", "EXTENSIONS", "MIME", "SUFFIX", "detect", "display_name",
           "inspect_upload", "stored_name"]

# Detected type -> the file kinds that accept it ("attachment": a file in an RFQ thread).
ALLOWED: dict[str, frozenset[str]] = {
    "stl": frozenset({"cad", "attachment"}),
    "step": frozenset({"cad", "attachment"}),
    "3mf": frozenset({"cad", "attachment"}),
    "obj": frozenset({"cad", "attachment"}),
    "pdf": frozenset({"drawing", "attachment"}),
    "png": frozenset({"drawing", "image", "attachment"}),
    "jpeg": frozenset({"drawing", "image", "attachment"}),
    "webp": frozenset({"image", "attachment"}),
    "text": frozenset({"attachment"}),
}
# Detected type -> the extension of the stored file and the Content-Type it is served with.
SUFFIX = {"stl": ".stl", "step": ".step", "3mf": ".3mf", "obj": ".obj", "pdf": ".pdf",
          "png": ".png", "jpeg": ".jpg", "webp": ".webp", "text": ".txt"}
MIME = {"stl": "model/stl", "step": "model/step", "3mf": "model/3mf", "obj": "model/obj",
        "pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
        "webp": "image/webp", "text": "text/plain; charset=utf-8"}
DISPLAY_NAME_MAX = 200
# File-name extensions and the type their content must have.
EXTENSIONS: dict[str, str] = {
    ".stl": "stl", ".step": "step", ".stp": "step", ".3mf": "3mf", ".obj": "obj",
    ".pdf": "pdf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp",
    ".txt": "text", ".csv": "text",
}
_NAMES = {"stl": gettext_lazy("an STL model"), "step": gettext_lazy("a STEP model"),
          "3mf": gettext_lazy("a 3MF model"), "obj": gettext_lazy("an OBJ model"),
          "pdf": gettext_lazy("a PDF document"), "png": gettext_lazy("a PNG image"),
          "jpeg": gettext_lazy("a JPEG image"), "webp": gettext_lazy("a WebP image"),
          "zip": gettext_lazy("a ZIP archive"), "text": gettext_lazy("plain text"),
          "unknown": gettext_lazy("of no supported type")}
# The kinds a caller asks for, in words.
_KINDS = {"cad": gettext_lazy("a 3D model"), "drawing": gettext_lazy("a document"),
          "image": gettext_lazy("an image")}

HEAD_BYTES = 64 * 1024
# A 3MF is a zip: refuse archives that would expand beyond this (zip bombs) or hold too many
# entries, before trusting their content.
ZIP_MAX_ENTRIES = 2_000
ZIP_MAX_RATIO = 200

_OBJ_VERTEX = re.compile(rb"^v\s+[-+0-9.eE]+\s+[-+0-9.eE]+\s+[-+0-9.eE]+", re.M)
_OBJ_FACE = re.compile(rb"^f\s+\d", re.M)


def _binary_stl_triangles(head: bytes, size: int) -> int | None:
    """The triangle count when the size is exactly 84 + 50 n, else None."""
    if size < 84 or len(head) < 84:
        return None
    (count,) = struct.unpack_from("<I", head, 80)
    return count if count > 0 and size == 84 + 50 * count else None


def _zip_is_3mf(stream: BinaryIO, size: int) -> str:
    """``"3mf"`` for a sane zip holding ``3D/3dmodel.model``, ``"zip"`` for another zip."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES:
                raise InputError("file", _("the archive holds %(n)s entries; at most %(max)s are "
                                             "accepted") % {"n": len(infos), "max": ZIP_MAX_ENTRIES})
            total = sum(i.file_size for i in infos)
            if total > max(size, 1) * ZIP_MAX_RATIO:
                raise InputError("file", _("the archive expands to %(mb)s MB: refused as unsafe")
                                 % {"mb": total // (1024 * 1024)})
            names = {i.filename.lower() for i in infos}
    except zipfile.BadZipFile:
        raise InputError("file", _("the file starts like a ZIP archive but is damaged")) from None
    return "3mf" if "3d/3dmodel.model" in names else "zip"


def _refuse_truncated_stl(head: bytes, size: int) -> None:
    """A binary STL whose size is near, but not exactly, what its header announces."""
    if size < 84 or len(head) < 84 or b"\x00" not in head[80:]:
        return
    (count,) = struct.unpack_from("<I", head, 80)
    expected = 84 + 50 * count
    if count > 0 and abs(expected - size) <= max(expected, size) // 2 + 50:
        raise InputError("file", _("binary STL damaged: its header announces %(count)s triangles "
                                     "(%(expected)s bytes) but the file has %(size)s bytes")
                         % {"count": count, "expected": expected, "size": size})


def detect(stream: BinaryIO, size: int) -> str:
    """The content type of ``stream`` (``size`` bytes): one of ALLOWED, ``"zip"`` or
    ``"unknown"``. Raises InputError for damaged STL / ZIP content it recognises."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return _zip_is_3mf(stream, size)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"ISO-10303-21;"):
        return "step"
    # Binary STL first: its 80-byte header may itself start with "solid".
    if _binary_stl_triangles(head, size) is not None:
        return "stl"
    if head.lstrip()[:5].lower() == b"solid" and b"facet" in head and b"vertex" in head:
        return "stl"
    if b"\x00" not in head and _OBJ_VERTEX.search(head) and _OBJ_FACE.search(head):
        return "obj"
    _refuse_truncated_stl(head, size)
    if head.lstrip()[:5].lower() == b"solid":
        raise InputError("file", _("starts like an ASCII STL ('solid') but has no facet / "
                                     "vertex lines"))
    if _is_text(head):
        return "text"
    return "unknown"


def _is_text(head: bytes) -> bool:
    """UTF-8 text without NUL (the head may end inside a multi-byte character)."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3 and len(head) == HEAD_BYTES
    return True


def inspect_upload(stream: BinaryIO, *, name: str, size: int, kind: str,
                   max_bytes: int) -> str:
    """Check an upload of file kind ``kind`` (cad | drawing | image); return its detected type.

    Refuses: empty or oversized files, content of no supported type, content the kind does
    not accept, names whose extension promises another type (a ``.stl`` that is a zip) and
    names with an extension of no accepted type (``page.html``, ``setup.exe``).
    """
    if size <= 0:
        raise InputError("file", _("the file is empty"))
    if size > max_bytes:
        raise InputError("file", _("the file has %(size).1f MB; the limit is %(limit)s MB") % {
            "size": size / 1048576, "limit": max_bytes // 1048576})
    detected = detect(stream, size)
    stream.seek(0)
    suffix = PurePath(display_name(name)).suffix.lower()
    claimed = EXTENSIONS.get(suffix)
    if claimed is not None and claimed != detected:
        raise InputError("file", _("named %(suffix)s but the content is %(content)s") % {
            "suffix": suffix, "content": _NAMES[detected]})
    if detected not in ALLOWED:
        raise InputError("file", _("the content is %(content)s; accepted: STL, STEP, 3MF, "
                                   "OBJ, PDF, PNG, JPEG, WebP (and plain text in messages)") % {
            "content": _NAMES[detected]})
    if suffix and claimed is None:
        raise InputError("file", _("files named %(suffix)s are not accepted; accepted: "
                                   "%(accepted)s") % {"suffix": suffix[:20],
                                                      "accepted": ", ".join(sorted(EXTENSIONS))})
    if kind not in ALLOWED[detected]:
        accepted = sorted(t for t, kinds in ALLOWED.items() if kind in kinds)
        raise InputError("file", _("%(content)s is not accepted as %(kind)s; accepted: "
                                   "%(accepted)s") % {"content": _NAMES[detected],
                                                      "kind": _KINDS.get(kind, kind),
                                                      "accepted": ", ".join(accepted)})
    return detected


def stored_name(detected: str) -> str:
    """A fresh storage name for a file of type ``detected``: 16 random hex digits and the
    type's extension (never the uploader's name: no path tricks, no over-long names, no
    ``.html`` served from our domain)."""
    return f"{secrets.token_hex(8)}{SUFFIX[detected]}"


def display_name(name: str, max_chars: int = DISPLAY_NAME_MAX) -> str:
    """The uploader's file name for showing and for downloads: the last path component,
    without control characters, at most ``max_chars`` characters with the extension kept."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip() or "file"
    if len(base) <= max_chars:
        return base
    suffix = PurePath(base).suffix
    suffix = suffix if len(suffix) <= 12 else ""
    return base[: max_chars - len(suffix)] + suffix
