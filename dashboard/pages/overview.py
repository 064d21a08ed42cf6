"""Přehled / Overview: placeholder until the overview page lands (KPIs, map, ranking)."""

import dash
from dash import html

from dashboard.components.filters import filter_bar
from dashboard.filters import Filters
from dashboard.i18n import current_lang

dash.register_page(
    __name__, path="/", name="Přehled", name_en="Overview", order=0, title="Koordinace – přehled"
)


def layout(**kwargs):
    lang = current_lang()
    return html.Div(
        [
            html.H1("Přehled" if lang == "cs" else "Overview"),
            filter_bar(Filters.from_args(kwargs), lang),
        ]
    )
