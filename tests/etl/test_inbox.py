"""etl.inbox: district folders in every accepted spelling, skipped and rejected files."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.inbox import InboxFile, scan_inbox
from models.reference import district_lookup, district_rows

PRAHA_1 = 500054
PRAHA_14 = 547361
LIPENCE = 539449
BECHOVICE = 538060


@pytest.fixture(scope="module")
def lookup() -> dict[str, int]:
    return district_lookup(district_rows())


def make(inbox: Path, *rels: str) -> None:
    for rel in rels:
        path = inbox / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("project_id,title,kind,stage\n", encoding="utf-8")


def by_rel(files: list[InboxFile]) -> dict[str, InboxFile]:
    return {f.rel: f for f in files}


@pytest.mark.parametrize(
    ("folder", "code"),
    [
        ("500054", PRAHA_1),
        ("Praha 1", PRAHA_1),
        ("PRAHA_1", PRAHA_1),
        ("praha-1", PRAHA_1),
        ("praha1", PRAHA_1),
        ("Praha 14", PRAHA_14),
        ("praha-14", PRAHA_14),
        ("Lipence", LIPENCE),
        ("Praha-Lipence", LIPENCE),
        ("praha-lipence", LIPENCE),
        ("PRAHA_LIPENCE", LIPENCE),
        ("539449", LIPENCE),
        ("Běchovice", BECHOVICE),
        ("Bechovice", BECHOVICE),
        ("praha - běchovice", BECHOVICE),
    ],
)
def test_folder_name_forms(tmp_path, lookup, folder, code):
    make(tmp_path, f"{folder}/projekty.csv")
    [found] = scan_inbox(tmp_path, lookup)
    assert found.status == "candidate"
    assert found.folder == folder
    assert found.district_code == code
    assert found.rel == f"{folder}/projekty.csv"
    assert found.path == (tmp_path / folder / "projekty.csv").resolve()
    assert found.path.is_absolute()
    assert (found.reason_cs, found.reason_en) == (None, None)


def test_files_in_subfolders_belong_to_the_district(tmp_path, lookup):
    make(tmp_path, "praha-14/2024/červen/aktivity.csv", "praha-14/export/DATA.JSON")
    files = scan_inbox(tmp_path, lookup)
    assert [(f.rel, f.folder, f.district_code, f.status) for f in files] == [
        ("praha-14/2024/červen/aktivity.csv", "praha-14", PRAHA_14, "candidate"),
        ("praha-14/export/DATA.JSON", "praha-14", PRAHA_14, "candidate"),
    ]


@pytest.mark.parametrize(
    ("rel", "reason_en"),
    [
        ("praha-14/.projekty.csv", "Hidden file"),
        ("praha-14/.DS_Store", "Hidden file"),
        ("praha-14/.git/projekty.csv", "File in the hidden folder '.git'"),
        (".archiv/praha-14/projekty.csv", "File in the hidden folder '.archiv'"),
        ("praha-14/~$registr.xlsx", "Office lock file (the document is open in Excel or Word)"),
        ("praha-14/registr.xlsx~", "Temporary file"),
        (
            "praha-14/poznamky.txt",
            "Unsupported file type (.txt); only .csv, .xlsx and .json are loaded",
        ),
        (
            "praha-14/zprava.PDF",
            "Unsupported file type (.pdf); only .csv, .xlsx and .json are loaded",
        ),
        (
            "praha-14/bez-pripony",
            "Unsupported file type (no suffix); only .csv, .xlsx and .json are loaded",
        ),
        (
            "praha-14/stary.xls",
            "The .xls format is not read: save the spreadsheet as .xlsx (Excel workbook)",
        ),
        (
            "praha-14/tabulka.ods",
            "The .ods format is not read: save the spreadsheet as .xlsx (Excel workbook)",
        ),
        ("README.txt", "Unsupported file type (.txt); only .csv, .xlsx and .json are loaded"),
        (".DS_Store", "Hidden file"),
        (
            "Praha 99/poznamky.txt",
            "Unsupported file type (.txt); only .csv, .xlsx and .json are loaded",
        ),
    ],
)
def test_skipped_files(tmp_path, lookup, rel, reason_en):
    make(tmp_path, rel)
    [found] = scan_inbox(tmp_path, lookup)
    assert found.status == "skipped"
    assert found.rel == rel
    assert found.reason_en == reason_en
    assert found.reason_cs


def test_skipped_xls_reason_in_czech(tmp_path, lookup):
    make(tmp_path, "praha-14/stary.xls")
    [found] = scan_inbox(tmp_path, lookup)
    assert ".xlsx" in found.reason_cs


def test_unknown_district_folder(tmp_path, lookup):
    make(tmp_path, "Praha 99/projekty.csv", "Praha 99/sub/aktivity.xlsx")
    files = scan_inbox(tmp_path, lookup)
    assert [f.status for f in files] == ["rejected", "rejected"]
    for found in files:
        assert found.folder == "Praha 99"
        assert found.district_code is None
        assert found.reason_cs == "Neznámá městská část: složka „Praha 99“"
        assert found.reason_en == "Unknown district: folder 'Praha 99'"


def test_files_in_the_inbox_root_are_rejected(tmp_path, lookup):
    make(tmp_path, "projekty.csv")
    [found] = scan_inbox(tmp_path, lookup)
    assert found.status == "rejected"
    assert found.folder is None and found.district_code is None
    assert "not in a district folder" in found.reason_en
    assert found.reason_cs


def test_mixed_inbox_is_sorted_by_rel(tmp_path, lookup):
    rels = [
        "praha-14/projekty.csv",
        "Lipence/export.json",
        "praha-1/registr.xlsx",
        "praha-1/~$registr.xlsx",
        "Praha 99/x.csv",
        "root.csv",
        "praha-14/nastroje.csv",
        "praha-14/aktivity.csv",
    ]
    make(tmp_path, *rels)
    files = scan_inbox(tmp_path, lookup)
    assert [f.rel for f in files] == sorted(rels)
    statuses = {f.rel: f.status for f in files}
    assert statuses == {
        "Lipence/export.json": "candidate",
        "Praha 99/x.csv": "rejected",
        "praha-1/registr.xlsx": "candidate",
        "praha-1/~$registr.xlsx": "skipped",
        "praha-14/aktivity.csv": "candidate",
        "praha-14/nastroje.csv": "candidate",
        "praha-14/projekty.csv": "candidate",
        "root.csv": "rejected",
    }
    assert scan_inbox(tmp_path, lookup) == files  # deterministic


def test_empty_inbox(tmp_path, lookup):
    (tmp_path / "praha-14").mkdir()
    assert scan_inbox(tmp_path, lookup) == []


def test_missing_inbox(tmp_path, lookup):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        scan_inbox(tmp_path / "nope", lookup)


def test_inbox_that_is_a_file(tmp_path, lookup):
    path = tmp_path / "inbox.csv"
    path.write_text("x")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        scan_inbox(path, lookup)
