"""Přehled: until the dashboard pages land, the list of districts from the database."""

import dash
from dash import html

from dashboard import queries

dash.register_page(__name__, path="/", name="Přehled", title="Koordinace – přehled")


def _population(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


def layout(**_kwargs):
    frame = queries.districts()
    pilot = frame[frame["is_pilot"]]
    rows = [
        html.Tr(
            [
                html.Td(r.name),
                html.Td(r.code),
                html.Td(_population(r.population), className="text-end"),
                html.Td("ano" if r.is_pilot else "ne"),
            ]
        )
        for r in frame.itertuples()
    ]
    return html.Div(
        [
            html.H1("Městské části"),
            html.P(
                f"{len(frame)} městských částí, z toho {len(pilot)} v pilotním projektu "
                f"koordinátorů participace."
            ),
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th("Městská část"),
                                html.Th("Kód"),
                                html.Th("Obyvatel (2019)", className="text-end"),
                                html.Th("Pilot"),
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                className="table table-sm table-striped",
                id="district-table",
            ),
        ]
    )
