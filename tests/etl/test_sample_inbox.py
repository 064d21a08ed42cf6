"""The committed sample inbox is the generator's output, and the ETL finds exactly the
rows the generator spoiled on purpose (and nothing else)."""

from __future__ import annotations

import filecmp
from pathlib import Path

from sqlalchemy import select

from etl.pipeline import run_etl
from etl.synth import generate_inbox
from koordinace.settings import SAMPLE_INBOX
from models import ImportFile, RejectedRecord
from models.db import session_scope


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_committed_sample_inbox_is_current_generator_output(tmp_path):
    report = generate_inbox(tmp_path / "inbox", scale=1, seed=1)
    assert _files(SAMPLE_INBOX) == report.files == _files(tmp_path / "inbox")
    differing = [
        rel
        for rel in report.files
        if not filecmp.cmp(SAMPLE_INBOX / rel, tmp_path / "inbox" / rel, shallow=False)
    ]
    assert differing == [], "regenerate: koordinace synth --out data/sample-inbox --seed 1"


def test_etl_rejects_exactly_the_deliberately_bad_rows(db_url, tmp_path):
    report = generate_inbox(tmp_path / "inbox", scale=1, seed=1)
    data = run_etl(tmp_path / "inbox", url=db_url).as_json()
    assert data["files"]["rejected"] == []
    assert sorted(data["files"]["skipped"]) == sorted(report.skipped_files)
    with session_scope(db_url) as s:
        found = {
            (path, kind, row)
            for path, kind, row in s.execute(
                select(ImportFile.path, RejectedRecord.kind, RejectedRecord.row_number).join(
                    ImportFile, ImportFile.id == RejectedRecord.file_id
                )
            )
        }
    expected = {(b["file"], b["kind"], b["row"]) for b in report.bad_rows}
    assert found == expected
    records = data["records"]
    assert records["projects"]["inserted"] + records["projects"]["rejected"] == report.projects
    assert (
        records["activities"]["inserted"] + records["activities"]["rejected"] == report.activities
    )
    assert (
        records["tool_usage"]["inserted"] + records["tool_usage"]["rejected"] == report.tool_usage
    )

    again = run_etl(tmp_path / "inbox", url=db_url).as_json()["records"]
    for kind, counts in again.items():
        assert counts["inserted"] == counts["updated"] == 0, kind
        assert counts["unchanged"] == records[kind]["inserted"], kind
