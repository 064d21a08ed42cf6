"""Reference data: the 57 Prague districts with population, the pilot flags and the
civic-tech tool catalogue. Loaded by ``koordinace db upgrade``, idempotently.

Sources (see ``models/data/README.md``): district names and codes from IPR Praha's
boundaries (data base © IPR Prague, CC BY-SA 4.0), population 2019 from ČSÚ
(population © ČSÚ).
"""

from __future__ import annotations

import csv
import logging
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from sqlmodel import Session, select

from models.tables import District, Tool, ToolAlias
from models.vocabulary import DATA_DIR, compact_key

log = logging.getLogger(__name__)

POPULATION_SOURCE = "ČSÚ, tabulka 1_PHA_VEK_obyv_mc (stav k 31. 12.)"
FEATURES = (
    "proposals",
    "voting",
    "surveys",
    "mapping",
    "issue_reporting",
    "messaging",
    "results_exports",
)
CRITERIA = ("cost", "capacity", "features", "accessibility", "ethics", "track_record")


class ReferenceError_(ValueError):
    """Reference data or a setting that names reference data is wrong."""


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass
class ReferenceReport:
    districts: Counts = field(default_factory=Counts)
    tools: Counts = field(default_factory=Counts)
    aliases: Counts = field(default_factory=Counts)
    pilot: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return any(c.inserted or c.updated for c in (self.districts, self.tools, self.aliases))


@cache
def district_rows() -> tuple[dict, ...]:
    with (DATA_DIR / "districts.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            {
                "code": int(r["code"]),
                "name": r["name"],
                "short_name": r["short_name"],
                "slug": r["slug"],
                "population": int(r["population"]),
                "population_year": int(r["population_year"]),
                "population_source": POPULATION_SOURCE,
            }
            for r in csv.DictReader(fh)
        )


@cache
def tool_catalogue() -> tuple[dict, ...]:
    with (DATA_DIR / "tools.toml").open("rb") as fh:
        return tuple(tomllib.load(fh)["tool"])


def district_keys(district: District | dict) -> set[str]:
    """Every compact key that names a district: code, full name, short name, slug."""
    get = district.get if isinstance(district, dict) else lambda k: getattr(district, k)
    return {
        compact_key(str(get("code"))),
        compact_key(get("name")),
        compact_key(get("short_name")),
        compact_key(get("slug")),
    }


def district_lookup(districts: Iterable[District | dict]) -> dict[str, int]:
    """Compact key -> official code, for folder names and district columns.

    A short name equal to another district's full name never happens in Prague's
    data (checked by a test), so the mapping is unambiguous.
    """
    lookup: dict[str, int] = {}
    for d in districts:
        code = d["code"] if isinstance(d, dict) else d.code
        for key in district_keys(d):
            lookup[key] = code
    return lookup


def resolve_pilot(names: Iterable[str]) -> tuple[int, ...]:
    lookup = district_lookup(district_rows())
    codes = []
    for name in names:
        code = lookup.get(compact_key(name))
        if code is None:
            raise ReferenceError_(
                f"KOORDINACE_PILOT: městská část „{name}“ neexistuje / unknown district '{name}'"
            )
        codes.append(code)
    return tuple(codes)


def _sync(obj, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _tool_values(entry: dict) -> dict:
    values = {
        "catalogued": True,
        "needs_review": False,
        "category": entry["category"],
        "licence": entry["licence"],
        "cost_model": entry["cost_model"],
        "czech": entry["czech"],
        "website": entry.get("website") or None,
        "description_cs": entry["description_cs"],
        "description_en": entry["description_en"],
        "assessment_notes": dict(entry["assessment_notes"]),
    }
    values.update({f"has_{f}": bool(entry["features"][f]) for f in FEATURES})
    values.update({f"score_{c}": int(entry["assessment"][c]) for c in CRITERIA})
    return values


def load_reference_data(session: Session, pilot: Iterable[str]) -> ReferenceReport:
    """Upsert districts, pilot flags and the tool catalogue; never deletes anything."""
    report = ReferenceReport()
    pilot_codes = set(resolve_pilot(pilot))
    existing = {d.code: d for d in session.exec(select(District))}
    for row in district_rows():
        values = {**row, "is_pilot": row["code"] in pilot_codes}
        district = existing.get(row["code"])
        if district is None:
            session.add(District(**values))
            report.districts.add("inserted")
        else:
            report.districts.add("updated" if _sync(district, values) else "unchanged")
    report.pilot = tuple(r["name"] for r in district_rows() if r["code"] in pilot_codes)

    tools = {t.name: t for t in session.exec(select(Tool))}
    aliases = {a.key: a for a in session.exec(select(ToolAlias))}
    for entry in tool_catalogue():
        tool = tools.get(entry["name"])
        values = _tool_values(entry)
        if tool is None:
            tool = Tool(name=entry["name"], **values)
            session.add(tool)
            report.tools.add("inserted")
        else:
            report.tools.add("updated" if _sync(tool, values) else "unchanged")
        session.flush()
        for spelling in (entry["name"], *entry.get("aliases", ())):
            key = compact_key(spelling)
            alias = aliases.get(key)
            if alias is None:
                alias = ToolAlias(tool_id=tool.id, alias=spelling, key=key)
                session.add(alias)
                aliases[key] = alias
                report.aliases.add("inserted")
            else:
                changed = _sync(alias, {"tool_id": tool.id, "alias": spelling})
                report.aliases.add("updated" if changed else "unchanged")
    session.flush()
    return report
