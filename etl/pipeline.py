"""One ETL run over an inbox: scan → read → normalise → run-wide checks → load.

The whole run is written in one transaction: it lands whole or not at all. A failed
run is then recorded (status ``failed``, with its error) in a separate transaction, so
the import log shows it while the data stays as it was.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import threading
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, insert, select, update

from etl import checks
from etl import load as L
from etl.inbox import InboxFile, scan_inbox
from etl.normalise import Reason, TableResult, normalise_table
from etl.readers import FileProblem, read_file
from etl.values import format_date_cs
from models import AuditEvent, District, ImportFile, ImportRun, Project, RejectedRecord
from models.base import utcnow
from models.db import get_engine
from models.reference import district_lookup
from models.vocabulary import compact_key, vocabulary

log = logging.getLogger(__name__)

KINDS = ("projects", "activities", "tool_usage")


class EtlFailed(RuntimeError):
    """The run itself failed; nothing it read was stored."""

    def __init__(self, run_id: int | None, message: str):
        super().__init__(message)
        self.run_id = run_id


class Progress:
    """Progress callbacks (no-op); the CLI shows them as bars."""

    def start(self, files: int) -> None: ...

    def file_done(self, rel: str, rows: int) -> None: ...

    def stage(self, name: str) -> None: ...


@dataclass
class FileOutcome:
    file: InboxFile
    status: str  # accepted | skipped | rejected
    reason: Reason | None = None
    sha256: str | None = None
    size: int | None = None
    tables: list[TableResult] = field(default_factory=list)
    notes: list[Reason] = field(default_factory=list)

    @property
    def rows_total(self) -> int:
        return sum(len(t.raw) for t in self.tables)


@dataclass
class RunSummary:
    run_id: int
    files: list[FileOutcome]
    counts: L.LoadCounts
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase

    def as_json(self, lang: str = "cs") -> dict:
        pick = 1 if lang == "en" else 0
        return {
            "run_id": self.run_id,
            "files": {
                "accepted": [f.file.rel for f in self.files if f.status == "accepted"],
                "skipped": [f.file.rel for f in self.files if f.status == "skipped"],
                "rejected": [
                    {"path": f.file.rel, "reason": f.reason[pick] if f.reason else ""}
                    for f in self.files
                    if f.status == "rejected"
                ],
            },
            "records": {
                "projects": self.counts.projects.as_dict(),
                "activities": self.counts.activities.as_dict(),
                "tool_usage": self.counts.tool_usage.as_dict(),
            },
        }


class _Clock:
    """Wall-clock seconds per phase of a run (reported by the benchmark)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now


# ------------------------------------------------------------------ reading


def _read(file: InboxFile, lookup: dict[str, int]) -> FileOutcome:
    if file.status != "candidate":
        return FileOutcome(file, file.status, (file.reason_cs or "", file.reason_en or ""))
    data = file.path.read_bytes()
    outcome = FileOutcome(file, "accepted", sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    try:
        result = read_file(file.path)
    except FileProblem as problem:
        outcome.status, outcome.reason = "rejected", (problem.cs, problem.en)
        return outcome
    if result.file_district is not None:
        named = lookup.get(compact_key(str(result.file_district)))
        if named != file.district_code:
            outcome.status = "rejected"
            outcome.reason = (
                f"Městská část „{result.file_district}“ v souboru neodpovídá složce "
                f"„{file.folder}“",
                f"District '{result.file_district}' in the file does not match the folder "
                f"'{file.folder}'",
            )
            return outcome
    outcome.notes.extend(result.notes)
    for table in result.tables:
        normalised = normalise_table(
            table, district_code=file.district_code, folder=file.folder, district_lookup=lookup
        )
        outcome.tables.append(normalised)
        outcome.notes.extend(normalised.notes)
    return outcome


PARALLEL_MIN_BYTES = 8 * 1024 * 1024


def _read_all(
    files: list[InboxFile], lookup: dict[str, int], progress: Progress, workers: int | None
) -> list[FileOutcome]:
    """Read and normalise every file, in file order; in parallel when it pays off."""
    candidates = [i for i, f in enumerate(files) if f.status == "candidate"]
    if workers is None:
        size = sum(files[i].path.stat().st_size for i in candidates)
        workers = min(2, os.cpu_count() or 1) if size >= PARALLEL_MIN_BYTES else 1
    workers = min(workers, len(candidates))
    outcomes: list[FileOutcome | None] = [None] * len(files)
    if workers > 1:
        # Largest first keeps both workers busy. Fork is instant and the workers only
        # read files (never the inherited database connections); with other threads
        # alive a fork is unsafe, so the slower forkserver is used then.
        order = sorted(candidates, key=lambda i: files[i].path.stat().st_size, reverse=True)
        method = "fork" if threading.active_count() == 1 else "forkserver"
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending = {pool.submit(_read, files[i], lookup): i for i in order}
            for future in as_completed(pending):
                i = pending[future]
                outcomes[i] = future.result()
                progress.file_done(files[i].rel, outcomes[i].rows_total)
    for i, file in enumerate(files):
        if outcomes[i] is None:
            outcomes[i] = _read(file, lookup)
            progress.file_done(file.rel, outcomes[i].rows_total)
    return outcomes


# ------------------------------------------------------------------ run-wide checks


def _labels(vocab: str, value) -> tuple[str, str]:
    v = vocabulary(vocab)
    return v.label(value, "cs"), v.label(value, "en")


def _activity_label(table: TableResult, row: int) -> tuple[str, str]:
    clean = table.clean.loc[row]
    if pd.notna(clean.get("activity_id")):
        return f"„{clean['activity_id']}“", f"'{clean['activity_id']}'"
    date = pd.Timestamp(clean["date"]).date()
    activity, channel = _labels("activity", clean["activity"]), _labels("channel", clean["channel"])
    return (
        f"({clean['project_id']}, {format_date_cs(date)}, {activity[0]}, {channel[0]})",
        f"({clean['project_id']}, {date.isoformat()}, {activity[1]}, {channel[1]})",
    )


def _usage_label(table: TableResult, row: int) -> tuple[str, str]:
    clean = table.clean.loc[row]
    purpose = _labels("purpose", clean["purpose"])
    return (
        f"{clean['project_id']} – {clean['tool']} – {purpose[0]}",
        f"{clean['project_id']} – {clean['tool']} – {purpose[1]}",
    )


def _check_district(
    tables: dict[str, list[tuple[str, TableResult]]],
    stored_codes: set[str],
    district_name: str,
    alias_ids: dict[str, int],
) -> None:
    projects = tables["projects"]
    checks.reject_duplicates(
        projects, ["project_id"], ("ID projektu „{key}“", "Project ID '{key}'")
    )
    known = set(stored_codes)
    for _, t in projects:
        known.update(checks.valid_rows(t)["project_id"].dropna().tolist())

    activities = tables["activities"]
    checks.reject_unknown_projects(activities, known, district_name)
    for _, t in activities:
        clean = t.clean
        if "activity_id" not in clean.columns:
            clean["activity_id"] = pd.Series(pd.NA, index=clean.index, dtype="string")
        date_key = pd.to_datetime(clean["date"], errors="coerce").dt.strftime("%Y-%m-%d")
        tuple_key = (
            "T|"
            + clean["project_id"].astype("string")
            + "|"
            + date_key.astype("string")
            + "|"
            + clean["activity"].astype("string")
            + "|"
            + clean["channel"].astype("string")
        )
        clean["_identity"] = ("I|" + clean["activity_id"].astype("string")).fillna(tuple_key)
    checks.reject_duplicates(
        activities, ["_identity"], ("Aktivita {key}", "Activity {key}"), label_of=_activity_label
    )

    usage = tables["tool_usage"]
    checks.reject_unknown_projects(usage, known, district_name)
    checks.tool_keys(usage)
    for _, t in usage:
        clean = t.clean
        refs = clean["tool_key"].map(
            lambda k: f"id:{alias_ids[k]}" if k in alias_ids else f"new:{k}"
        )
        clean["_tool_ref"] = refs.astype("string")
    checks.reject_duplicates(
        usage,
        ["project_id", "_tool_ref", "purpose"],
        ("Použití nástroje {key}", "Tool usage {key}"),
        label_of=_usage_label,
    )


# ------------------------------------------------------------------ frames for loading


def _incoming(
    items: list[tuple[int, TableResult]], fields: tuple[str, ...], keys: list[str]
) -> pd.DataFrame:
    parts = []
    for district_id, table in items:
        rows = checks.valid_rows(table)
        if rows.empty:
            continue
        part = pd.DataFrame(index=rows.index)
        part["district_id"] = district_id
        for k in keys:
            part[k] = rows[k] if k in rows.columns else pd.NA
        for f in fields:
            present = f in rows.columns
            part[f] = rows[f] if present else None
            part[f"has_{f}"] = present
        parts.append(part.reset_index(drop=True))
    if not parts:
        return pd.DataFrame(columns=["district_id", *keys, *fields, *(f"has_{f}" for f in fields)])
    return pd.concat(parts, ignore_index=True)


# ------------------------------------------------------------------ the run


def run_etl(
    inbox: Path,
    *,
    url: str | None = None,
    progress: Progress | None = None,
    triggered_by: str | None = None,
    workers: int | None = None,
) -> RunSummary:
    """Import every district folder under ``inbox`` in one transaction.

    Files are read in ``workers`` processes (default: up to two, for inboxes over
    ``PARALLEL_MIN_BYTES``); loading is always one transaction in this process.
    """
    progress = progress or Progress()
    inbox = Path(inbox)
    engine = get_engine(url)
    with engine.connect() as conn:
        districts = conn.execute(
            select(District.id, District.code, District.name, District.short_name, District.slug)
        ).all()
    if not districts:
        raise EtlFailed(None, "Databáze nemá městské části: spusťte `koordinace db upgrade`")
    lookup = district_lookup(
        {"code": d.code, "name": d.name, "short_name": d.short_name, "slug": d.slug}
        for d in districts
    )
    id_by_code = {d.code: d.id for d in districts}
    name_by_code = {d.code: d.name for d in districts}

    clock = _Clock()
    files = scan_inbox(inbox, lookup)
    progress.start(len(files))
    outcomes = _read_all(files, lookup, progress, workers)
    clock.lap("read")

    run_id = None
    try:
        with engine.begin() as conn:
            run_id = conn.execute(
                insert(ImportRun).values(
                    started_at=utcnow(),
                    status="running",
                    inbox=str(inbox.resolve()),
                    triggered_by=triggered_by,
                )
            ).inserted_primary_key[0]
            progress.stage("checks")
            counts = _check_and_load(
                conn, run_id, outcomes, id_by_code, name_by_code, progress, clock
            )
            progress.stage("log")
            _record_files(conn, run_id, outcomes, id_by_code)
            summary = RunSummary(run_id, outcomes, counts, clock.laps)
            result = summary.as_json()["records"]
            conn.execute(
                update(ImportRun)
                .where(ImportRun.id == run_id)
                .values(status="completed", finished_at=utcnow(), counts=result)
            )
            conn.execute(
                insert(AuditEvent).values(
                    at=utcnow(),
                    username=triggered_by,
                    action="import",
                    entity="import_run",
                    entity_id=run_id,
                    source="import",
                    import_run_id=run_id,
                    after={"records": result, "new_tools": counts.new_tools},
                )
            )
        clock.lap("commit")
        return summary
    except Exception as exc:
        log.exception("ETL run failed")
        failed_id = _record_failure(engine, inbox, triggered_by, exc)
        raise EtlFailed(failed_id, f"Import selhal, nic nebylo uloženo: {exc}") from exc


def _record_failure(engine, inbox: Path, triggered_by: str | None, exc: Exception) -> int | None:
    try:
        with engine.begin() as conn:
            return conn.execute(
                insert(ImportRun).values(
                    started_at=utcnow(),
                    finished_at=utcnow(),
                    status="failed",
                    inbox=str(inbox.resolve()),
                    error=f"{type(exc).__name__}: {exc}"[:4000],
                    triggered_by=triggered_by,
                )
            ).inserted_primary_key[0]
    except Exception:  # noqa: BLE001 - the database itself may be what failed
        log.exception("could not record the failed run")
        return None


def _check_and_load(
    conn: Connection,
    run_id: int,
    outcomes: list[FileOutcome],
    id_by_code: dict[int, int],
    name_by_code: dict[int, str],
    progress: Progress,
    clock: _Clock,
) -> L.LoadCounts:
    counts = L.LoadCounts()
    by_district: dict[int, dict[str, list[tuple[str, TableResult]]]] = defaultdict(
        lambda: {k: [] for k in KINDS}
    )
    for o in outcomes:
        if o.status == "accepted":
            for t in o.tables:
                by_district[o.file.district_code][t.kind].append((o.file.rel, t))
    district_ids = [id_by_code[c] for c in by_district]
    stored_codes: dict[int, set[str]] = defaultdict(set)
    for district_id, code in conn.execute(
        select(Project.district_id, Project.code).where(Project.district_id.in_(district_ids))
    ):
        stored_codes[district_id].add(code)
    alias_ids = L.resolve_tools(conn)
    for code, tables in by_district.items():
        _check_district(tables, stored_codes[id_by_code[code]], name_by_code[code], alias_ids)

    def items(kind):
        return [(id_by_code[c], t) for c, tables in by_district.items() for _, t in tables[kind]]

    for kind in KINDS:
        getattr(counts, kind).rejected = sum(len(t.rejected) for _, t in items(kind))

    clock.lap("checks")
    progress.stage("projects")
    projects = _incoming(items("projects"), L.PROJECT_FIELDS, ["project_id"])
    project_ids, counts.history = L.load_projects(
        conn, projects, district_ids, run_id, counts.projects
    )

    clock.lap("load projects")
    progress.stage("activities")
    activities = _incoming(
        items("activities"),
        L.ACTIVITY_FIELDS,
        ["project_id", "activity_id", "date", "activity", "channel"],
    )
    activities["project_fk"] = _project_fks(activities, project_ids)
    # District by district: the stored rows compared against stay one district's worth.
    for district_id, part in _by_district(activities):
        L.load_activities(conn, part, [district_id], counts.activities)
    del activities
    clock.lap("load activities")

    progress.stage("tool usage")
    usage = _incoming(
        items("tool_usage"), (*L.USAGE_FIELDS,), ["project_id", "tool", "tool_key", "purpose"]
    )
    if len(usage):
        unknown = {}
        for key, name in zip(usage["tool_key"], usage["tool"], strict=True):
            if key not in alias_ids and key not in unknown:
                unknown[key] = name
        if unknown:
            alias_ids.update(L.add_uncatalogued_tools(conn, unknown, utcnow()))
            counts.new_tools = sorted(unknown.values())
        usage["tool_id"] = usage["tool_key"].map(alias_ids).astype(int)
        usage["tool_as_given"] = usage["tool"]
        usage["project_fk"] = _project_fks(usage, project_ids)
    else:
        usage = usage.assign(
            tool_id=pd.Series(dtype=int),
            project_fk=pd.Series(dtype=int),
            tool_as_given=pd.Series(dtype=object),
        )
    for district_id, part in _by_district(usage):
        L.load_tool_usage(conn, part, [district_id], counts.tool_usage)
    clock.lap("load tool usage")
    return counts


def _by_district(frame: pd.DataFrame):
    """(district id, its rows) for each district of the run that has rows."""
    if frame.empty:
        return
    for district_id, part in frame.groupby("district_id", sort=False):
        yield int(district_id), part


def _project_fks(frame: pd.DataFrame, project_ids: dict[tuple[int, str], int]) -> np.ndarray:
    """project.id for each row's (district_id, project code), by a vectorised lookup."""
    keys = pd.DataFrame(
        [(d, c, i) for (d, c), i in project_ids.items()],
        columns=["district_id", "project_id", "fk"],
    )
    keys = keys.astype({"district_id": "int64", "project_id": "string"})
    rows = frame[["district_id", "project_id"]].astype(
        {"district_id": "int64", "project_id": "string"}
    )
    return rows.merge(keys, on=["district_id", "project_id"], how="left")["fk"].to_numpy()


def _record_files(
    conn: Connection, run_id: int, outcomes: list[FileOutcome], id_by_code: dict[int, int]
) -> None:
    for o in outcomes:
        district_id = id_by_code.get(o.file.district_code) if o.file.district_code else None
        file_id = conn.execute(
            insert(ImportFile).values(
                run_id=run_id,
                district_id=district_id,
                path=o.file.rel,
                status=o.status,
                reason_cs=o.reason[0] if o.reason else None,
                reason_en=o.reason[1] if o.reason else None,
                sha256=o.sha256,
                size_bytes=o.size,
                kinds=sorted({t.kind for t in o.tables}) or None,
                rows_total=o.rows_total,
                notes=[{"cs": cs, "en": en} for cs, en in o.notes] or None,
            )
        ).inserted_primary_key[0]
        rejected = []
        for t in o.tables:
            for row, reasons in sorted(t.rejected.items()):
                rejected.append(
                    {
                        "run_id": run_id,
                        "file_id": file_id,
                        "district_id": district_id,
                        "kind": t.kind,
                        "location": t.location,
                        "row_number": row,
                        "raw": t.raw_record(row),
                        "reasons_cs": [r[0] for r in reasons],
                        "reasons_en": [r[1] for r in reasons],
                        "created_at": utcnow(),
                    }
                )
        if rejected:
            conn.execute(insert(RejectedRecord), rejected)


__all__ = ["EtlFailed", "Progress", "RunSummary", "run_etl"]
