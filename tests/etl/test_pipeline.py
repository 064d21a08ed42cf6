"""The whole ETL run on real files and real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from etl import load as load_module
from etl.pipeline import EtlFailed, run_etl
from models import (
    Activity,
    AuditEvent,
    ImportFile,
    ImportRun,
    Project,
    ProjectUpdate,
    RejectedRecord,
    Tool,
    ToolUsage,
)
from models.db import session_scope

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

PROJECTS = """\
Kód projektu;Název;Typ procesu;Fáze;Datum zahájení;Plánované ukončení;Rozpočet (Kč);Téma;Postup
P-1;Park u školy;participativní plánování;příprava;1. 3. 2024;30. 11. 2025;1 500 000 Kč;zeleň;10 %
P-2;Rozhodni o Čtrnáctce;PB;hlasování;1.2.2024;31.12.2024;5.000.000;jiné;
P-3;Anketa o dopravě;anketa;sběr podnětů;2024-04-01;;;doprava;45,5
"""
ACTIVITIES = """\
ID aktivity,Kód projektu,Datum,Typ aktivity,Forma účasti,Počet účastníků,Z toho mládež,Počet návrhů
A-1,P-1,20.04.2024,plánovací dílna,prezenčně,45,8,12
,P-1,14. 5. 2024,komentovaná procházka,na místě,23,5,
,P-3,15/04/2024,online dotazník,online,412,96,
"""
TOOLS = """\
project_id\ttool\tpurpose\tcost\trating
P-1\tDecidim\tcollecting input\t45 000\t4
P-2\tDecision 21\tvoting\t120000\t5
P-3\tHlasovátko 3000\tsurvey\t\t
"""


def write_inbox(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def count(url: str, table) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count()).select_from(table))


@pytest.fixture
def basic_inbox(tmp_path):
    return write_inbox(
        tmp_path / "inbox",
        {
            "Praha 14/projekty.csv": PROJECTS,
            "Praha 14/aktivity.csv": ACTIVITIES,
            "Praha 14/nastroje.csv": TOOLS,
            "Praha 14/poznamky.txt": "nic",
            "Praha 14/~$projekty.xlsx": b"lock",
            "Praha 14/.DS_Store": b"\x00",
        },
    )


def test_first_run_inserts_and_a_second_run_changes_nothing(db_url, basic_inbox):
    first = run_etl(basic_inbox, url=db_url).as_json()
    assert first["records"] == {
        "projects": {"inserted": 3, "updated": 0, "unchanged": 0, "rejected": 0},
        "activities": {"inserted": 3, "updated": 0, "unchanged": 0, "rejected": 0},
        "tool_usage": {"inserted": 3, "updated": 0, "unchanged": 0, "rejected": 0},
    }
    assert first["files"]["accepted"] == [
        "Praha 14/aktivity.csv",
        "Praha 14/nastroje.csv",
        "Praha 14/projekty.csv",
    ]
    assert sorted(first["files"]["skipped"]) == [
        "Praha 14/.DS_Store",
        "Praha 14/poznamky.txt",
        "Praha 14/~$projekty.xlsx",
    ]
    with session_scope(db_url) as s:
        p1 = s.scalars(select(Project).where(Project.code == "P-1")).one()
        p2 = s.scalars(select(Project).where(Project.code == "P-2")).one()
        youth = s.scalar(select(Activity.youth_participants).where(Activity.activity_id == "A-1"))
        history = s.scalar(select(func.count()).select_from(ProjectUpdate))
    assert (p1.kind, p1.stage, p1.topic, str(p1.budget_czk), str(p1.progress_pct)) == (
        "participatory_planning",
        "preparation",
        "environment",
        "1500000.00",
        "10.00",
    )
    assert p2.kind == "participatory_budgeting" and p2.budget_czk == 5_000_000
    assert youth == 8
    assert history == 3  # every new project starts its history

    second = run_etl(basic_inbox, url=db_url).as_json()
    for kind in ("projects", "activities", "tool_usage"):
        assert second["records"][kind] == {
            "inserted": 0,
            "updated": 0,
            "unchanged": 3,
            "rejected": 0,
        }
    assert count(db_url, ProjectUpdate) == 3
    assert count(db_url, ImportRun) == 2


def test_unknown_tool_is_kept_uncatalogued_and_aliases_resolve(db_url, basic_inbox):
    run_etl(basic_inbox, url=db_url)
    with session_scope(db_url) as s:
        rows = s.execute(
            select(ToolUsage.tool_as_given, Tool.name, Tool.catalogued, Tool.needs_review).join(
                Tool, Tool.id == ToolUsage.tool_id
            )
        ).all()
    by_given = {r.tool_as_given: (r.name, r.catalogued, r.needs_review) for r in rows}
    assert by_given["Decision 21"] == ("D21", True, False)
    assert by_given["Hlasovátko 3000"] == ("Hlasovátko 3000", False, True)
    # A second run reuses the uncatalogued tool rather than creating another.
    run_etl(basic_inbox, url=db_url)
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(Tool).where(~Tool.catalogued)) == 1


def test_changed_file_updates_exactly_what_changed(db_url, basic_inbox):
    run_etl(basic_inbox, url=db_url)
    projects = basic_inbox / "Praha 14" / "projekty.csv"
    projects.write_text(
        PROJECTS.replace(
            "P-1;Park u školy;participativní plánování;příprava",
            "P-1;Park u školy;participativní plánování;realizace",
        ),
        encoding="utf-8",
    )
    activities = basic_inbox / "Praha 14" / "aktivity.csv"
    activities.write_text(ACTIVITIES.replace("412,96", "415,96"), encoding="utf-8")
    summary = run_etl(basic_inbox, url=db_url).as_json()["records"]
    assert summary["projects"] == {"inserted": 0, "updated": 1, "unchanged": 2, "rejected": 0}
    assert summary["activities"] == {"inserted": 0, "updated": 1, "unchanged": 2, "rejected": 0}
    assert summary["tool_usage"]["unchanged"] == 3
    with session_scope(db_url) as s:
        p1 = s.scalars(select(Project).where(Project.code == "P-1")).one()
        stages = s.scalars(
            select(ProjectUpdate.stage)
            .where(ProjectUpdate.project_id == p1.id)
            .order_by(ProjectUpdate.id)
        ).all()
        survey = s.scalars(select(Activity).where(Activity.activity == "survey")).one()
    assert (p1.stage, p1.version) == ("implementation", 2)
    assert stages == ["preparation", "implementation"]  # history appended, not overwritten
    assert (survey.participants, survey.version) == (415, 2)


def test_import_never_deletes_and_absent_columns_keep_stored_values(db_url, basic_inbox):
    run_etl(basic_inbox, url=db_url)
    # The district sends a shorter file without the budget column and without P-3.
    (basic_inbox / "Praha 14" / "projekty.csv").write_text(
        "Kód projektu;Název;Typ procesu;Fáze\n"
        "P-1;Park u školy;participativní plánování;příprava\n"
        "P-2;Rozhodni o Čtrnáctce;PB;hlasování\n",
        encoding="utf-8",
    )
    summary = run_etl(basic_inbox, url=db_url).as_json()["records"]["projects"]
    assert summary == {"inserted": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(Project)) == 3
        assert s.scalar(select(Project.budget_czk).where(Project.code == "P-2")) == 5_000_000


BAD_PROJECTS = """\
Kód projektu,Název,Typ procesu,Fáze,Datum zahájení,Plánované ukončení,Rozpočet,Téma,Postup,Odkaz,MČ
OK-1,Dobrý projekt,konzultace,příprava,1. 1. 2024,,,,,,Praha 14
B-1,Konec před začátkem,konzultace,příprava,1. 6. 2021,1. 1. 2021,,,,,
B-2,,konzultace,nevím,31. 2. 2024,,-5,,120,www.example,
B-3,Jiná MČ,konzultace,příprava,,,,,,,Praha 2
OK-1,Duplicita,konzultace,příprava,,,,,,,
B-4,Neznámé téma,konzultace,příprava,,,,sport,,,
"""
BAD_ACTIVITIES = """\
Kód projektu;Datum;Typ aktivity;Forma účasti;Počet účastníků;Z toho mládež;Počet hlasů
OK-1;1. 2. 2024;dílna;prezenčně;40;41;
OK-1;2. 2. 2024;dílna;telepatie;12,5;;abc
NEEXISTUJE;3. 2. 2024;dílna;online;10;;
OK-1;4. 2. 2024;dílna;online;10;;
OK-1;4. 2. 2024;dílna;online;11;;
"""
BAD_TOOLS = """\
Projekt,Nástroj,Účel,Hodnocení
OK-1,Mobilní rozhlas,informování,7
OK-1,Munipolis,informování,3
OK-1,,informování,
"""


def _reasons(url: str) -> dict[tuple[str, int], tuple[list[str], list[str], dict]]:
    with session_scope(url) as s:
        rows = s.execute(
            select(
                ImportFile.path,
                RejectedRecord.row_number,
                RejectedRecord.reasons_cs,
                RejectedRecord.reasons_en,
                RejectedRecord.raw,
            ).join(ImportFile, ImportFile.id == RejectedRecord.file_id)
        ).all()
    return {
        (r.path.split("/")[-1], r.row_number): (r.reasons_cs, r.reasons_en, r.raw) for r in rows
    }


def test_every_rejection_rule_is_reported_with_all_reasons(db_url, tmp_path):
    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "praha-14/p.csv": BAD_PROJECTS,
            "praha-14/a.csv": BAD_ACTIVITIES,
            "praha-14/t.csv": BAD_TOOLS,
        },
    )
    summary = run_etl(inbox, url=db_url).as_json()["records"]
    assert summary["projects"] == {"inserted": 2, "updated": 0, "unchanged": 0, "rejected": 4}
    assert summary["activities"] == {"inserted": 1, "updated": 0, "unchanged": 0, "rejected": 4}
    assert summary["tool_usage"] == {"inserted": 1, "updated": 0, "unchanged": 0, "rejected": 2}
    reasons = _reasons(db_url)

    cs, en, raw = reasons[("p.csv", 3)]
    assert cs == ["Datum konce (1. 1. 2021) je před datem zahájení (1. 6. 2021)"]
    assert en == ["End date (2021-01-01) is before the start date (2021-06-01)"]
    assert raw["Název"] == "Konec před začátkem" and raw["Plánované ukončení"] == "1. 1. 2021"

    cs, en, _ = reasons[("p.csv", 4)]  # five problems in one row: all reported
    assert len(cs) == len(en) == 6
    joined = " | ".join(cs)
    for expected in (
        "Chybí povinná hodnota „Název“",
        "Fáze: neznámá hodnota „nevím“",
        "Datum zahájení: „31. 2. 2024“",
        "Rozpočet: ",
        "Postup: ",
        "Odkaz: ",
    ):
        assert expected in joined, expected
    assert "Required value 'Title' is missing" in en

    assert reasons[("p.csv", 5)][0] == [
        "Městská část „Praha 2“ v souboru neodpovídá složce „praha-14“"
    ]
    assert reasons[("p.csv", 6)][0] == [
        "ID projektu „OK-1“ se v importu opakuje (poprvé: praha-14/p.csv, řádek 2)"
    ]
    assert ("p.csv", 7) not in reasons  # unknown topic → "other", with a note on the file
    with session_scope(db_url) as s:
        assert s.scalar(select(Project.topic).where(Project.code == "B-4")) == "other"
        notes = s.scalar(select(ImportFile.notes).where(ImportFile.path == "praha-14/p.csv"))
    assert any("sport" in n["cs"] and "Jiné" in n["cs"] for n in notes)

    assert reasons[("a.csv", 2)][0] == ["Počet mládeže (41) je vyšší než počet účastníků (40)"]
    cs, _, _ = reasons[("a.csv", 3)]
    assert len(cs) == 3 and any("telepatie" in r for r in cs)
    assert any("Počet účastníků" in r and "12,5" in r for r in cs)
    assert any("Počet hlasů" in r and "abc" in r for r in cs)
    assert "Projekt „NEEXISTUJE“" in reasons[("a.csv", 4)][0][0]
    assert reasons[("a.csv", 6)][0][0].startswith("Aktivita (OK-1, 4. 2. 2024, Dílna, Online)")
    assert reasons[("a.csv", 6)][1][0].startswith("Activity (OK-1, 2024-02-04, Workshop, Online)")

    assert reasons[("t.csv", 2)][0] == ["Hodnocení: hodnota musí být 1–5 (7)"]
    assert reasons[("t.csv", 4)][0] == ["Chybí povinná hodnota „Nástroj“"]
    # "Munipolis" is the same tool as "Mobilní rozhlas": the first valid row is kept.
    assert ("t.csv", 3) not in reasons


def test_whole_files_rejected_with_one_reason_others_go_on(db_url, tmp_path):
    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "Praha 99/projekty.csv": PROJECTS,
            "praha-14/projekty.csv": PROJECTS,
            "praha-14/nesmysl.csv": "a;b;c\n1;2;3\n",
            "praha-14/rozbity.xlsx": b"PK\x03\x04 this is not a workbook",
            "praha-14/export.json": '{"projects": [',
            "volny-soubor.csv": PROJECTS,
        },
    )
    data = run_etl(inbox, url=db_url).as_json()
    assert data["files"]["accepted"] == ["praha-14/projekty.csv"]
    rejected = {r["path"]: r["reason"] for r in data["files"]["rejected"]}
    assert set(rejected) == {
        "Praha 99/projekty.csv",
        "praha-14/nesmysl.csv",
        "praha-14/rozbity.xlsx",
        "praha-14/export.json",
        "volny-soubor.csv",
    }
    assert "Praha 99" in rejected["Praha 99/projekty.csv"]
    assert all(reason for reason in rejected.values())
    assert data["records"]["projects"]["inserted"] == 3


def test_injected_failure_mid_load_leaves_the_database_untouched(db_url, basic_inbox, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(load_module, "load_activities", broken)
    with pytest.raises(EtlFailed, match="disk on fire") as failed:
        run_etl(basic_inbox, url=db_url)
    for table in (Project, ProjectUpdate, Activity, ToolUsage, ImportFile, RejectedRecord):
        assert count(db_url, table) == 0, table.__name__
    with session_scope(db_url) as s:
        run = s.get(ImportRun, failed.value.run_id)
        assert run.status == "failed" and "disk on fire" in run.error
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 0

    monkeypatch.undo()
    data = run_etl(basic_inbox, url=db_url).as_json()
    assert data["records"]["projects"]["inserted"] == 3


def test_format_fixtures_of_one_district_load_together(db_url, tmp_path):
    """Every Praha 14 fixture variant in one inbox, under several folder-name forms."""
    inbox = tmp_path / "inbox"
    forms = ["547361", "Praha 14", "PRAHA_14", "praha-14"]
    good = [
        "projects_utf8_comma.csv",
        "projects_utf8bom_semicolon.csv",
        "projects_cp1250_semicolon.csv",
        "projects_iso8859_2_comma.csv",
        "activities_utf8_tab.csv",
        "activities_quoted_newlines_semicolon.csv",
        "tools_english_comma.csv",
        "tools_title_rows_semicolon.csv",
    ]
    for i, name in enumerate(good):
        folder = inbox / forms[i % len(forms)]
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FORMATS / name, folder / name)
    data = run_etl(inbox, url=db_url).as_json()
    assert data["files"]["rejected"] == []
    assert len(data["files"]["accepted"]) == len(good)
    assert data["records"]["projects"]["inserted"] >= 10
    with session_scope(db_url) as s:
        titles = set(s.scalars(select(Project.title)))
    # Czech letters survive every encoding.
    assert {"Šťastné hřiště Žárská", "Ťapkova zahrada"} <= titles
    assert any(t.startswith("Šťovíková") or "Žižkovo" in t or "Ž" in t for t in titles)
    second = run_etl(inbox, url=db_url).as_json()["records"]
    assert all(c["inserted"] == 0 and c["updated"] == 0 for c in second.values())


def test_excel_percent_cells_and_czech_whole_crowns(db_url, tmp_path):
    """Cells an Excel user sees as "45 %" hold 0.45; "1 500 000,- Kč" is whole crowns."""
    import datetime as dt

    from openpyxl import Workbook

    inbox = tmp_path / "inbox"
    (inbox / "Praha 14").mkdir(parents=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Přehled"
    ws.append(["Registr projektů"])
    ws.append([])
    ws.append(["Kód projektu", "Název", "Typ", "Fáze", "Zahájení", "Rozpočet (Kč)", "Hotovo"])
    ws.append(["P-1", "Park", "PaR", "V přípravě", dt.date(2024, 3, 1), "1 500 000,- Kč", 0.45])
    ws.append([101, "Anketa", "anketa", "dokončeno", "1. 2. 2024", 250000, 1])
    for (cell,) in ws.iter_rows(min_row=4, min_col=7, max_col=7):
        cell.number_format = "0%"
    wb.save(inbox / "Praha 14" / "Registr 2024.xlsx")
    data = run_etl(inbox, url=db_url).as_json()
    assert data["records"]["projects"] == {
        "inserted": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    with session_scope(db_url) as s:
        rows = dict(s.execute(select(Project.code, Project.progress_pct)).all())
        budget = s.scalar(select(Project.budget_czk).where(Project.code == "P-1"))
        start = s.scalar(select(Project.start_date).where(Project.code == "101"))
    assert rows == {"P-1": 45, "101": 100}  # numeric project id 101 kept as text "101"
    assert budget == 1_500_000
    assert start == dt.date(2024, 2, 1)


def test_same_tool_under_two_spellings_is_a_duplicate(db_url, tmp_path):
    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "Praha 14/projekty.csv": PROJECTS,
            "Praha 14/nastroje.csv": (
                "Projekt;Nástroj;Účel;Hodnocení\n"
                "P-1;Mobilní rozhlas;informování;4\n"
                "P-1;MUNIPOLIS;Informování;5\n"
                "P-1;Munipolis;hlasování;5\n"
            ),
        },
    )
    data = run_etl(inbox, url=db_url).as_json()
    assert data["records"]["tool_usage"] == {
        "inserted": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }
    assert _reasons(db_url)[("nastroje.csv", 3)][0] == [
        "Použití nástroje P-1 – Mobilní rozhlas – Informování se v importu opakuje "
        "(poprvé: Praha 14/nastroje.csv, řádek 2)"
    ]


def test_values_the_database_cannot_hold_are_refused_with_their_row(db_url, tmp_path):
    """A count beyond the INTEGER columns or a project code longer than its column is a
    rejected row with its reason, not a failed run (PostgreSQL would refuse the insert)."""
    from etl.pipeline import run_etl

    folder = tmp_path / "inbox" / "Praha 14"
    folder.mkdir(parents=True)
    long_code = "P" * 101
    (folder / "projekty.csv").write_text(
        "project_id,title,kind,stage\n"
        f"{long_code},Dlouhý kód,survey,preparation\n"
        "OK-1,Dobrý,survey,preparation\n",
        encoding="utf-8",
    )
    (folder / "aktivity.csv").write_text(
        "project_id,date,activity,channel,participants\n"
        "OK-1,2026-03-15,workshop,online,3000000000\n"
        "OK-1,2026-03-16,workshop,online,40\n",
        encoding="utf-8",
    )
    summary = run_etl(tmp_path / "inbox", url=db_url, workers=1)
    records = summary.as_json()["records"]
    assert records["projects"]["inserted"] == 1 and records["projects"]["rejected"] == 1
    assert records["activities"]["inserted"] == 1 and records["activities"]["rejected"] == 1


def test_text_no_database_can_hold_is_a_rejected_row(db_url, tmp_path):
    """A NUL character (possible in JSON) is refused with its row, the same rule as in the
    entry forms, instead of failing the run on PostgreSQL."""
    import json

    from etl.pipeline import run_etl

    folder = tmp_path / "inbox" / "Praha 14"
    folder.mkdir(parents=True)
    projects = [
        {"project_id": "NUL-1", "title": "Park\u0000", "kind": "survey", "stage": "preparation"},
        {"project_id": "OK-1", "title": "Park", "kind": "survey", "stage": "preparation"},
    ]
    (folder / "export.json").write_text(json.dumps({"projects": projects}), encoding="utf-8")
    records = run_etl(tmp_path / "inbox", url=db_url, workers=1).as_json()["records"]
    assert records["projects"]["inserted"] == 1 and records["projects"]["rejected"] == 1
