"""Reading district export files into raw tables: the first stage of the ETL.

``read_file`` turns one CSV, XLSX or JSON file (the variants of ``FORMATS.md``) into
``RawTable`` objects: the cells exactly as the file holds them, the record kind, and a
mapping of the file's headers to canonical field names (``models/vocabulary.toml``).
Values are not parsed here (that is ``etl.values``); a row keeps the number the user
sees in the file, so every later problem can point at it.

Decisions worth knowing:

- CSV encoding: a UTF-8 BOM means ``utf_8_sig`` (a UTF-16 BOM ``utf_16``); otherwise
  strict UTF-8 (``utf_8``); otherwise ``charset_normalizer`` restricted to Windows-1250
  and ISO-8859-2. Those two code pages agree on every Czech letter except
  š ž ť Š Ž Ť, which sit on different bytes, and on short texts the detector cannot
  tell them apart (both decode without "chaos"); among the encodings it finds
  plausible, the one for which more of those bytes are Czech letters wins. When the
  detector finds no plausible encoding, the file is still read (never a crash): decoded
  with replacement characters, a note says so and every row containing one gets a row
  problem, so no garbled value is loaded silently.
- CSV delimiter: ``,`` ``;`` or tab. Each candidate splits the first records
  (quote-aware, with the csv module); the one under which most header cells are
  recognised wins; ``csv.Sniffer`` (restricted to the three) breaks ties, then the
  number of header fields. Recognition beats the sniffer because Czech files often
  carry commas inside unquoted values (``1 500,50``) of a semicolon file.
- The header row is searched among the first 30 non-empty rows (CSV records,
  spreadsheet rows): the row under which most headers of a record kind are recognised,
  with at least two required fields of that kind. Non-empty rows above it (titles,
  notes) are skipped with a note.
- Columns with a blank header and no value in any row are dropped (they carry nothing);
  other blank header cells are named ``sloupec N`` (N = 1-based column position).
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

import charset_normalizer
import pandas as pd
from python_calamine import CalamineWorkbook

from models.vocabulary import district_column_headers, header_key, record_kinds

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 30
"""The header row is searched among this many non-empty rows at the top."""
MIN_REQUIRED_MATCHES = 2
"""A header must name at least this many required fields of its kind (all kinds share
``project_id``, so one match proves nothing)."""
DELIMITERS = (",", ";", "\t")
SINGLE_BYTE_ENCODINGS = ("cp1250", "iso8859_2")
CZECH_LETTERS = frozenset("áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ")
SNIFF_CHARS = 16_384
MAX_LISTED = 12
"""At most this many header cells are quoted in a message."""


class FileProblem(Exception):
    """The whole file cannot be used; one clear reason in Czech and English."""

    def __init__(self, cs: str, en: str):
        super().__init__(en)
        self.cs = cs
        self.en = en

    def __reduce__(self):  # picklable although __init__ takes two arguments
        return (type(self), (self.cs, self.en))


@dataclass
class RawTable:
    """One record kind's rows of one file (a CSV file, an XLSX sheet, a JSON list)."""

    kind: str
    location: str | None
    frame: pd.DataFrame
    columns: dict[str, str]
    district_column: str | None
    header_row: int
    row_problems: dict[int, tuple[str, str]] = field(default_factory=dict)


@dataclass
class ReadResult:
    tables: list[RawTable]
    notes: list[tuple[str, str]] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    file_district: str | None = None


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small lists.

    Reading 600,000 rows allocates millions of lists and strings (no cycles); the
    collector's repeated passes over them cost more than the parsing itself.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ----------------------------------------------------------------- header matching


@cache
def _lookups() -> dict[str, dict[str, str]]:
    return {name: kind.header_lookup() for name, kind in record_kinds().items()}


@cache
def _known_header_keys() -> frozenset[str]:
    keys = set(district_column_headers())
    for lookup in _lookups().values():
        keys.update(lookup)
    return frozenset(keys)


@lru_cache(maxsize=8192)
def _key(text: str) -> str:
    return header_key(text)


def _cell_text(cell: object) -> str:
    """A header cell as text: stripped; ``None``/NaN blank; ``120.0`` -> ``"120"``."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float):
        if cell != cell:
            return ""
        if cell.is_integer():
            return str(int(cell))
    if isinstance(cell, datetime) and cell == datetime(cell.year, cell.month, cell.day):
        return cell.date().isoformat()
    return str(cell).strip()


@dataclass(frozen=True)
class _Match:
    kind: str
    fields: dict[int, str]  # column position -> canonical field (first header wins)
    duplicates: tuple[tuple[int, str], ...]  # later positions naming a matched field
    required: int

    @property
    def score(self) -> tuple[int, int]:
        return (self.required, len(self.fields))


def _match(headers: Sequence[str], kind: str) -> _Match:
    lookup = _lookups()[kind]
    fields: dict[int, str] = {}
    seen: set[str] = set()
    duplicates = []
    for pos, text in enumerate(headers):
        if not text:
            continue
        name = lookup.get(_key(text))
        if name is None:
            continue
        if name in seen:
            duplicates.append((pos, name))
        else:
            seen.add(name)
            fields[pos] = name
    required = sum(1 for name in record_kinds()[kind].required if name in seen)
    return _Match(kind, fields, tuple(duplicates), required)


def _best_match(headers: Sequence[str], kind: str | None = None) -> _Match | None:
    """The best-matching kind for a header row (or how ``kind`` matches it), if any."""
    best = None
    for name in (kind,) if kind else record_kinds():
        match = _match(headers, name)
        if match.required < MIN_REQUIRED_MATCHES:
            continue
        if best is None or match.score > best.score:
            best = match
    return best


def detect_kind(headers: Iterable[str]) -> tuple[str, dict[str, str]] | None:
    """The record kind a header row names, with its original -> canonical mapping.

    The kind matching most required fields wins (then most fields in total); at least
    two required fields must match. Of two headers naming the same field the first
    wins; the later one is left out of the mapping.
    """
    texts = [_cell_text(h) for h in headers]
    match = _best_match(texts)
    if match is None:
        return None
    return match.kind, {texts[pos]: name for pos, name in match.fields.items()}


def _find_header(
    rows: Sequence[Sequence[object]], kind: str | None = None
) -> tuple[int, _Match] | None:
    """Index (into ``rows``) of the header row among the first rows, and its match."""
    best: tuple[int, _Match] | None = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        match = _best_match([_cell_text(c) for c in row], kind)
        if match is not None and (best is None or match.score > best[1].score):
            best = (index, match)
    return best


# ----------------------------------------------------------------- messages


def _quoted_cs(items: Iterable[str]) -> str:
    return ", ".join(f"„{i}“" for i in items)


def _quoted_en(items: Iterable[str]) -> str:
    return ", ".join(f"'{i}'" for i in items)


def _where(location_kind: str | None, location: str | None) -> tuple[str, str]:
    """Suffixes `` (list Projekty)`` / `` (sheet Projekty)`` for messages."""
    if location is None:
        return "", ""
    if location_kind == "sheet":
        return f" (list {location})", f" (sheet {location})"
    return f" (seznam „{location}“)", f" (list '{location}')"


def _listed(cells: Sequence[object]) -> list[str]:
    texts = [t for t in (_cell_text(c) for c in cells) if t]
    if len(texts) > MAX_LISTED:
        texts = [*texts[:MAX_LISTED], "…"]
    return texts


def _kinds_cs() -> str:
    return ", ".join(k.label_cs.lower() for k in record_kinds().values())


def _kinds_en() -> str:
    return ", ".join(k.label_en.lower() for k in record_kinds().values())


def _no_header_problem(cells: Sequence[object], where: tuple[str, str]) -> FileProblem:
    found = _listed(cells)
    found_cs = f" Nalezené sloupce: {_quoted_cs(found)}." if found else ""
    found_en = f" Columns found: {_quoted_en(found)}." if found else ""
    return FileProblem(
        f"Záhlaví{where[0]} neodpovídá žádnému druhu záznamů ({_kinds_cs()}); "
        f"nemá rozpoznatelné záhlaví.{found_cs}",
        f"No recognisable header{where[1]}: it matches no record kind ({_kinds_en()}).{found_en}",
    )


def _skipped_rows_note(numbers: list[int], where: tuple[str, str]) -> tuple[str, str]:
    shown = ", ".join(str(n) for n in numbers[:MAX_LISTED])
    if len(numbers) > MAX_LISTED:
        shown += ", …"
    return (
        f"Řádky nad záhlavím{where[0]} byly přeskočeny: {shown}",
        f"Rows above the header{where[1]} were skipped: {shown}",
    )


# ----------------------------------------------------------------- building tables


def _column_names(headers: Sequence[str]) -> list[str]:
    names: list[str] = []
    used: set[str] = set()
    for pos, text in enumerate(headers, start=1):
        base = text or f"sloupec {pos}"
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base} ({n})"
        used.add(name)
        names.append(name)
    return names


def _has_value(cell: object) -> bool:
    if cell is None:
        return False
    if isinstance(cell, str):
        return bool(cell.strip())
    return True


def _build_table(
    match: _Match,
    headers: list[str],
    rows: list[list[object]],
    numbers: list[int],
    *,
    location: str | None,
    location_kind: str | None,
    header_row: int,
    notes: list[tuple[str, str]],
    row_problems: dict[int, tuple[str, str]] | None = None,
) -> RawTable:
    kind = record_kinds()[match.kind]
    where = _where(location_kind, location)
    present = set(match.fields.values())
    missing = [kind.field(name) for name in kind.required if name not in present]
    if missing:
        labels_cs = _quoted_cs(f.label_cs for f in missing)
        labels_en = _quoted_en(f.label_en for f in missing)
        if len(missing) == 1:
            raise FileProblem(
                f"Chybí povinný sloupec {labels_cs}{where[0]}",
                f"Missing required column {labels_en}{where[1]}",
            )
        raise FileProblem(
            f"Chybí povinné sloupce {labels_cs}{where[0]}",
            f"Missing required columns {labels_en}{where[1]}",
        )

    names = _column_names(headers)
    for pos, name in match.duplicates:
        spec = kind.field(name)
        first = names[next(p for p, n in match.fields.items() if n == name)]
        notes.append(
            (
                f"Sloupec „{names[pos]}“{where[0]} je navíc: pole „{spec.label_cs}“ "
                f"se čte ze sloupce „{first}“",
                f"Column '{names[pos]}'{where[1]} is kept as an extra column: field "
                f"'{spec.label_en}' is read from column '{first}'",
            )
        )
    district_keys = district_column_headers()
    district_column = next(
        (names[pos] for pos, text in enumerate(headers) if text and _key(text) in district_keys),
        None,
    )
    frame = pd.DataFrame(
        rows,
        columns=names,
        index=pd.Index(numbers, dtype="int64", name="row"),
        dtype=object,
    )
    empty_unnamed = [
        names[pos]
        for pos, text in enumerate(headers)
        if not text and not any(_has_value(v) for v in frame[names[pos]])
    ]
    if empty_unnamed:
        frame = frame.drop(columns=empty_unnamed)
    return RawTable(
        kind=match.kind,
        location=location,
        frame=frame,
        columns={names[pos]: name for pos, name in match.fields.items()},
        district_column=district_column,
        header_row=header_row,
        row_problems=row_problems or {},
    )


# ----------------------------------------------------------------- CSV


@cache
def _czech_letter_bytes() -> dict[str, bytes]:
    """Per single-byte encoding: the bytes >= 0x80 that are a Czech letter in it but
    not in the other candidates (š ž ť Š Ž Ť for Windows-1250 vs ISO-8859-2)."""
    letters: dict[str, set[int]] = {}
    for encoding in SINGLE_BYTE_ENCODINGS:
        letters[encoding] = {
            b
            for b in range(0x80, 0x100)
            if bytes([b]).decode(encoding, errors="replace") in CZECH_LETTERS
        }
    return {
        encoding: bytes(
            sorted(own - set().union(*(v for k, v in letters.items() if k != encoding)))
        )
        for encoding, own in letters.items()
    }


def _czech_score(data: bytes, encoding: str) -> int:
    return sum(data.count(b) for b in _czech_letter_bytes().get(encoding, b""))


def _decode(data: bytes) -> tuple[str, str, bool]:
    """Text, encoding name and whether undecodable bytes were replaced."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf_8_sig"), "utf_8_sig", False
        except UnicodeDecodeError:
            return data.decode("utf_8_sig", errors="replace"), "utf_8_sig", True
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf_16"), "utf_16", False
        except UnicodeDecodeError:
            return data.decode("utf_16", errors="replace"), "utf_16", True
    try:
        return data.decode("utf_8"), "utf_8", False
    except UnicodeDecodeError:
        pass
    results = charset_normalizer.from_bytes(
        data, cp_isolation=[*SINGLE_BYTE_ENCODINGS, "utf_8"], explain=False
    )
    plausible = [m.encoding for m in results if m.encoding in SINGLE_BYTE_ENCODINGS]
    log.debug("charset_normalizer candidates: %s", plausible)
    if plausible:
        # stable max: on a tie the detector's own order decides
        encoding = max(plausible, key=lambda e: _czech_score(data, e))
        try:
            return data.decode(encoding), encoding, False
        except UnicodeDecodeError:  # pragma: no cover - the detector decoded it
            pass
    encoding = max(SINGLE_BYTE_ENCODINGS, key=lambda e: _czech_score(data, e))
    return data.decode(encoding, errors="replace"), encoding, True


def _header_record_score(delimiter: str, sample: str) -> tuple[int, int]:
    """(most header cells recognised in one of the first records, fields of the first)."""
    known = _known_header_keys()
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    best = 0
    first = 0
    seen = 0
    try:
        for row in reader:
            if not first:
                first = len(row)  # the first line that is not blank, even if all empty
            if not any(c.strip() for c in row):
                continue
            seen += 1
            recognised = sum(1 for c in row if c.strip() and _key(c.strip()) in known)
            best = max(best, recognised)
            if seen >= HEADER_SCAN_ROWS:
                break
    except csv.Error:
        pass
    return best, first


def _detect_delimiter(text: str) -> str:
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    scores = {d: _header_record_score(d, sample) for d in DELIMITERS}
    top = max(s[0] for s in scores.values())
    candidates = [d for d in DELIMITERS if scores[d][0] == top]
    if sniffed in candidates and scores[sniffed][1] > 1:
        return sniffed
    return max(candidates, key=lambda d: scores[d][1])


def _csv_records(text: str, delimiter: str) -> tuple[list[int], list[list[str]]]:
    """Non-empty records and the physical line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: list[int] = []
    rows: list[list[str]] = []
    add_line = lines.append
    add_row = rows.append
    start = 1
    try:
        for row in reader:
            if row and (row[0].strip() or "".join(row).strip()):
                add_line(start)
                add_row(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem(
            f"Soubor CSV nelze přečíst na řádku {start}: {exc}",
            f"The CSV file cannot be read at line {start}: {exc}",
        ) from exc
    return lines, rows


def _read_csv(path: Path) -> ReadResult:
    data = _read_bytes(path)
    text, encoding, replaced = _decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise FileProblem("Soubor je prázdný", "The file is empty")
    notes: list[tuple[str, str]] = []
    if replaced:
        notes.append(
            (
                f"Kódování souboru nebylo spolehlivě rozpoznáno; čteno jako {encoding}, "
                "nečitelné znaky nahrazeny znakem „\ufffd“ (uložte soubor jako CSV UTF-8)",
                f"The file's encoding was not recognised reliably; read as {encoding}, "
                "unreadable characters replaced by '\ufffd' (save the file as CSV UTF-8)",
            )
        )
        log.warning("%s: undecodable bytes replaced (read as %s)", path, encoding)
    delimiter = _detect_delimiter(text)
    lines, rows = _csv_records(text, delimiter)
    if not rows:
        raise FileProblem(
            "Soubor neobsahuje žádné řádky (jen prázdné)",
            "The file contains no rows (only blank ones)",
        )
    found = _find_header(rows)
    if found is None:
        raise _no_header_problem(rows[0], ("", ""))
    index, match = found
    if index:
        notes.append(_skipped_rows_note(lines[:index], ("", "")))
    headers = [c.strip() for c in rows[index]]
    width = len(headers)
    numbers = lines[index + 1 :]
    body = rows[index + 1 :]
    problems: dict[int, tuple[str, str]] = {}
    for i, row in enumerate(body):
        size = len(row)
        if size == width:
            continue
        if size < width:
            row.extend([""] * (width - size))
            continue
        extra = row[width:]
        del row[width:]
        if any(v.strip() for v in extra):
            values = [v for v in extra if v.strip()]
            problems[numbers[i]] = (
                f"Řádek má víc polí ({size}) než záhlaví ({width}); "
                f"nadbytečné hodnoty: {_quoted_cs(values)}",
                f"The row has more fields ({size}) than the header ({width}); "
                f"extra values: {_quoted_en(values)}",
            )
    if replaced:
        for number, row in zip(numbers, body, strict=True):
            if any("\ufffd" in v for v in row) and number not in problems:
                problems[number] = (
                    "Řádek obsahuje nečitelné znaky (neznámé kódování souboru)",
                    "The row contains unreadable characters (unknown file encoding)",
                )
    table = _build_table(
        match,
        headers,
        body,
        numbers,
        location=None,
        location_kind=None,
        header_row=lines[index],
        notes=notes,
        row_problems=problems,
    )
    return ReadResult(tables=[table], notes=notes, encoding=encoding, delimiter=delimiter)


# ----------------------------------------------------------------- XLSX and JSON keys


@cache
def _location_kinds(include_json: bool) -> dict[str, str]:
    """Sheet name (or JSON list key) key -> record kind."""
    names: dict[str, str] = {}
    for kind in record_kinds().values():
        spellings: tuple[str, ...] = kind.sheets
        if include_json:
            spellings = (kind.json_key, kind.name, *spellings)
        for spelling in spellings:
            names.setdefault(header_key(spelling), kind.name)
    return names


def _cell(value: object) -> object:
    """A calamine cell as pandas' reader would give it; empty cells ``None``."""
    if value == "":
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if type(value) is date:
        return datetime(value.year, value.month, value.day)
    return value


def _sheet_rows(sheet) -> list[list[object]]:
    """A sheet's cells as lists (row i = spreadsheet row i + 1, from A1)."""
    return [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]


def _xlsx_sheets(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet of a workbook, read with python-calamine (Rust; pandas' calamine
    engine without its per-cell Python conversion on top)."""
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        return {
            name: _sheet_rows(workbook.get_sheet_by_name(name)) for name in workbook.sheet_names
        }
    finally:
        workbook.close()


def _read_xlsx(path: Path) -> ReadResult:
    try:
        # A cell reading "NA", "N/A", "null" or "None" stays text, not a missing value.
        sheets = _xlsx_sheets(path)
    except Exception as exc:  # the engine raises many types for a broken file
        reason = str(exc).strip() or type(exc).__name__
        raise FileProblem(
            f"Soubor nelze přečíst jako Excel (.xlsx): {reason}",
            f"The file cannot be read as Excel (.xlsx): {reason}",
        ) from exc
    notes: list[tuple[str, str]] = []
    tables: list[RawTable] = []
    found_cells: list[str] = []
    by_name = _location_kinds(False)
    for sheet, rows in sheets.items():
        sheet = str(sheet)
        where = _where("sheet", sheet)
        numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(map(_has_value, row))]
        if not numbered:
            notes.append(
                (
                    f"List „{sheet}“ je prázdný a byl přeskočen",
                    f"Sheet '{sheet}' is empty and was skipped",
                )
            )
            continue
        named = by_name.get(header_key(sheet))
        cells = [row for _, row in numbered]
        found = _find_header(cells, named) if named else None
        if found is None:
            found = _find_header(cells)
            if found is not None and named:
                kind = record_kinds()[found[1].kind]
                notes.append(
                    (
                        f"List „{sheet}“ obsahuje podle záhlaví {kind.label_cs.lower()}",
                        f"Sheet '{sheet}' holds {kind.label_en.lower()} (by its header)",
                    )
                )
        if found is None:
            listed = _listed(numbered[0][1])
            found_cells.append(
                f"{sheet}: {', '.join(listed)}" if listed else sheet,
            )
            notes.append(
                (
                    f"List „{sheet}“ byl přeskočen: nemá rozpoznatelné záhlaví",
                    f"Sheet '{sheet}' was skipped: no recognisable header",
                )
            )
            continue
        index, match = found
        if index:
            notes.append(_skipped_rows_note([n for n, _ in numbered[:index]], where))
        header_number, header_cells = numbered[index]
        headers = [_cell_text(c) for c in header_cells]
        body = numbered[index + 1 :]
        tables.append(
            _build_table(
                match,
                headers,
                [row for _, row in body],
                [n for n, _ in body],
                location=sheet,
                location_kind="sheet",
                header_row=header_number,
                notes=notes,
            )
        )
    if not tables:
        found_cs = "; ".join(found_cells) or "žádné listy s daty"
        found_en = "; ".join(found_cells) or "no sheets with data"
        raise FileProblem(
            f"Žádný list nemá rozpoznatelné záhlaví ({_kinds_cs()}). Nalezeno: {found_cs}",
            f"No sheet has a recognisable header ({_kinds_en()}). Found: {found_en}",
        )
    return ReadResult(tables=tables, notes=notes)


def _read_json(path: Path) -> ReadResult:
    data = _read_bytes(path)
    if not data.strip():
        raise FileProblem("Soubor je prázdný", "The file is empty")
    try:
        document = json.loads(data)
    except json.JSONDecodeError as exc:
        raise FileProblem(
            f"Soubor není platný JSON: chyba na řádku {exc.lineno}, sloupci {exc.colno} "
            f"({exc.msg})",
            f"The file is not valid JSON: error at line {exc.lineno}, column {exc.colno} "
            f"({exc.msg})",
        ) from exc
    except UnicodeDecodeError as exc:
        raise FileProblem(
            "Soubor JSON musí být v kódování UTF-8",
            "A JSON file must be encoded in UTF-8",
        ) from exc
    if not isinstance(document, dict):
        raise FileProblem(
            'Soubor JSON musí obsahovat objekt {"district": …, "projects": […], …}, '
            f"ne {_json_type_cs(document)}",
            'A JSON file must hold an object {"district": …, "projects": […], …}, '
            f"not {_json_type_en(document)}",
        )
    by_key = _location_kinds(True)
    district_keys = district_column_headers()
    notes: list[tuple[str, str]] = []
    tables: list[RawTable] = []
    file_district = None
    for key, value in document.items():
        folded = header_key(key)
        if folded in district_keys:
            if value is not None and not isinstance(value, dict | list):
                file_district = str(value)
            continue
        kind = by_key.get(folded)
        if kind is None:
            notes.append((f"Klíč „{key}“ byl přeskočen", f"Key '{key}' was skipped"))
            continue
        if value is None or value == []:
            notes.append(
                (f"Seznam „{key}“ je prázdný", f"List '{key}' is empty"),
            )
            continue
        if not isinstance(value, list):
            raise FileProblem(
                f"„{key}“ musí být seznam objektů, ne {_json_type_cs(value)}",
                f"'{key}' must be a list of objects, not {_json_type_en(value)}",
            )
        tables.append(_json_table(kind, key, value, notes))
    if not tables:
        expected = _quoted_en(k.json_key for k in record_kinds().values())
        keys = list(document)[:MAX_LISTED]
        raise FileProblem(
            f"Soubor JSON neobsahuje žádný rozpoznatelný seznam (očekáváno {expected}); "
            f"klíče: {_quoted_cs(keys) or 'žádné'}",
            f"The JSON file holds no recognisable list (expected {expected}); "
            f"keys: {_quoted_en(keys) or 'none'}",
        )
    return ReadResult(tables=tables, notes=notes, file_district=file_district)


def _json_type_cs(value: object) -> str:
    return {list: "seznam", str: "text", dict: "objekt", bool: "logická hodnota"}.get(
        type(value), "číslo" if isinstance(value, int | float) else "null"
    )


def _json_type_en(value: object) -> str:
    return {list: "a list", str: "a string", dict: "an object", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


def _json_table(kind: str, key: str, items: list, notes: list[tuple[str, str]]) -> RawTable:
    columns: dict[str, None] = {}
    problems: dict[int, tuple[str, str]] = {}
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            columns.update(dict.fromkeys(item))
        else:
            problems[number] = (
                f"Položka seznamu „{key}“ není objekt, ale {_json_type_cs(item)}",
                f"The item of list '{key}' is not an object but {_json_type_en(item)}",
            )
    headers = list(columns)
    empty: dict = {}
    rows = [[(item if isinstance(item, dict) else empty).get(h) for h in headers] for item in items]
    numbers = [n for n, item in enumerate(items, start=1) if _json_item_has_value(item)]
    if len(numbers) != len(items):
        keep = set(numbers)
        rows = [row for n, row in enumerate(rows, start=1) if n in keep]
        problems = {n: p for n, p in problems.items() if n in keep}
    match = _match(headers, kind)
    return _build_table(
        match,
        headers,
        rows,
        numbers,
        location=key,
        location_kind="json",
        header_row=0,
        notes=notes,
        row_problems=problems,
    )


def _json_item_has_value(item: object) -> bool:
    if isinstance(item, dict):
        return any(_has_value(v) for v in item.values())
    return _has_value(item)


# ----------------------------------------------------------------- entry point


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileProblem(
            f"Soubor nelze otevřít: {exc.strerror or exc}",
            f"The file cannot be opened: {exc.strerror or exc}",
        ) from exc


_READERS = {".csv": _read_csv, ".xlsx": _read_xlsx, ".json": _read_json}


def read_file(path: Path) -> ReadResult:
    """Read one export file (by its suffix); raises ``FileProblem`` for an unusable file."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise FileProblem(
            f"Nepodporovaný typ souboru „{path.suffix or path.name}“ "
            "(čtou se jen .csv, .xlsx a .json)",
            f"Unsupported file type '{path.suffix or path.name}' "
            "(only .csv, .xlsx and .json are read)",
        )
    if not path.is_file():
        raise FileProblem(
            f"Soubor „{path.name}“ neexistuje",
            f"The file '{path.name}' does not exist",
        )
    with _gc_paused():
        result = reader(path)
    log.debug("%s: %s", path, [(t.kind, t.location, len(t.frame)) for t in result.tables])
    return result
