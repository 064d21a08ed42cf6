"""Stránka nenalezena / page not found."""

import dash
from dash import html

from dashboard.auth import EVERYONE
from dashboard.i18n import current_lang

dash.register_page(__name__, hidden=True, title="Koordinace – nenalezeno", roles=EVERYONE)


def layout(**_kwargs):
    lang = current_lang()
    return html.Div(
        [
            html.H1("Stránka nenalezena" if lang == "cs" else "Page not found"),
            html.A("Zpět na přehled" if lang == "cs" else "Back to the overview", href="/"),
        ]
    )
