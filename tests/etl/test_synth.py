"""The synthetic inbox: deterministic, the right size, every format variant of the
contract (FORMATS.md), valid except for the deliberately bad rows, which are where the
report says they are.

The inbox is read back here with the standard library and openpyxl only, and checked
with a small independent implementation of the contract's value rules.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest

from etl.synth import AS_OF, FIXED_TIMESTAMP, UNKNOWN_TOOLS, generate_inbox
from koordinace.settings import DEFAULT_PILOT
from models.reference import district_lookup, district_rows, resolve_pilot, tool_catalogue
from models.vocabulary import (
    compact_key,
    district_column_headers,
    header_key,
    record_kind,
    record_kinds,
    vocabulary,
)

# folder -> (district code, {file: (encoding, delimiter)} for CSV, or a format name)
EXPECTED = {
    "praha-1": (500054, "xlsx"),
    "Praha 3": (
        500097,
        {
            "projekty.csv": ("utf-8-sig", ";"),
            "aktivity.csv": ("utf-8-sig", ";"),
            "nastroje.csv": ("utf-8-sig", ";"),
        },
    ),
    "500143": (500143, "xlsx"),
    "PRAHA_11": (
        547034,
        {
            "registr_projektu.csv": ("cp1250", ";"),
            "zapojeni.csv": ("cp1250", ";"),
            "nastroje.csv": ("cp1250", ";"),
        },
    ),
    "Praha 14": (
        547361,
        {
            "projects.csv": ("utf-8", ","),
            "activities.csv": ("utf-8", ","),
            "tool_usage.csv": ("utf-8", ","),
        },
    ),
    "praha-22": (538931, "json"),
    "Běchovice": (
        538060,
        {
            "projekty.csv": ("iso-8859-2", "\t"),
            "aktivity.csv": ("iso-8859-2", "\t"),
            "nastroje.csv": ("iso-8859-2", "\t"),
        },
    ),
    "Praha-Klánovice": (538302, "xlsx"),
    "Lipence": (539449, "json"),
    "praha-zbraslav": (
        539864,
        {
            "projects.csv": ("utf-8", ","),
            "activities.csv": ("utf-8", ";"),
            "tools.csv": ("utf-8", "\t"),
        },
    ),
}
SKIPPED = ["praha-1/.DS_Store", "praha-1/README.txt", "praha-1/~$register.xlsx"]
RULES = {
    "end_before_start",
    "impossible_date",
    "unknown_stage",
    "negative_budget",
    "missing_title",
    "title_too_long",
    "duplicate_project_id",
    "bad_url",
    "district_mismatch",
    "unknown_project",
    "youth_gt_participants",
    "participants_not_whole",
    "unknown_channel",
    "rating_out_of_range",
}
DISTRICTS = district_lookup(district_rows())


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth") / "inbox"
    return root, generate_inbox(root, scale=1, seed=1)


def _all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# ---------------------------------------------------------------- reading the inbox back


@dataclass
class Table:
    file: str
    folder: str
    kind: str
    headers: list
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row as the user sees it)


def _detect(headers) -> tuple[str | None, list]:
    """The record kind of a header row and each column's field (or "district"/None)."""
    keys = [header_key(h) if isinstance(h, str) else "" for h in headers]
    best, best_fields = None, []
    for name, kind in record_kinds().items():
        lookup = kind.header_lookup()
        fields = [
            lookup.get(k) or ("district" if k in district_column_headers() else None) for k in keys
        ]
        if set(kind.required) <= set(fields) and (
            best is None
            or sum(f is not None for f in fields) > sum(f is not None for f in best_fields)
        ):
            best, best_fields = name, fields
    return best, best_fields


def _record(fields: list, values) -> dict:
    values = list(values) + [None] * (len(fields) - len(values))
    return {f: v for f, v in zip(fields, values, strict=False) if f is not None}


def read_csv(root: Path, rel: str, encoding: str, delimiter: str) -> Table:
    text = (root / rel).read_bytes().decode(encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    table = None
    for values in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not any(v.strip() for v in values):
            continue
        if table is None:
            kind, fields = _detect(values)
            assert kind is not None, f"{rel}: header not recognised: {values}"
            assert None not in fields, f"{rel}: unknown column in {values}"
            table = Table(rel, rel.split("/")[0], kind, values)
            continue
        table.rows.append((start, _record(fields, values)))
    return table


def read_xlsx(root: Path, rel: str) -> tuple[list[Table], list[str]]:
    wb = openpyxl.load_workbook(root / rel, read_only=True)
    tables, ignored = [], []
    for ws in wb.worksheets:
        table, fields = None, []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if table is None:
                if number > 10:
                    break
                kind, fields = _detect(values)
                if kind is not None:
                    assert None not in fields, f"{rel}/{ws.title}: unknown column {values}"
                    table = Table(rel, rel.split("/")[0], kind, list(values))
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            table.rows.append((number, _record(fields, values)))
        if table is None:
            ignored.append(ws.title)
        else:
            tables.append(table)
    wb.close()
    return tables, ignored


def read_json(root: Path, rel: str) -> tuple[list[Table], str]:
    data = json.loads((root / rel).read_text(encoding="utf-8"))
    tables = []
    for name, kind in record_kinds().items():
        if kind.json_key not in data:
            continue
        records = data[kind.json_key]
        headers = sorted({k for r in records for k in r})
        detected, fields = _detect(headers)
        assert detected == name, (rel, kind.json_key, headers)
        assert None not in fields
        by_key = dict(zip(headers, fields, strict=True))
        table = Table(rel, rel.split("/")[0], name, headers)
        for position, r in enumerate(records, start=1):
            table.rows.append((position, {by_key[k]: v for k, v in r.items()}))
        tables.append(table)
    return tables, data["district"]


def read_inbox(root: Path) -> tuple[list[Table], dict]:
    tables, info = [], {"ignored_sheets": {}, "json_districts": {}}
    for folder, (_code, fmt) in EXPECTED.items():
        for path in sorted((root / folder).iterdir()):
            rel = f"{folder}/{path.name}"
            if path.name.startswith((".", "~$")) or path.suffix not in (".csv", ".xlsx", ".json"):
                continue
            if path.suffix == ".csv":
                tables.append(read_csv(root, rel, *fmt[path.name]))
            elif path.suffix == ".xlsx":
                found, ignored = read_xlsx(root, rel)
                tables += found
                info["ignored_sheets"][rel] = ignored
            else:
                found, district = read_json(root, rel)
                tables += found
                info["json_districts"][rel] = district
    return tables, info


# ---------------------------------------------------------------- the contract's values


class Invalid(ValueError):
    pass


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})\. ?(\d{1,2})\. ?(\d{4})", text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError as exc:
        raise Invalid("impossible date") from exc
    raise Invalid(f"not a date: {text!r}")


def parse_amount(value) -> float:
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).replace("\u00a0", " ").strip()
        text = re.sub(r"^(CZK|Kč)\s*|\s*(CZK|Kč)$", "", text)
        sign = -1 if text.startswith("-") else 1
        text = text.lstrip("-")
        if re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", text):
            text = text.replace(".", "")
        elif re.fullmatch(r"\d{1,3}( \d{3})+(,\d+)?|\d+,\d+", text):
            text = text.replace(" ", "").replace(",", ".")
        elif not re.fullmatch(r"\d+(\.\d+)?", text):
            raise Invalid(f"not an amount: {value!r}")
        number = sign * float(text)
    return number


def parse_whole(value) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d+|\d{1,3}( \d{3})+", text):
        return int(text.replace(" ", ""))
    raise Invalid(f"not a whole number: {value!r}")


def parse_percent(value) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    m = re.fullmatch(r"(\d+(?:[.,]\d+)?) ?%?", str(value).strip())
    if not m:
        raise Invalid(f"not a percentage: {value!r}")
    return float(m[1].replace(",", "."))


TOOL_KEYS = {
    compact_key(s): t["name"] for t in tool_catalogue() for s in (t["name"], *t.get("aliases", ()))
}


def _row_problems(table: Table, folder_code: int, record: dict) -> tuple[list[str], dict]:
    """Rules a row breaks on its own, and its parsed identity values."""
    problems: list[str] = []
    parsed: dict = {}
    spec = record_kind(table.kind)

    def date(name):
        if _blank(record.get(name)):
            return None
        try:
            return parse_date(record[name])
        except Invalid:
            problems.append("impossible_date")

    def vocab(name, rule):
        value = record.get(name)
        resolved = None if _blank(value) else vocabulary(spec.field(name).vocabulary).resolve(value)
        if resolved is None:
            problems.append(rule)
        return resolved

    def whole(name, rule):
        if _blank(record.get(name)):
            return None
        try:
            return parse_whole(record[name])
        except Invalid:
            problems.append(rule)

    if "district" in record and DISTRICTS.get(compact_key(str(record["district"]))) != folder_code:
        problems.append("district_mismatch")
    parsed["project_id"] = None if _blank(record.get("project_id")) else str(record["project_id"])
    if parsed["project_id"] is None:
        problems.append("missing_project_id")
    if table.kind == "projects":
        title = record.get("title")
        if _blank(title):
            problems.append("missing_title")
        elif len(str(title).strip()) > 300:
            problems.append("title_too_long")
        vocab("kind", "unknown_kind")
        vocab("stage", "unknown_stage")
        if not _blank(record.get("topic")):
            vocab("topic", "unknown_topic")
        start, end = date("start_date"), date("end_date")
        date("updated_on")
        if start and end and end < start:
            problems.append("end_before_start")
        if not _blank(record.get("budget_czk")):
            try:
                if parse_amount(record["budget_czk"]) < 0:
                    problems.append("negative_budget")
            except Invalid:
                problems.append("bad_amount")
        if not _blank(record.get("progress_pct")):
            try:
                if not 0 <= parse_percent(record["progress_pct"]) <= 100:
                    problems.append("bad_progress")
            except Invalid:
                problems.append("bad_progress")
        if not _blank(record.get("url")) and not re.match(r"https?://\S+$", record["url"]):
            problems.append("bad_url")
    elif table.kind == "activities":
        parsed["date"] = date("date")
        if parsed["date"] is None and "impossible_date" not in problems:
            problems.append("missing_date")
        parsed["activity"] = vocab("activity", "unknown_activity")
        parsed["channel"] = vocab("channel", "unknown_channel")
        participants = whole("participants", "participants_not_whole")
        if participants is None and "participants_not_whole" not in problems:
            problems.append("missing_participants")
        for name in ("proposals", "votes"):
            whole(name, f"bad_{name}")
        youth = whole("youth_participants", "bad_youth")
        if youth is not None and participants is not None and youth > participants:
            problems.append("youth_gt_participants")
        parsed["activity_id"] = record.get("activity_id") or None
    else:
        tool = record.get("tool")
        if _blank(tool):
            problems.append("missing_tool")
        parsed["tool"] = TOOL_KEYS.get(compact_key(str(tool)), f"?{tool}")
        parsed["purpose"] = vocab("purpose", "unknown_purpose")
        if not _blank(record.get("cost_czk")):
            try:
                if parse_amount(record["cost_czk"]) < 0:
                    problems.append("negative_cost")
            except Invalid:
                problems.append("bad_amount")
        rating = whole("rating", "bad_rating")
        if rating is not None and not 1 <= rating <= 5:
            problems.append("rating_out_of_range")
    return problems, parsed


def validate(tables: list[Table]) -> dict[tuple[str, str, int], list[str]]:
    """(file, kind, row) -> rules broken, over the whole inbox (one import)."""
    problems: dict[tuple[str, str, int], list[str]] = {}
    valid_projects: dict[str, set[str]] = {}
    order = {"projects": 0, "activities": 1, "tool_usage": 2}
    seen: set[tuple] = set()
    for table in sorted(tables, key=lambda t: (order[t.kind], t.file)):
        code = EXPECTED[table.folder][0]
        projects = valid_projects.setdefault(table.folder, set())
        for row, record in table.rows:
            found, parsed = _row_problems(table, code, record)
            pid = parsed["project_id"]
            if table.kind == "projects":
                if not found and pid in projects:
                    found.append("duplicate_project_id")
                elif not found:
                    projects.add(pid)
            elif not found:
                if pid not in projects:
                    found.append("unknown_project")
                if table.kind == "activities":
                    identity = (
                        (table.folder, "id", parsed["activity_id"])
                        if parsed["activity_id"]
                        else (
                            table.folder,
                            pid,
                            parsed["date"],
                            parsed["activity"],
                            parsed["channel"],
                        )
                    )
                else:
                    identity = (table.folder, "tool", pid, parsed["tool"], parsed["purpose"])
                if identity in seen:
                    found.append("duplicate_identity")
                seen.add(identity)
            if found:
                problems[(table.file, table.kind, row)] = found
    return problems


# ---------------------------------------------------------------- tests


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    first = generate_inbox(tmp_path / "a", scale=0.2, seed=7)
    second = generate_inbox(tmp_path / "b", scale=0.2, seed=7)
    other = generate_inbox(tmp_path / "c", scale=0.2, seed=8)
    assert first == second
    assert first.files == _all_files(tmp_path / "a") == other.files
    for rel in first.files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    differing = [
        rel
        for rel in first.files
        if (tmp_path / "a" / rel).read_bytes() != (tmp_path / "c" / rel).read_bytes()
    ]
    assert set(differing) == set(first.files) - set(first.skipped_files)


def test_xlsx_carry_fixed_timestamps(inbox):
    root, report = inbox
    xlsx = [rel for rel in report.files if rel.endswith(".xlsx") and "~$" not in rel]
    assert len(xlsx) == 3
    fixed = FIXED_TIMESTAMP.timetuple()[:6]
    for rel in xlsx:
        with zipfile.ZipFile(root / rel) as archive:
            assert {info.date_time for info in archive.infolist()} == {fixed}
            core = archive.read("docProps/core.xml").decode()
        stamps = re.findall(r"<dcterms:\w+[^>]*>([^<]+)<", core)
        assert stamps == [FIXED_TIMESTAMP.isoformat() + "Z"] * 2


@pytest.mark.parametrize(
    ("scale", "projects", "activities"),
    [(1, (270, 340), (5000, 7200)), (0.2, (50, 85), (900, 1600))],
)
def test_counts_follow_the_scale(tmp_path, scale, projects, activities):
    report = generate_inbox(tmp_path / "inbox", scale=scale, seed=3)
    assert projects[0] <= report.projects <= projects[1]
    assert activities[0] <= report.activities <= activities[1]
    assert 2.0 <= report.tool_usage / report.projects <= 3.0
    tables, _info = read_inbox(tmp_path / "inbox")
    written = Counter()
    for table in tables:
        written[table.kind] += len(table.rows)
    assert dict(written) == {
        "projects": report.projects,
        "activities": report.activities,
        "tool_usage": report.tool_usage,
    }


def test_projects_weighted_by_population_with_a_minimum(inbox):
    root, _report = inbox
    tables, _info = read_inbox(root)
    per_folder = Counter()
    for table in tables:
        if table.kind == "projects":
            per_folder[table.folder] += len(table.rows)
    assert all(n >= 10 for n in per_folder.values()), per_folder
    assert per_folder["500143"] > per_folder["Praha 14"] > per_folder["praha-22"]
    assert per_folder["500143"] >= 4 * per_folder["Lipence"]


def test_every_pilot_district_has_a_folder_in_its_own_name_form(inbox):
    root, report = inbox
    folders = sorted(p.name for p in root.iterdir())
    assert folders == sorted(EXPECTED)
    codes = {DISTRICTS[compact_key(f)] for f in folders}
    assert codes == set(resolve_pilot(DEFAULT_PILOT))
    assert {f: DISTRICTS[compact_key(f)] for f in folders} == {
        f: code for f, (code, _fmt) in EXPECTED.items()
    }
    assert report.files == _all_files(root)


def test_csv_encodings_bom_and_delimiters(inbox):
    root, _report = inbox
    for folder, (_code, fmt) in EXPECTED.items():
        if not isinstance(fmt, dict):
            continue
        for name, (encoding, delimiter) in fmt.items():
            raw = (root / folder / name).read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig"), name
            if encoding.startswith("utf-8"):
                raw.decode("utf-8")
            else:
                with pytest.raises(UnicodeDecodeError):
                    raw.decode("utf-8")
            header = raw.decode(encoding).splitlines()[0]
            assert header.count(delimiter) >= 4, (folder, name, header)
    # Windows-1250 and ISO-8859-2 differ in š/ž: "Z toho mládež" tells them apart.
    cp1250 = (root / "PRAHA_11/zapojeni.csv").read_bytes()
    latin2 = (root / "Běchovice/aktivity.csv").read_bytes()
    assert "mládež".encode("cp1250") in cp1250 and b"\xbe" not in cp1250.split(b"\n")[0]
    assert "mládež".encode("iso-8859-2") in latin2 and b"\x9e" not in latin2.split(b"\n")[0]


def test_csv_quoting_blank_lines_and_empty_rows(inbox):
    root, _report = inbox
    text = (root / "Praha 14/projects.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert any("\n" in v and "," in v for r in rows for v in r)
    assert any('"' in v for r in rows for v in r)  # doubled quotes inside a quoted field
    lines = {
        rel: (root / rel).read_bytes().decode(enc).splitlines()
        for rel, enc in (
            ("Praha 3/aktivity.csv", "utf-8-sig"),
            ("Praha 14/activities.csv", "utf-8"),
            ("PRAHA_11/registr_projektu.csv", "cp1250"),
        )
    }
    assert "" in lines["Praha 3/aktivity.csv"] + lines["Praha 14/activities.csv"]
    assert any(re.fullmatch(";+", line) for line in lines["PRAHA_11/registr_projektu.csv"])


def test_xlsx_variants(inbox):
    root, _report = inbox
    names = {}
    for rel in ("praha-1/register.xlsx", "500143/export_praha5.xlsx"):
        names[rel] = openpyxl.load_workbook(root / rel, read_only=True).sheetnames
    klanovice = "Praha-Klánovice/evidence_participace.xlsx"
    names[klanovice] = openpyxl.load_workbook(root / klanovice, read_only=True).sheetnames
    assert names == {
        "praha-1/register.xlsx": ["Projekty", "Aktivity", "Nástroje"],
        "500143/export_praha5.xlsx": ["Projects", "Activities", "Tools"],
        klanovice: ["Poznámky", "List1", "List2", "List3"],
    }
    _tables, info = read_inbox(root)
    assert info["ignored_sheets"] == {
        "praha-1/register.xlsx": [],
        "500143/export_praha5.xlsx": [],
        klanovice: ["Poznámky"],
    }
    wb = openpyxl.load_workbook(root / "praha-1/register.xlsx", read_only=True)
    rows = list(wb["Projekty"].iter_rows(min_row=1, max_row=4, values_only=True))
    assert rows[0][0].startswith("Registr") and rows[2][0] == "Kód projektu"
    assert isinstance(rows[3][4], dt.datetime)  # a real Excel date cell
    wb = openpyxl.load_workbook(root / "500143/export_praha5.xlsx", read_only=True)
    header, first = list(wb["Projects"].iter_rows(max_row=2, values_only=True))
    assert header[0] == "Project ID" and re.fullmatch(r"\d{1,2}\.( ?)\d{1,2}\.\1\d{4}", first[4])


def test_json_variants(inbox):
    root, _report = inbox
    p22 = json.loads((root / "praha-22/export.json").read_text(encoding="utf-8"))
    lip = json.loads((root / "Lipence/export.json").read_text(encoding="utf-8"))
    lip_tools = json.loads((root / "Lipence/nastroje.json").read_text(encoding="utf-8"))
    assert list(p22) == ["district", "projects", "activities", "tools"]
    assert list(lip) == ["district", "projects", "activities"]
    assert list(lip_tools) == ["district", "tools"]
    assert "název" in p22["projects"][0] and "kód projektu" in p22["activities"][0]
    assert "name" in lip["projects"][0] and "phase" in lip["projects"][0]
    for district, folder in ((p22, "praha-22"), (lip, "Lipence"), (lip_tools, "Lipence")):
        assert DISTRICTS[compact_key(district["district"])] == EXPECTED[folder][0]


def _column_values(tables, kind, field_name):
    for table in tables:
        if table.kind != kind:
            continue
        for _row, record in table.rows:
            value = record.get(field_name)
            if not _blank(value):
                yield table.folder, value


def test_every_date_amount_and_percent_form_occurs(inbox):
    root, _report = inbox
    tables, _info = read_inbox(root)
    dates = [
        v
        for kind, name in (("projects", "start_date"), ("activities", "date"))
        for _f, v in _column_values(tables, kind, name)
    ]
    date_forms = {
        "excel": lambda v: isinstance(v, dt.datetime),
        "iso": lambda v: re.fullmatch(r"\d{4}-\d\d-\d\d", str(v)),
        "15.03.2024": lambda v: re.fullmatch(r"\d\d\.\d\d\.\d{4}", str(v)),
        "15. 3. 2024": lambda v: re.fullmatch(r"\d{1,2}\. \d{1,2}\. \d{4}", str(v)),
        "15.3.2024": lambda v: re.fullmatch(r"\d{1,2}\.\d\.\d{4}|\d\.\d{1,2}\.\d{4}", str(v)),
        "15/03/2024": lambda v: re.fullmatch(r"\d\d/\d\d/\d{4}", str(v)),
    }
    assert {name for name, test in date_forms.items() if any(test(v) for v in dates)} == set(
        date_forms
    )
    amounts = [
        v
        for kind, name in (("projects", "budget_czk"), ("tool_usage", "cost_czk"))
        for _f, v in _column_values(tables, kind, name)
    ]
    amount_forms = {
        "1500000": r"\d{4,}",
        "1 500 000": r"\d{1,3}( \d{3})+",
        "1\u00a0500\u00a0000 Kč": r"\d{1,3}(\u00a0\d{3})+ Kč",
        "1.500.000": r"\d{1,3}(\.\d{3}){2,}",
        "1 500 000,50 Kč": r"\d{1,3}( \d{3})*,\d\d Kč",
        "1500000.5": r"\d+\.\d",
        "CZK 20000": r"CZK \d+",
    }
    strings = [v for v in amounts if isinstance(v, str)]
    found = {name for name, rx in amount_forms.items() if any(re.fullmatch(rx, v) for v in strings)}
    assert found == set(amount_forms)
    assert any(isinstance(v, (int, float)) for v in amounts)
    progress = [str(v) for _f, v in _column_values(tables, "projects", "progress_pct")]
    for rx in (r"\d+", r"\d+ %", r"\d+,5"):
        assert any(re.fullmatch(rx, v) for v in progress), rx
    wholes = [str(v) for _f, v in _column_values(tables, "activities", "participants")]
    assert any(re.fullmatch(r"\d{1,3} \d{3}", v) for v in wholes)


def test_vocabulary_spellings_and_tools(inbox):
    root, _report = inbox
    tables, _info = read_inbox(root)
    stages = {v for _f, v in _column_values(tables, "projects", "stage") if isinstance(v, str)}
    assert {"completed", "implementation"} <= stages  # canonical (Praha 14)
    assert any(s in stages for s in ("Dokončeno", "dokončeno", "Ukončeno", "ukončeno"))
    assert any(s in stages for s in ("Completed", "completed", "done", "Done"))
    tools = {str(v) for _f, v in _column_values(tables, "tool_usage", "tool")}
    unknown = {t for t in tools if compact_key(t) not in TOOL_KEYS}
    assert unknown == set(UNKNOWN_TOOLS)
    aliases = {"Mobilní rozhlas", "D21", "Decision 21", "Lepší místo", "Google formuláře"}
    assert len(aliases & tools) >= 3, tools
    resolved = {TOOL_KEYS[compact_key(t)] for t in tools - unknown}
    assert len(resolved) >= 15


def test_only_the_reported_rows_break_the_contract(inbox):
    root, report = inbox
    tables, _info = read_inbox(root)
    problems = validate(tables)
    expected = {(b["file"], b["kind"], b["row"]): [b["rule"]] for b in report.bad_rows}
    assert problems == expected


def test_bad_rows_are_a_handful_of_every_rule_in_every_format(inbox):
    _root, report = inbox
    assert 12 <= len(report.bad_rows) <= 20
    assert {b["rule"] for b in report.bad_rows} == RULES
    assert {b["kind"] for b in report.bad_rows} == {"projects", "activities", "tool_usage"}
    suffixes = {Path(b["file"]).suffix for b in report.bad_rows}
    assert suffixes == {".csv", ".xlsx", ".json"}
    assert len({b["file"].split("/")[0] for b in report.bad_rows}) == 10


def test_bad_rows_hold_the_bad_value_at_the_reported_row(inbox):
    root, report = inbox
    tables, _info = read_inbox(root)
    by_location = {(t.file, t.kind, row): record for t in tables for row, record in t.rows}
    for bad in report.bad_rows:
        record = by_location[(bad["file"], bad["kind"], bad["row"])]
        value = record.get(bad["field"])
        if isinstance(value, dt.datetime):
            value = value.date().isoformat()
        assert ("" if value is None else value) == bad["value"], bad
        if bad["rule"] == "end_before_start":
            assert parse_date(record["end_date"]) < parse_date(record["start_date"])
        elif bad["rule"] == "impossible_date":
            assert re.match(r"(31|2024)\D", str(value))
        elif bad["rule"] == "participants_not_whole":
            assert value == "12,5"
        elif bad["rule"] == "rating_out_of_range":
            assert int(value) == 7
        elif bad["rule"] == "bad_url":
            assert value.startswith("www.")
        elif bad["rule"] == "title_too_long":
            assert len(value) > 300


def test_csv_bad_rows_start_on_the_reported_physical_line(inbox):
    """CSV row numbers count physical lines: header = 1, embedded newlines, blank lines."""
    root, report = inbox
    checked = 0
    for bad in report.bad_rows:
        folder, name = bad["file"].split("/")
        fmt = EXPECTED[folder][1]
        if not isinstance(fmt, dict):
            continue
        lines = (root / bad["file"]).read_bytes().decode(fmt[name][0]).split("\n")
        line = lines[bad["row"] - 1]
        assert str(bad["value"]) in line, (bad, line)
        checked += 1
    assert checked >= 8


def test_content_is_plausible(inbox):
    root, report = inbox
    tables, _info = read_inbox(root)
    bad = {(b["file"], b["kind"], b["row"]) for b in report.bad_rows}
    stage = vocabulary("stage")
    kind = vocabulary("kind")
    spans: dict[tuple[str, str], tuple] = {}
    finished = overdue = 0
    for table in tables:
        if table.kind != "projects":
            continue
        for row, r in table.rows:
            if (table.file, table.kind, row) in bad:
                continue
            start = parse_date(r["start_date"])
            end = parse_date(r["end_date"]) if not _blank(r.get("end_date")) else None
            assert dt.date(2020, 1, 1) <= start <= dt.date(2026, 10, 31)
            s, k = stage.resolve(str(r["stage"])), kind.resolve(str(r["kind"]))
            if end and end < AS_OF:
                finished += 1
                overdue += s in ("implementation", "voting")
                assert s in ("completed", "cancelled", "implementation", "voting"), (row, s)
            if s == "completed":
                assert parse_percent(r["progress_pct"]) == 100
            if k == "participatory_budgeting" and not _blank(r.get("budget_czk")):
                assert 500_000 <= parse_amount(r["budget_czk"]) <= 5_000_001
            spans[(table.folder, str(r["project_id"]))] = (start, max(end or AS_OF, AS_OF))
    assert 0 < overdue < 0.25 * finished
    votes = 0
    per_folder = Counter()
    for table in tables:
        if table.kind != "activities":
            continue
        for row, r in table.rows:
            if (table.file, table.kind, row) in bad:
                continue
            start, last = spans[(table.folder, str(r["project_id"]))]
            assert start <= parse_date(r["date"]) <= last
            activity = vocabulary("activity").resolve(str(r["activity"]))
            participants = parse_whole(r["participants"])
            per_folder[table.folder] += participants
            if activity == "vote":
                votes += 1
                assert 40 <= participants <= 2400 and parse_whole(r["votes"]) >= participants
            elif activity in ("walk", "workshop"):
                assert 3 <= participants <= 25
    assert votes > 10
    # Participants per 1,000 residents over all years: realistic in big and small districts
    # alike (Prague 3's PB 2016: 2,288 participants of 76,000 residents).
    population = {r["code"]: r["population"] for r in district_rows()}
    rates = {f: 1000 * n / population[EXPECTED[f][0]] for f, n in per_folder.items()}
    assert set(rates) == set(EXPECTED)
    assert all(100 <= rate <= 600 for rate in rates.values()), rates


def test_skipped_files_are_written(inbox):
    root, report = inbox
    assert report.skipped_files == SKIPPED
    assert set(SKIPPED) <= set(report.files)
    for rel in SKIPPED:
        assert (root / rel).stat().st_size > 0
    assert "register.xlsx" in (root / "praha-1/README.txt").read_text(encoding="utf-8")


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    with pytest.raises(ValueError, match="not empty"):
        generate_inbox(tmp_path / "full", scale=0.05)
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["keep.txt"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="not a folder"):
        generate_inbox(tmp_path / "file", scale=0.05)
    (tmp_path / "empty").mkdir()
    report = generate_inbox(tmp_path / "empty", scale=0.05)
    assert report.files == _all_files(tmp_path / "empty")
    report = generate_inbox(tmp_path / "new" / "inbox", scale=0.05)
    assert report.projects > 0
