"""A chart as the pages show it: the Graph (offline map config, Czech locale), a loading
state, and a table alternative for screen readers."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard.i18n import PLOTLY_LOCALE, t


def graph_config(lang: str) -> dict:
    return {
        "locale": PLOTLY_LOCALE[lang],
        "displaylogo": False,
        # Choropleths fetch a world topojson from a CDN unless told where it is: a stub.
        "topojsonURL": "/assets/topojson/",
        "toImageButtonOptions": {"format": "png", "scale": 2},
    }


def chart(graph_id: str, lang: str, *, alternative_id: str | None = None) -> html.Div:
    """A graph placeholder filled by a callback, with its table alternative below."""
    return html.Div(
        [
            dcc.Loading(
                dcc.Graph(id=graph_id, config=graph_config(lang)),
                type="default",
                delay_show=300,
            ),
            html.Details(
                [
                    html.Summary(t("table.alternative", lang), className="small text-muted"),
                    html.Div(id=alternative_id or f"{graph_id}-table"),
                ],
                className="mb-3",
            ),
        ],
        className="chart",
    )


def data_table(frame: pd.DataFrame, columns: dict[str, str]) -> html.Table:
    """A plain HTML table (screen-reader friendly) of already formatted values."""
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(label, scope="col") for label in columns.values()])),
            html.Tbody(
                [
                    html.Tr([html.Td(str(row[c])) for c in columns])
                    for row in frame.to_dict("records")
                ]
            ),
        ],
        className="table table-sm small",
    )
