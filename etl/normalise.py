"""Normalise and validate one raw table: raw cells -> typed canonical columns, and the
rows that break a rule with **all** their reasons in Czech and English.

Everything here is vectorised over the table (the ETL handles hundreds of thousands
of rows); Python loops run only over the rows that have a problem. Rules that need the
whole run (duplicates across files, references to projects) live in ``etl/checks.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from etl import values as V
from etl.readers import RawTable
from models.vocabulary import (
    FieldSpec,
    compact_key,
    header_key,
    ignored_column_headers,
    record_kind,
    vocabulary,
)

Reason = tuple[str, str]  # (cs, en)


@dataclass
class TableResult:
    """A normalised table: clean rows (typed) and rejected rows (raw, with reasons)."""

    kind: str
    location: str | None
    clean: pd.DataFrame  # index: row number; canonical columns present in the file + "extra"
    present: frozenset[str]  # canonical fields the file has a column for
    raw: pd.DataFrame  # the raw frame (for rejected rows found later, by row number)
    rejected: dict[int, list[Reason]] = field(default_factory=dict)
    notes: list[Reason] = field(default_factory=list)
    # parallel to ``rejected``: the canonical field each reason is about (None: the row)
    reason_fields: dict[int, list[str | None]] = field(default_factory=dict)

    def reject(self, rows, reason: Reason, field: str | None = None) -> None:
        for row in rows:
            self.rejected.setdefault(int(row), []).append(reason)
            self.reason_fields.setdefault(int(row), []).append(field)

    def field_reasons(self, row: int) -> list[tuple[str | None, Reason]]:
        """A rejected row's reasons, each with the field it is about (None: the row)."""
        return list(zip(self.reason_fields.get(row, []), self.rejected.get(row, []), strict=True))

    def raw_record(self, row: int) -> dict:
        return raw_record(self.raw.loc[row])


def raw_record(series: pd.Series) -> dict:
    """A raw row as a JSON-safe dict (original headers -> values as the user typed them)."""
    out = {}
    for key, value in series.items():
        out[str(key)] = _json_safe(value)
    return out


def _json_safe(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (str, int, float, bool)):
        return value
    return json.loads(json.dumps(value, default=str))


def field_reason(spec: FieldSpec, err: V.InvalidValue) -> Reason:
    return (f"{spec.label_cs}: {err.cs}", f"{spec.label_en}: {err.en}")


def missing_reason(spec: FieldSpec) -> Reason:
    return (
        f"Chybí povinná hodnota „{spec.label_cs}“",
        f"Required value '{spec.label_en}' is missing",
    )


def too_long_reason(spec: FieldSpec, length: int, max_length: int | None = None) -> Reason:
    """A text longer than ``max_length`` (default: the field's own limit)."""
    limit = max_length or spec.max_length
    return (
        f"{spec.label_cs}: text je delší než {limit} znaků ({length})",
        f"{spec.label_en}: text is longer than {limit} characters ({length})",
    )


def storable_text(text: str) -> bool:
    """False for text no database column can hold: a NUL character or an unpaired
    surrogate (possible in JSON files and API bodies)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_reason(label_cs: str, label_en: str) -> Reason:
    return (
        f"{label_cs}: text obsahuje znak, který nelze uložit",
        f"{label_en}: the text contains a character that cannot be stored",
    )


def _per_distinct(s: pd.Series, fn, dtype=object) -> pd.Series:
    """``fn`` applied once per distinct value (missing included), then spread to the rows.

    Columns repeat their values heavily (types, channels, dates, project ids), so this
    is far cheaper than element-wise string methods on hundreds of thousands of rows.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:-1] = [fn(u) for u in uniques]
    results[-1] = fn(None)  # code -1: missing
    return pd.Series(results[codes], index=s.index, dtype=dtype)


def _is_blank(value) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return False


def _text(value) -> str | None:
    if _is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u00a0", " ").strip() or None


def _clean_text(s: pd.Series) -> pd.Series:
    """Stripped text (no-break spaces as spaces); blank cells missing."""
    return _per_distinct(s, _text).astype("string")


class _Collector:
    """Reasons per row number, gathered from vectorised checks."""

    def __init__(self, result: TableResult):
        self.result = result

    def add_mask(self, mask: pd.Series, reason: Reason, field: str | None = None) -> None:
        if mask.any():
            self.result.reject(mask.index[mask.to_numpy(dtype=bool)], reason, field)

    def add_errors(self, spec: FieldSpec, errors: pd.Series) -> None:
        bad = errors.notna()
        if bad.any():
            for row, err in errors[bad].items():
                self.result.reject([row], field_reason(spec, err), spec.name)


def normalise_table(
    table: RawTable,
    *,
    district_code: int,
    folder: str,
    district_lookup: dict[str, int],
) -> TableResult:
    """Turn a raw table into typed canonical columns; collect every row's reasons."""
    kind = record_kind(table.kind)
    frame = table.frame
    result = TableResult(
        kind=table.kind,
        location=table.location,
        clean=pd.DataFrame(index=frame.index),
        present=frozenset(table.columns.values()),
        raw=frame,
    )
    for row, reason in table.row_problems.items():
        result.reject([row], reason)
    collect = _Collector(result)
    clean: dict[str, pd.Series] = {}

    for spec in kind.fields:
        header = next((h for h, f in table.columns.items() if f == spec.name), None)
        if header is None:
            continue
        value, blank = _normalise_column(spec, frame[header], collect, result)
        if spec.required:
            collect.add_mask(blank, missing_reason(spec), spec.name)
        clean[spec.name] = value

    if table.district_column is not None:
        _check_district_column(
            frame[table.district_column], district_code, folder, district_lookup, collect
        )
    ignored = ignored_column_headers()
    extra_headers = [
        h
        for h in frame.columns
        if h not in table.columns and h != table.district_column and header_key(h) not in ignored
    ]
    if extra_headers:
        clean["extra"] = _extra(frame[extra_headers])

    result.clean = pd.DataFrame(clean, index=frame.index)
    _row_rules(table.kind, result, collect)
    return result


def _normalise_column(
    spec: FieldSpec, raw: pd.Series, collect: _Collector, result: TableResult
) -> tuple[pd.Series, pd.Series]:
    """The typed column and a mask of its blank cells; bad values reported to ``collect``."""
    kind = spec.type
    if kind in ("text", "tool", "vocabulary", "url"):
        text = _clean_text(raw)
        blank = text.isna()
    if kind in ("text", "tool", "url"):
        if spec.max_length:
            too_long = text.str.len().gt(spec.max_length).fillna(False)
            for row in too_long.index[too_long.to_numpy(dtype=bool)]:
                result.reject([row], too_long_reason(spec, len(text[row])), spec.name)
        bad = [v for v in text.dropna().unique() if not storable_text(v)]
        if bad:
            for row in text.index[text.isin(bad).to_numpy(dtype=bool)]:
                result.reject([row], unstorable_reason(spec.label_cs, spec.label_en), spec.name)
    if kind in ("text", "tool"):
        return text, blank
    if kind == "vocabulary":
        return _vocabulary_column(spec, text, result), blank
    if kind == "date":
        parsed, errors = V.parse_dates(raw)
    elif kind == "amount":
        parsed, errors = V.parse_amounts(raw)
    elif kind == "percent":
        parsed, errors = V.parse_percents(raw)
        parsed = _excel_percent_cells(spec, raw, parsed, result)
    elif kind == "whole":
        parsed, errors = V.parse_wholes(raw)
        if spec.min is not None or spec.max is not None:
            low = spec.min if spec.min is not None else -math.inf
            high = spec.max if spec.max is not None else math.inf
            out_of_range = (parsed.lt(low) | parsed.gt(high)).fillna(False) & errors.isna()
            for row in out_of_range.index[out_of_range.to_numpy(dtype=bool)]:
                result.reject(
                    [row],
                    (
                        f"{spec.label_cs}: hodnota musí být {spec.min}–{spec.max} ({parsed[row]})",
                        f"{spec.label_en}: value must be {spec.min}–{spec.max} ({parsed[row]})",
                    ),
                    spec.name,
                )
    elif kind == "url":
        errors = pd.Series(None, index=raw.index, dtype=object)
        parsed = pd.Series(pd.NA, index=raw.index, dtype="string")
        for row in raw.index[~blank.to_numpy(dtype=bool)]:
            try:
                parsed[row] = V.parse_url(text[row])
            except V.InvalidValue as err:
                errors[row] = err
        collect.add_errors(spec, errors)
        return parsed, blank
    else:  # pragma: no cover - the vocabulary file names only the types above
        raise ValueError(f"unknown field type {kind!r}")
    collect.add_errors(spec, errors)
    return parsed, parsed.isna() & errors.isna()


def _excel_percent_cells(
    spec: FieldSpec, raw: pd.Series, parsed: pd.Series, result: TableResult
) -> pd.Series:
    """Excel stores a cell shown as "45 %" as the number 0.45. When every number in the
    column lies within 0–1 and some are fractions, the numbers are such cells: ×100."""
    numeric = raw.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))
    numbers = parsed[numeric.to_numpy(dtype=bool)].dropna()
    if numbers.empty or numbers.max() > 1 or not ((numbers > 0) & (numbers < 1)).any():
        return parsed
    result.notes.append(
        (
            f"{spec.label_cs}: čísla 0–1 z Excelu převedena na procenta (0,45 → 45 %)",
            f"{spec.label_en}: Excel numbers 0–1 read as percentages (0.45 → 45 %)",
        )
    )
    return parsed.where(~numeric.to_numpy(dtype=bool), parsed * 100)


def _vocabulary_column(spec: FieldSpec, text: pd.Series, result: TableResult) -> pd.Series:
    vocab = vocabulary(spec.vocabulary)
    # Map the distinct spellings once, then the whole column.
    distinct = text.dropna().unique()
    mapping = {s: vocab.resolve(s) for s in distinct}
    mapped = text.map(mapping).astype("string")
    unknown = text.notna() & mapped.isna()
    if unknown.any():
        allowed_cs = ", ".join(t.label_cs for t in vocab.terms)
        allowed_en = ", ".join(t.label_en for t in vocab.terms)
        if spec.unknown:
            mapped = mapped.mask(unknown, spec.unknown)
            for value in sorted(text[unknown].unique()):
                rows = text.index[(text == value).fillna(False).to_numpy(dtype=bool)]
                shown = ", ".join(str(r) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
                result.notes.append(
                    (
                        f"{spec.label_cs}: neznámá hodnota „{value}“ nahrazena „"
                        f"{vocab.label(spec.unknown, 'cs')}“ (řádky {shown})",
                        f"{spec.label_en}: unknown value '{value}' replaced by '"
                        f"{vocab.label(spec.unknown, 'en')}' (rows {shown})",
                    )
                )
        else:
            for row in text.index[unknown.to_numpy(dtype=bool)]:
                result.reject(
                    [row],
                    (
                        f"{spec.label_cs}: neznámá hodnota „{text[row]}“ (povolené: {allowed_cs})",
                        f"{spec.label_en}: unknown value '{text[row]}' (allowed: {allowed_en})",
                    ),
                    spec.name,
                )
    return mapped


def _check_district_column(
    raw: pd.Series, code: int, folder: str, lookup: dict[str, int], collect: _Collector
) -> None:
    text = _clean_text(raw)
    distinct = text.dropna().unique()
    resolved = {s: lookup.get(compact_key(s)) for s in distinct}
    for value, found in resolved.items():
        if found == code:
            continue
        mask = (text == value).fillna(False)
        collect.add_mask(
            mask,
            (
                f"Městská část „{value}“ v souboru neodpovídá složce „{folder}“",
                f"District '{value}' in the file does not match the folder '{folder}'",
            ),
        )


def _extra(frame: pd.DataFrame) -> pd.Series:
    """Unknown columns, kept per row as a dict of non-blank raw values (or None)."""
    records = []
    for values in frame.itertuples(index=False, name=None):
        kept = {
            str(h): _json_safe(v)
            for h, v in zip(frame.columns, values, strict=True)
            if _json_safe(v) not in (None, "")
        }
        records.append(kept or None)
    return pd.Series(records, index=frame.index, dtype=object)


def _row_rules(kind: str, result: TableResult, collect: _Collector) -> None:
    clean = result.clean
    if kind == "projects" and {"start_date", "end_date"} <= set(clean.columns):
        start, end = clean["start_date"], clean["end_date"]
        before = (
            (pd.to_datetime(end, errors="coerce") < pd.to_datetime(start, errors="coerce"))
            .fillna(False)
            .astype(bool)
        )
        for row in clean.index[before.to_numpy()]:
            s, e = _as_date(start[row]), _as_date(end[row])
            result.reject(
                [row],
                (
                    f"Datum konce ({V.format_date_cs(e)}) je před datem zahájení "
                    f"({V.format_date_cs(s)})",
                    f"End date ({e.isoformat()}) is before the start date ({s.isoformat()})",
                ),
                "end_date",
            )
    if kind == "activities" and {"youth_participants", "participants"} <= set(clean.columns):
        youth, total = clean["youth_participants"], clean["participants"]
        over = (youth > total).fillna(False).astype(bool)
        for row in clean.index[over.to_numpy()]:
            result.reject(
                [row],
                (
                    f"Počet mládeže ({youth[row]}) je vyšší než počet účastníků ({total[row]})",
                    f"Youth participants ({youth[row]}) exceed participants ({total[row]})",
                ),
                "youth_participants",
            )


def _as_date(value) -> dt.date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value
