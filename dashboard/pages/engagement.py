"""Zapojení / Engagement: how many residents take part, when, where, in which form and in
which kind of activity; the youth share; participatory budgeting's proposals and votes.

Every chart honours the filter bar (period = the activity's date). Callbacks stay thin:
filters → a query of :mod:`dashboard.queries.engagement` → a figure of
:mod:`dashboard.figures.engagement`, plus the chart's table alternative.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import dash
import dash_bootstrap_components as dbc
from dash import Output, callback, html

from dashboard import figures, queries
from dashboard.components.filters import INPUTS, filter_bar
from dashboard.components.graph import chart, data_table
from dashboard.figures import engagement as fig
from dashboard.filters import Filters
from dashboard.i18n import current_lang, t
from dashboard.metrics import METRICS
from dashboard.queries import engagement as q

log = logging.getLogger(__name__)

dash.register_page(
    __name__,
    path="/engagement",
    name="Zapojení",
    name_en="Engagement",
    order=20,
    title="Koordinace – zapojení",
)

STRINGS = {
    "heading": {"cs": "Zapojení veřejnosti", "en": "Public engagement"},
    "intro": {
        "cs": "Kolik lidí se zapojuje, kdy, kde, v jaké formě a na jakých aktivitách; "
        "období filtru se vztahuje k datu aktivity.",
        "en": "How many people take part, when, where, in which form and in which "
        "activities; the filter period applies to the activity date.",
    },
    "pb_definition": {
        "cs": "Součet návrhů a hlasů uvedených u aktivit procesů typu participativní "
        "rozpočet; aktivity bez údaje se nepočítají.",
        "en": "Sum of the proposals and votes reported by the activities of "
        "participatory-budgeting processes; activities without the figure are not counted.",
    },
    "channel_definition": {
        "cs": "Podíl účastníků aktivit online, prezenčních a hybridních v každé městské části.",
        "en": "Share of participants in online, in-person and hybrid activities per district.",
    },
}

ID = "engagement"
MONTHLY = f"{ID}-monthly"
RATE = f"{ID}-rate"
CHANNELS = f"{ID}-channels"
TYPES = f"{ID}-types"
YOUTH = f"{ID}-youth"
PB = f"{ID}-pb"


def _definition(text: str, element_id: str) -> html.P:
    return html.P(text, className="small text-muted mb-1", id=element_id)


def layout(**kwargs):
    lang = current_lang()
    f = Filters.from_args(kwargs)
    participants = METRICS["participants"].definition(lang)

    def section(graph_id: str, definition: str, width: int = 12):
        return dbc.Col(
            [_definition(definition, f"{graph_id}-definition"), chart(graph_id, lang)],
            lg=width,
        )

    return html.Div(
        [
            html.H1(t("heading", lang, STRINGS), className="h3"),
            html.P(t("intro", lang, STRINGS), className="lead fs-6"),
            filter_bar(f, lang),
            dbc.Row(section(MONTHLY, participants)),
            dbc.Row(
                [
                    section(RATE, METRICS["participation_rate"].definition(lang), 6),
                    section(YOUTH, METRICS["youth_share"].definition(lang), 6),
                ]
            ),
            dbc.Row(
                [
                    section(CHANNELS, t("channel_definition", lang, STRINGS), 6),
                    section(TYPES, participants, 6),
                ]
            ),
            dbc.Row(section(PB, t("pb_definition", lang, STRINGS))),
        ],
        id=f"{ID}-page",
    )


# ------------------------------------------------------------------ callbacks


def _render(title_key: str, build: Callable[[str], tuple]) -> tuple:
    """``build(lang)`` → (figure, (table frame, headers)) → the figure and its table
    alternative; an exception is logged and becomes a message, never a traceback."""
    lang = current_lang()
    try:
        figure, (table, headers) = build(lang)
    except Exception:
        log.exception("engagement chart %s failed", title_key)
        title = fig.text(title_key, lang)
        return figures.empty(t("error", lang), title=title, lang=lang), None
    if table.empty:
        return figure, html.P(t("no_data", lang), className="small text-muted")
    return figure, data_table(table, headers)


def _filters(*values) -> Filters:
    return Filters.from_controls(*values)


@callback(Output(MONTHLY, "figure"), Output(f"{MONTHLY}-table", "children"), *INPUTS)
def update_monthly(*values):
    def build(lang):
        frame = q.monthly_participants(_filters(*values))
        return fig.monthly(frame, lang, queries.data_as_of()), fig.monthly_table(frame, lang)

    return _render("monthly.title", build)


@callback(Output(RATE, "figure"), Output(f"{RATE}-table", "children"), *INPUTS)
def update_rate(*values):
    def build(lang):
        frame, median = q.participation(_filters(*values))
        return (
            fig.participation_rate(frame, median, lang, queries.data_as_of()),
            fig.participation_table(frame, median, lang),
        )

    return _render("rate.title", build)


@callback(Output(CHANNELS, "figure"), Output(f"{CHANNELS}-table", "children"), *INPUTS)
def update_channels(*values):
    def build(lang):
        frame = q.channel_split(_filters(*values))
        return fig.channels(frame, lang, queries.data_as_of()), fig.channels_table(frame, lang)

    return _render("channels.title", build)


@callback(Output(TYPES, "figure"), Output(f"{TYPES}-table", "children"), *INPUTS)
def update_types(*values):
    def build(lang):
        frame = q.activity_types(_filters(*values))
        return (
            fig.activity_types(frame, lang, queries.data_as_of()),
            fig.activity_types_table(frame, lang),
        )

    return _render("types.title", build)


@callback(Output(YOUTH, "figure"), Output(f"{YOUTH}-table", "children"), *INPUTS)
def update_youth(*values):
    def build(lang):
        frame = q.youth_share(_filters(*values))
        return fig.youth(frame, lang, queries.data_as_of()), fig.youth_table(frame, lang)

    return _render("youth.title", build)


@callback(Output(PB, "figure"), Output(f"{PB}-table", "children"), *INPUTS)
def update_pb(*values):
    def build(lang):
        frame = q.participatory_budgeting(_filters(*values))
        return (
            fig.participatory_budgeting(frame, lang, queries.data_as_of()),
            fig.participatory_budgeting_table(frame, lang),
        )

    return _render("pb.title", build)
