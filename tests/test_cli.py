"""The command line as a user runs it: the installed ``koordinace`` script, real databases."""

import csv
import io
import json

from tests.helpers import run_cli


def test_db_upgrade_creates_schema_and_reference_data_then_changes_nothing(empty_db_url):
    env = {"DATABASE_URL": empty_db_url}
    first = run_cli("db", "upgrade", env=env)
    assert "57 nových / inserted" in first.stderr
    assert "Praha-Zbraslav" in first.stderr  # the pilot set is named
    second = run_cli("db", "upgrade", env=env)
    assert "0 nových / inserted, 0 změněných / updated, 57 beze změny / unchanged" in second.stderr

    exported = run_cli("export", "districts", "--format", "csv", env=env)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert len(rows) == 57
    assert sum(r["is_pilot"] == "True" for r in rows) == 10
    praha14 = next(r for r in rows if r["name"] == "Praha 14")
    assert (praha14["code"], praha14["population"], praha14["population_year"]) == (
        "547361",
        "47761",
        "2019",
    )  # ČSÚ, 2019

    tools = json.loads(run_cli("export", "tools", "--format", "json", env=env).stdout)
    assert len(tools) >= 15
    munipolis = next(t for t in tools if t["name"] == "Munipolis")
    assert "Mobilní rozhlas" in munipolis["aliases"]


def test_pilot_setting_is_applied_by_upgrade(empty_db_url):
    env = {"DATABASE_URL": empty_db_url, "KOORDINACE_PILOT": "Praha 2, Kunratice"}
    run_cli("db", "upgrade", env=env)
    rows = json.loads(run_cli("export", "districts", "--format", "json", env=env).stdout)
    assert sorted(r["name"] for r in rows if r["is_pilot"]) == ["Praha 2", "Praha-Kunratice"]


def test_unknown_pilot_district_and_language_are_refused_clearly(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "KOORDINACE_PILOT": "Praha 99"}
    result = run_cli("db", "upgrade", env=env, check=False)
    assert result.returncode != 0
    assert "Praha 99" in result.stderr and "Traceback" not in result.stderr

    result = run_cli("export", "districts", env={"KOORDINACE_LANG": "de"}, check=False)
    assert result.returncode != 0
    assert "KOORDINACE_LANG" in result.stderr and "Traceback" not in result.stderr


def test_export_xlsx_needs_a_file_and_writes_one(db_url, tmp_path):
    env = {"DATABASE_URL": db_url}
    refused = run_cli("export", "districts", "--format", "xlsx", env=env, check=False)
    assert refused.returncode == 2 and "--out" in refused.stderr
    out = tmp_path / "districts.xlsx"
    run_cli("export", "districts", "--format", "xlsx", "--out", str(out), env=env)
    import openpyxl

    sheet = openpyxl.load_workbook(out).active
    assert sheet.max_row == 58  # header + 57 districts


def test_demo_imports_the_sample_inbox_into_the_embedded_database(tmp_path):
    env = {"KOORDINACE_INSTANCE": str(tmp_path / "instance")}
    result = run_cli("demo", "--no-serve", env=env)
    assert (tmp_path / "instance" / "koordinace.db").exists()
    assert "300" in result.stderr and "6412" in result.stderr  # projects, activities inserted
    projects = list(csv.DictReader(io.StringIO(run_cli("export", "projects", env=env).stdout)))
    assert len(projects) == 300
    assert len({p["district_code"] for p in projects}) == 10
    # Running it again (a second `make run`) changes nothing.
    run_cli("demo", "--no-serve", env=env)
    status = run_cli("etl", "status", env=env).stderr
    assert "+0 ~0 =300 ✗11" in status and "+0 ~0 =6412 ✗6" in status


def test_demo_creates_the_demo_accounts_once_with_a_password_printed_once(tmp_path):
    import re

    env = {"KOORDINACE_INSTANCE": str(tmp_path / "instance")}
    first = run_cli("demo", "--no-serve", env=env)
    password = re.search(r"password of every demo account: (\S+)", first.stderr).group(1)
    result = run_cli("users", "list", env=env)
    listed = result.stdout + result.stderr
    for username in ("admin", "city", "leadership", "district-praha-1", "district-praha-lipence"):
        assert username in listed
    assert listed.count("district-") == 10  # one per pilot district
    url = f"sqlite:///{tmp_path / 'instance' / 'koordinace.db'}"
    from sqlmodel import select

    from koordinace.accounts import verify_password
    from models import UserAccount
    from models.db import dispose, session_scope

    with session_scope(url) as s:
        hashes = {a.username: a.password_hash for a in s.exec(select(UserAccount)).all()}
    dispose(url)
    assert verify_password(hashes["city"], password)
    assert password not in "".join(hashes.values())
    again = run_cli("demo", "--no-serve", env=env)
    assert password not in again.stderr and "exist already" in again.stderr


def test_demo_password_from_the_environment(tmp_path):
    env = {
        "KOORDINACE_INSTANCE": str(tmp_path / "instance"),
        "KOORDINACE_DEMO_PASSWORD": "moje-demo-heslo",
    }
    result = run_cli("demo", "--no-serve", env=env)
    assert "moje-demo-heslo" not in result.stderr and "KOORDINACE_DEMO_PASSWORD" in result.stderr
    url = f"sqlite:///{tmp_path / 'instance' / 'koordinace.db'}"
    from sqlmodel import select

    from koordinace.accounts import verify_password
    from models import UserAccount
    from models.db import dispose, session_scope

    with session_scope(url) as s:
        admin = s.exec(select(UserAccount).where(UserAccount.username == "admin")).one()
        assert verify_password(admin.password_hash, "moje-demo-heslo")
    dispose(url)
