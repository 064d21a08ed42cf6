"""Reference data: 57 districts with population, the pilot set, the tool catalogue."""

import pytest
from sqlalchemy import func, select

from koordinace.settings import DEFAULT_PILOT
from models import District, Tool, ToolAlias
from models.db import session_scope
from models.reference import (
    ReferenceError_,
    district_lookup,
    district_rows,
    load_reference_data,
    tool_catalogue,
)
from models.vocabulary import compact_key


def test_districts_loaded_with_population_and_ten_pilots(db_url):
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(District)) == 57
        pilots = s.scalars(select(District.name).where(District.is_pilot)).all()
        praha1 = s.scalars(select(District).where(District.code == 500054)).one()
        lipence = s.scalars(select(District).where(District.slug == "praha-lipence")).one()
        total = s.scalar(select(func.sum(District.population)))
    assert sorted(pilots) == sorted(DEFAULT_PILOT)
    assert (praha1.name, praha1.population, praha1.population_year) == ("Praha 1", 29563, 2019)
    assert "ČSÚ" in praha1.population_source
    assert (lipence.short_name, lipence.code) == ("Lipence", 539449)
    # Prague had about 1.32 million residents at the end of 2019.
    assert 1_300_000 < total < 1_340_000


def test_catalogue_has_at_least_15_tools_and_resolves_the_format_spellings(db_url):
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(Tool).where(Tool.catalogued)) >= 15
        by_key = dict(
            s.execute(
                select(ToolAlias.key, Tool.name).join(Tool, Tool.id == ToolAlias.tool_id)
            ).all()
        )
    spellings = {
        "Mobilní rozhlas": "Munipolis",
        "munipolis": "Munipolis",
        "Decision 21": "D21",
        "Lepší místo": "ZmapujTo",
        "zmapuj to": "ZmapujTo",
        "Zmente.to": "Změňte.to",
        "Pocitové mapy": "PocitoveMapy.cz",
        "participativni-rozpocet.cz": "participativni-rozpocet.cz",
        "DECIDIM": "Decidim",
        "Consul": "Consul Democracy",
        "CitizenLab": "Go Vocal",
        "google forms": "Google Forms",
        "MS Forms": "Microsoft Forms",
        "Survio": "Survio",
        "facebook": "Facebook",
        "papírové formuláře": "Paper forms and ballots",
    }
    resolved = {spelling: by_key.get(compact_key(spelling)) for spelling in spellings}
    assert resolved == spellings


def test_every_catalogue_entry_has_features_and_the_six_criteria(db_url):
    with session_scope(db_url) as s:
        tools = s.scalars(select(Tool).where(Tool.catalogued)).all()
    for tool in tools:
        assert tool.category and tool.licence and tool.cost_model and tool.czech, tool.name
        scores = [
            tool.score_cost,
            tool.score_capacity,
            tool.score_features,
            tool.score_accessibility,
            tool.score_ethics,
            tool.score_track_record,
        ]
        assert all(1 <= s <= 5 for s in scores), tool.name
        assert set(tool.assessment_notes) == {
            "cost",
            "capacity",
            "features",
            "accessibility",
            "ethics",
            "track_record",
        }


def test_reloading_reference_data_changes_nothing(db_url):
    with session_scope(db_url) as s:
        report = load_reference_data(s, DEFAULT_PILOT)
    assert not report.changed
    assert report.districts.unchanged == 57
    assert report.tools.unchanged == len(tool_catalogue())


def test_pilot_set_follows_the_setting(db_url):
    with session_scope(db_url) as s:
        report = load_reference_data(s, ["500089", "praha-lipence", "Kunratice"])
    assert report.districts.updated == 11  # 9 leave the pilot, Praha 2 and Kunratice join
    with session_scope(db_url) as s:
        pilots = set(s.scalars(select(District.name).where(District.is_pilot)))
    assert pilots == {"Praha 2", "Praha-Lipence", "Praha-Kunratice"}


def test_unknown_pilot_district_is_a_clear_error(db_url):
    with pytest.raises(ReferenceError_, match="Praha 99"), session_scope(db_url) as s:
        load_reference_data(s, ["Praha 99"])


def test_every_district_name_form_is_unambiguous():
    lookup = district_lookup(district_rows())
    keys_per_district = [
        len({compact_key(r[k]) for k in ("name", "short_name", "slug")}) for r in district_rows()
    ]
    assert all(n >= 1 for n in keys_per_district)
    # No key names two districts: the lookup has an entry for every form of every district.
    for row in district_rows():
        for form in (str(row["code"]), row["name"], row["short_name"], row["slug"]):
            assert lookup[compact_key(form)] == row["code"], form


def test_vocabulary_text_limits_match_the_columns_that_store_them():
    """The importer and manual entry refuse over-long text by the vocabulary's max_length;
    it must equal the column's length, or a value would pass and the insert fail."""
    from models import Activity, Project, ToolUsage
    from models.vocabulary import record_kind

    stored_in = {
        "projects": (Project, {"project_id": "code"}),
        "activities": (Activity, {"project_id": None}),
        "tool_usage": (ToolUsage, {"project_id": None, "tool": "tool_as_given"}),
    }
    for kind, (model, renamed) in stored_in.items():
        for spec in record_kind(kind).fields:
            column_name = renamed.get(spec.name, spec.name)
            if column_name is None or spec.type not in ("text", "tool", "url"):
                continue
            column = model.__table__.c[column_name]
            assert spec.max_length == getattr(column.type, "length", None), (kind, spec.name)
