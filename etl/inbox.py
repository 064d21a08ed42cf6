"""Scanning the inbox: which files are there, which district each belongs to.

Layout (``FORMATS.md``): one folder per district directly under the inbox, named by the
district's official code, full name, short name or slug (compared with
``compact_key``: case, diacritics, spaces, hyphens and underscores do not matter).
Files in subfolders of a district folder belong to that district.

Every file found is listed once, in a deterministic order (sorted by ``rel``):

- ``skipped``: hidden files and anything under a hidden folder, Office lock files
  (``~$…``), temporary files (``…~``) and every type other than .csv, .xlsx and .json;
- ``rejected``: files lying directly in the inbox, and files in a folder that names no
  district;
- ``candidate``: everything else, with its district code.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from models.vocabulary import compact_key

log = logging.getLogger(__name__)

READABLE_SUFFIXES = frozenset({".csv", ".xlsx", ".json"})
SPREADSHEET_SUFFIXES = frozenset({".xls", ".xlsm", ".xlsb", ".ods", ".numbers"})


@dataclass
class InboxFile:
    path: Path
    rel: str
    folder: str | None
    district_code: int | None
    status: str  # "candidate" | "skipped" | "rejected"
    reason_cs: str | None = None
    reason_en: str | None = None


def _skip_reason(parts: tuple[str, ...]) -> tuple[str, str] | None:
    """Why a file (``parts`` of its path relative to the inbox) is skipped, if it is."""
    name = parts[-1]
    if name.startswith("."):
        return "Skrytý soubor", "Hidden file"
    hidden = next((p for p in parts[:-1] if p.startswith(".")), None)
    if hidden is not None:
        return (
            f"Soubor ve skryté složce „{hidden}“",
            f"File in the hidden folder '{hidden}'",
        )
    if name.startswith("~$"):
        return (
            "Zámek Office (soubor je otevřený v Excelu nebo Wordu)",
            "Office lock file (the document is open in Excel or Word)",
        )
    if name.endswith("~"):
        return "Dočasný soubor", "Temporary file"
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in READABLE_SUFFIXES:
        return None
    if suffix in SPREADSHEET_SUFFIXES:
        return (
            f"Formát {suffix} se nenačítá: uložte tabulku jako .xlsx (sešit Excelu)",
            f"The {suffix} format is not read: save the spreadsheet as .xlsx (Excel workbook)",
        )
    shown = suffix or "bez přípony"
    return (
        f"Nepodporovaný typ souboru ({shown}); načítají se jen .csv, .xlsx a .json",
        f"Unsupported file type ({suffix or 'no suffix'}); only .csv, .xlsx and .json are loaded",
    )


def scan_inbox(inbox: Path, lookup: dict[str, int]) -> list[InboxFile]:
    """Every file under ``inbox`` with its district and status, sorted by ``rel``.

    ``lookup`` maps ``compact_key`` of each district name form to its official code
    (``models.reference.district_lookup``).
    """
    inbox = Path(inbox)
    if not inbox.exists():
        raise FileNotFoundError(f"Inbox {inbox} does not exist (složka inboxu neexistuje)")
    if not inbox.is_dir():
        raise NotADirectoryError(f"Inbox {inbox} is not a folder (inbox není složka)")
    inbox = inbox.resolve()
    files: list[InboxFile] = []
    for dirpath, dirnames, filenames in os.walk(inbox, onerror=_walk_error):
        dirnames.sort()
        base = Path(dirpath)
        for filename in filenames:
            path = base / filename
            rel_path = path.relative_to(inbox)
            parts = rel_path.parts
            files.append(_classify(path, parts, lookup))
    files.sort(key=lambda f: f.rel)
    log.debug(
        "inbox %s: %d files, %d candidates",
        inbox,
        len(files),
        sum(f.status == "candidate" for f in files),
    )
    return files


def _walk_error(exc: OSError) -> None:
    log.warning("inbox: cannot list %s: %s", exc.filename, exc.strerror or exc)


def _classify(path: Path, parts: tuple[str, ...], lookup: dict[str, int]) -> InboxFile:
    rel = "/".join(parts)
    folder = parts[0] if len(parts) > 1 else None
    code = lookup.get(compact_key(folder)) if folder is not None else None
    skip = _skip_reason(parts)
    if skip is not None:
        return InboxFile(path, rel, folder, code, "skipped", *skip)
    if folder is None:
        return InboxFile(
            path,
            rel,
            None,
            None,
            "rejected",
            "Soubor leží přímo v inboxu, ne ve složce městské části",
            "The file lies directly in the inbox, not in a district folder",
        )
    if code is None:
        return InboxFile(
            path,
            rel,
            folder,
            None,
            "rejected",
            f"Neznámá městská část: složka „{folder}“",
            f"Unknown district: folder '{folder}'",
        )
    return InboxFile(path, rel, folder, code, "candidate")
