"""Figures of the Průběh / Progress page (pure: DataFrame → go.Figure, grid rows, tables).

- :func:`stages_figure`: processes per district, stacked by stage (vocabulary order).
- :func:`timeline_figure`: processes from start to planned end, today marked, overdue ones
  in their own colour (and legend entry).
- :func:`grid_rows` / :func:`column_defs`: the list of processes for dash-ag-grid — raw
  values for sorting and filtering, Czech/English display strings for the cells.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import STAGE_COLOURS, empty, styled
from dashboard.i18n import fmt_czk, fmt_date, fmt_number, fmt_percent, t
from models.vocabulary import vocabulary

#: Overdue processes: vermillion (Okabe–Ito), a colour no stage uses, plus a hatch.
OVERDUE_COLOUR = "#D55E00"
#: The same hue darker, for text on white (contrast above 4.5:1).
OVERDUE_TEXT = "#A33C00"
DAY_MS = 86_400_000
TITLE_CHARS = 42

STRINGS = {
    "stages.title": {
        "cs": "Procesy podle městské části a fáze (počet procesů)",
        "en": "Processes by district and stage (number of processes)",
    },
    "stages.axis": {"cs": "Počet procesů", "en": "Number of processes"},
    "stages.total": {"cs": "Celkem v městské části", "en": "Total in the district"},
    "timeline.title": {
        "cs": "Časová osa procesů: od zahájení po plánované ukončení",
        "en": "Timeline of processes: from start to planned end",
    },
    "today": {"cs": "dnes", "en": "today"},
    "overdue": {"cs": "Po termínu", "en": "Overdue"},
    "overdue.hover": {
        "cs": "Po termínu: plánované ukončení uplynulo, proces není dokončen",
        "en": "Overdue: the planned end has passed and the process is not finished",
    },
    "stage": {"cs": "Fáze", "en": "Stage"},
    "progress": {"cs": "Postup", "en": "Progress"},
    "start": {"cs": "Zahájení", "en": "Start"},
    "end": {"cs": "Plánované ukončení", "en": "Planned end"},
    "no_end": {
        "cs": "neuvedeno (na ose do dneška)",
        "en": "not given (drawn up to today)",
    },
    "note.limited": {
        "cs": "Časová osa ukazuje {shown} z {total} procesů: nejdřív ty po termínu a "
        "běžící, pak s nejpozdějším plánovaným ukončením. Všechny procesy jsou v seznamu "
        "níže; zúžením filtrů zobrazíte ostatní.",
        "en": "The timeline shows {shown} of {total} processes: overdue and active ones "
        "first, then those with the latest planned end. All processes are in the list "
        "below; narrow the filters to see the others.",
    },
    "note.undated": {
        "cs": "Procesy bez data zahájení ({n}) na časové ose nejsou.",
        "en": "Processes without a start date ({n}) are not on the timeline.",
    },
    # grid and table columns
    "district": {"cs": "Městská část", "en": "District"},
    "code": {"cs": "ID projektu", "en": "Project ID"},
    "title": {"cs": "Název", "en": "Title"},
    "kind": {"cs": "Typ procesu", "en": "Process kind"},
    "progress_pct": {"cs": "Postup", "en": "Progress"},
    "budget": {"cs": "Rozpočet", "en": "Budget"},
    "topic": {"cs": "Téma", "en": "Topic"},
    "total": {"cs": "Celkem", "en": "Total"},
    "state": {"cs": "Stav", "en": "State"},
    "on_time": {"cs": "V termínu", "en": "On time"},
}

#: AG Grid's own interface texts in Czech (filter menus, empty grid).
GRID_LOCALE_CS = {
    "applyFilter": "Použít",
    "clearFilter": "Vymazat",
    "resetFilter": "Obnovit",
    "cancelFilter": "Zrušit",
    "textFilter": "Textový filtr",
    "numberFilter": "Číselný filtr",
    "dateFilter": "Datumový filtr",
    "filterOoo": "Filtrovat…",
    "empty": "Vyberte",
    "equals": "Rovná se",
    "notEqual": "Nerovná se",
    "lessThan": "Menší než",
    "greaterThan": "Větší než",
    "lessThanOrEqual": "Menší nebo rovno",
    "greaterThanOrEqual": "Větší nebo rovno",
    "inRange": "Mezi",
    "inRangeStart": "Od",
    "inRangeEnd": "Do",
    "contains": "Obsahuje",
    "notContains": "Neobsahuje",
    "startsWith": "Začíná na",
    "endsWith": "Končí na",
    "blank": "Prázdné",
    "notBlank": "Neprázdné",
    "before": "Před",
    "after": "Po",
    "andCondition": "A",
    "orCondition": "NEBO",
    "dateFormatOoo": "d. m. rrrr",
    "noRowsToShow": "Žádné procesy neodpovídají filtrům",
    "loadingOoo": "Načítání…",
}


def _label(name: str, value, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return vocabulary(name).label(value, lang)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


# ------------------------------------------------------------------ stages


def stages_figure(frame: pd.DataFrame, lang: str, data_as_of: dt.date | None = None) -> go.Figure:
    """Horizontal stacked bars: one bar per district, one segment per stage.

    ``frame``: district, stage, count (every district × stage, zeros allowed), districts
    in the order to show (top to bottom).
    """
    title = t("stages.title", lang, STRINGS)
    if frame.empty or int(frame["count"].sum()) == 0:
        return empty(t("no_data", lang), title=title, lang=lang)
    districts = list(dict.fromkeys(frame["district"]))
    totals = frame.groupby("district", sort=False)["count"].sum().reindex(districts)
    fig = go.Figure()
    for term in vocabulary("stage").terms:
        counts = (
            frame[frame["stage"] == term.value]
            .groupby("district", sort=False)["count"]
            .sum()
            .reindex(districts, fill_value=0)
        )
        if int(counts.sum()) == 0:
            continue
        label = term.label(lang)
        fig.add_trace(
            go.Bar(
                y=districts,
                x=counts.tolist(),
                name=label,
                orientation="h",
                marker_color=STAGE_COLOURS[term.value],
                customdata=totals.tolist(),
                hovertemplate=f"<b>%{{y}}</b><br>{label}: %{{x:,.0f}}<br>"
                f"{t('stages.total', lang, STRINGS)}: %{{customdata:,.0f}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_xaxes(
        title_text=t("stages.axis", lang, STRINGS), tickformat=",d", rangemode="tozero"
    )
    fig.update_yaxes(categoryorder="array", categoryarray=districts, autorange="reversed")
    return styled(
        fig,
        title=title,
        lang=lang,
        data_as_of=data_as_of,
        height=max(320, 150 + 34 * len(districts)),
    )


def stages_table(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The stacked bars as a table: a row per district, a column per stage, and the total."""
    stages = list(vocabulary("stage").terms)
    districts = list(dict.fromkeys(frame["district"]))
    wide = (
        frame.pivot_table(index="district", columns="stage", values="count", aggfunc="sum")
        .reindex(index=districts, columns=[s.value for s in stages])
        .fillna(0)
        .astype("int64")
    )
    wide["total"] = wide.sum(axis=1)
    out = pd.DataFrame({"district": districts})
    columns = {"district": t("district", lang, STRINGS)}
    for term in stages:
        out[term.value] = [fmt_number(v, lang) for v in wide[term.value]]
        columns[term.value] = term.label(lang)
    out["total"] = [fmt_number(v, lang) for v in wide["total"]]
    columns["total"] = t("total", lang, STRINGS)
    return out, columns


# ------------------------------------------------------------------ timeline


def _short(title: str) -> str:
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"


def timeline_labels(frame: pd.DataFrame) -> list[str]:
    """A y-axis label per process: district · title (shortened), made unique with the
    project id when two read the same."""
    labels = [
        f"{short or name} · {_short(title)}"
        for short, name, title in zip(
            frame["district_short"], frame["district"], frame["title"], strict=True
        )
    ]
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return [
        f"{label} ({code})" if seen[label] > 1 else label
        for label, code in zip(labels, frame["code"], strict=True)
    ]


def timeline_figure(
    frame: pd.DataFrame,
    lang: str,
    today: dt.date,
    data_as_of: dt.date | None = None,
) -> go.Figure:
    """Gantt-like bars from start to planned end (inclusive) on a date axis, in the order
    of ``frame`` (top to bottom); a vertical line at today; overdue processes in their
    own colour with their own legend entry. A process without a planned end is drawn up
    to today (its hover says so). Rows without a start date are left out.
    """
    title = t("timeline.title", lang, STRINGS)
    frame = frame[frame["start_date"].map(lambda v: not _missing(v))]
    if frame.empty:
        return empty(t("no_data", lang), title=title, lang=lang)
    frame = frame.assign(label=timeline_labels(frame))
    starts = list(frame["start_date"])
    ends = [
        max(today, start) if _missing(end) else end
        for start, end in zip(starts, frame["end_date"], strict=True)
    ]
    frame = frame.assign(
        base=[s.isoformat() for s in starts],
        duration=[((e - s).days + 1) * DAY_MS for s, e in zip(starts, ends, strict=True)],
        start_text=[fmt_date(s, lang) for s in starts],
        end_text=[
            t("no_end", lang, STRINGS) if _missing(e) else fmt_date(e, lang)
            for e in frame["end_date"]
        ],
        stage_text=[_label("stage", s, lang) for s in frame["stage"]],
        progress_text=[
            "–" if _missing(p) else fmt_percent(p, lang, 0 if float(p).is_integer() else 1)
            for p in frame["progress_pct"]
        ],
    )
    stage, progress = t("stage", lang, STRINGS), t("progress", lang, STRINGS)
    start, end = t("start", lang, STRINGS), t("end", lang, STRINGS)
    hover = (
        "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
        f"{stage}: %{{customdata[2]}}<br>{progress}: %{{customdata[3]}}<br>"
        f"{start}: %{{customdata[4]}}<br>{end}: %{{customdata[5]}}"
    )
    fig = go.Figure()

    def add(part: pd.DataFrame, name: str, colour: str, extra: str = "", **marker) -> None:
        fig.add_trace(
            go.Bar(
                y=part["label"].tolist(),
                base=part["base"].tolist(),
                x=part["duration"].tolist(),
                orientation="h",
                name=name,
                marker={"color": colour, **marker},
                customdata=part[
                    ["title", "district", "stage_text", "progress_text", "start_text", "end_text"]
                ].values.tolist(),
                hovertemplate=hover + extra + "<extra></extra>",
            )
        )

    on_time = frame[~frame["overdue"]]
    for term in vocabulary("stage").terms:
        part = on_time[on_time["stage"] == term.value]
        if len(part):
            add(part, term.label(lang), STAGE_COLOURS[term.value])
    overdue = frame[frame["overdue"]]
    if len(overdue):
        add(
            overdue,
            t("overdue", lang, STRINGS),
            OVERDUE_COLOUR,
            f"<br><b>{t('overdue.hover', lang, STRINGS)}</b>",
            pattern={"shape": "/", "fgcolor": "#FFFFFF", "size": 6, "solidity": 0.3},
        )
    fig.add_shape(
        type="line",
        x0=today.isoformat(),
        x1=today.isoformat(),
        xref="x",
        y0=0,
        y1=1,
        yref="paper",
        line={"color": "#000000", "width": 1.5, "dash": "dash"},
    )
    fig.add_annotation(
        x=today.isoformat(),
        xref="x",
        y=1,
        yref="paper",
        yanchor="bottom",
        yshift=22,  # above the date labels
        text=t("today", lang, STRINGS),
        showarrow=False,
        font={"size": 12},
    )
    rows = len(frame)
    fig.update_layout(barmode="overlay", bargap=0.25)
    # dates on top: the figure is tall and the recent end is what people look at first
    fig.update_xaxes(type="date", showgrid=True, side="top", ticks="outside")
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=frame["label"].tolist(),
        autorange="reversed",
        tickfont={"size": 11},
        automargin=True,
    )
    fig = styled(
        fig, title=title, lang=lang, data_as_of=data_as_of, height=max(360, 190 + 22 * rows)
    )
    # the legend to the right of the bars, at the top (the figure may be tall)
    fig.update_layout(
        legend={
            "orientation": "v",
            "yanchor": "top",
            "y": 1,
            "x": 1.01,
            "xanchor": "left",
            "traceorder": "normal",
        },
        margin={"t": 140 if data_as_of else 120, "r": 20, "b": 20},
    )
    return fig


def timeline_note(shown: int, total: int, undated: int, lang: str) -> str:
    """What the timeline leaves out, in words ('' when it shows everything)."""
    parts = []
    if total > shown:
        parts.append(t("note.limited", lang, STRINGS, shown=shown, total=total))
    if undated:
        parts.append(t("note.undated", lang, STRINGS, n=undated))
    return " ".join(parts)


def timeline_table(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The timeline as a table of formatted values."""
    out = pd.DataFrame(
        {
            "district": list(frame["district"]),
            "title": list(frame["title"]),
            "stage": [_label("stage", s, lang) for s in frame["stage"]],
            "start": [fmt_date(None if _missing(v) else v, lang) for v in frame["start_date"]],
            "end": [fmt_date(None if _missing(v) else v, lang) for v in frame["end_date"]],
            "state": [t("overdue" if o else "on_time", lang, STRINGS) for o in frame["overdue"]],
        }
    )
    columns = {
        "district": t("district", lang, STRINGS),
        "title": t("title", lang, STRINGS),
        "stage": t("stage", lang, STRINGS),
        "start": t("start", lang, STRINGS),
        "end": t("end", lang, STRINGS),
        "state": t("state", lang, STRINGS),
    }
    return out, columns


# ------------------------------------------------------------------ grid


def _number(value):
    return None if _missing(value) else float(value)


def grid_rows(frame: pd.DataFrame, lang: str) -> list[dict]:
    """Rows for dash-ag-grid: raw values (sorting, filtering) and ``*_text`` display
    strings in the page language (``15. 3. 2021``, ``1 234 567 Kč``)."""
    order = {value: i for i, value in enumerate(vocabulary("stage").values)}
    overdue_suffix = f" ({t('overdue', lang, STRINGS).lower()})"
    rows = []
    for r in frame.itertuples(index=False):
        progress = _number(r.progress_pct)
        budget = _number(r.budget_czk)
        start = None if _missing(r.start_date) else r.start_date
        end = None if _missing(r.end_date) else r.end_date
        rows.append(
            {
                "id": str(r.id),  # AG Grid row ids are strings
                "district": r.district,
                "code": r.code,
                "title": r.title,
                "kind": _label("kind", r.kind, lang),
                "stage_order": order.get(r.stage, len(order)),
                "stage": _label("stage", r.stage, lang),
                "progress": progress,
                "progress_text": "–"
                if progress is None
                else fmt_percent(progress, lang, 0 if progress.is_integer() else 1),
                "start": start.isoformat() if start else None,
                "start_text": fmt_date(start, lang),
                "end": end.isoformat() if end else None,
                "end_text": fmt_date(end, lang) + (overdue_suffix if r.overdue else ""),
                "budget": budget,
                "budget_text": fmt_czk(budget, lang),
                "topic": _label("topic", r.topic, lang),
                "overdue": bool(r.overdue),
            }
        )
    return rows


def _shown(field: str) -> dict:
    """Show the preformatted ``<field>_text`` while sorting/filtering on the raw value."""
    return {"function": f"params.data ? params.data.{field}_text : params.value"}


def column_defs(lang: str) -> list[dict]:
    """The grid's columns with headers in the page language."""

    def head(key: str) -> str:
        return t(key, lang, STRINGS)

    text = {"filter": "agTextColumnFilter", "cellDataType": "text"}
    number = {"filter": "agNumberColumnFilter", "cellDataType": "number", "type": "rightAligned"}
    date = {"filter": "agDateColumnFilter", "cellDataType": "dateString"}
    return [
        {"field": "district", "headerName": head("district"), "minWidth": 100, **text},
        {"field": "code", "headerName": head("code"), "minWidth": 95, **text},
        {
            "field": "title",
            "headerName": head("title"),
            "minWidth": 160,
            "flex": 2,
            "tooltipField": "title",
            **text,
        },
        {"field": "kind", "headerName": head("kind"), "minWidth": 110, **text},
        {
            # sorted in process order (vocabulary), shown and filtered by its label
            "field": "stage_order",
            "colId": "stage",
            "headerName": head("stage"),
            "minWidth": 100,
            "filter": "agTextColumnFilter",
            "cellDataType": False,
            "valueFormatter": {"function": "params.data ? params.data.stage : params.value"},
            "filterValueGetter": {"function": "params.data.stage"},
        },
        {
            "field": "progress",
            "headerName": head("progress_pct"),
            "minWidth": 80,
            "valueFormatter": _shown("progress"),
            **number,
        },
        {
            "field": "start",
            "headerName": head("start"),
            "minWidth": 95,
            "valueFormatter": _shown("start"),
            **date,
        },
        {
            "field": "end",
            "headerName": head("end"),
            "minWidth": 150,
            "valueFormatter": _shown("end"),
            "cellStyle": {
                "styleConditions": [
                    {
                        "condition": "params.data && params.data.overdue",
                        "style": {"color": OVERDUE_TEXT, "fontWeight": "600"},
                    }
                ]
            },
            **date,
        },
        {
            "field": "budget",
            "headerName": head("budget"),
            "minWidth": 110,
            "valueFormatter": _shown("budget"),
            **number,
        },
        {"field": "topic", "headerName": head("topic"), "minWidth": 90, **text},
    ]


def grid_locale(lang: str) -> dict:
    """AG Grid's interface texts: Czech from :data:`GRID_LOCALE_CS`, English built in."""
    return dict(GRID_LOCALE_CS) if lang == "cs" else {}
