"""`koordinace etl run|status` and `koordinace export` as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from tests.etl.test_pipeline import ACTIVITIES, BAD_PROJECTS, PROJECTS, TOOLS, write_inbox
from tests.helpers import run_cli


@pytest.fixture
def inbox(tmp_path):
    return write_inbox(
        tmp_path / "inbox",
        {
            "Praha 14/projekty.csv": PROJECTS,
            "Praha 14/aktivity.csv": ACTIVITIES,
            "Praha 14/nastroje.csv": TOOLS,
            "Lipence/p.csv": BAD_PROJECTS.replace("Praha 14", "Lipence"),
            "Lipence/readme.pdf": b"%PDF",
            "Praha 99/x.csv": PROJECTS,
        },
    )


def test_json_summary_has_the_documented_shape_and_repeat_is_unchanged(db_url, inbox):
    env = {"DATABASE_URL": db_url}
    result = run_cli("etl", "run", "--inbox", str(inbox), "--json", env=env)
    data = json.loads(result.stdout)  # stdout is only the JSON document
    assert set(data) == {"run_id", "files", "records"}
    assert isinstance(data["run_id"], int)
    assert data["files"]["accepted"] == [
        "Lipence/p.csv",
        "Praha 14/aktivity.csv",
        "Praha 14/nastroje.csv",
        "Praha 14/projekty.csv",
    ]
    assert data["files"]["skipped"] == ["Lipence/readme.pdf"]
    assert [r["path"] for r in data["files"]["rejected"]] == ["Praha 99/x.csv"]
    assert "Praha 99" in data["files"]["rejected"][0]["reason"]
    assert set(data["records"]) == {"projects", "activities", "tool_usage"}
    for counts in data["records"].values():
        assert set(counts) == {"inserted", "updated", "unchanged", "rejected"}
    assert data["records"]["projects"]["rejected"] == 4

    again = json.loads(run_cli("etl", "run", "--inbox", str(inbox), "--json", env=env).stdout)
    assert again["run_id"] == data["run_id"] + 1
    for kind, counts in again["records"].items():
        valid = data["records"][kind]["inserted"]
        assert counts == {
            "inserted": 0,
            "updated": 0,
            "unchanged": valid,
            "rejected": data["records"][kind]["rejected"],
        }

    status = run_cli("etl", "status", env=env).stderr
    assert f"│ {again['run_id']} " in status and "completed" in status
    assert "Lipence/p.csv" in status and "Datum konce" in status


def test_missing_inbox_is_a_clear_failure(db_url, tmp_path):
    result = run_cli(
        "etl", "run", "--inbox", str(tmp_path / "nope"), env={"DATABASE_URL": db_url}, check=False
    )
    assert result.returncode != 0
    assert "nope" in result.stderr and "Traceback" not in result.stderr


def _split_by_district(frame: pd.DataFrame, root: Path, name: str, fmt: str) -> None:
    for code, part in frame.groupby("district_code"):
        folder = root / str(code)
        folder.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            part.to_csv(folder / f"{name}.csv", index=False)
        else:
            part.to_excel(folder / f"{name}.xlsx", index=False, sheet_name=name)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_exports_round_trip_through_the_etl(db_url, inbox, tmp_path, fmt):
    env = {"DATABASE_URL": db_url}
    first = json.loads(run_cli("etl", "run", "--inbox", str(inbox), "--json", env=env).stdout)
    frames = {}
    for kind in ("projects", "activities", "tool-usage"):
        out = tmp_path / f"{kind}.{fmt}"
        run_cli("export", kind, "--format", fmt, "--out", str(out), env=env)
        if fmt == "csv":
            frames[kind] = pd.read_csv(out, dtype=str, keep_default_na=False)
        elif fmt == "xlsx":
            frames[kind] = pd.read_excel(out, dtype=str, engine="calamine").fillna("")
        else:
            frames[kind] = pd.DataFrame(json.loads(out.read_text(encoding="utf-8")))
    assert len(frames["projects"]) == first["records"]["projects"]["inserted"]
    assert set(frames["tool-usage"]["tool"]) >= {"D21", "Decidim", "Hlasovátko 3000"}
    uncatalogued = frames["tool-usage"].set_index("tool")["uncatalogued"].astype(str)
    assert uncatalogued["Hlasovátko 3000"] == "True" and uncatalogued["D21"] == "False"

    back = tmp_path / "back"
    if fmt == "json":
        for code in frames["projects"]["district_code"].unique():
            folder = back / str(code)
            folder.mkdir(parents=True)
            document = {
                "district": str(code),
                "projects": frames["projects"][frames["projects"]["district_code"] == code]
                .drop(columns="district_code")
                .to_dict("records"),
                "activities": frames["activities"][frames["activities"]["district_code"] == code]
                .drop(columns="district_code")
                .to_dict("records"),
                "tools": frames["tool-usage"][frames["tool-usage"]["district_code"] == code]
                .drop(columns="district_code")
                .to_dict("records"),
            }
            (folder / "export.json").write_text(json.dumps(document, ensure_ascii=False))
    else:
        for kind, frame in frames.items():
            _split_by_district(frame, back, kind.replace("-", "_"), fmt)
    again = json.loads(run_cli("etl", "run", "--inbox", str(back), "--json", env=env).stdout)
    assert again["files"]["rejected"] == []
    for kind, counts in again["records"].items():
        assert counts == {
            "inserted": 0,
            "updated": 0,
            "unchanged": first["records"][kind]["inserted"],
            "rejected": 0,
        }, kind


def test_rejected_export_lets_a_district_fix_its_file(db_url, inbox, tmp_path):
    env = {"DATABASE_URL": db_url}
    run_cli("etl", "run", "--inbox", str(inbox), env=env)
    text = run_cli("export", "rejected", "--format", "csv", env=env).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["file"] for r in rows} == {"Lipence/p.csv"}
    by_row = {int(r["row"]): r for r in rows}
    assert by_row[3]["reasons_cs"] == "Datum konce (1. 1. 2021) je před datem zahájení (1. 6. 2021)"
    assert json.loads(by_row[3]["raw"])["Název"] == "Konec před začátkem"
    assert by_row[3]["district_code"] == "539449"

    out = tmp_path / "rejected.xlsx"
    run_cli("export", "rejected", "--format", "xlsx", "--out", str(out), env=env)
    sheet = pd.read_excel(out, engine="calamine")
    assert len(sheet) == len(rows) and "reasons_en" in sheet.columns
