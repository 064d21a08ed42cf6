"""ETL benchmark: the real pipeline against a floor measured on the same files.

For each scale: generate the inbox (``etl.synth``), migrate a fresh SQLite database,
then measure in separate processes (so peak memory is each one's own):

- **etl**: ``run_etl`` over the inbox (first import), end to end from scan to commit;
- **repeat**: the same inbox again (every record unchanged);
- **floor**: a plain pandas read of the same files (encoding and delimiter given, no
  validation) plus a raw ``executemany`` of the rows the ETL stored, into the same
  tables of a fresh copy of the same database.

Run with ``make bench`` (``python -m benchmarks``); results go to stdout as Markdown.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLES = ("project", "project_update", "activity", "tool_usage")


def _peak_mb() -> dict[str, float]:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"peak_mb": round(self_kb / 1024, 1), "workers_peak_mb": round(children_kb / 1024, 1)}


# ------------------------------------------------------------------ child processes


def child_etl(inbox: str, url: str) -> dict:
    from etl.pipeline import run_etl

    started = time.perf_counter()
    summary = run_etl(Path(inbox), url=url)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "timings": summary.timings,
        "records": summary.as_json()["records"],
        **_peak_mb(),
    }


def child_read_floor(inbox: str) -> dict:
    """pandas reads of every file (format parameters detected beforehand, untimed)."""
    import pandas as pd

    from etl.inbox import scan_inbox
    from etl.readers import read_file
    from models.reference import district_lookup, district_rows

    files = [
        f
        for f in scan_inbox(Path(inbox), district_lookup(district_rows()))
        if f.status == "candidate"
    ]
    params = {}
    for f in files:
        if f.path.suffix.lower() == ".csv":
            result = read_file(f.path)
            params[f.path] = (result.encoding, result.delimiter)
    rows = 0
    started = time.perf_counter()
    for f in files:
        suffix = f.path.suffix.lower()
        if suffix == ".csv":
            encoding, delimiter = params[f.path]
            frame = pd.read_csv(
                f.path, sep=delimiter, encoding=encoding, dtype=str, keep_default_na=False
            )
            rows += len(frame)
        elif suffix == ".xlsx":
            sheets = pd.read_excel(
                f.path, sheet_name=None, header=None, engine="calamine", dtype=object
            )
            rows += sum(len(s) for s in sheets.values())
        else:
            document = json.loads(f.path.read_text(encoding="utf-8"))
            for value in document.values():
                if isinstance(value, list):
                    rows += len(pd.DataFrame(value))
    return {"seconds": round(time.perf_counter() - started, 3), "rows": rows, **_peak_mb()}


def child_insert_floor(source_db: str, empty_db: str) -> dict:
    """Raw executemany of the stored rows into a fresh copy of the migrated database."""
    source = sqlite3.connect(source_db)
    batches = []
    for table in TABLES:
        columns = [r[1] for r in source.execute(f"PRAGMA table_info({table})") if r[1] != "id"]
        rows = source.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id").fetchall()
        marks = ", ".join("?" * len(columns))
        batches.append((f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows))
    # Rows the bulk rows refer to (tools first seen in the import, the import run) are
    # copied untimed: the floor is about the bulk rows.
    referenced = []
    for table, where in (("tool", "WHERE NOT catalogued"), ("import_run", "")):
        columns = [r[1] for r in source.execute(f"PRAGMA table_info({table})")]
        rows = source.execute(f"SELECT {', '.join(columns)} FROM {table} {where}").fetchall()
        marks = ", ".join("?" * len(columns))
        referenced.append((f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows))
    source.close()
    target = sqlite3.connect(empty_db, isolation_level=None)
    for sql, rows in referenced:
        target.executemany(sql, rows)
    for pragma in (
        "foreign_keys=ON",
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "cache_size=-65536",
    ):
        target.execute(f"PRAGMA {pragma}")
    started = time.perf_counter()
    target.execute("BEGIN")
    count = 0
    for sql, rows in batches:
        target.executemany(sql, rows)
        count += len(rows)
    target.execute("COMMIT")
    seconds = time.perf_counter() - started
    target.close()
    return {"seconds": round(seconds, 3), "rows": count, **_peak_mb()}


def _run_child(*args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.etl", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"benchmark step {args[0]} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ orchestration


def _migrated_database(path: Path) -> str:
    from koordinace.settings import DEFAULT_PILOT
    from models.db import dispose, session_scope, upgrade
    from models.reference import load_reference_data

    url = f"sqlite:///{path}"
    upgrade(url)
    with session_scope(url) as session:
        load_reference_data(session, DEFAULT_PILOT)
    dispose(url)
    return url


def measure(scale: float, seed: int, work: Path) -> dict:
    from etl.synth import generate_inbox

    inbox = work / f"inbox-{scale:g}"
    started = time.perf_counter()
    report = generate_inbox(inbox, scale=scale, seed=seed)
    generated = time.perf_counter() - started
    size = sum(p.stat().st_size for p in inbox.rglob("*") if p.is_file())

    template = work / "template.db"
    if not template.exists():
        _migrated_database(template)
    etl_db = work / f"etl-{scale:g}.db"
    floor_db = work / f"floor-{scale:g}.db"
    shutil.copyfile(template, etl_db)
    shutil.copyfile(template, floor_db)

    first = _run_child("etl", str(inbox), f"sqlite:///{etl_db}")
    repeat = _run_child("etl", str(inbox), f"sqlite:///{etl_db}")
    read_floor = _run_child("read", str(inbox))
    insert_floor = _run_child("insert", str(etl_db), str(floor_db))
    floor = read_floor["seconds"] + insert_floor["seconds"]
    activities = first["records"]["activities"]["inserted"]
    return {
        "scale": scale,
        "seed": seed,
        "files": len(report.files),
        "inbox_mb": round(size / 1e6, 1),
        "generated_s": round(generated, 1),
        "projects": report.projects,
        "activities": report.activities,
        "tool_usage": report.tool_usage,
        "activities_loaded": activities,
        "etl": first,
        "repeat": repeat,
        "read_floor": read_floor,
        "insert_floor": insert_floor,
        "floor_s": round(floor, 3),
        "activity_rows_per_s": round(report.activities / first["seconds"]),
        "ratio_to_floor": round(first["seconds"] / floor, 2),
    }


def markdown(results: list[dict]) -> str:
    lines = [
        "| scale | activities | projects | ETL s | activity rows/s | peak MB (main + workers) "
        "| floor s (read + insert) | ETL / floor | repeat run s | repeat peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        e, rep = r["etl"], r["repeat"]
        lines.append(
            f"| {r['scale']:g} | {_n(r['activities'])} | {_n(r['projects'])} | {e['seconds']:.2f} "
            f"| {_n(r['activity_rows_per_s'])} | {e['peak_mb']:.0f} + {e['workers_peak_mb']:.0f} "
            f"| {r['floor_s']:.2f} ({r['read_floor']['seconds']:.2f} + "
            f"{r['insert_floor']['seconds']:.2f}) | {r['ratio_to_floor']:.2f} "
            f"| {rep['seconds']:.2f} | {rep['peak_mb']:.0f} |"
        )
    lines.append("")
    for r in results:
        phases = ", ".join(f"{k} {v:.2f}" for k, v in r["etl"]["timings"].items())
        lines.append(f"- scale {r['scale']:g}, first run phases (s): {phases}")
    return "\n".join(lines)


def _n(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("etl", "read", "insert"):
        step = {"etl": child_etl, "read": child_read_floor, "insert": child_insert_floor}
        print(json.dumps(step[argv[0]](*argv[1:])))
        return 0
    scales = [float(a) for a in argv] or [1.0, 100.0]
    os.environ.setdefault("KOORDINACE_INSTANCE", tempfile.mkdtemp(prefix="koordinace-bench-"))
    results = []
    with tempfile.TemporaryDirectory(prefix="koordinace-bench-") as tmp:
        for scale in scales:
            print(f"scale {scale:g} …", file=sys.stderr, flush=True)
            results.append(measure(scale, 1, Path(tmp)))
    print(markdown(results))
    print("\n```json\n" + json.dumps(results, indent=1) + "\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
