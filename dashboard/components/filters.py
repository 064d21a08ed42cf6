"""The filter bar (period, districts, process kind, topic), shared by the pages.

Its component ids are the same on every page; one callback (registered here) writes the
values into the URL query string, and each page's own callbacks take them as inputs.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import queries
from dashboard.filters import Filters
from dashboard.i18n import t
from models.vocabulary import vocabulary

PERIOD = "filter-period"
DISTRICTS = "filter-districts"
KINDS = "filter-kinds"
TOPICS = "filter-topics"
URL = "url"

#: The filter bar's values as callback inputs: Filters.from_controls(*values).
INPUTS = [
    Input(PERIOD, "start_date"),
    Input(PERIOD, "end_date"),
    Input(DISTRICTS, "value"),
    Input(KINDS, "value"),
    Input(TOPICS, "value"),
]


DROPDOWN_LABELS = {
    "cs": {
        "select_all": "Vybrat vše",
        "deselect_all": "Zrušit výběr všech",
        "selected_count": "vybráno: {num_selected}",
        "search": "Hledat",
        "clear_search": "Vymazat hledání",
        "clear_selection": "Zrušit výběr",
        "no_options_found": "Nic nenalezeno",
    },
    "en": {
        "select_all": "Select all",
        "deselect_all": "Deselect all",
        "selected_count": "{num_selected} selected",
        "search": "Search",
        "clear_search": "Clear search",
        "clear_selection": "Clear selection",
        "no_options_found": "No options found",
    },
}


def filter_bar(
    filters: Filters, lang: str, show: tuple[str, ...] = ("period", "districts", "kind", "topic")
) -> html.Div:
    """The filter controls, set from ``filters`` (e.g. parsed from the URL)."""
    districts = queries.districts()
    pilot = districts[districts["is_pilot"]]
    others = districts[~districts["is_pilot"]]
    district_options = [{"label": r.name, "value": int(r.code)} for r in pilot.itertuples()] + [
        {"label": r.name, "value": int(r.code)} for r in others.itertuples()
    ]

    def choices(name: str):
        return [{"label": term.label(lang), "value": term.value} for term in vocabulary(name).terms]

    controls = {
        "period": dcc.DatePickerRange(
            id=PERIOD,
            start_date=filters.start.isoformat() if filters.start else None,
            end_date=filters.end.isoformat() if filters.end else None,
            display_format="D. M. YYYY" if lang == "cs" else "D MMM YYYY",
            start_date_placeholder_text="od" if lang == "cs" else "from",
            end_date_placeholder_text="do" if lang == "cs" else "to",
            first_day_of_week=1,
            clearable=True,
        ),
        "districts": dcc.Dropdown(
            id=DISTRICTS,
            options=district_options,
            value=list(filters.districts),
            multi=True,
            placeholder=t("filter.pilot", lang),
            labels=DROPDOWN_LABELS[lang],
        ),
        "kind": dcc.Dropdown(
            id=KINDS,
            options=choices("kind"),
            value=list(filters.kinds),
            multi=True,
            placeholder=t("filter.all", lang),
            labels=DROPDOWN_LABELS[lang],
        ),
        "topic": dcc.Dropdown(
            id=TOPICS,
            options=choices("topic"),
            value=list(filters.topics),
            multi=True,
            placeholder=t("filter.all", lang),
            labels=DROPDOWN_LABELS[lang],
        ),
    }
    labels = {
        "period": "filter.period",
        "districts": "filter.districts",
        "kind": "filter.kind",
        "topic": "filter.topic",
    }
    columns = []
    for name in ("period", "districts", "kind", "topic"):
        control = controls[name]
        if name not in show:  # keep the id in the page (inputs), hidden
            columns.append(html.Div(control, hidden=True))
            continue
        columns.append(
            dbc.Col(
                [
                    html.Label(
                        t(labels[name], lang), htmlFor=control.id, className="form-label small"
                    ),
                    control,
                ],
                md=3,
                className="mb-2",
            )
        )
    return html.Div(dbc.Row(columns, className="g-2"), className="filter-bar mb-3", role="search")


@callback(Output(URL, "search"), *INPUTS, prevent_initial_call=True)
def filters_to_url(start, end, districts, kinds, topics) -> str:
    """Keep the URL's query string in step with the filters (a copied link reopens them)."""
    return Filters.from_controls(start, end, districts, kinds, topics).to_query()
