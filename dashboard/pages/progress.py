"""Průběh / Progress: how the districts' participation processes progress — processes
per district by stage, a timeline from start to planned end with overdue ones marked,
and a sortable, filterable list of the processes. Everything follows the filters."""

from __future__ import annotations

import datetime as dt
import logging

import dash
import dash_ag_grid as dag
from dash import Output, callback, html

from dashboard import figures, queries
from dashboard.components.filters import INPUTS, filter_bar
from dashboard.components.graph import chart, data_table
from dashboard.figures import progress as progress_figures
from dashboard.filters import Filters
from dashboard.i18n import current_lang, fmt_number, t
from dashboard.metrics import METRICS
from dashboard.queries import progress as progress_queries

log = logging.getLogger(__name__)

dash.register_page(
    __name__,
    path="/progress",
    name="Průběh",
    name_en="Progress",
    order=10,
    title="Koordinace – průběh procesů",
)

STAGES = "progress-stages"
TIMELINE = "progress-timeline"
TIMELINE_NOTE = "progress-timeline-note"
GRID = "progress-grid"
GRID_COUNT = "progress-grid-count"

STRINGS = {
    "heading": {"cs": "Průběh procesů", "en": "Progress of the processes"},
    "intro": {
        "cs": "V jaké fázi jsou participační procesy městských částí, kdy běží a které "
        "jsou po plánovaném termínu.",
        "en": "Which stage the districts' participation processes are in, when they run "
        "and which are past their planned end.",
    },
    "overdue.definition": {
        "cs": "Po termínu: plánované ukončení uplynulo a proces není dokončen ani zrušen.",
        "en": "Overdue: the planned end has passed and the process is neither completed "
        "nor cancelled.",
    },
    "period.definition": {
        "cs": "Období vybírá procesy, které s ním alespoň zčásti souběží.",
        "en": "The period selects the processes that overlap it.",
    },
    "grid.heading": {"cs": "Seznam procesů", "en": "List of processes"},
    "grid.hint": {
        "cs": "Řaďte kliknutím na záhlaví sloupce, filtrujte v řádku pod záhlavím.",
        "en": "Sort by clicking a column header, filter in the row below the headers.",
    },
    "grid.count": {
        "cs": "Procesů: {total}, z toho po termínu: {overdue}.",
        "en": "Processes: {total}, of which overdue: {overdue}.",
    },
    "grid.error": {
        "cs": "Seznam se nepodařilo načíst. Zkuste to prosím znovu; chyba byla zaznamenána.",
        "en": "The list could not be loaded. Please try again; the error was logged.",
    },
}


def layout(**kwargs):
    lang = current_lang()
    f = Filters.from_args(kwargs)
    return html.Div(
        [
            html.H1(t("heading", lang, STRINGS), className="h3"),
            html.P(t("intro", lang, STRINGS), className="lead fs-6"),
            filter_bar(f, lang),
            html.P(
                [
                    html.Strong(f"{METRICS['progress'].label(lang)}: "),
                    METRICS["progress"].definition(lang),
                    " ",
                    t("overdue.definition", lang, STRINGS),
                    " ",
                    t("period.definition", lang, STRINGS),
                ],
                className="small text-muted",
                id="progress-definitions",
            ),
            chart(STAGES, lang),
            html.P(id=TIMELINE_NOTE, className="small text-muted mb-1", role="note"),
            chart(TIMELINE, lang),
            html.H2(t("grid.heading", lang, STRINGS), className="h4 mt-2"),
            html.P(
                [
                    html.Span(id=GRID_COUNT),
                    " ",
                    html.Span(t("grid.hint", lang, STRINGS)),
                ],
                className="small text-muted",
            ),
            dag.AgGrid(
                id=GRID,
                columnDefs=progress_figures.column_defs(lang),
                rowData=[],
                defaultColDef={
                    "sortable": True,
                    "filter": True,
                    "floatingFilter": True,
                    "resizable": True,
                    "wrapHeaderText": True,
                    "autoHeaderHeight": True,
                },
                dashGridOptions={
                    "localeText": progress_figures.grid_locale(lang),
                    "theme": "themeBalham",
                    "tooltipShowDelay": 400,
                    "animateRows": False,
                    "suppressDragLeaveHidesColumns": True,
                },
                getRowId="params.data.id",
                columnSize="responsiveSizeToFit",
                style={"height": "560px"},
                className="mb-4",
            ),
        ]
    )


def _as_of():
    return queries.data_as_of()


@callback(Output(STAGES, "figure"), Output(f"{STAGES}-table", "children"), *INPUTS)
def update_stages(start, end, districts, kinds, topics):
    lang = current_lang()
    title = t("stages.title", lang, progress_figures.STRINGS)
    try:
        frame = progress_queries.stage_counts(
            Filters.from_controls(start, end, districts, kinds, topics)
        )
        fig = progress_figures.stages_figure(frame, lang, _as_of())
        if frame.empty or int(frame["count"].sum()) == 0:
            return fig, None
        return fig, data_table(*progress_figures.stages_table(frame, lang))
    except Exception:  # noqa: BLE001 - a chart shows an error message, never a traceback
        log.exception("the stages chart failed")
        return figures.empty(t("error", lang), title=title, lang=lang), None


@callback(
    Output(TIMELINE, "figure"),
    Output(f"{TIMELINE}-table", "children"),
    Output(TIMELINE_NOTE, "children"),
    *INPUTS,
)
def update_timeline(start, end, districts, kinds, topics):
    lang = current_lang()
    title = t("timeline.title", lang, progress_figures.STRINGS)
    today = dt.date.today()
    try:
        found = progress_queries.timeline(
            Filters.from_controls(start, end, districts, kinds, topics), today=today
        )
        fig = progress_figures.timeline_figure(found.rows, lang, today, _as_of())
        note = progress_figures.timeline_note(len(found.rows), found.total, found.undated, lang)
        if found.rows.empty:
            return fig, None, note
        return fig, data_table(*progress_figures.timeline_table(found.rows, lang)), note
    except Exception:  # noqa: BLE001 - a chart shows an error message, never a traceback
        log.exception("the timeline failed")
        return figures.empty(t("error", lang), title=title, lang=lang), None, ""


@callback(Output(GRID, "rowData"), Output(GRID_COUNT, "children"), *INPUTS)
def update_grid(start, end, districts, kinds, topics):
    lang = current_lang()
    try:
        frame = progress_queries.processes(
            Filters.from_controls(start, end, districts, kinds, topics), today=dt.date.today()
        )
    except Exception:  # noqa: BLE001 - the list shows an error message, never a traceback
        log.exception("the list of processes failed")
        return [], t("grid.error", lang, STRINGS)
    count = t(
        "grid.count",
        lang,
        STRINGS,
        total=fmt_number(len(frame), lang),
        overdue=fmt_number(int(frame["overdue"].sum()), lang),
    )
    return progress_figures.grid_rows(frame, lang), count
