"""Kvalita dat / Data quality: the last import with its rejected rows, and each
district's data freshness — what a city coordinator checks after an import."""

import dash
from dash import html

from dashboard import metrics, queries
from dashboard.i18n import current_lang, fmt_date, fmt_number, t

dash.register_page(
    __name__,
    path="/data-quality",
    name="Kvalita dat",
    name_en="Data quality",
    order=90,
    title="Koordinace – kvalita dat",
)

STRINGS = {
    "heading": {"cs": "Kvalita dat", "en": "Data quality"},
    "none": {"cs": "Zatím neproběhl žádný import.", "en": "No import has run yet."},
    "last": {"cs": "Poslední import ({when})", "en": "Last import ({when})"},
    "files": {
        "cs": "Souborů přijato {accepted}, přeskočeno {skipped}, odmítnuto {rejected}.",
        "en": "Files accepted {accepted}, skipped {skipped}, rejected {rejected}.",
    },
    "records": {"cs": "Záznamy", "en": "Records"},
    "inserted": {"cs": "nové", "en": "inserted"},
    "updated": {"cs": "změněné", "en": "updated"},
    "unchanged": {"cs": "beze změny", "en": "unchanged"},
    "rejected": {"cs": "odmítnuté", "en": "rejected"},
    "projects": {"cs": "Projekty", "en": "Projects"},
    "activities": {"cs": "Aktivity", "en": "Activities"},
    "tool_usage": {"cs": "Použití nástrojů", "en": "Tool usage"},
    "rejected_rows": {"cs": "Odmítnuté řádky", "en": "Rejected rows"},
    "district": {"cs": "Městská část", "en": "District"},
    "file": {"cs": "Soubor", "en": "File"},
    "row": {"cs": "Řádek", "en": "Row"},
    "reasons": {"cs": "Důvody", "en": "Reasons"},
    "export_hint": {
        "cs": "Všechny odmítnuté řádky i s původními hodnotami: "
        "koordinace export rejected --format xlsx --out odmitnute.xlsx",
        "en": "All rejected rows with their raw values: "
        "koordinace export rejected --format xlsx --out rejected.xlsx",
    },
    "freshness": {"cs": "Aktuálnost dat městských částí", "en": "Districts' data freshness"},
    "last_update": {"cs": "Poslední aktualizace", "en": "Last update"},
    "days": {"cs": "Dní od aktualizace", "en": "Days since update"},
    "state": {"cs": "Stav", "en": "State"},
    "stale": {"cs": "zastaralá", "en": "stale"},
    "fresh": {"cs": "aktuální", "en": "up to date"},
    "never": {"cs": "bez dat", "en": "no data"},
}
KINDS = ("projects", "activities", "tool_usage")
COUNTS = ("inserted", "updated", "unchanged", "rejected")


def _import_summary(lang: str):
    run = queries.last_import()
    if run is None:
        return html.P(t("none", lang, STRINGS), className="text-muted")
    finished = run["finished_at"]
    when = f"{fmt_date(finished, lang)} {finished:%H:%M}" if finished else ""
    counts = run["counts"]
    files = run["files"]
    rows = [
        html.Tr(
            [
                html.Td(t(kind, lang, STRINGS)),
                *(
                    html.Td(fmt_number(counts.get(kind, {}).get(k, 0), lang), className="text-end")
                    for k in COUNTS
                ),
            ]
        )
        for kind in KINDS
    ]
    rejected = queries.rejected_rows(run["id"])
    return html.Div(
        [
            html.H2(t("last", lang, STRINGS, when=when), className="h4"),
            html.P(
                t(
                    "files",
                    lang,
                    STRINGS,
                    accepted=files.get("accepted", 0),
                    skipped=files.get("skipped", 0),
                    rejected=files.get("rejected", 0),
                )
            ),
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(t("records", lang, STRINGS), scope="col"),
                                *(
                                    html.Th(t(k, lang, STRINGS), className="text-end", scope="col")
                                    for k in COUNTS
                                ),
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                className="table table-sm w-auto",
                id="import-counts",
            ),
            _rejected_table(rejected, lang) if len(rejected) else None,
        ],
        className="mb-4",
    )


def _rejected_table(rejected, lang: str):
    headers = ("district", "file", "row", "reasons")
    return html.Div(
        [
            html.H3(t("rejected_rows", lang, STRINGS), className="h5"),
            html.Table(
                [
                    html.Thead(
                        html.Tr([html.Th(t(h, lang, STRINGS), scope="col") for h in headers])
                    ),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Td(r.district),
                                    html.Td(r.file + (f" ({r.sheet})" if r.sheet else "")),
                                    html.Td(r.row),
                                    html.Td("; ".join(getattr(r, f"reasons_{lang}"))),
                                ]
                            )
                            for r in rejected.itertuples()
                        ]
                    ),
                ],
                className="table table-sm",
                id="rejected-rows",
            ),
            html.P(t("export_hint", lang, STRINGS), className="small text-muted"),
        ]
    )


def _freshness(lang: str):
    frame = metrics.freshness()
    frame = frame[frame["is_pilot"]]

    def state(row) -> str:
        if row.last_update is None:
            return t("never", lang, STRINGS)
        return t("stale" if row.stale else "fresh", lang, STRINGS)

    return html.Div(
        [
            html.H2(t("freshness", lang, STRINGS), className="h4"),
            html.P(metrics.METRICS["freshness"].definition(lang), className="small text-muted"),
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(t(h, lang, STRINGS), scope="col")
                                for h in ("district", "last_update", "days", "state")
                            ]
                        )
                    ),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Td(r.name),
                                    html.Td(fmt_date(r.last_update, lang)),
                                    html.Td(
                                        "–" if r.last_update is None else str(r.days),
                                        className="text-end",
                                    ),
                                    html.Td(state(r)),
                                ]
                            )
                            for r in frame.itertuples()
                        ]
                    ),
                ],
                className="table table-sm w-auto",
                id="freshness-table",
            ),
        ]
    )


def layout(**_kwargs):
    lang = current_lang()
    return html.Div(
        [
            html.H1(t("heading", lang, STRINGS), className="h3"),
            _import_summary(lang),
            _freshness(lang),
        ]
    )
