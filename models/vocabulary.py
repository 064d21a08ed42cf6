"""The vocabulary of the district exports, loaded from ``data/vocabulary.toml``.

One place for record kinds, header aliases, value vocabularies and their labels; the
ETL, the database constraints, the entry forms and the API all read it from here.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

_BRACKETED_UNIT = re.compile(r"[\(\[][^\)\]]*[\)\]]")
_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Case-fold and strip diacritics: ``"Zapojení"`` -> ``"zapojeni"``."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def value_key(text: str) -> str:
    """Key for vocabulary values: folded, ``_``/``-`` as spaces, spaces collapsed."""
    folded = fold(text).replace("_", " ")
    return _SPACES.sub(" ", folded).strip()


def header_key(text: str) -> str:
    """Key for header names: folded, a unit in brackets dropped, ``_`` as a space."""
    without_unit = _BRACKETED_UNIT.sub(" ", str(text))
    return value_key(without_unit)


def compact_key(text: str) -> str:
    """Key ignoring everything but letters and digits (district folders, tool names)."""
    return _NON_ALNUM.sub("", fold(text))


@dataclass(frozen=True)
class Term:
    value: str
    label_cs: str
    label_en: str
    accepted: tuple[str, ...]

    def label(self, lang: str = "cs") -> str:
        return self.label_en if lang == "en" else self.label_cs


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: tuple[Term, ...]
    _lookup: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def values(self) -> tuple[str, ...]:
        """Canonical values in their defined order."""
        return tuple(t.value for t in self.terms)

    def resolve(self, raw: str | None) -> str | None:
        """The canonical value for a spelling, or None when it is not in the vocabulary."""
        if raw is None:
            return None
        return self._lookup.get(value_key(raw))

    def label(self, value: str, lang: str = "cs") -> str:
        for term in self.terms:
            if term.value == value:
                return term.label(lang)
        return value

    @property
    def lookup(self) -> dict[str, str]:
        """Folded spelling -> canonical value (for vectorised mapping)."""
        return dict(self._lookup)


@dataclass(frozen=True)
class FieldSpec:
    kind: str
    name: str
    headers: tuple[str, ...]
    type: str
    required: bool
    label_cs: str
    label_en: str
    vocabulary: str | None = None
    unknown: str | None = None
    max_length: int | None = None
    min: int | None = None
    max: int | None = None

    def label(self, lang: str = "cs") -> str:
        return self.label_en if lang == "en" else self.label_cs


@dataclass(frozen=True)
class RecordKind:
    name: str
    label_cs: str
    label_en: str
    sheets: tuple[str, ...]
    json_key: str
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def header_lookup(self) -> dict[str, str]:
        """Header key -> canonical field name, the canonical name itself included."""
        lookup: dict[str, str] = {}
        for spec in self.fields:
            for header in (spec.name, *spec.headers):
                lookup[header_key(header)] = spec.name
        return lookup


def _build_vocabulary(name: str, entries: list[dict]) -> Vocabulary:
    terms = tuple(
        Term(
            value=e["value"],
            label_cs=e["label_cs"],
            label_en=e["label_en"],
            accepted=tuple(e.get("accepted", ())),
        )
        for e in entries
    )
    lookup: dict[str, str] = {}
    for term in terms:
        for spelling in (term.value, term.label_cs, term.label_en, *term.accepted):
            key = value_key(spelling)
            if lookup.setdefault(key, term.value) != term.value:
                raise ValueError(f"vocabulary {name}: {spelling!r} names two values")
    return Vocabulary(name=name, terms=terms, _lookup=lookup)


@cache
def _raw() -> dict:
    with (DATA_DIR / "vocabulary.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def vocabularies() -> dict[str, Vocabulary]:
    return {
        name: _build_vocabulary(name, entries) for name, entries in _raw()["vocabularies"].items()
    }


def vocabulary(name: str) -> Vocabulary:
    return vocabularies()[name]


@cache
def record_kinds() -> dict[str, RecordKind]:
    raw = _raw()
    kinds: dict[str, RecordKind] = {}
    for kind_name, meta in raw["kinds"].items():
        specs = tuple(
            FieldSpec(
                kind=kind_name,
                name=field_name,
                headers=tuple(spec["headers"]),
                type=spec["type"],
                required=spec.get("required", False),
                label_cs=spec["label_cs"],
                label_en=spec["label_en"],
                vocabulary=spec.get("vocabulary"),
                unknown=spec.get("unknown"),
                max_length=spec.get("max_length"),
                min=spec.get("min"),
                max=spec.get("max"),
            )
            for field_name, spec in raw["fields"][kind_name].items()
        )
        kinds[kind_name] = RecordKind(
            name=kind_name,
            label_cs=meta["label_cs"],
            label_en=meta["label_en"],
            sheets=tuple(meta["sheets"]),
            json_key=meta["json_key"],
            fields=specs,
        )
    return kinds


def record_kind(name: str) -> RecordKind:
    return record_kinds()[name]


@cache
def district_column_headers() -> frozenset[str]:
    return frozenset(header_key(h) for h in _raw()["district_column"]["headers"])


def values(name: str) -> tuple[str, ...]:
    """Canonical values of a vocabulary, in order (used by CHECK constraints)."""
    return vocabulary(name).values


@cache
def ignored_column_headers() -> frozenset[str]:
    return frozenset(header_key(h) for h in _raw().get("ignored_columns", {}).get("headers", ()))
