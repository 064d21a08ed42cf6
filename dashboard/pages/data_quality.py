"""Kvalita dat / Data quality: the last import with its rejected rows, and the districts."""

import dash
from dash import html

from dashboard import queries

dash.register_page(
    __name__,
    path="/data-quality",
    name="Kvalita dat",
    name_en="Data quality",
    order=90,
    title="Koordinace – kvalita dat",
)


def _population(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


KIND_LABELS = {"projects": "Projekty", "activities": "Aktivity", "tool_usage": "Použití nástrojů"}


def _import_summary():
    run = queries.last_import()
    if run is None:
        return html.P("Zatím neproběhl žádný import.", className="text-muted")
    when = run["finished_at"].strftime("%-d. %-m. %Y %H:%M") if run["finished_at"] else ""
    counts = run["counts"]
    rows = [
        html.Tr(
            [
                html.Td(KIND_LABELS[kind]),
                *(
                    html.Td(_population(counts.get(kind, {}).get(k, 0)), className="text-end")
                    for k in ("inserted", "updated", "unchanged", "rejected")
                ),
            ]
        )
        for kind in KIND_LABELS
    ]
    rejected = queries.rejected_rows(run["id"])
    files = run["files"]
    return html.Div(
        [
            html.H2(f"Poslední import ({when})", className="h4"),
            html.P(
                f"Souborů přijato {files.get('accepted', 0)}, přeskočeno "
                f"{files.get('skipped', 0)}, odmítnuto {files.get('rejected', 0)}."
            ),
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th("Záznamy"),
                                *(
                                    html.Th(h, className="text-end")
                                    for h in ("nové", "změněné", "beze změny", "odmítnuté")
                                ),
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                className="table table-sm w-auto",
                id="import-counts",
            ),
            html.H3("Odmítnuté řádky", className="h5") if len(rejected) else None,
            html.Table(
                [
                    html.Thead(
                        html.Tr([html.Th(h) for h in ("Městská část", "Soubor", "Řádek", "Důvody")])
                    ),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Td(r.district),
                                    html.Td(r.file + (f" ({r.sheet})" if r.sheet else "")),
                                    html.Td(r.row),
                                    html.Td("; ".join(r.reasons)),
                                ]
                            )
                            for r in rejected.itertuples()
                        ]
                    ),
                ],
                className="table table-sm",
                id="rejected-rows",
            )
            if len(rejected)
            else None,
        ],
        className="mb-4",
    )


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
            _import_summary(),
            html.H1("Městské části", className="h4"),
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
