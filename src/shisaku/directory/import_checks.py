"""What an import checks beyond the taxonomy: the database's own constraints, registration
numbers, and who each row is (identity, slugs, probable duplicates).

The dry run and the real run share these checks, so a file that "would load" does load: every
value is held against its column's length, integer range and validators (the PostgreSQL ranges
on every database, so a file is accepted or refused alike on SQLite and PostgreSQL), and text
with NUL bytes or lone surrogates is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator, validate_unicode_slug
from django.db import models
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc
from stdnum.jp import cn as jp_cn
from stdnum.kr import brn
from stdnum.tw import ubn
from stdnum.vn import mst

from shisaku.directory.models import Capability, Manufacturer

# PostgreSQL's integer ranges (SQLite's are wider; a file must load on both).
_INT_RANGES: dict[str, tuple[int, int]] = {
    "SmallIntegerField": (-32768, 32767),
    "PositiveSmallIntegerField": (0, 32767),
    "IntegerField": (-2147483648, 2147483647),
    "PositiveIntegerField": (0, 2147483647),
    "BigIntegerField": (-9223372036854775808, 9223372036854775807),
    "PositiveBigIntegerField": (0, 9223372036854775807),
}
_EMAIL = EmailValidator()
_URL = URLValidator(schemes=["http", "https"])

REGISTRATION_NUMBERS = {"KR": brn, "JP": jp_cn, "CN": uscc, "TW": ubn, "VN": mst}


# Text a database column refuses or a person cannot see: NUL and other C0 / C1 controls
# (tab and line breaks are text), and lone surrogates (not encodable as UTF-8).
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _text_problem(value: str) -> str | None:
    found = _BAD_TEXT.search(value)
    if found is None:
        return None
    ch = found.group()
    if ch == "\x00":
        return "contains a NUL byte"
    if "\ud800" <= ch <= "\udfff":
        return "contains a broken character (lone surrogate)"
    return "contains control characters"


def text_may_be_bad(text: str) -> bool:
    """Whether a whole file's text may hold text that _text_problem refuses, literally or as a
    JSON escape; when not, the per-value walk is skipped (it costs more than the rest)."""
    return bool(_BAD_TEXT.search(text) or _JSON_BAD_ESCAPE.search(text))


_JSON_BAD_ESCAPE = re.compile(r"\\u(00[01][0-9a-f]|007f|00[89][0-9a-f]|d[89a-f][0-9a-f]{2})",
                              re.IGNORECASE)


def _walk_text(value: Any, where: str, out: list[tuple[str, str]]) -> None:
    if isinstance(value, str):
        problem = _text_problem(value)
        if problem:
            out.append((where, problem))
    elif isinstance(value, dict):
        for k, v in value.items():
            _walk_text(k, where, out)
            _walk_text(v, f"{where}.{k}" if where else str(k), out)
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _walk_text(v, f"{where}[{i}]", out)


_VALIDATORS = {"EmailField": (_EMAIL, "an e-mail address"), "URLField": (_URL, "a web address")}


def _specs(model: type[models.Model]) -> dict[str, tuple[Any, ...]]:
    """Per column: (integer range or None, max length or None, validator or None)."""
    out = {}
    for fld in model._meta.concrete_fields:
        if isinstance(fld, models.JSONField):
            continue
        kind = fld.get_internal_type()
        out[fld.name] = (_INT_RANGES.get(kind), fld.max_length if kind in (
            "CharField", "SlugField", "EmailField", "URLField", "TextField") else None,
            _VALIDATORS.get(type(fld).__name__))
    return out


def _field_problems(spec: tuple[Any, ...], value: Any) -> list[str]:
    if value is None or value == "":
        return []
    int_range, max_length, validator = spec
    if int_range is not None:
        lo, hi = int_range
        if type(value) is int and not lo <= value <= hi:
            return [f"{value} is outside the column's range {lo} to {hi}"]
        return []
    if type(value) is not str:
        return []
    if max_length is not None and len(value) > max_length:
        return [f"{len(value)} characters; at most {max_length}"]
    if validator is not None:
        try:
            validator[0](value)
        except ValidationError:
            return [f"{value[:80]!r} is not {validator[1]}"]
    return []


# validate_unicode_slug's own pattern, compiled once (the validator looks it up lazily on
# every call: a tenth of an import's checks).
_UNICODE_SLUG = re.compile(validate_unicode_slug.regex.pattern, validate_unicode_slug.regex.flags)
_M_SPECS = _specs(Manufacturer)
_C_SPECS = _specs(Capability)


def database_problems(rec: dict[str, Any], *, check_text: bool = True) -> list[tuple[str, str]]:
    """Every way saving ``rec`` would break a column's constraint, as (field, reason).

    ``check_text=False`` skips the search for NUL bytes and broken characters, for a file
    whose whole text was found free of them (text_may_be_bad).
    """
    out: list[tuple[str, str]] = []
    if check_text:
        _walk_text({k: v for k, v in rec.items() if not k.startswith("_")}, "", out)
    for name, value in rec.items():
        spec = _M_SPECS.get(name)
        if spec is not None and value is not None and value != "":
            for reason in _field_problems(spec, value):
                out.append((name, reason))
    for i, cap in enumerate(rec.get("capabilities") or []):
        if not isinstance(cap, dict):
            continue
        for name, value in cap.items():
            spec = _C_SPECS.get(name)
            if spec is not None and value is not None:
                for reason in _field_problems(spec, value):
                    out.append((f"capabilities[{i}].{name}", reason))
        envelope = cap.get("max_part_mm")
        if isinstance(envelope, list) and any(isinstance(v, float) and v > 1e12 for v in envelope):
            out.append((f"capabilities[{i}].max_part_mm", "sizes over 10^12 mm"))
    slug = rec.get("slug")
    if isinstance(slug, str) and slug and not _UNICODE_SLUG.search(slug):
        out.append(("slug", "must be letters, digits, hyphens and underscores"))
    return out


def registration_number_clean(number: str, country: str) -> tuple[str, str | None]:
    """(compact number, problem or None): checked with python-stdnum where the country's
    scheme is known (KR, JP, CN, TW, VN), else only compacted."""
    module = REGISTRATION_NUMBERS.get(country)
    if module is None:
        return re.sub(r"[\s\-./]", "", number).upper(), None
    try:
        return str(module.validate(number)), None
    except stdnum_errors.InvalidChecksum:
        return number, "the check digit is wrong"
    except stdnum_errors.InvalidLength:
        return number, "wrong number of digits"
    except stdnum_errors.ValidationError:
        return number, "wrong format"


# -- identity -----------------------------------------------------------------------------------
_LEGAL_FORMS = re.compile(
    r"株式会社|有限会社|合同会社|\(株\)|\(有\)|㈱|㈲|주식회사|유한회사|\(주\)|\(유\)|㈜|有限公司|"
    r"股份有限公司|\b(co|corp|corporation|inc|ltd|llc|limited|gmbh|kk|k\.k)\b\.?",
    re.IGNORECASE)


def normalised_name(name: str) -> str:
    """A firm name for spotting probable duplicates: NFKC, case-folded, legal form and spacing
    and punctuation removed ("（株）山田製作所" and "山田製作所 株式会社" agree)."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = _LEGAL_FORMS.sub(" ", text)
    return "".join(c for c in text if c.isalnum())


def slug_base(name: str, region: str) -> str:
    """An ASCII slug from the name (any script, transliterated) and the region:
    "SPCOL 한빛정밀", KR-47 -> "spcol-hanbichjeongmil-kr-47"."""
    text = anyascii(unicodedata.normalize("NFKC", name or "")).lower()
    words = re.findall(r"[a-z0-9]+", text)
    base = "-".join(words)[:100].strip("-") or "firm"
    region_part = "-".join(re.findall(r"[a-z0-9]+", (region or "").lower()))
    return f"{base}-{region_part}" if region_part else base


@dataclass
class Directory:
    """What identity resolution needs to know of the firms already stored."""

    ids: set[int] = field(default_factory=set)
    by_slug: dict[str, int] = field(default_factory=dict)
    by_registration: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    by_name_region: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    names: dict[int, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Directory:
        directory = cls()
        by_reg: dict[tuple[str, str], list[int]] = defaultdict(list)
        by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
        rows = Manufacturer.objects.values_list("id", "slug", "name", "name_local", "region",
                                                "country", "registration_number")
        for pk, slug, name, name_local, region, country, number in rows.iterator(chunk_size=20_000):
            directory.ids.add(pk)
            directory.by_slug[slug] = pk
            directory.names[pk] = (slug, name)
            if number:
                by_reg[(country, number)].append(pk)
            for n in {normalised_name(name), normalised_name(name_local)} - {""}:
                by_name[(n, region)].append(pk)
        directory.by_registration = dict(by_reg)
        directory.by_name_region = dict(by_name)
        return directory


@dataclass
class Duplicate:
    line: int
    name: str
    region: str
    matches: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "name": self.name, "region": self.region,
                "matches": self.matches}


def unique_slug(base: str, taken: Any) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is free (a disambiguator, never a merge)."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def resolve_identities(pairs: Iterable[tuple[list[int], dict[str, Any]]], *, policy: str,
                       directory: Directory) -> tuple[list[tuple[int, str, str]], list[Duplicate]]:
    """Decide for every record whether it updates a stored firm (sets ``rec["_pk"]``) or
    creates one (sets a unique ``rec["slug"]``).

    Identity comes only from explicit keys: an ``id``, a ``slug`` or a registration number. A
    record without one whose normalised name and region match a stored firm (or an earlier
    record of the file) is a probable duplicate: refused under policy "refuse", merged into
    the single match under "update", created as a separate firm under "create".
    Returns (errors as (line, field, reason), probable duplicates).
    """
    errors: list[tuple[int, str, str]] = []
    duplicates: list[Duplicate] = []
    taken = set(directory.by_slug)
    claimed: dict[int, int] = {}  # stored id -> line that updates it
    seen_names: dict[tuple[str, str], int] = {}
    for lines, rec in pairs:
        line = lines[0]
        target: int | None = None
        if rec.get("slug"):
            # The slug wins over an id: an exported file's ids belong to the database it came
            # from, its slugs travel.
            target = directory.by_slug.get(rec["slug"])
            if (target is not None and rec.get("id") not in (None, "")
                    and rec["id"] in directory.ids and rec["id"] != target):
                errors.append((line, "id", f"id {rec['id']} and slug {rec['slug']!r} name "
                               "different firms"))
                continue
        elif rec.get("id") not in (None, ""):
            target = rec["id"] if rec["id"] in directory.ids else None
            if target is None:
                errors.append((line, "id", f"no manufacturer with id {rec['id']}"))
                continue
        elif rec.get("registration_number"):
            found = directory.by_registration.get((rec.get("country", ""),
                                                   rec["registration_number"]), [])
            if len(found) > 1:
                errors.append((line, "registration_number", "several stored firms have this "
                               "number; give the id or slug of the one to update"))
                continue
            target = found[0] if found else None
        key = (normalised_name(rec.get("name", "")), rec.get("region", ""))
        explicit = any(rec.get(k) not in (None, "") for k in ("id", "slug", "registration_number"))
        if not explicit:
            matches = sorted(set(directory.by_name_region.get(key, [])) |
                             ({-seen_names[key]} if key in seen_names else set()))
            if key[0] and matches:
                duplicates.append(Duplicate(line, rec.get("name", ""), rec.get("region", ""), [
                    {"id": m, "slug": directory.names[m][0], "name": directory.names[m][1]}
                    if m > 0 else {"line": -m} for m in matches]))
                if policy == "refuse":
                    errors.append((line, "name", "probable duplicate of a firm with the same "
                                   "name and region; review it and choose update or create"))
                    continue
                stored = [m for m in matches if m > 0]
                if policy == "update":
                    if len(matches) != 1 or not stored:
                        errors.append((line, "name", "more than one firm matches (or it repeats "
                                       "a row of this file); give an id, slug or "
                                       "registration_number"))
                        continue
                    target = stored[0]
            if key[0]:
                seen_names.setdefault(key, line)
        if target is not None:
            if target in claimed:
                errors.append((line, "id", f"updates the same firm as line {claimed[target]}"))
                continue
            claimed[target] = line
            rec.pop("id", None)
            rec["_pk"] = target
            rec["slug"] = directory.names[target][0] if not rec.get("slug") else rec["slug"]
        else:
            rec.pop("id", None)
            if rec.get("slug"):
                if rec["slug"] in taken:
                    errors.append((line, "slug", f"{rec['slug']!r} is used twice in the file"))
                    continue
            else:
                rec["slug"] = unique_slug(slug_base(rec.get("name", ""), rec.get("region", "")),
                                          taken)
            taken.add(rec["slug"])
    return errors, duplicates
