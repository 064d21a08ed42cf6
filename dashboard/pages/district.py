"""Městská část / District: one district against the pilot median on every headline
figure, its processes and their history, and its data freshness.

Reached by official code or slug (``/districts/500054``, ``/districts/praha-lipence``);
``/districts`` lists the pilot districts. Not in the top menu (its path has a variable).
The period, kind and topic filters apply to everything but the freshness; the districts
filter is hidden (this page is about one district). Callbacks stay thin: filters →
:mod:`dashboard.queries.district` → :mod:`dashboard.figures.district`.
"""

from __future__ import annotations

import dataclasses
import logging

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import figures, queries
from dashboard.auth import EVERYONE
from dashboard.components.filters import INPUTS, URL, filter_bar
from dashboard.components.graph import chart, data_table
from dashboard.figures import district as fig
from dashboard.filters import Filters
from dashboard.i18n import current_lang, fmt_date, fmt_number, t
from dashboard.metrics import METRICS
from dashboard.queries import district as q

log = logging.getLogger(__name__)

STRINGS = {
    "heading": {
        "cs": "{name} · {population} obyvatel ({year})",
        "en": "{name} · {population} residents ({year})",
    },
    "intro": {
        "cs": "Městská část ve srovnání s mediánem pilotních městských částí, její procesy "
        "a jejich historie a aktuálnost jejích dat. Období, typ procesu a téma platí pro "
        "všechna čísla na stránce kromě aktuálnosti dat.",
        "en": "The district against the pilot districts' median, its processes and their "
        "history, and how fresh its data is. The period, process kind and topic apply to "
        "every figure on the page except the data freshness.",
    },
    "index.heading": {"cs": "Městské části", "en": "Districts"},
    "index.intro": {
        "cs": "Vyberte městskou část: uvidíte ji ve srovnání s mediánem pilotu, její "
        "procesy, jejich historii a aktuálnost dat.",
        "en": "Choose a district to see it against the pilot median, its processes, their "
        "history and its data freshness.",
    },
    "not_found.heading": {"cs": "Městská část nenalezena", "en": "District not found"},
    "not_found.text": {
        "cs": "„{given}“ neodpovídá žádné městské části (zadejte kód, např. 500054, nebo "
        "název, např. praha-lipence). Pilotní městské části:",
        "en": "“{given}” matches no district (give its code, e.g. 500054, or its name, e.g. "
        "praha-lipence). The pilot districts:",
    },
    "not_pilot": {
        "cs": "{name} není pilotní městskou částí: data o jejích procesech nemusí být k "
        "dispozici. Srovnání je s mediánem pilotních městských částí.",
        "en": "{name} is not a pilot district: data on its processes may be missing. It is "
        "compared with the pilot districts' median.",
    },
    "pilot": {"cs": "Pilotní městské části", "en": "Pilot districts"},
    "picker": {"cs": "Jiná městská část", "en": "Another district"},
    "picker.placeholder": {"cs": "Vyberte městskou část", "en": "Choose a district"},
    "residents": {"cs": "{population} obyvatel", "en": "{population} residents"},
    "comparison": {"cs": "Srovnání s mediánem pilotu", "en": "Against the pilot median"},
    "comparison.intro": {
        "cs": "Medián je prostřední hodnota pilotních městských částí pro stejné období, "
        "typy a témata; čísla jsou stejná jako v přehledu.",
        "en": "The median is the middle value of the pilot districts for the same period, "
        "kinds and topics; the numbers are the overview's.",
    },
    "processes": {"cs": "Procesy", "en": "Processes"},
    "processes.intro": {
        "cs": "Procesy, které ve zvoleném období probíhaly (zahájené před jeho koncem a "
        "ukončené po jeho začátku); fáze a plnění podle poslední aktualizace.",
        "en": "Processes running in the chosen period (started before it ends, ended after "
        "it starts); stage and progress as of the latest update.",
    },
    "processes.count": {"cs": "Procesů: {n}", "en": "Processes: {n}"},
    "history": {"cs": "Historie procesů", "en": "Process history"},
    "history.intro": {
        "cs": "Změny fáze a plnění (z importů i ručních úprav) s datem účinnosti ve "
        "zvoleném období, nejnovější první.",
        "en": "Stage and progress changes (from imports and manual edits) effective in the "
        "chosen period, newest first.",
    },
    "history.process": {"cs": "Proces", "en": "Process"},
    "history.all": {"cs": "Všechny procesy", "en": "All processes"},
    "history.count": {
        "cs": "Zobrazeno {shown} z {total} záznamů.",
        "en": "Showing {shown} of {total} records.",
    },
    "freshness": {"cs": "Aktuálnost dat", "en": "Data freshness"},
    "last_import": {"cs": "Poslední import", "en": "Last import"},
    "last_manual": {"cs": "Poslední ruční úprava", "en": "Last manual update"},
    "days": {"cs": "Dní od aktualizace", "en": "Days since update"},
    "state": {"cs": "Stav", "en": "State"},
    "stale": {"cs": "zastaralá", "en": "stale"},
    "fresh": {"cs": "aktuální", "en": "up to date"},
    "never": {"cs": "bez dat", "en": "no data"},
    "error.text": {
        "cs": "Data se nepodařilo načíst. Zkuste to prosím znovu; chyba byla zaznamenána.",
        "en": "The data could not be loaded. Please try again; the error was logged.",
    },
}

ID = "district"
STORE = f"{ID}-store"
NAV = f"{ID}-nav"
PICKER = f"{ID}-picker"
COMPARISON = f"{ID}-comparison"
COMPARISON_CHART = f"{ID}-comparison-chart"
STAGES = f"{ID}-stages"
PROCESSES = f"{ID}-processes"
PROCESS = f"{ID}-process"
HISTORY = f"{ID}-history"
FRESHNESS = f"{ID}-freshness"


def _title(district: str | None = None, **_kwargs) -> str:
    """The browser tab's title: the district's name when it is known."""
    try:
        found = q.find_district(district) if district else None
    except Exception:  # noqa: BLE001 - a title must never break the page
        log.exception("could not look up district %r for the title", district)
        found = None
    if found is None:
        return "Koordinace – městské části" if district is None else "Koordinace – nenalezeno"
    return f"Koordinace – {found['name']}"


dash.register_page(
    __name__,
    path="/districts",
    path_template="/districts/<district>",
    name="Městská část",
    name_en="District",
    order=40,
    roles=EVERYONE,  # leadership reads the summary pages
    title=_title,
)


# ------------------------------------------------------------------ layout


def _text(key: str, lang: str, **values) -> str:
    return t(key, lang, STRINGS, **values)


def _query(f: Filters) -> str:
    """The page's filters for links to other districts (the districts filter is not)."""
    return dataclasses.replace(f, districts=()).to_query()


def _pilot_links(lang: str, f: Filters, frame, current: int | None = None) -> html.Nav:
    pilot = frame[frame["is_pilot"]]
    items = [
        html.Li(
            html.Strong(r.name, **{"aria-current": "page"})
            if r.code == current
            else dcc.Link(r.name, href=f"/districts/{r.slug}{_query(f)}"),
            className="list-inline-item me-3",
        )
        for r in pilot.itertuples()
    ]
    return html.Nav(
        [
            html.Span(_text("pilot", lang) + ":", className="small text-muted me-2"),
            html.Ul(items, className="list-inline d-inline mb-0"),
        ],
        id=f"{ID}-links",
        className="mb-2",
        **{"aria-label": _text("pilot", lang)},
    )


def _picker(lang: str, frame, slug: str | None) -> html.Div:
    """A dropdown of all districts (pilot ones first) that opens the chosen one."""
    return html.Div(
        [
            html.Label(_text("picker", lang), htmlFor=PICKER, className="form-label small"),
            dcc.Dropdown(
                id=PICKER,
                options=[{"label": r.name, "value": r.slug} for r in frame.itertuples()],
                value=slug,
                clearable=False,
                placeholder=_text("picker.placeholder", lang),
            ),
        ],
        style={"maxWidth": "22rem"},
        className="mb-3",
    )


def _section(heading: str, intro: str, *children, section_id: str) -> html.Section:
    return html.Section(
        [
            html.H2(heading, className="h4 mt-4"),
            html.P(intro, className="small text-muted mb-2"),
            *children,
        ],
        id=section_id,
    )


def _index(lang: str, f: Filters) -> html.Div:
    districts = queries.districts()
    return html.Div(
        [
            dcc.Location(id=NAV, refresh="callback-nav"),
            dcc.Store(id=STORE, data=None),
            html.H1(_text("index.heading", lang), className="h3"),
            html.P(_text("index.intro", lang), className="lead fs-6"),
            _pilot_links(lang, f, districts),
            _picker(lang, districts, None),
        ],
        id=f"{ID}-page",
    )


def _not_found(lang: str, f: Filters, key: str, districts) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=NAV, refresh="callback-nav"),
            dcc.Store(id=STORE, data=None),
            html.H1(_text("not_found.heading", lang), className="h3", id=f"{ID}-not-found"),
            html.P(_text("not_found.text", lang, given=key)),
            _pilot_links(lang, f, districts),
            _picker(lang, districts, None),
        ],
        id=f"{ID}-page",
    )


def layout(district: str | None = None, **kwargs):
    lang = current_lang()
    f = Filters.from_args(kwargs)
    if not district:
        return _index(lang, f)
    found = q.find_district(district)
    districts = queries.districts()  # pilot districts first, then by name
    if found is None:
        return _not_found(lang, f, district, districts)
    heading = _text(
        "heading",
        lang,
        name=found["name"],
        population=fmt_number(found["population"], lang),
        year=found["population_year"],
    )
    return html.Div(
        [
            dcc.Location(id=NAV, refresh="callback-nav"),
            dcc.Store(
                id=STORE,
                data={"code": int(found["code"]), "name": found["name"], "slug": found["slug"]},
            ),
            html.H1(heading, className="h3", id=f"{ID}-heading"),
            html.P(_text("intro", lang), className="lead fs-6"),
            None
            if found["is_pilot"]
            else dbc.Alert(_text("not_pilot", lang, name=found["name"]), color="info"),
            _pilot_links(lang, f, districts, int(found["code"])),
            _picker(lang, districts, found["slug"]),
            filter_bar(f, lang, show=("period", "kind", "topic")),
            _section(
                _text("comparison", lang),
                _text("comparison.intro", lang),
                html.Div(id=COMPARISON),
                chart(COMPARISON_CHART, lang),
                section_id=f"{ID}-comparison-section",
            ),
            _section(
                _text("processes", lang),
                _text("processes.intro", lang),
                chart(STAGES, lang),
                html.Div(id=PROCESSES),
                section_id=f"{ID}-processes-section",
            ),
            _section(
                _text("history", lang),
                _text("history.intro", lang),
                html.Div(
                    [
                        html.Label(
                            _text("history.process", lang),
                            htmlFor=PROCESS,
                            className="form-label small",
                        ),
                        dcc.Dropdown(
                            id=PROCESS,
                            options=[],
                            value=None,
                            placeholder=_text("history.all", lang),
                        ),
                    ],
                    style={"maxWidth": "40rem"},
                    className="mb-2",
                ),
                html.Div(id=HISTORY),
                section_id=f"{ID}-history-section",
            ),
            _section(
                _text("freshness", lang),
                METRICS["freshness"].definition(lang),
                html.Div(id=FRESHNESS),
                section_id=f"{ID}-freshness-section",
            ),
        ],
        id=f"{ID}-page",
    )


# ------------------------------------------------------------------ callbacks


def _error(lang: str) -> dbc.Alert:
    return dbc.Alert(_text("error.text", lang), color="danger", className="small")


def _no_data(lang: str) -> html.P:
    return html.P(t("no_data", lang), className="small text-muted")


def comparison_view(frame, name: str, lang: str) -> html.Table:
    """The comparison table: metric with its definition, district, median, difference."""
    rows = fig.comparison_table(frame, lang)
    headers = fig.comparison_headers(name, lang)
    return html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(label, scope="col", className="text-end" if k != "metric" else "")
                        for k, label in headers.items()
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Th(
                                [
                                    html.Div(r["metric"]),
                                    html.Div(
                                        r["definition"], className="small text-muted fw-normal"
                                    ),
                                ],
                                scope="row",
                            ),
                            html.Td(r["district"], className="text-end text-nowrap fw-bold"),
                            html.Td(r["median"], className="text-end text-nowrap"),
                            html.Td(r["difference"], className="text-end text-nowrap"),
                        ],
                        **{"data-metric": key},
                    )
                    for key, r in zip(frame["metric"], rows.to_dict("records"), strict=True)
                ]
            ),
        ],
        className="table table-sm align-middle",
        id=f"{COMPARISON}-table-main",
    )


@callback(
    Output(COMPARISON, "children"),
    Output(COMPARISON_CHART, "figure"),
    Output(f"{COMPARISON_CHART}-table", "children"),
    Input(STORE, "data"),
    *INPUTS,
)
def update_comparison(store, start, end, districts, kinds, topics):
    lang = current_lang()
    if not store:
        return no_update, no_update, no_update
    name = store["name"]
    try:
        f = Filters.from_controls(start, end, districts, kinds, topics)
        frame = q.comparison(store["code"], f)
        figure = fig.comparison_figure(frame, name, lang, queries.data_as_of())
    except Exception:
        log.exception("district comparison failed for %s", store)
        title = fig.text("comparison.title", lang, name=name)
        return _error(lang), figures.empty(t("error", lang), title=title, lang=lang), None
    alternative = data_table(
        fig.comparison_alternative(frame, lang), fig.comparison_headers(name, lang)
    )
    return comparison_view(frame, name, lang), figure, alternative


@callback(
    Output(STAGES, "figure"),
    Output(f"{STAGES}-table", "children"),
    Input(STORE, "data"),
    *INPUTS,
)
def update_stages(store, start, end, districts, kinds, topics):
    lang = current_lang()
    if not store:
        return no_update, no_update
    name = store["name"]
    try:
        f = Filters.from_controls(start, end, districts, kinds, topics)
        frame = q.stage_counts(store["code"], f)
        figure = fig.stages_figure(frame, name, lang, queries.data_as_of())
    except Exception:
        log.exception("district stages failed for %s", store)
        title = fig.text("stages.title", lang, name=name)
        return figures.empty(t("error", lang), title=title, lang=lang), None
    table, headers = fig.stages_table(frame, lang)
    return figure, (data_table(table, headers) if len(table) else _no_data(lang))


def processes_view(frame, lang: str) -> html.Div:
    rows = fig.processes_table(frame, lang)
    headers = fig.processes_headers(lang)
    right = {"progress", "start", "end", "budget"}

    def progress(r):
        cell = [html.Span(r["progress"])]
        if r["progress"] != "–":
            bar = dbc.Progress(value=float(r["progress_value"]), style={"height": "4px"})
            cell.append(html.Div(bar, className="mt-1", **{"aria-hidden": "true"}))
        return html.Td(cell, className="text-end text-nowrap", style={"minWidth": "5rem"})

    body = [
        html.Tr(
            [
                html.Td(r["title"]),
                html.Td(r["kind"]),
                html.Td(r["stage"]),
                progress(r),
                html.Td(r["start"], className="text-end text-nowrap"),
                html.Td(r["end"], className="text-end text-nowrap"),
                html.Td(r["budget"], className="text-end text-nowrap"),
            ],
            **{"data-project": str(r["id"])},
        )
        for r in rows.to_dict("records")
    ]
    return html.Div(
        [
            html.P(_text("processes.count", lang, n=len(rows)), className="small mb-1"),
            html.Div(
                html.Table(
                    [
                        html.Thead(
                            html.Tr(
                                [
                                    html.Th(
                                        label,
                                        scope="col",
                                        className="text-end" if key in right else None,
                                    )
                                    for key, label in headers.items()
                                ]
                            ),
                            className="table-light",
                            style={"position": "sticky", "top": 0},
                        ),
                        html.Tbody(body),
                    ],
                    className="table table-sm table-hover align-middle small",
                    id=f"{PROCESSES}-table",
                ),
                style={"maxHeight": "32rem", "overflowY": "auto"},
            ),
        ]
    )


@callback(
    Output(PROCESSES, "children"),
    Output(PROCESS, "options"),
    Output(PROCESS, "value"),
    Input(STORE, "data"),
    *INPUTS,
    State(PROCESS, "value"),
)
def update_processes(store, start, end, districts, kinds, topics, selected):
    lang = current_lang()
    if not store:
        return no_update, no_update, no_update
    try:
        f = Filters.from_controls(start, end, districts, kinds, topics)
        frame = q.processes(store["code"], f)
    except Exception:
        log.exception("district processes failed for %s", store)
        return _error(lang), [], None
    options = [
        {"label": r.title, "value": int(r.id)} for r in frame.sort_values("title").itertuples()
    ]
    keep = selected if selected in {o["value"] for o in options} else None
    if frame.empty:
        return _no_data(lang), options, keep
    return processes_view(frame, lang), options, keep


@callback(
    Output(HISTORY, "children"),
    Input(STORE, "data"),
    Input(PROCESS, "value"),
    *INPUTS,
)
def update_history(store, process, start, end, districts, kinds, topics):
    lang = current_lang()
    if not store:
        return no_update
    try:
        f = Filters.from_controls(start, end, districts, kinds, topics)
        frame, total = q.history(store["code"], f, process)
    except Exception:
        log.exception("district history failed for %s", store)
        return _error(lang)
    if frame.empty:
        return _no_data(lang)
    table = fig.history_table(frame, lang)
    headers = fig.history_headers(lang, with_process=process is None)
    return html.Div(
        [
            html.P(
                _text("history.count", lang, shown=len(frame), total=total),
                className="small mb-1",
            ),
            html.Div(
                html.Table(
                    data_table(table, headers).children,
                    className="table table-sm small",
                    id=f"{HISTORY}-table",
                ),
                style={"maxHeight": "28rem", "overflowY": "auto"},
            ),
        ]
    )


def freshness_view(row: dict | None, lang: str) -> html.Table:
    if row is None or row["last_update"] is None:
        state = dbc.Badge(_text("never", lang), color="secondary")
    elif row["stale"]:
        state = dbc.Badge(_text("stale", lang), color="danger")
    else:
        state = dbc.Badge(_text("fresh", lang), color="success")
    row = row or {"last_import": None, "last_manual": None, "days": None}

    def stamp(value):
        return "–" if value is None else f"{fmt_date(value, lang)} {value:%H:%M}"

    items = [
        ("last_import", stamp(row["last_import"])),
        ("last_manual", stamp(row["last_manual"])),
        ("days", "–" if row["days"] is None else fmt_number(row["days"], lang)),
        ("state", state),
    ]
    return html.Table(
        html.Tbody(
            [
                html.Tr(
                    [
                        html.Th(_text(key, lang), scope="row"),
                        html.Td(value, id=f"{FRESHNESS}-{key}"),
                    ]
                )
                for key, value in items
            ]
        ),
        className="table table-sm w-auto",
        id=f"{FRESHNESS}-table",
    )


@callback(Output(FRESHNESS, "children"), Input(STORE, "data"))
def update_freshness(store):
    lang = current_lang()
    if not store:
        return no_update
    try:
        row = q.freshness(store["code"])
    except Exception:
        log.exception("district freshness failed for %s", store)
        return _error(lang)
    return freshness_view(row, lang)


@callback(
    Output(NAV, "href"),
    Input(PICKER, "value"),
    State(STORE, "data"),
    State(URL, "search"),
    prevent_initial_call=True,
)
def navigate(slug, store, search):
    """The picker opens the chosen district's page, keeping the filters."""
    if not slug:
        return no_update
    if store and store.get("slug") == slug:
        return no_update
    f = Filters.from_query(search)
    return f"/districts/{slug}{_query(f)}"
