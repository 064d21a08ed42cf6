"""Synthetic district exports: an inbox in every format variant of the ETL contract.

``generate_inbox(out, scale=..., seed=...)`` writes one folder per pilot district, each
with its own export profile (``FORMATS.md``): XLSX with title rows and Excel dates, XLSX
with English sheet names and date strings, XLSX recognised by header only, CSV in four
encodings and three delimiters with Czech, English and canonical headers, JSON with Czech
and English keys; dates, amounts, percentages and whole numbers in every accepted form.
A handful of deliberately bad rows (one rule broken each) and a few files the ETL must
skip are written too, and listed in the returned :class:`SynthReport`.

Content is plausible for Prague's pilot of participation coordinators (population-weighted
project counts, PB budgets CZK 0.5-5 m, stages consistent with dates as of
:data:`AS_OF`). Everything is drawn from ``random.Random`` seeded per district, project
and pass, so the same ``(scale, seed)`` writes byte-identical files (XLSX timestamps are
fixed too) and every file is written row by row: scale 100 (about 30,000 projects and
600,000 activities) runs in little memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from koordinace.settings import DEFAULT_PILOT
from models.reference import district_rows, resolve_pilot, tool_catalogue
from models.vocabulary import fold, record_kind, vocabulary

log = logging.getLogger(__name__)

AS_OF = dt.date(2026, 10, 31)  # "today" of the synthetic registers
FIRST_START = dt.date(2020, 1, 1)
LAST_START = dt.date(2026, 10, 31)
FIXED_TIMESTAMP = dt.datetime(2026, 10, 31, 12, 0, 0)  # XLSX metadata and zip entries

PROJECTS, ACTIVITIES, TOOLS = "projects", "activities", "tool_usage"
KINDS = (PROJECTS, ACTIVITIES, TOOLS)
BASE_PROJECTS = 300  # at scale 1
UNKNOWN_TOOLS = ("Hlasovátko", "Mapotic")  # not in the catalogue: kept as uncatalogued


@dataclass
class SynthReport:
    files: list[str]  # written, relative to out, "/" separators, sorted
    projects: int  # rows written (good + bad)
    activities: int
    tool_usage: int
    bad_rows: list[dict]  # {"file", "kind", "row", "rule", "field", "value"}
    skipped_files: list[str]  # written files the ETL must skip


class _Raw(str):
    """A value written exactly as given (used for the deliberately bad values)."""


# ---------------------------------------------------------------- district profiles

_P_CS = (
    ("project_id", "Kód projektu"),
    ("title", "Název projektu"),
    ("kind", "Typ procesu"),
    ("stage", "Fáze"),
    ("start_date", "Datum zahájení"),
    ("end_date", "Plánované ukončení"),
    ("budget_czk", "Rozpočet (Kč)"),
    ("topic", "Téma"),
    ("progress_pct", "Plnění (%)"),
    ("coordinator", "Koordinátor"),
    ("description", "Popis"),
    ("url", "Odkaz"),
    ("updated_on", "Aktualizováno"),
)
_A_CS = (
    ("project_id", "Kód projektu"),
    ("activity_id", "ID aktivity"),
    ("date", "Datum"),
    ("activity", "Typ aktivity"),
    ("channel", "Forma účasti"),
    ("participants", "Počet účastníků"),
    ("proposals", "Počet návrhů"),
    ("votes", "Počet hlasů"),
    ("youth_participants", "Z toho mládež"),
    ("note", "Poznámka"),
)
_T_CS = (
    ("project_id", "Kód projektu"),
    ("tool", "Nástroj"),
    ("purpose", "Účel"),
    ("cost_czk", "Náklady (Kč)"),
    ("rating", "Hodnocení"),
)
_P_EN = (
    ("project_id", "Project ID"),
    ("title", "Title"),
    ("kind", "Type"),
    ("stage", "Status"),
    ("start_date", "Start date"),
    ("end_date", "Planned end"),
    ("budget_czk", "Budget (CZK)"),
    ("topic", "Topic"),
    ("progress_pct", "Progress %"),
    ("coordinator", "Coordinator"),
    ("description", "Description"),
    ("url", "URL"),
    ("updated_on", "Last update"),
)
_A_EN = (
    ("project_id", "Project ID"),
    ("activity_id", "Activity ID"),
    ("date", "Date"),
    ("activity", "Activity type"),
    ("channel", "Channel"),
    ("participants", "Participants"),
    ("proposals", "Submissions"),
    ("votes", "Votes"),
    ("youth_participants", "Youth participants"),
    ("note", "Note"),
)
_T_EN = (
    ("project_id", "Project ID"),
    ("tool", "Tool"),
    ("purpose", "Purpose"),
    ("cost_czk", "Cost (CZK)"),
    ("rating", "Rating"),
)


def _canonical(kind: str) -> tuple[tuple[str, str], ...]:
    return tuple((f.name, f.name) for f in record_kind(kind).fields)


@dataclass(frozen=True)
class _Profile:
    code: int
    folder: str
    fmt: str  # csv | xlsx | json
    lang: str  # cs | en | canonical: how vocabulary values are spelled
    dates: str  # see _fmt_date
    amounts: str  # see _fmt_amount
    progress: str  # see _fmt_progress
    wholes: str  # plain | grouped
    id_format: str  # str.format with seq and year
    columns: dict[str, tuple[tuple[str, str], ...]]  # kind -> ((field, header), ...)
    district_value: str = ""  # value of the district column, where there is one
    numeric_ids: bool = False  # project ids written as numbers (XLSX)
    domain: str = ""
    # csv: kind -> (file name, encoding, delimiter); xlsx: kind -> sheet name
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lineterminator: str = "\r\n"
    blank_lines: float = 0.0  # probability of a blank line after a row (CSV)
    empty_row: bool = False  # one row of delimiters only (CSV)
    xlsx_name: str = ""
    title_rows: tuple[str, ...] = ()
    extra_sheets: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # json: ((file name, district value, kinds), ...)
    json_files: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    json_nulls: bool = False
    skipped: tuple[tuple[str, bytes], ...] = ()
    bad: tuple[tuple[str, str], ...] = ()  # (kind, rule)
    mismatch_district: str = ""


_LOCK_FILE = (b"\x0bJana Novakova" + b" " * 40).ljust(54, b"\x00") + (
    "Jana Nováková".encode("utf-16-le")
).ljust(108, b"\x00")
_DS_STORE = b"\x00\x00\x00\x01Bud1" + bytes(range(16)) * 4 + b"\x00" * 64
_README = (
    "Registr participativních projektů MČ Praha 1\r\n"
    "\r\n"
    "register.xlsx - export z evidence koordinátorky participace (listy Projekty,\r\n"
    "Aktivity, Nástroje). Soubor ~$register.xlsx je zámek Excelu, nemazat za běhu.\r\n"
).encode()

PROFILES: dict[int, _Profile] = {
    p.code: p
    for p in (
        _Profile(
            code=500054,
            folder="praha-1",
            fmt="xlsx",
            lang="cs",
            dates="excel",
            amounts="number",
            progress="number",
            wholes="number",
            id_format="P1-{year}-{seq:03d}",
            columns={PROJECTS: _P_CS, ACTIVITIES: _A_CS, TOOLS: _T_CS},
            domain="www.praha1.cz",
            xlsx_name="register.xlsx",
            files={PROJECTS: ("Projekty",), ACTIVITIES: ("Aktivity",), TOOLS: ("Nástroje",)},
            title_rows=(
                "Registr participativních projektů - MČ Praha 1",
                "Stav k 31. 10. 2026. Vyplňuje koordinátorka participace; "
                "prázdná buňka = údaj není znám.",
            ),
            skipped=(
                ("README.txt", _README),
                ("~$register.xlsx", _LOCK_FILE),
                (".DS_Store", _DS_STORE),
            ),
            bad=((PROJECTS, "end_before_start"), (ACTIVITIES, "youth_gt_participants")),
        ),
        _Profile(
            code=500097,
            folder="Praha 3",
            fmt="csv",
            lang="cs",
            dates="dmy_space",
            amounts="nbsp_kc",
            progress="pct",
            wholes="grouped",
            id_format="PR3-{seq:04d}",
            columns={
                PROJECTS: (
                    ("district", "MČ"),
                    ("project_id", "Kód projektu"),
                    ("title", "Název"),
                    ("kind", "Typ"),
                    ("stage", "Stav"),
                    ("start_date", "Zahájení"),
                    ("end_date", "Konec"),
                    ("budget_czk", "Rozpočet (Kč)"),
                    ("topic", "Oblast"),
                    ("progress_pct", "Hotovo (%)"),
                    ("coordinator", "Odpovědná osoba"),
                    ("description", "Popis"),
                    ("url", "Web"),
                    ("updated_on", "Datum aktualizace"),
                ),
                ACTIVITIES: (
                    ("project_id", "Kód projektu"),
                    ("date", "Datum"),
                    ("activity", "Aktivita"),
                    ("channel", "Kanál"),
                    ("participants", "Účastníci"),
                    ("proposals", "Podněty"),
                    ("votes", "Hlasy"),
                    ("youth_participants", "Mládež"),
                    ("note", "Poznámka"),
                ),
                TOOLS: (
                    ("project_id", "Kód projektu"),
                    ("tool", "Platforma"),
                    ("purpose", "Účel"),
                    ("cost_czk", "Cena (Kč)"),
                    ("rating", "Spokojenost"),
                ),
            },
            district_value="Praha 3",
            mismatch_district="Praha 5",
            domain="www.praha3.cz",
            files={
                PROJECTS: ("projekty.csv", "utf-8-sig", ";"),
                ACTIVITIES: ("aktivity.csv", "utf-8-sig", ";"),
                TOOLS: ("nastroje.csv", "utf-8-sig", ";"),
            },
            blank_lines=0.01,
            bad=((PROJECTS, "district_mismatch"), (PROJECTS, "negative_budget")),
        ),
        _Profile(
            code=500143,
            folder="500143",
            fmt="xlsx",
            lang="en",
            dates="strings",
            amounts="space",
            progress="number",
            wholes="number",
            id_format="{seq}",
            numeric_ids=True,
            columns={PROJECTS: _P_EN, ACTIVITIES: _A_EN, TOOLS: _T_EN},
            domain="www.praha5.cz",
            xlsx_name="export_praha5.xlsx",
            files={PROJECTS: ("Projects",), ACTIVITIES: ("Activities",), TOOLS: ("Tools",)},
            bad=((PROJECTS, "impossible_date"), (TOOLS, "rating_out_of_range")),
        ),
        _Profile(
            code=547034,
            folder="PRAHA_11",
            fmt="csv",
            lang="cs",
            dates="dmy0",
            amounts="dots",
            progress="int",
            wholes="plain",
            id_format="P11/{year}/{seq:03d}",
            columns={
                PROJECTS: (  # an old system's export: headers without diacritics
                    ("district", "Kod MC"),
                    ("project_id", "Cislo projektu"),
                    ("title", "Nazev projektu"),
                    ("kind", "Druh"),
                    ("stage", "Faze"),
                    ("start_date", "Datum zahajeni"),
                    ("end_date", "Planovane ukonceni"),
                    ("budget_czk", "Alokace"),
                    ("topic", "Tema"),
                    ("progress_pct", "Plneni"),
                    ("coordinator", "Kontakt"),
                    ("description", "Popis"),
                    ("url", "Odkaz"),
                    ("updated_on", "Aktualizovano"),
                ),
                ACTIVITIES: (
                    ("district", "Kód MČ"),
                    ("project_id", "Kód projektu"),
                    ("activity_id", "ID aktivity"),
                    ("date", "Konáno"),
                    ("activity", "Forma"),
                    ("channel", "Forma účasti"),
                    ("participants", "Počet účastníků"),
                    ("proposals", "Počet podnětů"),
                    ("votes", "Počet hlasů"),
                    ("youth_participants", "Z toho mládež"),
                    ("note", "Poznámka"),
                ),
                TOOLS: (
                    ("project_id", "Kód projektu"),
                    ("tool", "Nástroj"),
                    ("purpose", "Účel"),
                    ("cost_czk", "Náklady"),
                    ("rating", "Hodnocení"),
                ),
            },
            district_value="547034",
            domain="www.praha11.cz",
            files={
                PROJECTS: ("registr_projektu.csv", "cp1250", ";"),
                ACTIVITIES: ("zapojeni.csv", "cp1250", ";"),
                TOOLS: ("nastroje.csv", "cp1250", ";"),
            },
            empty_row=True,
            bad=((PROJECTS, "unknown_stage"), (ACTIVITIES, "unknown_project")),
        ),
        _Profile(
            code=547361,
            folder="Praha 14",
            fmt="csv",
            lang="canonical",
            dates="iso",
            amounts="dot_dec",
            progress="int",
            wholes="plain",
            id_format="P14-{seq:04d}",
            columns={
                PROJECTS: (*_canonical(PROJECTS), ("district", "district")),
                ACTIVITIES: (*_canonical(ACTIVITIES), ("district", "district")),
                TOOLS: (*_canonical(TOOLS), ("district", "district")),
            },
            district_value="praha-14",
            domain="www.praha14.cz",
            files={
                PROJECTS: ("projects.csv", "utf-8", ","),
                ACTIVITIES: ("activities.csv", "utf-8", ","),
                TOOLS: ("tool_usage.csv", "utf-8", ","),
            },
            lineterminator="\n",
            blank_lines=0.005,
            bad=((PROJECTS, "duplicate_project_id"), (PROJECTS, "title_too_long")),
        ),
        _Profile(
            code=538931,
            folder="praha-22",
            fmt="json",
            lang="cs",
            dates="iso",
            amounts="number",
            progress="number",
            wholes="number",
            id_format="UH-{year}-{seq:02d}",
            columns={
                PROJECTS: (
                    ("project_id", "kód projektu"),
                    ("title", "název"),
                    ("kind", "typ"),
                    ("stage", "fáze"),
                    ("start_date", "zahájení"),
                    ("end_date", "ukončení"),
                    ("budget_czk", "rozpočet"),
                    ("topic", "téma"),
                    ("progress_pct", "postup"),
                    ("coordinator", "koordinátor"),
                    ("description", "popis"),
                    ("url", "odkaz"),
                    ("updated_on", "aktualizováno"),
                ),
                ACTIVITIES: (
                    ("project_id", "kód projektu"),
                    ("activity_id", "id aktivity"),
                    ("date", "datum"),
                    ("activity", "aktivita"),
                    ("channel", "kanál"),
                    ("participants", "účastníci"),
                    ("proposals", "návrhy"),
                    ("votes", "hlasy"),
                    ("youth_participants", "mládež"),
                    ("note", "poznámka"),
                ),
                TOOLS: (
                    ("project_id", "kód projektu"),
                    ("tool", "nástroj"),
                    ("purpose", "účel"),
                    ("cost_czk", "náklady"),
                    ("rating", "hodnocení"),
                ),
            },
            domain="www.praha22.cz",
            json_files=(("export.json", "Praha 22", (PROJECTS, ACTIVITIES, TOOLS)),),
            json_nulls=True,
            bad=((PROJECTS, "missing_title"), (ACTIVITIES, "unknown_channel")),
        ),
        _Profile(
            code=538060,
            folder="Běchovice",
            fmt="csv",
            lang="cs",
            dates="dmy",
            amounts="comma_dec_kc",
            progress="comma",
            wholes="grouped",
            id_format="BE{seq:03d}",
            columns={
                PROJECTS: (
                    ("project_id", "Kód"),
                    ("title", "Název"),
                    ("kind", "Typ"),
                    ("stage", "Fáze"),
                    ("start_date", "Od"),
                    ("end_date", "Do"),
                    ("budget_czk", "Částka"),
                    ("topic", "Téma"),
                    ("progress_pct", "Postup"),
                    ("coordinator", "Koordinátor"),
                    ("description", "Popis"),
                    ("url", "Web"),
                    ("updated_on", "Aktualizováno"),
                ),
                ACTIVITIES: (
                    ("project_id", "Projekt"),
                    ("date", "Datum"),
                    ("activity", "Aktivita"),
                    ("channel", "Kanál"),
                    ("participants", "Účastníci"),
                    ("proposals", "Návrhy"),
                    ("votes", "Hlasy"),
                    ("youth_participants", "Z toho mládež"),
                    ("note", "Poznámka"),
                ),
                TOOLS: (
                    ("project_id", "Projekt"),
                    ("tool", "Nástroj"),
                    ("purpose", "Účel"),
                    ("cost_czk", "Cena"),
                    ("rating", "Hodnocení"),
                ),
            },
            domain="www.praha-bechovice.cz",
            files={
                PROJECTS: ("projekty.csv", "iso-8859-2", "\t"),
                ACTIVITIES: ("aktivity.csv", "iso-8859-2", "\t"),
                TOOLS: ("nastroje.csv", "iso-8859-2", "\t"),
            },
            bad=((PROJECTS, "bad_url"), (ACTIVITIES, "impossible_date")),
        ),
        _Profile(
            code=538302,
            folder="Praha-Klánovice",
            fmt="xlsx",
            lang="cs",
            dates="excel_mixed",
            amounts="number",
            progress="pct",
            wholes="number",
            id_format="KL-{seq:03d}",
            columns={
                PROJECTS: (
                    ("project_id", "ID"),
                    ("title", "Název"),
                    ("kind", "Typ procesu"),
                    ("stage", "Stav"),
                    ("start_date", "Od"),
                    ("end_date", "Do"),
                    ("budget_czk", "Rozpočet"),
                    ("topic", "Téma"),
                    ("progress_pct", "Plnění"),
                    ("coordinator", "Kontakt"),
                    ("description", "Popis"),
                    ("url", "Odkaz"),
                    ("updated_on", "Aktualizováno"),
                ),
                ACTIVITIES: (
                    ("project_id", "ID projektu"),
                    ("activity_id", "ID aktivity"),
                    ("date", "Datum"),
                    ("activity", "Aktivita"),
                    ("channel", "Kanál"),
                    ("participants", "Účastníci"),
                    ("proposals", "Počet podnětů"),
                    ("votes", "Hlasy"),
                    ("youth_participants", "Mládež"),
                    ("note", "Poznámka"),
                ),
                TOOLS: (
                    ("project_id", "ID projektu"),
                    ("tool", "Platforma"),
                    ("purpose", "Účel"),
                    ("cost_czk", "Cena"),
                    ("rating", "Spokojenost"),
                ),
            },
            domain="www.klanovice.cz",
            xlsx_name="evidence_participace.xlsx",
            files={PROJECTS: ("List1",), ACTIVITIES: ("List2",), TOOLS: ("List3",)},
            title_rows=("Evidence participace MČ Praha-Klánovice",),
            extra_sheets=(
                (
                    "Poznámky",
                    (
                        "Poznámky k evidenci",
                        "List1 = procesy, List2 = akce s veřejností, List3 = použitý software.",
                        "Plnění odhaduje koordinátor, údaje o nákladech jsou bez DPH.",
                        "Kontrola dat: 1x měsíčně, naposledy 31. 10. 2026.",
                    ),
                ),
            ),
            bad=((ACTIVITIES, "participants_not_whole"), (PROJECTS, "missing_title")),
        ),
        _Profile(
            code=539449,
            folder="Lipence",
            fmt="json",
            lang="en",
            dates="iso",
            amounts="plain",
            progress="number",
            wholes="number",
            id_format="LIP-{year}-{seq}",
            columns={
                PROJECTS: (
                    ("project_id", "id"),
                    ("title", "name"),
                    ("kind", "kind"),
                    ("stage", "phase"),
                    ("start_date", "start"),
                    ("end_date", "end"),
                    ("budget_czk", "budget"),
                    ("topic", "topic"),
                    ("progress_pct", "progress"),
                    ("coordinator", "coordinator"),
                    ("description", "description"),
                    ("url", "url"),
                    ("updated_on", "updated"),
                ),
                ACTIVITIES: (
                    ("project_id", "project_id"),
                    ("activity_id", "activity_id"),
                    ("date", "date"),
                    ("activity", "activity"),
                    ("channel", "channel"),
                    ("participants", "participants"),
                    ("proposals", "proposals"),
                    ("votes", "votes"),
                    ("youth_participants", "youth"),
                    ("note", "note"),
                ),
                TOOLS: (
                    ("project_id", "project_id"),
                    ("tool", "tool"),
                    ("purpose", "purpose"),
                    ("cost_czk", "cost"),
                    ("rating", "rating"),
                ),
            },
            domain="www.praha-lipence.cz",
            json_files=(
                ("export.json", "Praha-Lipence", (PROJECTS, ACTIVITIES)),
                ("nastroje.json", "Lipence", (TOOLS,)),
            ),
            bad=((TOOLS, "rating_out_of_range"),),
        ),
        _Profile(
            code=539864,
            folder="praha-zbraslav",
            fmt="csv",
            lang="en",
            dates="slash",
            amounts="czk_prefix",
            progress="pct",
            wholes="plain",
            id_format="ZBR-{seq:03d}",
            columns={
                PROJECTS: (
                    ("district", "District"),
                    ("project_id", "ID"),
                    ("title", "Name"),
                    ("kind", "Kind"),
                    ("stage", "Stage"),
                    ("start_date", "Start"),
                    ("end_date", "End"),
                    ("budget_czk", "Budget CZK"),
                    ("topic", "Topic"),
                    ("progress_pct", "Progress"),
                    ("coordinator", "Coordinator"),
                    ("description", "Description"),
                    ("url", "Web"),
                    ("updated_on", "Updated"),
                ),
                ACTIVITIES: (
                    ("project_id", "Project ID"),
                    ("date", "Date"),
                    ("activity", "Activity"),
                    ("channel", "Channel"),
                    ("participants", "Participants"),
                    ("proposals", "Proposals"),
                    ("votes", "Votes"),
                    ("youth_participants", "Youth"),
                    ("note", "Note"),
                ),
                TOOLS: (
                    ("project_id", "Project ID"),
                    ("tool", "Platform"),
                    ("purpose", "Purpose"),
                    ("cost_czk", "Cost"),
                    ("rating", "Satisfaction"),
                ),
            },
            district_value="Zbraslav",
            mismatch_district="Praha-Lipence",
            domain="www.mc-zbraslav.cz",
            files={
                PROJECTS: ("projects.csv", "utf-8", ","),
                ACTIVITIES: ("activities.csv", "utf-8", ";"),
                TOOLS: ("tools.csv", "utf-8", "\t"),
            },
            lineterminator="\n",
            bad=((PROJECTS, "district_mismatch"), (ACTIVITIES, "youth_gt_participants")),
        ),
    )
}

# ---------------------------------------------------------------- content

_PLACES = {
    500054: (
        "Senovážného náměstí",
        "Klárova",
        "Malostranského náměstí",
        "Karlova náměstí",
        "ulice Na Poříčí",
        "parku Kampa",
        "Petřína",
        "Uhelného trhu",
        "Betlémského náměstí",
        "Revoluční ulice",
    ),
    500097: (
        "náměstí Jiřího z Poděbrad",
        "parku Parukářka",
        "Vítkova",
        "Husinecké ulice",
        "Flory",
        "Krejcárku",
        "parku Židovské pece",
        "Olšanského náměstí",
        "Škroupova náměstí",
        "Seifertovy ulice",
    ),
    500143: (
        "Anděla",
        "Smíchovské náplavky",
        "parku Sacré Coeur",
        "Barrandova",
        "Radlic",
        "Kinského zahrady",
        "Zlíchova",
        "Hlubočep",
        "Košíř",
        "Plzeňské ulice",
    ),
    547034: (
        "Chodova",
        "Hájů",
        "Opatova",
        "Roztylských sadů",
        "Jižního Města",
        "Türkovy ulice",
        "Hrabákovy ulice",
        "parku Central",
        "Centrálního parku",
        "Křejpského ulice",
    ),
    547361: (
        "Černého Mostu",
        "Kyjí",
        "Hloubětína",
        "Lehovce",
        "Aloisova",
        "Kyjského rybníka",
        "Rajské zahrady",
        "Vybíralovy ulice",
        "Broumarské ulice",
        "parku Pilská",
    ),
    538931: (
        "Uhříněvsi",
        "Pitkovic",
        "Husova náměstí",
        "Netlucké ulice",
        "uhříněveské obory",
        "sokolovny",
        "Nových Pitkovic",
        "Přátelství",
        "Kolovratské ulice",
        "Podleského rybníka",
    ),
    538060: (
        "Běchovic",
        "Českobrodské ulice",
        "nádraží Běchovice",
        "školní zahrady",
        "ulice Za Poštovskou",
        "Dubce",
        "Ke Koupališti",
        "Mezilesí",
        "Rokytky",
        "Nové Běchovice",
    ),
    538302: (
        "Klánovického lesa",
        "Slavětínské ulice",
        "Smržovské ulice",
        "Šlechtitelské ulice",
        "klánovického nádraží",
        "koupaliště",
        "školního areálu",
        "Lovčického náměstí",
        "Utěšilovy ulice",
        "lesoparku",
    ),
    539449: (
        "návsi Lipence",
        "Kazína",
        "hřiště Lipence",
        "Kalinovy ulice",
        "Černošické ulice",
        "Lipeneckého potoka",
        "Vltavské stezky",
        "Jarošovy ulice",
        "Lipenecké hájovny",
        "kapličky",
    ),
    539864: (
        "Zbraslavského náměstí",
        "Zbraslavského zámku",
        "Závisti",
        "Baní",
        "Belárie",
        "zbraslavské náplavky",
        "Lahovic",
        "Havlína",
        "Žabovřesk",
        "Hřbitovní ulice",
    ),
}
_PB_NAMES = {
    500054: "Jednička pro vás",
    500097: "Zlepšeme Prahu 3",
    500143: "Pětka pro vás",
    547034: "Zlepšeme Jižní Město",
    547361: "Čtrnáctka podle vás",
    538931: "Milion pro Prahu 22",
    538060: "Participativní rozpočet Běchovic",
    538302: "Klánovice sobě",
    539449: "Lipence sobě",
    539864: "Zbraslav to zvládne",
}
_TITLES = {
    "participatory_budgeting": (
        ("{pb} {year}", None),
        ("Participativní rozpočet {year}", None),
        ("{pb} {year} - realizace vítězných projektů", "public_space"),
    ),
    "participatory_planning": (
        ("Revitalizace {place}", "public_space"),
        ("Plánování {place}", "public_space"),
        ("Participativní plánování {place}", "public_space"),
        ("Proměna {place}", "public_space"),
        ("Obnova zeleně {place}", "environment"),
        ("Komunitní zahrada u {place}", "environment"),
        ("Zklidnění dopravy u {place}", "transport"),
        ("Nové dětské hřiště u {place}", "education"),
        ("Úprava vnitrobloku u {place}", "public_space"),
    ),
    "consultation": (
        ("Veřejné projednání studie {place}", "public_space"),
        ("Připomínkování koncepce parkování {year}", "transport"),
        ("Konzultace k rekonstrukci {place}", "public_space"),
        ("Veřejné projednání Strategického plánu MČ {short}", "strategy"),
        ("Konzultace k návrhu cyklotras {year}", "transport"),
        ("Projednání záměru školy u {place}", "education"),
        ("Připomínkování plánu sociálních služeb {year}", "social"),
    ),
    "survey": (
        ("Anketa o budoucnosti {place}", "public_space"),
        ("Anketa o podobě {place}", "public_space"),
        ("Dotazník spokojenosti obyvatel {year}", "strategy"),
        ("Průzkum potřeb seniorů {year}", "social"),
        ("Anketa o parkování {year}", "transport"),
        ("Průzkum kulturního vyžití {year}", "culture"),
        ("Pocitová mapa MČ {short}", "public_space"),
    ),
    "other": (
        ("Sousedské slavnosti {year}", "culture"),
        ("Komunitní setkání u {place}", "social"),
        ("Kulturní léto u {place}", "culture"),
        ("Dětské zastupitelstvo {year}", "education"),
        ("Strategický plán rozvoje MČ {short} 2030", "strategy"),
        ("Senioři v pohybu {year}", "social"),
    ),
}
_AIMS = {
    "participatory_budgeting": "rozdělování části rozpočtu městské části",
    "participatory_planning": "plánování proměny místa",
    "consultation": "připomínkování návrhu",
    "survey": "zjišťování potřeb a názorů",
    "other": "života v sousedství",
}
_STEPS = (
    "úvodní setkání",
    "plánovací dílna",
    "komentovaná procházka",
    "online anketa",
    "veřejné projednání",
    "výstava návrhů",
    "hlasování",
)
_NOTES = (
    "Zápis zveřejněn na webu.",
    "Účast nižší kvůli špatnému počasí.",
    "Spolupráce se ZŠ a místním spolkem.",
    "Pozvánky rozeslány do schránek, FB a zpravodajem.",
    "Část účastníků přišla jen na prezentaci.",
    "Hlasování probíhalo i na papírových lístcích.",
)
_FEMALE = ("Jana", "Lucie", "Petra", "Kateřina", "Tereza", "Markéta", "Eva", "Šárka", "Barbora")
_MALE = ("Petr", "Jan", "Tomáš", "Martin", "Jiří", "Ondřej", "Pavel", "Jakub", "Lukáš")
_SURNAMES = (
    ("Novák", "Nováková"),
    ("Svoboda", "Svobodová"),
    ("Dvořák", "Dvořáková"),
    ("Černý", "Černá"),
    ("Procházka", "Procházková"),
    ("Kučera", "Kučerová"),
    ("Veselý", "Veselá"),
    ("Horák", "Horáková"),
    ("Němec", "Němcová"),
    ("Pokorný", "Pokorná"),
    ("Hájek", "Hájková"),
    ("Král", "Králová"),
    ("Jelínek", "Jelínková"),
    ("Růžička", "Růžičková"),
    ("Beneš", "Benešová"),
    ("Fiala", "Fialová"),
    ("Sedláček", "Sedláčková"),
    ("Doležal", "Doležalová"),
    ("Zeman", "Zemanová"),
    ("Šťastný", "Šťastná"),
)

_KIND_WEIGHTS = {
    "participatory_budgeting": 0.17,
    "participatory_planning": 0.32,
    "consultation": 0.22,
    "survey": 0.19,
    "other": 0.10,
}
_ACTIVITY_BASE = {  # mean activities of a finished project, by kind
    "participatory_budgeting": 35,
    "participatory_planning": 28,
    "consultation": 17,
    "survey": 12,
    "other": 14,
}
_ACTIVITY_MIX = {
    "participatory_budgeting": {
        "info_event": 2,
        "workshop": 3,
        "public_meeting": 2,
        "survey": 1,
        "exhibition": 1,
        "other": 0.5,
    },
    "participatory_planning": {
        "workshop": 4,
        "walk": 2,
        "public_meeting": 2,
        "survey": 1.5,
        "exhibition": 1,
        "info_event": 1,
        "other": 0.5,
    },
    "consultation": {
        "public_meeting": 4,
        "survey": 2,
        "info_event": 2,
        "exhibition": 1.5,
        "workshop": 1,
        "other": 0.5,
    },
    "survey": {"survey": 5, "info_event": 1, "public_meeting": 1, "other": 0.5},
    "other": {
        "workshop": 2,
        "public_meeting": 2,
        "info_event": 2,
        "walk": 1,
        "exhibition": 1,
        "other": 2,
    },
}
_CHANNELS = {
    "workshop": {"in_person": 85, "hybrid": 10, "online": 5},
    "public_meeting": {"in_person": 70, "hybrid": 25, "online": 5},
    "walk": {"in_person": 1},
    "survey": {"online": 85, "hybrid": 10, "in_person": 5},
    "vote": {"online": 70, "hybrid": 30},
    "exhibition": {"in_person": 90, "online": 10},
    "info_event": {"in_person": 60, "online": 20, "hybrid": 20},
    "other": {"in_person": 60, "online": 20, "hybrid": 20},
}
# Head counts per activity: (low, high) in a district of 80,000+ residents, the least
# head count anywhere, and whether the format draws an audience. Audience formats scale
# with popfactor**_AUDIENCE_EXP and have a long tail (most draw a modest crowd, a few a
# large one); small-group formats shrink only a little (popfactor**_SMALL_GROUP_EXP).
# Villages get at least ten projects however small they are, so their events must be
# small: with these ranges the sample (scale 1) sums to about 150-600 participants per
# 1,000 residents per district over all years (Prague 3's PB 2016: 2,288 of 76,000).
_PARTICIPANTS = {
    "workshop": (6, 25, 3, False),
    "walk": (6, 25, 3, False),
    "info_event": (8, 30, 3, False),
    "other": (5, 25, 3, False),
    "public_meeting": (10, 70, 3, True),
    "exhibition": (10, 70, 3, True),
    "survey": (10, 140, 3, True),
    "vote": (300, 2400, 40, True),
}
_POPFACTOR_FLOOR = 0.03  # popfactor = population / 80,000, clamped to [floor, 1]
_SMALL_GROUP_EXP = 0.3
_AUDIENCE_EXP = 0.75
_AUDIENCE_SKEW = 3
_PURPOSES = {
    "participatory_budgeting": {
        "voting": 3,
        "collecting_input": 3,
        "information": 3,
        "communication": 1,
        "survey": 0.5,
    },
    "participatory_planning": {
        "information": 2,
        "mapping": 2,
        "survey": 2,
        "collecting_input": 2,
        "communication": 1,
    },
    "consultation": {"information": 3, "collecting_input": 2, "communication": 2, "survey": 1},
    "survey": {"survey": 4, "information": 2, "mapping": 0.5},
    "other": {"information": 3, "communication": 2, "other": 1, "survey": 0.5},
}
_TOOLS_FOR = {
    "information": ("Munipolis", "District website", "E-mail newsletter", "Facebook", "Instagram"),
    "collecting_input": (
        "D21",
        "Decidim",
        "Consul Democracy",
        "Go Vocal",
        "participativni-rozpocet.cz",
        "ZmapujTo",
        "Změňte.to",
        "Google Forms",
        "Paper forms and ballots",
        "Mentimeter",
    ),
    "voting": (
        "D21",
        "participativni-rozpocet.cz",
        "Munipolis",
        "Decidim",
        "Paper forms and ballots",
        "Consul Democracy",
    ),
    "survey": (
        "Google Forms",
        "Microsoft Forms",
        "Survio",
        "LimeSurvey",
        "Munipolis",
        "Paper forms and ballots",
        "Maptionnaire",
        "Mentimeter",
    ),
    "mapping": ("PocitoveMapy.cz", "Maptionnaire", "ZmapujTo"),
    "communication": ("Zoom", "Microsoft Teams", "Facebook", "E-mail newsletter", "Munipolis"),
    "other": ("Mentimeter", "Zoom"),
}
_TOOL_COST = {
    "Munipolis": (10_000, 80_000),
    "Decidim": (0, 120_000),
    "Consul Democracy": (0, 100_000),
    "Go Vocal": (50_000, 150_000),
    "D21": (30_000, 150_000),
    "participativni-rozpocet.cz": (20_000, 90_000),
    "Survio": (0, 12_000),
    "LimeSurvey": (0, 15_000),
    "PocitoveMapy.cz": (5_000, 40_000),
    "Maptionnaire": (20_000, 120_000),
    "ZmapujTo": (0, 30_000),
    "Mentimeter": (0, 8_000),
    "Zoom": (0, 6_000),
    "Facebook": (0, 15_000),
    "Instagram": (0, 10_000),
    "District website": (0, 20_000),
    "E-mail newsletter": (0, 10_000),
    "Paper forms and ballots": (2_000, 40_000),
    "Hlasovátko": (5_000, 30_000),
    "Mapotic": (0, 25_000),
}
# ASCII spellings in the vocabulary that are Czech words (the rest are English).
_CZECH_ASCII = {"pb", "par", "konzultace", "anketa", "realizace", "elektronicky", "hotovo"}
_BAD_VALUES = {
    "unknown_stage": {"cs": "pozastaveno", "en": "on hold", "canonical": "suspended"},
    "unknown_channel": {"cs": "poštou", "en": "by post", "canonical": "post"},
}


def _pick(rng: Random, weights: dict[str, float]) -> str:
    return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", fold(text)).strip("-")[:60]


# ---------------------------------------------------------------- value formatting


class _Spellings:
    """How each vocabulary value may be written, per profile language."""

    def __init__(self) -> None:
        self.options: dict[tuple[str, str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for name in ("kind", "stage", "topic", "activity", "channel", "purpose"):
            for term in vocabulary(name).terms:
                alts = [a for a in term.accepted if fold(a) not in (fold(term.label_en), "")]
                cs = tuple(a for a in alts if not a.isascii() or fold(a) in _CZECH_ASCII)
                en = tuple(
                    a
                    for a in term.accepted
                    if a.isascii() and fold(a) not in _CZECH_ASCII and a != term.label_en
                )
                self.options[(name, term.value, "cs")] = ((term.label_cs,), cs)
                self.options[(name, term.value, "en")] = ((term.label_en,), en)

    def spell(self, name: str, value: str, lang: str, rng: Random) -> str:
        if lang == "canonical":
            return value
        main, alts = self.options[(name, value, lang)]
        text = rng.choice(alts) if alts and rng.random() < 0.35 else main[0]
        roll = rng.random()
        if roll < 0.12:
            return text.lower()
        if roll < 0.14:
            return text.upper()
        return text


def _group(number: int, sep: str) -> str:
    return f"{number:,}".replace(",", sep)


def _fmt_amount(value: float, style: str, rng: Random) -> str | int | float:
    """An amount in CZK as a profile writes it; ``value`` may be negative (bad rows)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole = int(value)
    if style == "number":
        return -value if sign else value
    if style == "plain":
        return f"{sign}{whole}"
    if style == "space":
        return f"{sign}{_group(whole, ' ')}"
    if style == "nbsp_kc":
        return f"{sign}{_group(whole, chr(0xA0))} Kč"
    if style == "dots":  # "1.500.000"; below a million plain digits (no ambiguity with 1.5)
        return f"{sign}{_group(whole, '.')}" if whole >= 1_000_000 else f"{sign}{whole}"
    if style == "comma_dec_kc":
        cents = round((value - whole) * 100)
        return f"{sign}{_group(whole, ' ')},{cents:02d} Kč"
    if style == "dot_dec":
        return f"{sign}{value:.1f}" if value != whole else f"{sign}{whole}"
    if style == "czk_prefix":
        return f"CZK {sign}{whole}"
    raise ValueError(style)


def _fmt_progress(value: float, style: str) -> str | int | float:
    whole = int(value)
    if style == "number":
        return whole if value == whole else value
    if style == "int":
        return str(round(value))
    if style == "pct":
        return f"{round(value)} %"
    if style == "comma":
        return str(whole) if value == whole else f"{value:.1f}".replace(".", ",")
    raise ValueError(style)


def _fmt_date(day: dt.date, style: str, rng: Random) -> str | dt.date:
    if style == "excel":
        return day
    if style == "excel_mixed":
        style = "slash" if rng.random() < 0.1 else "excel"
        if style == "excel":
            return day
    if style == "strings":
        style = "dmy0" if rng.random() < 0.3 else "dmy_space"
    if style == "iso":
        return day.isoformat()
    if style == "dmy0":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    if style == "dmy_space":
        return f"{day.day}. {day.month}. {day.year}"
    if style == "dmy":
        return f"{day.day}.{day.month}.{day.year}"
    if style == "slash":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    raise ValueError(style)


_IMPOSSIBLE_DATE = {
    "iso": "2024-02-31",
    "dmy0": "31.02.2024",
    "dmy_space": "31. 2. 2024",
    "strings": "31. 2. 2024",
    "excel": "31. 2. 2024",
    "excel_mixed": "31. 2. 2024",
    "dmy": "31.2.2024",
    "slash": "31/02/2024",
}


def _fmt_whole(value: int, style: str, rng: Random) -> str | int:
    if style == "number":
        return value
    if style == "grouped" and value >= 1000 and rng.random() < 0.5:
        return _group(value, " ")
    return str(value)


# ---------------------------------------------------------------- one district


@dataclass
class _Bad:
    kind: str
    rule: str
    after: int  # inserted after the rows of this project index
    serial: int  # unique within the district


class _District:
    def __init__(
        self, row: dict, profile: _Profile, n: int, seed: int, copies: int, spell: _Spellings
    ):
        self.row, self.profile, self.n, self.seed = row, profile, n, seed
        self.code = row["code"]
        self.spell = spell
        rng = Random(f"{seed}:{self.code}:district")
        self.coordinators = []
        for _ in range(3):
            female = rng.random() < 0.65
            first = rng.choice(_FEMALE if female else _MALE)
            last = rng.choice(_SURNAMES)[1 if female else 0]
            title = rng.choice(("", "", "", "Mgr. ", "Bc. ", "Ing. "))
            self.coordinators.append(f"{title}{first} {last}")
        popfactor = min(1.0, row["population"] / 80_000)
        self.popfactor = max(_POPFACTOR_FLOOR, popfactor)
        self.catalogue = {t["name"]: (t["name"], *t.get("aliases", ())) for t in tool_catalogue()}
        self.specs = {
            kind: [
                None if name == "district" else record_kind(kind).field(name)
                for name, _ in profile.columns[kind]
            ]
            for kind in KINDS
        }
        self.bad_at: dict[tuple[str, int], list[_Bad]] = {}
        serial = 0
        for kind, rule in profile.bad:
            for _ in range(copies):
                serial += 1
                bad = _Bad(kind, rule, rng.randrange(n), serial)
                self.bad_at.setdefault((kind, bad.after), []).append(bad)

    # -- good records -------------------------------------------------------------

    def project_id(self, seq: int, year: int):
        pid = self.profile.id_format.format(seq=seq, year=year)
        return int(pid) if self.profile.numeric_ids else pid

    def project(self, i: int) -> dict:
        rng = Random(f"{self.seed}:{self.code}:p:{i}")
        kind = _pick(rng, _KIND_WEIGHTS)
        start = FIRST_START + dt.timedelta(days=rng.randrange((LAST_START - FIRST_START).days))
        months = rng.randint(8, 14) if kind == "participatory_budgeting" else rng.randint(2, 24)
        planned_end = _add_months(start, months)
        stage, progress, window_end = self._stage(kind, start, planned_end, rng)
        year = start.year
        template, topic = rng.choice(_TITLES[kind])
        title = template.format(
            pb=_PB_NAMES[self.code],
            year=year,
            place=rng.choice(_PLACES[self.code]),
            short=self.row["short_name"],
        )
        if topic is None:
            topic = rng.choice(("public_space", "environment", "social", "other"))
        if rng.random() < 0.05:
            topic = "other"
        budget = None
        if kind == "participatory_budgeting":
            per_head = rng.uniform(30, 110)
            budget = min(5_000_000, max(500_000, int(round(self.row["population"] * per_head, -4))))
        elif rng.random() < 0.35:
            budget = int(round(rng.uniform(20_000, 800_000), -3))
        if budget is not None and rng.random() < 0.2:
            budget += 0.5
        description = None
        roll = rng.random()
        if roll < 0.35:
            description = f"Cílem je zapojit obyvatele do {_AIMS[kind]}."
        elif roll < 0.55:
            steps = rng.sample(_STEPS, 3)
            description = (
                f"Cílem je zapojit obyvatele do {_AIMS[kind]}.\n"
                f"Postup: {steps[0]}, {steps[1]}; {steps[2]}.\n"
                "Výstupy zveřejníme na webu městské části."
            )
        elif roll < 0.62:
            description = (
                f'Navazuje na podněty z ankety "{rng.choice(_PLACES[self.code])}"; '
                "rozpočet zahrnuje studii, komunikaci a realizaci."
            )
        updated = None
        if rng.random() < 0.85:
            last = min(AS_OF, window_end + dt.timedelta(days=rng.randint(0, 60)))
            updated = max(start, last - dt.timedelta(days=rng.randint(0, 45)))
        url = None
        if rng.random() < 0.4:
            url = f"https://{self.profile.domain}/participace/{_slug(title)}"
        return {
            "index": i,
            "project_id": self.project_id(i + 1, year),
            "title": title,
            "kind": kind,
            "stage": stage,
            "start_date": start,
            "end_date": None if rng.random() < 0.04 else planned_end,
            "planned_end": planned_end,
            "window_end": window_end,
            "budget_czk": budget,
            "topic": None if rng.random() < 0.08 else topic,
            "progress_pct": progress,
            "coordinator": None if rng.random() < 0.1 else rng.choice(self.coordinators),
            "description": description,
            "url": url,
            "updated_on": updated,
        }

    @staticmethod
    def _stage(kind, start, end, rng):
        """Stage, progress and the last day activities can have happened."""
        span = max(1, (end - start).days)
        if end < AS_OF:
            roll = rng.random()
            if roll < 0.04:
                cut = start + dt.timedelta(days=rng.randrange(span))
                return "cancelled", (None if rng.random() < 0.5 else rng.randint(5, 60)), cut
            if roll < 0.16:  # overdue: planned end passed, still running
                if kind == "participatory_budgeting" and roll < 0.08:
                    return "voting", rng.randint(55, 75), AS_OF
                return "implementation", rng.randint(70, 95) + rng.choice((0, 0, 0.5)), AS_OF
            return "completed", 100, end
        frac = (AS_OF - start).days / span
        if rng.random() < 0.02:
            return "cancelled", None, AS_OF
        if kind == "participatory_budgeting":
            phases = ((0.12, "preparation"), (0.4, "collecting_input"), (0.55, "evaluation"))
            phases += ((0.7, "voting"), (1.0, "implementation"))
        elif kind == "survey":
            phases = ((0.1, "preparation"), (0.6, "collecting_input"), (0.8, "evaluation"))
            phases += ((1.0, "implementation"),)
        else:
            phases = ((0.15, "preparation"), (0.45, "collecting_input"), (0.6, "evaluation"))
            phases += ((1.0, "implementation"),)
        stage = next(name for limit, name in phases if frac <= limit)
        progress = min(99, max(0, round(frac * 100) + rng.randint(-5, 5)))
        if stage == "preparation":
            progress = min(progress, 10)
        return stage, progress + rng.choice((0, 0, 0, 0.5)), AS_OF

    def participants(self, activity: str, channel: str, rng: Random) -> int:
        """Head count of one activity, sized to the district (see _PARTICIPANTS)."""
        low, high, least, audience = _PARTICIPANTS[activity]
        if activity == "workshop" and channel == "online":
            high = min(high, 20)
        factor = self.popfactor ** (_AUDIENCE_EXP if audience else _SMALL_GROUP_EXP)
        low = max(least, round(low * factor))
        high = max(low + 5, round(high * factor))
        if audience:  # a long tail: most events draw a modest crowd, a few a large one
            return low + round((high - low) * rng.random() ** _AUDIENCE_SKEW)
        return rng.randint(low, high)

    def activities(self, project: dict) -> list[dict]:
        rng = Random(f"{self.seed}:{self.code}:a:{project['index']}")
        kind, start = project["kind"], project["start_date"]
        planned = project["planned_end"]
        last = min(project["window_end"], AS_OF)
        span = max(1, (planned - start).days)
        window = max(0, (last - start).days)
        coverage = min(1.0, window / span)
        count = round(_ACTIVITY_BASE[kind] * coverage * rng.uniform(0.6, 1.4))
        if project["stage"] == "preparation":
            count = min(count, 2)
        types = [_pick(rng, _ACTIVITY_MIX[kind]) for _ in range(count)]
        days = [start + dt.timedelta(days=rng.randint(0, window)) for _ in types]
        vote_day = start + dt.timedelta(days=round(span * rng.uniform(0.55, 0.7)))
        if kind == "participatory_budgeting" and vote_day <= last and count:
            types[0], days[0] = "vote", vote_day
        seen: set[tuple] = set()
        records = []
        for activity, day in sorted(zip(types, days, strict=True), key=lambda t: t[1]):
            channel = _pick(rng, _CHANNELS[activity])
            identity = (day, activity, channel)
            if identity in seen:
                continue
            seen.add(identity)
            participants = self.participants(activity, channel, rng)
            early = (day - start).days / span < 0.5
            proposals = None
            if activity == "workshop" and rng.random() < 0.6:
                proposals = rng.randint(5, 40)
            elif activity in ("survey", "public_meeting", "other") and early:
                if kind != "survey" and rng.random() < 0.35:
                    proposals = rng.randint(5, 40)
            votes = None
            if activity == "vote":
                votes = round(participants * rng.uniform(1.0, 3.2))
            youth = None
            if rng.random() < 0.5:
                youth = round(participants * rng.uniform(0.05, 0.35))
            note = None
            roll = rng.random()
            if roll < 0.15:
                note = rng.choice(_NOTES)
            elif roll < 0.2:
                note = (
                    f"Výstupy:\n- podněty k zeleni: {rng.randint(3, 20)}\n"
                    f"- k dopravě a parkování: {rng.randint(1, 10)}; další na webu"
                )
            seq = len(records) + 1
            records.append(
                {
                    "project_id": project["project_id"],
                    "activity_id": (
                        None if rng.random() < 0.15 else f"{project['project_id']}-A{seq:02d}"
                    ),
                    "date": day,
                    "activity": activity,
                    "channel": channel,
                    "participants": participants,
                    "proposals": proposals,
                    "votes": votes,
                    "youth_participants": youth,
                    "note": note,
                }
            )
        return records

    def tools(self, project: dict) -> list[dict]:
        rng = Random(f"{self.seed}:{self.code}:t:{project['index']}")
        count = rng.choices((1, 2, 3, 4), weights=(0.15, 0.35, 0.35, 0.15))[0]
        chosen: list[tuple[str, str]] = []
        forced = {538931: ("Hlasovátko", "voting"), 538302: ("Mapotic", "mapping")}.get(self.code)
        if forced and (project["index"] == 0 or rng.random() < 0.01):
            chosen.append(forced)
        for _ in range(count * 3):
            if len(chosen) >= count:
                break
            purpose = _pick(rng, _PURPOSES[project["kind"]])
            options = [t for t in _TOOLS_FOR[purpose] if t in self.catalogue]
            tool = rng.choice(options)
            if (tool, purpose) not in chosen:
                chosen.append((tool, purpose))
        return [self._usage(project, tool, purpose, rng) for tool, purpose in chosen]

    def _usage(self, project: dict, tool: str, purpose: str, rng: Random) -> dict:
        spellings = self.catalogue.get(tool, (tool,))
        spelled = spellings[0] if rng.random() < 0.4 else rng.choice(spellings)
        cost = None
        if rng.random() < 0.65:
            low, high = _TOOL_COST.get(tool, (0, 0))
            cost = int(round(rng.uniform(low, high), -2))
        rating = None
        if rng.random() < 0.85:
            rating = rng.choices((1, 2, 3, 4, 5), weights=(5, 10, 25, 35, 25))[0]
        return {
            "project_id": project["project_id"],
            "tool": spelled,
            "tool_key": tool,
            "purpose": purpose,
            "cost_czk": cost,
            "rating": rating,
        }

    # -- deliberately bad records ---------------------------------------------------

    def bad_record(self, bad: _Bad, project: dict, children: list[dict]) -> tuple[dict, str]:
        """A record breaking exactly one rule, and the field that breaks it."""
        rng = Random(f"{self.seed}:{self.code}:bad:{bad.serial}")
        lang = self.profile.lang
        if bad.kind == PROJECTS:
            if bad.rule == "duplicate_project_id":
                other = self.project(rng.randint(0, bad.after))
                record = {**self.project(self.n + bad.serial - 1), "title": other["title"]}
                record["project_id"] = other["project_id"]
                return record, "project_id"
            record = self.project(self.n + bad.serial - 1)
            record["project_id"] = self.project_id(self.n + bad.serial, record["start_date"].year)
            if bad.rule == "end_before_start":
                record["end_date"] = record["start_date"] - dt.timedelta(days=rng.randint(10, 200))
                record["updated_on"] = record["start_date"]
                return record, "end_date"
            if bad.rule == "impossible_date":
                record["start_date"] = _Raw(_IMPOSSIBLE_DATE[self.profile.dates])
                record["end_date"] = dt.date(2024, 12, 31)
                record["updated_on"] = None
                return record, "start_date"
            if bad.rule == "unknown_stage":
                record["stage"] = _Raw(_BAD_VALUES["unknown_stage"][lang])
                return record, "stage"
            if bad.rule == "negative_budget":
                record["budget_czk"] = -int(round(rng.uniform(50_000, 500_000), -3))
                return record, "budget_czk"
            if bad.rule == "missing_title":
                record["title"] = _Raw("  ") if self.profile.fmt == "json" else None
                return record, "title"
            if bad.rule == "title_too_long":
                filler = (
                    " - projekt zahrnuje přípravu studie, sběr podnětů od obyvatel, "
                    "plánovací dílny, komentované procházky a veřejné projednání návrhu"
                )
                title = record["title"]
                while len(title) <= 320:
                    title += filler
                record["title"] = _Raw(title[:320].rstrip() + ".")
                return record, "title"
            if bad.rule == "bad_url":
                record["url"] = _Raw(f"{self.profile.domain}/participace")
                return record, "url"
            if bad.rule == "district_mismatch":
                record["district"] = self.profile.mismatch_district
                return record, "district"
            raise ValueError(bad.rule)
        if bad.kind == ACTIVITIES:
            record = self._fresh_activity(bad, project, children, rng)
            if bad.rule == "unknown_project":
                record["project_id"] = self.project_id(self.n + 5000 + bad.serial, 2019)
                record["activity_id"] = f"{record['project_id']}-A01"
                return record, "project_id"
            if bad.rule == "youth_gt_participants":
                record["youth_participants"] = record["participants"] + rng.randint(1, 20)
                return record, "youth_participants"
            if bad.rule == "participants_not_whole":
                record["participants"] = _Raw("12,5")
                record["youth_participants"] = None
                record["votes"] = None
                return record, "participants"
            if bad.rule == "unknown_channel":
                record["channel"] = _Raw(_BAD_VALUES["unknown_channel"][lang])
                return record, "channel"
            if bad.rule == "impossible_date":
                record["date"] = _Raw(_IMPOSSIBLE_DATE[self.profile.dates])
                return record, "date"
            raise ValueError(bad.rule)
        if bad.rule == "rating_out_of_range":
            used = {(c["tool_key"], c["purpose"]) for c in children}
            options = [
                (tool, purpose)
                for purpose, tools in _TOOLS_FOR.items()
                for tool in tools
                if tool in self.catalogue and (tool, purpose) not in used
            ]
            tool, purpose = rng.choice(options)
            record = self._usage(project, tool, purpose, rng)
            record["rating"] = 7
            return record, "rating"
        raise ValueError(bad.rule)

    def _fresh_activity(self, bad: _Bad, project: dict, children: list[dict], rng) -> dict:
        """A plausible activity of ``project`` whose identity no other row has."""
        used = {(c["date"], c["activity"], c["channel"]) for c in children}
        start = project["start_date"]
        window = max(0, (min(project["window_end"], AS_OF) - start).days)
        for _ in range(100):
            day = start + dt.timedelta(days=rng.randint(0, window))
            if (day, "workshop", "in_person") not in used:
                break
        participants = self.participants("workshop", "in_person", rng)
        return {
            "project_id": project["project_id"],
            "activity_id": f"{project['project_id']}-X{bad.serial:02d}",
            "date": day,
            "activity": "workshop",
            "channel": "in_person",
            "participants": participants,
            "proposals": rng.randint(5, 40),
            "votes": None,
            "youth_participants": round(participants * 0.2),
            "note": None,
        }

    # -- passes ---------------------------------------------------------------------

    def records(self, kind: str) -> Iterator[tuple[dict, tuple[_Bad, str] | None]]:
        """Every record of one kind in file order, bad ones with (bad, field)."""
        for i in range(self.n):
            project = self.project(i)
            if kind == PROJECTS:
                children = []
                yield project, None
            elif kind == ACTIVITIES:
                children = self.activities(project)
                for record in children:
                    yield record, None
            else:
                children = self.tools(project)
                for record in children:
                    yield record, None
            for bad in self.bad_at.get((kind, i), ()):
                record, field_name = self.bad_record(bad, project, children)
                yield record, (bad, field_name)

    def render(self, kind: str, record: dict, rng: Random) -> list:
        """One record as the cells of this profile's columns."""
        p = self.profile
        cells = []
        for (name, _header), spec in zip(p.columns[kind], self.specs[kind], strict=True):
            if spec is None:
                cells.append(record.get("district", p.district_value))
                continue
            value = record.get(name)
            if value is None or isinstance(value, _Raw):
                cells.append(None if value is None else str(value))
                continue
            if spec.type == "date":
                cells.append(_fmt_date(value, p.dates, rng))
            elif spec.type == "amount":
                cells.append(_fmt_amount(value, p.amounts, rng))
            elif spec.type == "percent":
                cells.append(_fmt_progress(value, p.progress))
            elif spec.type == "whole":
                cells.append(_fmt_whole(value, p.wholes, rng))
            elif spec.type == "vocabulary":
                cells.append(self.spell.spell(spec.vocabulary, value, p.lang, rng))
            elif name == "project_id" and p.numeric_ids and p.fmt == "xlsx":
                cells.append(value)
            else:
                cells.append(str(value))
        return cells


# ---------------------------------------------------------------- writers


class _FixedZip(zipfile.ZipFile):
    """A zip archive whose entries carry a fixed date (byte-identical XLSX files)."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=FIXED_TIMESTAMP.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        info = self._info(arcname or Path(filename).name)
        big = Path(filename).stat().st_size > 2**31 - 2**27
        with open(filename, "rb") as src, self.open(info, "w", force_zip64=big) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


class _CsvSink:
    def __init__(self, path: Path, encoding: str, delimiter: str, profile: _Profile, rng):
        self.fh = path.open("w", encoding=encoding, newline="")
        self.writer = csv.writer(
            self.fh, delimiter=delimiter, lineterminator=profile.lineterminator
        )
        self.profile, self.rng = profile, rng
        self.line = 1  # physical line of the next record
        self.delimiter = delimiter
        self.empty_row_pending = profile.empty_row

    def header(self, headers: list[str]) -> None:
        self.write(headers)

    def write(self, cells: list) -> int:
        values = ["" if c is None else str(c) for c in cells]
        if self.empty_row_pending and self.line >= 3:
            self.fh.write(self.delimiter * (len(values) - 1) + self.profile.lineterminator)
            self.line += 1
            self.empty_row_pending = False
        start = self.line
        self.writer.writerow(values)
        self.line += 1 + sum(v.count("\n") for v in values)
        if self.profile.blank_lines and self.rng.random() < self.profile.blank_lines:
            self.fh.write(self.profile.lineterminator)
            self.line += 1
        return start

    def close(self) -> None:
        self.fh.close()


class _XlsxSink:
    def __init__(self, ws, profile: _Profile):
        self.ws, self.row = ws, 0
        for text in profile.title_rows:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = Font(bold=True) if self.row == 0 else Font(italic=True)
            ws.append([cell])
            self.row += 1

    def header(self, headers: list[str]) -> None:
        cells = []
        for text in headers:
            cell = WriteOnlyCell(self.ws, value=text)
            cell.font = Font(bold=True)
            cells.append(cell)
        self.ws.append(cells)
        self.row += 1

    def write(self, cells: list) -> int:
        out = []
        for value in cells:
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(self.ws, value=value)
                cell.number_format = "d.m.yyyy"
                out.append(cell)
            else:
                out.append(value)
        self.ws.append(out)
        self.row += 1
        return self.row


class _JsonSink:
    def __init__(self, fh, keys: list[str], nulls: bool):
        self.fh, self.keys, self.nulls, self.count = fh, keys, nulls, 0

    def header(self, headers: list[str]) -> None:
        pass

    def write(self, cells: list) -> int:
        record = {
            k: v for k, v in zip(self.keys, cells, strict=True) if v is not None or self.nulls
        }
        self.fh.write(",\n" if self.count else "\n")
        self.fh.write("    " + json.dumps(record, ensure_ascii=False))
        self.count += 1
        return self.count


@dataclass
class _Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    bad_rows: list[dict] = field(default_factory=list)


def _fill(district: _District, kind: str, sink, rel: str, tally: _Tally) -> None:
    columns = district.profile.columns[kind]
    names = [name for name, _ in columns]
    sink.header([header for _, header in columns])
    rng = Random(f"{district.seed}:{district.code}:{kind}:render")
    for record, bad in district.records(kind):
        cells = district.render(kind, record, rng)
        row = sink.write(cells)
        tally.counts[kind] += 1
        if bad is not None:
            spec, field_name = bad
            value = cells[names.index(field_name)]
            if isinstance(value, dt.date):
                value = value.isoformat()
            tally.bad_rows.append(
                {
                    "file": rel,
                    "kind": kind,
                    "row": row,
                    "rule": spec.rule,
                    "field": field_name,
                    "value": "" if value is None else value,
                }
            )


def _write_csv(district: _District, folder: Path, tally: _Tally) -> list[str]:
    written = []
    for kind in KINDS:
        name, encoding, delimiter = district.profile.files[kind]
        rel = f"{folder.name}/{name}"
        rng = Random(f"{district.seed}:{district.code}:{kind}:blank")
        sink = _CsvSink(folder / name, encoding, delimiter, district.profile, rng)
        try:
            _fill(district, kind, sink, rel, tally)
        finally:
            sink.close()
        written.append(rel)
    return written


def _write_xlsx(district: _District, folder: Path, tally: _Tally) -> list[str]:
    p = district.profile
    rel = f"{folder.name}/{p.xlsx_name}"
    wb = Workbook(write_only=True)
    wb.properties.creator = "Koordinace"
    wb.properties.lastModifiedBy = "Koordinace"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    for title, lines in p.extra_sheets:
        ws = wb.create_sheet(title)
        for line in lines:
            ws.append([line])
    for kind in KINDS:
        sink = _XlsxSink(wb.create_sheet(p.files[kind][0]), p)
        _fill(district, kind, sink, rel, tally)
    ExcelWriter(wb, _FixedZip(folder / p.xlsx_name, "w", zipfile.ZIP_DEFLATED)).save()
    return [rel]


def _write_json(district: _District, folder: Path, tally: _Tally) -> list[str]:
    p = district.profile
    written = []
    for name, district_value, kinds in p.json_files:
        rel = f"{folder.name}/{name}"
        with (folder / name).open("w", encoding="utf-8", newline="\n") as fh:
            fh.write("{\n  " + json.dumps("district") + ": ")
            fh.write(json.dumps(district_value, ensure_ascii=False))
            for kind in kinds:
                key = record_kind(kind).json_key
                fh.write(",\n  " + json.dumps(key) + ": [")
                keys = [header for _, header in p.columns[kind]]
                sink = _JsonSink(fh, keys, p.json_nulls)
                _fill(district, kind, sink, rel, tally)
                fh.write("\n  ]" if sink.count else "]")
            fh.write("\n}\n")
        written.append(rel)
    return written


# ---------------------------------------------------------------- entry point


def _allocate(rows: list[dict], total: int, minimum: int) -> dict[int, int]:
    """Projects per district: by population, at least ``minimum`` each, summing to total."""
    fixed: dict[int, int] = {}
    share: dict[int, float] = {}
    while True:
        free = [r for r in rows if r["code"] not in fixed]
        if not free:
            share = {}
            break
        budget = total - sum(fixed.values())
        population = sum(r["population"] for r in free)
        share = {r["code"]: budget * r["population"] / population for r in free}
        small = {code for code, n in share.items() if n < minimum}
        if not small:
            break
        fixed.update(dict.fromkeys(small, minimum))
    counts = dict(fixed)
    # largest remainder rounding for the rest
    floors = {code: int(n) for code, n in share.items()}
    left = max(0, total - sum(fixed.values()) - sum(floors.values()))
    for code in sorted(share, key=lambda c: (floors[c] - share[c], c))[:left]:
        floors[code] += 1
    counts.update(floors)
    return counts


def generate_inbox(out: Path, *, scale: float = 1.0, seed: int = 1) -> SynthReport:
    """Write a synthetic inbox of district exports into ``out`` (empty or missing)."""
    out = Path(out)
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    if out.exists():
        if not out.is_dir():
            raise ValueError(f"{out} exists and is not a folder")
        if any(out.iterdir()):
            raise ValueError(
                f"{out} is not empty: generate_inbox writes only into an empty or new folder"
            )
    rows_by_code = {r["code"]: r for r in district_rows()}
    pilot = [rows_by_code[code] for code in resolve_pilot(DEFAULT_PILOT)]
    missing = [r["name"] for r in pilot if r["code"] not in PROFILES]
    if missing:
        raise ValueError(f"no export profile for pilot district(s): {', '.join(missing)}")
    total = max(len(pilot), round(BASE_PROJECTS * scale))
    minimum = max(2, round(10 * scale))
    counts = _allocate(pilot, total, minimum)
    copies = max(1, round(scale))
    spell = _Spellings()
    out.mkdir(parents=True, exist_ok=True)
    tally = _Tally()
    files: list[str] = []
    skipped: list[str] = []
    writers = {"csv": _write_csv, "xlsx": _write_xlsx, "json": _write_json}
    for row in pilot:
        profile = PROFILES[row["code"]]
        district = _District(row, profile, counts[row["code"]], seed, copies, spell)
        folder = out / profile.folder
        folder.mkdir()
        files += writers[profile.fmt](district, folder, tally)
        for name, content in profile.skipped:
            (folder / name).write_bytes(content)
            files.append(f"{folder.name}/{name}")
            skipped.append(f"{folder.name}/{name}")
        log.debug("synth: %s -> %s (%d projects)", row["name"], profile.folder, district.n)
    report = SynthReport(
        files=sorted(files),
        projects=tally.counts[PROJECTS],
        activities=tally.counts[ACTIVITIES],
        tool_usage=tally.counts[TOOLS],
        bad_rows=sorted(tally.bad_rows, key=lambda b: (b["file"], b["kind"], b["row"])),
        skipped_files=sorted(skipped),
    )
    log.info(
        "synthetic inbox in %s: %d projects, %d activities, %d tool usages, %d bad rows",
        out,
        report.projects,
        report.activities,
        report.tool_usage,
        len(report.bad_rows),
    )
    return report
