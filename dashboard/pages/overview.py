"""Přehled / Overview: the pilot at a glance — key figures (processes, participants, rate
per 1,000 residents against the pilot median, participatory-budgeting money, stale data),
a map of the districts by participation rate and their ranking. Everything follows the
filters; a click on a district (map or ranking) opens its page.
"""

from __future__ import annotations

import logging

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html

from dashboard import figures, queries
from dashboard.auth import EVERYONE
from dashboard.components.filters import INPUTS, filter_bar
from dashboard.components.graph import chart, data_table
from dashboard.figures import overview as overview_figures
from dashboard.filters import Filters
from dashboard.i18n import current_lang, fmt_czk, fmt_number, t
from dashboard.metrics import METRICS
from dashboard.queries import overview as overview_queries

log = logging.getLogger(__name__)

dash.register_page(
    __name__,
    path="/",
    name="Přehled",
    name_en="Overview",
    order=0,
    roles=EVERYONE,  # leadership reads the summary pages
    title="Koordinace – přehled",
)

KPIS = "overview-kpis"
MAP = "overview-map"
RANKING = "overview-ranking"
GOTO = "overview-goto"

STRINGS = {
    "heading": {"cs": "Přehled", "en": "Overview"},
    "lead": {
        "cs": "Pilotní projekt koordinátorů participace na jedné stránce: procesy, účast "
        "obyvatel v poměru k počtu obyvatel a aktuálnost dat vybraných městských částí. "
        "Kliknutím na městskou část v mapě nebo v pořadí otevřete její stránku.",
        "en": "The participation coordinators' pilot on one page: processes, residents' "
        "participation relative to population, and how current the selected districts' "
        "data is. Click a district on the map or in the ranking to open its page.",
    },
    "kpis": {"cs": "Klíčové ukazatele", "en": "Key figures"},
    "participants.detail": {
        "cs": "v {count} vybraných městských částech",
        "en": "in {count} selected districts",
    },
    "participants.detail.one": {
        "cs": "v 1 vybrané městské části",
        "en": "in 1 selected district",
    },
    "rate.detail": {"cs": "medián pilotních MČ: {value}", "en": "pilot districts' median: {value}"},
    "rate.whole": {
        "cs": "celkem za výběr ({population} obyvatel)",
        "en": "the selection as a whole ({population} residents)",
    },
    "stale.value": {"cs": "{stale} z {total}", "en": "{stale} of {total}"},
    "stale.none": {"cs": "všechny mají aktuální data", "en": "all have up-to-date data"},
    "pb.detail": {"cs": "mimo zrušené procesy", "en": "cancelled processes excluded"},
}

#: KPI card → the metric whose definition it shows.
CARDS = (
    "active_processes",
    "completed_processes",
    "participants",
    "participation_rate",
    "pb_allocated",
    "stale_districts",
)


def layout(**kwargs):
    lang = current_lang()
    f = Filters.from_args(kwargs)
    return html.Div(
        [
            html.H1(t("heading", lang, STRINGS), className="h3"),
            html.P(t("lead", lang, STRINGS), className="text-muted"),
            filter_bar(f, lang),
            html.H2(t("kpis", lang, STRINGS), className="visually-hidden"),
            dcc.Loading(
                html.Div(id=KPIS, className="mb-3", role="region", **{"aria-live": "polite"}),
                type="default",
                delay_show=300,
            ),
            dbc.Row(
                [
                    dbc.Col(chart(MAP, lang), lg=6),
                    dbc.Col(chart(RANKING, lang), lg=6),
                ],
                className="g-3",
            ),
            dcc.Location(id=GOTO, refresh="callback-nav"),
        ]
    )


# ------------------------------------------------------------------ KPI cards


def _card(key: str, value: str, detail: str | None, lang: str) -> dbc.Col:
    metric = METRICS[key]
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.H3(metric.label(lang), className="h6 text-muted mb-1"),
                    html.P(value, className="fs-3 fw-semibold mb-0 text-nowrap kpi-value"),
                    html.P(detail, className="small mb-1 kpi-detail") if detail else None,
                    html.P(
                        metric.definition(lang),
                        className="text-muted mb-0 kpi-def",
                        style={"fontSize": "0.8rem"},
                    ),
                ]
            ),
            className="h-100",
            id=f"overview-kpi-{key}",
        ),
        xs=12,
        md=6,
        lg=4,
    )


def kpi_cards(values: dict, lang: str) -> dbc.Row:
    """The six KPI cards from :func:`dashboard.queries.overview.key_figures`."""
    count = values["districts"]
    texts = {
        "active_processes": (fmt_number(values["active_processes"], lang), None),
        "completed_processes": (fmt_number(values["completed_processes"], lang), None),
        "participants": (
            fmt_number(values["participants"], lang),
            t("participants.detail.one", lang, STRINGS)
            if count == 1
            else t("participants.detail", lang, STRINGS, count=count),
        ),
        "participation_rate": (
            fmt_number(values["per_1000"], lang, 1),
            t("rate.whole", lang, STRINGS, population=fmt_number(values["population"], lang))
            + " · "
            + t("rate.detail", lang, STRINGS, value=fmt_number(values["median_per_1000"], lang, 1)),
        ),
        "pb_allocated": (fmt_czk(values["pb_allocated"], lang), t("pb.detail", lang, STRINGS)),
        "stale_districts": (
            t("stale.value", lang, STRINGS, stale=values["stale"], total=count),
            ", ".join(values["stale_names"])
            if values["stale_names"]
            else t("stale.none", lang, STRINGS),
        ),
    }
    return dbc.Row(
        [_card(key, *texts[key], lang) for key in CARDS], className="g-2", id="overview-kpi-row"
    )


# ------------------------------------------------------------------ callbacks


@callback(Output(KPIS, "children"), *INPUTS)
def update_kpis(start, end, districts, kinds, topics):
    lang = current_lang()
    try:
        f = Filters.from_controls(start, end, districts, kinds, topics)
        return kpi_cards(overview_queries.key_figures(f), lang)
    except Exception:
        log.exception("overview: key figures failed")
        return dbc.Alert(t("error", lang), color="warning", className="mb-0")


@callback(Output(MAP, "figure"), Output(f"{MAP}-table", "children"), *INPUTS)
def update_map(start, end, districts, kinds, topics):
    lang = current_lang()
    title = t("map.title", lang, overview_figures.STRINGS)
    try:
        f = Filters.from_controls(start, end, districts, kinds, topics)
        frame = overview_queries.district_map(f)
        fig = overview_figures.district_map(frame, lang=lang, data_as_of=queries.data_as_of())
        table, columns = overview_figures.map_table(frame, lang)
        return fig, data_table(table, columns)
    except Exception:
        log.exception("overview: map failed")
        return figures.empty(t("error", lang), title=title, lang=lang), None


@callback(Output(RANKING, "figure"), Output(f"{RANKING}-table", "children"), *INPUTS)
def update_ranking(start, end, districts, kinds, topics):
    lang = current_lang()
    title = t("ranking.title", lang, overview_figures.STRINGS)
    try:
        f = Filters.from_controls(start, end, districts, kinds, topics)
        frame, median = overview_queries.participation(f)
        fig = overview_figures.ranking(frame, median, lang=lang, data_as_of=queries.data_as_of())
        table, columns = overview_figures.ranking_table(frame, median, lang)
        return fig, data_table(table, columns) if len(table) else None
    except Exception:
        log.exception("overview: ranking failed")
        return figures.empty(t("error", lang), title=title, lang=lang), None


@callback(
    Output(GOTO, "href"),
    Input(MAP, "clickData"),
    Input(RANKING, "clickData"),
    *(State(i.component_id, i.component_property) for i in INPUTS),
    prevent_initial_call=True,
)
def open_district(map_click, ranking_click, start, end, _districts, kinds, topics):
    """A click on a district opens its page, keeping the period, kind and topic."""
    click = map_click if ctx.triggered_id == MAP else ranking_click
    href = district_href(click, Filters.from_controls(start, end, None, kinds, topics))
    return href if href else dash.no_update


def district_href(click: dict | None, filters: Filters) -> str | None:
    """``/districts/<code>?…`` for a Plotly click on the map (location) or a bar (code)."""
    points = (click or {}).get("points") or []
    if not points:
        return None
    point = points[0]
    code = point.get("location")
    if code is None:
        custom = point.get("customdata")
        code = custom[0] if isinstance(custom, list | tuple) and custom else None
    try:
        code = int(code)
    except (TypeError, ValueError):
        return None
    return f"/districts/{code}{filters.to_query()}"
