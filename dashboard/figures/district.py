"""Figures and table formatting of the Městská část / District page: pure functions from
the DataFrames of :mod:`dashboard.queries.district` to figures and formatted tables (no
database access).

- :func:`comparison_figure`: the district against the pilot median on every headline
  figure, a dumbbell per metric, each on its own axis (the units differ);
- :func:`stages_figure`: the district's processes per stage, in the process order;
- ``*_table``: the same data as formatted text for tables (Czech or English formats).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures import MUTED, PALETTE, STAGE_COLOURS, empty, styled
from dashboard.i18n import NBSP, fmt_czk, fmt_date, fmt_number, fmt_percent, t
from dashboard.metrics import METRICS
from models.vocabulary import vocabulary

DISTRICT_COLOUR = PALETTE[0]
MEDIAN_COLOUR = PALETTE[1]

STRINGS = {
    "comparison.title": {
        "cs": "{name} a medián pilotních městských částí",
        "en": "{name} and the pilot districts' median",
    },
    "median": {"cs": "Medián pilotu", "en": "Pilot median"},
    "stages.title": {
        "cs": "Procesy městské části {name} podle fáze (počet)",
        "en": "Processes of {name} by stage (count)",
    },
    "stages.hover": {"cs": "procesů", "en": "processes"},
    "metric": {"cs": "Ukazatel", "en": "Figure"},
    "difference": {"cs": "Rozdíl oproti mediánu", "en": "Difference from the median"},
    "stage": {"cs": "Fáze", "en": "Stage"},
    "processes": {"cs": "Procesy", "en": "Processes"},
    "title": {"cs": "Název", "en": "Title"},
    "kind": {"cs": "Typ", "en": "Kind"},
    "progress": {"cs": "Plnění", "en": "Progress"},
    "start": {"cs": "Zahájení", "en": "Start"},
    "end": {"cs": "Plánované ukončení", "en": "Planned end"},
    "budget": {"cs": "Rozpočet", "en": "Budget"},
    "effective": {"cs": "Platí od", "en": "Effective date"},
    "source": {"cs": "Zdroj", "en": "Source"},
    "note": {"cs": "Poznámka", "en": "Note"},
    "process": {"cs": "Proces", "en": "Process"},
    "source.import": {"cs": "import", "en": "import"},
    "source.form": {"cs": "formulář", "en": "form"},
    "source.api": {"cs": "API", "en": "API"},
    "source.cli": {"cs": "příkazová řádka", "en": "command line"},
    "not_reported": {"cs": "neuvádí", "en": "not reported"},
}

#: Short axis labels with the unit (the figure); the table uses METRICS' labels.
AXIS = {
    "participants": {"cs": "Účastníci (počet)", "en": "Participants (count)"},
    "participation_rate": {"cs": "Účastníci na 1 000 obyvatel", "en": "Per 1,000 residents"},
    "active_processes": {"cs": "Běžící procesy (počet)", "en": "Active processes (count)"},
    "completed_processes": {
        "cs": "Dokončené procesy (počet)",
        "en": "Completed processes (count)",
    },
    "pb_allocated": {"cs": "Alokace PR (Kč)", "en": "PB allocated (CZK)"},
    "youth_share": {"cs": "Podíl mládeže (%)", "en": "Youth share (%)"},
    "freshness": {"cs": "Dní od aktualizace", "en": "Days since update"},
}


def text(key: str, lang: str, **values) -> str:
    return t(key, lang, STRINGS, **values)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value)


def format_value(metric: str, value, lang: str) -> str:
    """A headline figure as the page shows it (Czech or English formats and units)."""
    if _missing(value):
        return "–"
    if metric == "participation_rate":
        return fmt_number(value, lang, 1)
    if metric == "pb_allocated":
        return fmt_czk(value, lang)
    if metric == "youth_share":
        return fmt_percent(float(value) * 100, lang, 1)
    if metric == "freshness":
        days = fmt_number(value, lang, 0 if float(value).is_integer() else 1)
        return f"{days}{NBSP}{'dní' if lang == 'cs' else 'days'}"
    decimals = 0 if float(value).is_integer() else 1  # a median of counts may be x.5
    return fmt_number(value, lang, decimals)


def format_difference(metric: str, district, median, lang: str) -> str:
    """District minus the pilot median, signed, in the metric's unit."""
    if _missing(district) or _missing(median):
        return "–"
    diff = float(district) - float(median)
    if diff == 0:
        return format_value(metric, 0.0, lang)
    sign = "+" if diff > 0 else "−"
    return sign + format_value(metric, abs(diff), lang)


def comparison_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The comparison as text: metric (label), definition, district, median, difference."""
    rows = [
        {
            "metric": METRICS[r.metric].label(lang),
            "definition": METRICS[r.metric].definition(lang),
            "district": format_value(r.metric, r.district, lang),
            "median": format_value(r.metric, r.median, lang),
            "difference": format_difference(r.metric, r.district, r.median, lang),
        }
        for r in frame.itertuples()
    ]
    return pd.DataFrame(rows, columns=["metric", "definition", "district", "median", "difference"])


def comparison_headers(name: str, lang: str) -> dict[str, str]:
    return {
        "metric": text("metric", lang),
        "district": name,
        "median": text("median", lang),
        "difference": text("difference", lang),
    }


def _axis_value(metric: str, value):
    """The value on the metric's axis (youth share in %)."""
    if _missing(value):
        return None
    return float(value) * 100 if metric == "youth_share" else float(value)


def comparison_figure(
    frame: pd.DataFrame, name: str, lang: str, data_as_of: dt.date | None = None
) -> go.Figure:
    """A dumbbell per headline metric: the pilot median (◆) and the district (●) joined by
    a line, each metric on its own axis from 0 (their units differ). Metrics with no value
    for the district nor the pilot are left out."""
    title = text("comparison.title", lang, name=name)
    rows = frame[~(frame["district"].isna() & frame["median"].isna())]
    if rows.empty:
        return empty(t("no_data", lang), title=title, lang=lang)
    n = len(rows)
    fig = make_subplots(rows=n, cols=1, vertical_spacing=0.35 / n)
    median_name = text("median", lang)
    shown: set[str] = set()
    for i, r in enumerate(rows.itertuples(), start=1):
        label = AXIS[r.metric][lang]
        own, median = _axis_value(r.metric, r.district), _axis_value(r.metric, r.median)
        known = [v for v in (own, median) if v is not None]
        if own is not None and median is not None:
            fig.add_trace(
                go.Scatter(
                    x=[median, own],
                    y=[label, label],
                    mode="lines",
                    line={"color": MUTED, "width": 4},
                    hoverinfo="skip",
                    showlegend=False,
                    name="",
                ),
                row=i,
                col=1,
            )
        for series, value, raw, colour, symbol in (
            (median_name, median, r.median, MEDIAN_COLOUR, "diamond"),
            (name, own, r.district, DISTRICT_COLOUR, "circle"),
        ):
            if value is None:
                continue
            fig.add_trace(
                go.Scatter(
                    x=[value],
                    y=[label],
                    mode="markers",
                    name=series,
                    legendgroup=series,
                    showlegend=series not in shown,
                    marker={"color": colour, "size": 14, "symbol": symbol},
                    customdata=[[format_value(r.metric, raw, lang), label]],
                    hovertemplate="<b>%{fullData.name}</b><br>%{customdata[1]}: "
                    "%{customdata[0]}<extra></extra>",
                ),
                row=i,
                col=1,
            )
            shown.add(series)
        if own is None and median is not None:
            fig.add_annotation(
                x=median,
                y=label,
                text=f"{name}: {text('not_reported', lang)}",
                showarrow=False,
                xanchor="left",
                xshift=14,
                font={"color": "#555555", "size": 12},
                row=i,
                col=1,
            )
        top = max(known) if known else 1.0
        axis = {"range": [0, (top or 1.0) * 1.12], "nticks": 5, "zeroline": True}
        if r.metric == "pb_allocated":
            axis |= {"tickformat": ",.0f", **_czk_ticks(lang)}
        elif r.metric == "youth_share":
            axis |= {"ticksuffix": f"{NBSP}%", "tickformat": ",.0f"}
        elif r.metric == "participation_rate":
            axis |= {"tickformat": ",.0f"}
        else:  # counts: whole-number ticks
            axis |= {"tickformat": ",~f"} | ({"dtick": 1} if top <= 5 else {})
        fig.update_xaxes(row=i, col=1, **axis)
        fig.update_yaxes(row=i, col=1, automargin=True, showgrid=False)
    styled(fig, title=title, lang=lang, data_as_of=data_as_of, height=90 * n + 170)
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
        margin={"l": 200, "r": 30, "t": 110, "b": 40},
    )
    return fig


def _czk_ticks(lang: str) -> dict:
    return {"ticksuffix": f"{NBSP}Kč"} if lang == "cs" else {"tickprefix": f"CZK{NBSP}"}


def comparison_alternative(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The figure's table alternative: the comparison table without the definitions."""
    return comparison_table(frame, lang).drop(columns="definition")


# ------------------------------------------------------------------ stages


def stages_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Stage counts in vocabulary order with labels; stages that do not occur are left out.
    Columns: stage, label, processes."""
    counts = dict(zip(frame["stage"], frame["processes"], strict=True))
    rows = [
        {"stage": term.value, "label": term.label(lang), "processes": int(counts[term.value])}
        for term in vocabulary("stage").terms
        if counts.get(term.value)
    ]
    return pd.DataFrame(rows, columns=["stage", "label", "processes"])


def stages_figure(
    frame: pd.DataFrame, name: str, lang: str, data_as_of: dt.date | None = None
) -> go.Figure:
    """The district's processes per stage: one horizontal bar per stage, in process order
    (top to bottom), each stage in its shared colour."""
    title = text("stages.title", lang, name=name)
    rows = stages_frame(frame, lang)
    if rows.empty:
        return empty(t("no_data", lang), title=title, lang=lang)
    unit = text("stages.hover", lang)
    fig = go.Figure(
        go.Bar(
            x=rows["processes"].tolist(),  # plain lists: readable in the browser's plot.data
            y=rows["label"].tolist(),
            orientation="h",
            marker={"color": [STAGE_COLOURS.get(s, MUTED) for s in rows["stage"]]},
            text=rows["processes"].tolist(),
            textposition="auto",
            name=text("processes", lang),
            hovertemplate=f"%{{y}}: %{{x:,.0f}} {unit}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickformat=",~f", rangemode="tozero")
    styled(fig, title=title, lang=lang, data_as_of=data_as_of, height=60 + 45 * len(rows) + 120)
    fig.update_layout(showlegend=False)
    return fig


def stages_table(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    rows = stages_frame(frame, lang)
    rows["processes"] = [fmt_number(v, lang) for v in rows["processes"]]
    return rows, {"label": text("stage", lang), "processes": text("processes", lang)}


# ------------------------------------------------------------------ processes and history


def processes_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The processes as text: title, kind, stage, progress, start, end, budget, and the
    raw progress (0–100 or NaN) for a progress bar."""
    kinds, stages = vocabulary("kind"), vocabulary("stage")
    out = pd.DataFrame(
        {
            "id": frame["id"],
            "title": frame["title"],
            "kind": [kinds.label(v, lang) for v in frame["kind"]],
            "stage": [stages.label(v, lang) for v in frame["stage"]],
            "progress": [fmt_percent(v, lang) for v in frame["progress_pct"]],
            "start": [fmt_date(_date(v), lang) for v in frame["start_date"]],
            "end": [fmt_date(_date(v), lang) for v in frame["end_date"]],
            "budget": [fmt_czk(v, lang) for v in frame["budget_czk"]],
            "progress_value": frame["progress_pct"],
        }
    )
    return out


def processes_headers(lang: str) -> dict[str, str]:
    return {
        key: text(key, lang)
        for key in ("title", "kind", "stage", "progress", "start", "end", "budget")
    }


def history_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """History rows as text: process, effective date, stage, progress, source, note."""
    stages = vocabulary("stage")
    return pd.DataFrame(
        {
            "process": frame["title"],
            "effective": [fmt_date(_date(v), lang) for v in frame["effective_date"]],
            "stage": [stages.label(v, lang) for v in frame["stage"]],
            "progress": [fmt_percent(v, lang) for v in frame["progress_pct"]],
            "source": [text(f"source.{v}", lang) for v in frame["source"]],
            "note": [v if isinstance(v, str) else "" for v in frame["note"]],
        },
        columns=["process", "effective", "stage", "progress", "source", "note"],
    )


def history_headers(lang: str, *, with_process: bool = True) -> dict[str, str]:
    keys = ("process", "effective", "stage", "progress", "source", "note")
    return {k: text(k, lang) for k in keys if with_process or k != "process"}


def _date(value):
    """A date from a date, datetime, Timestamp or missing value."""
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value
