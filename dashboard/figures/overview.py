"""Figures of the Přehled / Overview page: the district map and the ranking, both by
participants per 1,000 residents, with their table alternatives. Pure functions: a
DataFrame in, a figure (or a formatted table) out; no database.

The map is a ``go.Choropleth`` on the bundled district GeoJSON (IPR Prague), drawn
offline: ``geo.visible=False`` and the Graph's ``topojsonURL`` pointing at the local stub.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from functools import cache

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import PALETTE, empty, styled
from dashboard.i18n import fmt_number, t
from koordinace.settings import PROJECT_DIR

GEOJSON_PATH = PROJECT_DIR / "assets" / "prague_districts.geojson"
FEATURE_KEY = "properties.kod_mc"
OUTSIDE = "#E4E4E4"  # districts outside the selection: light grey, not on the colour scale
#: Sequential blues from light to dark (readable with the common colour-vision deficiencies:
#: it varies in lightness, and its light end stays distinct from the grey of OUTSIDE).
SCALE = [[0.0, "#C6DBEF"], [0.35, "#6BAED6"], [0.7, "#2171B5"], [1.0, "#08306B"]]
CREDIT = "data base © IPR Prague"

STRINGS = {
    "map.title": {
        "cs": "Účastníci na 1 000 obyvatel podle městských částí",
        "en": "Participants per 1,000 residents by district",
    },
    "ranking.title": {
        "cs": "Pořadí městských částí: účastníci na 1 000 obyvatel",
        "en": "Districts ranked by participants per 1,000 residents",
    },
    "per_1000": {"cs": "účastníci na 1 000 obyvatel", "en": "participants per 1,000 residents"},
    "per_1000.short": {"cs": "na 1 000<br>obyvatel", "en": "per 1,000<br>residents"},
    "participants": {"cs": "účastníci", "en": "participants"},
    "population": {"cs": "obyvatel", "en": "residents"},
    "outside": {"cs": "mimo výběr", "en": "not selected"},
    "outside.note": {
        "cs": "Šedě: městské části mimo výběr",
        "en": "Grey: districts not selected",
    },
    "median": {"cs": "Medián pilotu: {value}", "en": "Pilot median: {value}"},
    "col.rank": {"cs": "Pořadí", "en": "Rank"},
    "col.district": {"cs": "Městská část", "en": "District"},
    "col.per_1000": {"cs": "Účastníci na 1 000 obyvatel", "en": "Participants per 1,000"},
    "col.participants": {"cs": "Účastníci", "en": "Participants"},
    "col.population": {"cs": "Obyvatel", "en": "Residents"},
    "median.row": {"cs": "Medián pilotních MČ", "en": "Pilot districts' median"},
}


@cache
def geojson() -> dict:
    """The 57 districts' boundaries (IPR Prague), read once per process."""
    return json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))


@cache
def _features_by_code() -> dict[int, dict]:
    return {int(f["properties"]["kod_mc"]): f for f in geojson()["features"]}


def _shapes(codes: list[int]) -> dict:
    """The GeoJSON of just these districts (each trace carries only its own shapes)."""
    features = _features_by_code()
    return {"type": "FeatureCollection", "features": [features[c] for c in codes if c in features]}


def _rate(value, lang: str) -> str:
    return fmt_number(value, lang, 1)


def district_map(frame: pd.DataFrame, *, lang: str, data_as_of: dt.date | None = None) -> go.Figure:
    """Every district drawn; the selected ones coloured by participants per 1,000.

    ``frame``: code, name, selected, participants, per_1000 (one row per district, as
    :func:`dashboard.queries.overview.district_map`). Two traces: the districts outside
    the selection (grey) and the selected ones (colour scale), so each district is drawn
    once.
    """
    title = t("map.title", lang, STRINGS)
    if frame.empty:
        return empty(t("no_data", lang), title=title, lang=lang)
    coloured = frame["selected"].astype(bool) & frame["per_1000"].notna()
    inside, outside = frame[coloured], frame[~coloured]
    fig = go.Figure()
    common = {
        "featureidkey": FEATURE_KEY,
        "marker": {"line": {"color": "#FFFFFF", "width": 0.8}},
    }
    fig.add_trace(
        go.Choropleth(
            locations=outside["code"].astype(int).tolist(),
            geojson=_shapes(outside["code"].astype(int).tolist()),
            z=[0] * len(outside),
            colorscale=[[0, OUTSIDE], [1, OUTSIDE]],
            showscale=False,
            customdata=[[name, t("outside", lang, STRINGS)] for name in outside["name"]],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
            name=t("outside", lang, STRINGS),
            **common,
        )
    )
    if len(inside):
        top = float(inside["per_1000"].max())
        fig.add_trace(
            go.Choropleth(
                locations=inside["code"].astype(int).tolist(),
                geojson=_shapes(inside["code"].astype(int).tolist()),
                z=inside["per_1000"].astype(float).tolist(),
                zmin=0,
                zmax=top if top > 0 else 1,
                colorscale=SCALE,
                colorbar={
                    "title": {"text": t("per_1000.short", lang, STRINGS)},
                    "thickness": 14,
                    "tickformat": ",.0f",
                    "len": 0.8,
                },
                customdata=[
                    [
                        r.name,
                        _rate(r.per_1000, lang),
                        fmt_number(r.participants, lang),
                        t("per_1000", lang, STRINGS),
                        t("participants", lang, STRINGS),
                    ]
                    for r in inside.itertuples()
                ],
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>%{customdata[1]} %{customdata[3]}"
                    "<br>%{customdata[2]} %{customdata[4]}<extra></extra>"
                ),
                name=t("per_1000", lang, STRINGS),
                **common,
            )
        )
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    styled(fig, title=title, lang=lang, data_as_of=data_as_of, height=520)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 80, "b": 30}, dragmode=False)
    note = {"xref": "paper", "yref": "paper", "y": 0, "yanchor": "top", "showarrow": False}
    fig.add_annotation(
        text=t("outside.note", lang, STRINGS),
        x=0,
        xanchor="left",
        font={"size": 11, "color": "#555555"},
        **note,
    )
    fig.add_annotation(
        text=CREDIT, x=1, xanchor="right", font={"size": 11, "color": "#555555"}, **note
    )
    return fig


def ranking(
    frame: pd.DataFrame, median: float, *, lang: str, data_as_of: dt.date | None = None
) -> go.Figure:
    """Horizontal bars of participants per 1,000 residents, highest on top, with the pilot
    median as a dashed vertical line. ``frame``: code, name, population, participants,
    per_1000 (as ``metrics.participation_by_district``)."""
    title = t("ranking.title", lang, STRINGS)
    data = ranked(frame)
    if data.empty:
        return empty(t("no_data", lang), title=title, lang=lang)
    data = data.iloc[::-1]  # Plotly draws the first category at the bottom
    fig = go.Figure(
        go.Bar(
            x=data["per_1000"].astype(float).tolist(),
            y=data["name"].tolist(),
            orientation="h",
            marker_color=PALETTE[0],
            text=[_rate(v, lang) for v in data["per_1000"]],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [
                    int(r.code),
                    _rate(r.per_1000, lang),
                    fmt_number(r.participants, lang),
                    fmt_number(r.population, lang),
                ]
                for r in data.itertuples()
            ],
            hovertemplate=(
                "<b>%{y}</b><br>%{customdata[1]} "
                + t("per_1000", lang, STRINGS)
                + "<br>%{customdata[2]} "
                + t("participants", lang, STRINGS)
                + " / %{customdata[3]} "
                + t("population", lang, STRINGS)
                + "<extra></extra>"
            ),
            name=t("per_1000", lang, STRINGS),
        )
    )
    top = float(data["per_1000"].max())
    if not math.isnan(median):
        top = max(top, median)
        fig.add_vline(
            x=median,
            line={"dash": "dash", "color": PALETTE[5], "width": 2},
            layer="below",  # the bars and their labels stay readable over the line
            annotation={
                "text": t("median", lang, STRINGS, value=_rate(median, lang)),
                "font": {"color": PALETTE[5]},
                "bgcolor": "rgba(255,255,255,0.8)",
            },
            annotation_position="top",
        )
    styled(
        fig, title=title, lang=lang, data_as_of=data_as_of, height=max(300, 30 * len(data) + 170)
    )
    fig.update_xaxes(
        title={"text": t("per_1000", lang, STRINGS)},
        range=[0, (top or 1) * 1.15],
        rangemode="tozero",
        tickformat=",.0f",
        showgrid=True,
        gridcolor="#EEEEEE",
    )
    fig.update_yaxes(automargin=True, title=None)
    fig.update_layout(margin={"l": 20, "t": 100}, showlegend=False, bargap=0.25)
    return fig


def ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """Districts with a known rate, highest first (ties by name)."""
    data = frame[frame["per_1000"].notna()]
    return data.sort_values(["per_1000", "name"], ascending=[False, True], ignore_index=True)


def ranking_table(frame: pd.DataFrame, median: float, lang: str) -> tuple[pd.DataFrame, dict]:
    """The ranking as formatted rows (for ``components.graph.data_table``), median last."""
    data = ranked(frame)
    rows = [
        {
            "rank": str(i),
            "district": r.name,
            "per_1000": _rate(r.per_1000, lang),
            "participants": fmt_number(r.participants, lang),
            "population": fmt_number(r.population, lang),
        }
        for i, r in enumerate(data.itertuples(), start=1)
    ]
    if rows and not math.isnan(median):
        rows.append(
            {
                "rank": "",
                "district": t("median.row", lang, STRINGS),
                "per_1000": _rate(median, lang),
                "participants": "",
                "population": "",
            }
        )
    columns = {
        key: t(f"col.{key}", lang, STRINGS)
        for key in ("rank", "district", "per_1000", "participants", "population")
    }
    return pd.DataFrame(rows, columns=list(columns)), columns


def map_table(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict]:
    """Every district on the map with its rate (or "not selected"), by name."""
    data = frame.sort_values("name", ignore_index=True)
    rows = [
        {
            "district": r.name,
            "per_1000": _rate(r.per_1000, lang)
            if r.selected and not pd.isna(r.per_1000)
            else t("outside", lang, STRINGS),
        }
        for r in data.itertuples()
    ]
    columns = {
        "district": t("col.district", lang, STRINGS),
        "per_1000": t("col.per_1000", lang, STRINGS),
    }
    return pd.DataFrame(rows, columns=list(columns)), columns
