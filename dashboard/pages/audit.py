"""Záznam změn / Audit log: every recorded write (entry form, API, import, accounts,
sign-ins and lockouts), filtered by period, user, action, record type, district and
source; the selected event's before → after field by field.

For city coordinators and administrators only (``roles=COORDINATORS``: the guard refuses
the page and its callbacks to other roles). Read only: no callback writes anything. The
filters are kept in the URL query string (``?from=…&action=create&action=import``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import queries
from dashboard.auth import COORDINATORS
from dashboard.components.filters import DROPDOWN_LABELS
from dashboard.i18n import current_lang, fmt_date, fmt_number, t
from dashboard.queries import audit as q

log = logging.getLogger(__name__)

dash.register_page(
    __name__,
    path="/audit",
    name="Záznam změn",
    name_en="Audit log",
    order=95,
    title="Koordinace – záznam změn",
    roles=COORDINATORS,
)

PERIOD = "audit-period"
USERS = "audit-users"
ACTIONS = "audit-actions"
ENTITIES = "audit-entities"
DISTRICTS = "audit-districts"
SOURCES = "audit-sources"
COUNT = "audit-count"
GRID = "audit-grid"
DETAIL = "audit-detail"
DIFF = "audit-diff"
URL = "url"

#: The filter controls as callback inputs: AuditFilters.from_controls(*values).
INPUTS = [
    Input(PERIOD, "start_date"),
    Input(PERIOD, "end_date"),
    Input(USERS, "value"),
    Input(ACTIONS, "value"),
    Input(ENTITIES, "value"),
    Input(DISTRICTS, "value"),
    Input(SOURCES, "value"),
]

STRINGS = {
    "heading": {"cs": "Záznam změn", "en": "Audit log"},
    "intro": {
        "cs": "Každý zápis v aplikaci – formulář, API, import, změny účtů, přihlášení a "
        "zablokování – kdo, kdy, odkud a co se změnilo. Záznamy nelze upravit ani smazat.",
        "en": "Every write in the app – entry form, API, import, account changes, sign-ins "
        "and lockouts – who, when, from where and what changed. Entries can be neither "
        "edited nor deleted.",
    },
    "filter.period": {"cs": "Období", "en": "Period"},
    "filter.users": {"cs": "Uživatel", "en": "User"},
    "filter.actions": {"cs": "Akce", "en": "Action"},
    "filter.entities": {"cs": "Typ záznamu", "en": "Record type"},
    "filter.districts": {"cs": "Městská část", "en": "District"},
    "filter.sources": {"cs": "Zdroj", "en": "Source"},
    "count.one": {"cs": "Nalezen {n} záznam.", "en": "{n} event found."},
    "count.few": {"cs": "Nalezeny {n} záznamy.", "en": "{n} events found."},
    "count.many": {"cs": "Nalezeno {n} záznamů.", "en": "{n} events found."},
    "count.none": {
        "cs": "Filtrům neodpovídá žádný záznam.",
        "en": "No event matches the filters.",
    },
    "count.limited": {
        "cs": "Zobrazeno nejnovějších {shown} z {total} záznamů; starší najdete zúžením filtrů.",
        "en": "Showing the newest {shown} of {total} events; narrow the filters to see older ones.",
    },
    "col.at": {"cs": "Kdy", "en": "When"},
    "col.username": {"cs": "Uživatel", "en": "User"},
    "col.action": {"cs": "Akce", "en": "Action"},
    "col.entity": {"cs": "Typ záznamu", "en": "Record type"},
    "col.entity_id": {"cs": "ID záznamu", "en": "Record ID"},
    "col.district": {"cs": "Městská část", "en": "District"},
    "col.source": {"cs": "Zdroj", "en": "Source"},
    "col.remote_addr": {"cs": "IP adresa", "en": "IP address"},
    "col.import_run_id": {"cs": "Import č.", "en": "Import run"},
    "grid.empty": {"cs": "Žádné záznamy", "en": "No events"},
    "grid.loading": {"cs": "Načítání…", "en": "Loading…"},
    "detail.heading": {"cs": "Záznam č. {id}", "en": "Event no. {id}"},
    "detail.hint": {
        "cs": "Vyberte v tabulce řádek: zde se ukáže, co se změnilo (před → po).",
        "en": "Select a row in the table to see what changed here (before → after).",
    },
    "detail.missing": {"cs": "Záznam nebyl nalezen.", "en": "The event was not found."},
    "diff.field": {"cs": "Pole", "en": "Field"},
    "diff.before": {"cs": "Před", "en": "Before"},
    "diff.after": {"cs": "Po", "en": "After"},
    "diff.changed": {"cs": "změněno", "en": "changed"},
    "diff.summary": {
        "cs": "Změněná pole ({changed} z {total}) jsou zvýrazněná.",
        "en": "Changed fields ({changed} of {total}) are highlighted.",
    },
    "diff.nothing": {
        "cs": "Záznam neuvádí žádné hodnoty před ani po.",
        "en": "The event records no values before or after.",
    },
    "diff.value": {"cs": "(hodnota)", "en": "(value)"},
    "absent": {"cs": "(chybí)", "en": "(absent)"},
    "yes": {"cs": "ano", "en": "yes"},
    "no": {"cs": "ne", "en": "no"},
    "failed": {
        "cs": "Záznam změn se nepodařilo načíst; chyba byla zaznamenána.",
        "en": "The audit log could not be loaded; the error was logged.",
    },
    # what was done
    "action.create": {"cs": "vytvoření", "en": "created"},
    "action.update": {"cs": "aktualizace", "en": "updated"},
    "action.correct": {"cs": "oprava", "en": "corrected"},
    "action.delete": {"cs": "smazání", "en": "deleted"},
    "action.disable": {"cs": "zablokování účtu", "en": "account disabled"},
    "action.enable": {"cs": "odblokování účtu", "en": "account enabled"},
    "action.password": {"cs": "změna hesla", "en": "password changed"},
    "action.login": {"cs": "přihlášení", "en": "signed in"},
    "action.logout": {"cs": "odhlášení", "en": "signed out"},
    "action.lock": {"cs": "uzamčení po neúspěšných pokusech", "en": "locked after failures"},
    "action.unlock": {"cs": "odemčení účtu", "en": "account unlocked"},
    "action.import": {"cs": "import dat", "en": "data import"},
    "action.issue_token": {"cs": "vydání API tokenu", "en": "API token issued"},
    "action.revoke_token": {"cs": "zneplatnění API tokenu", "en": "API token revoked"},
    # to what
    "entity.user_account": {"cs": "uživatelský účet", "en": "user account"},
    "entity.project": {"cs": "projekt", "en": "project"},
    "entity.project_update": {"cs": "stav projektu", "en": "project update"},
    "entity.activity": {"cs": "aktivita", "en": "activity"},
    "entity.tool_usage": {"cs": "použití nástroje", "en": "tool usage"},
    "entity.tool": {"cs": "nástroj", "en": "tool"},
    "entity.district_goal": {"cs": "cíl městské části", "en": "district goal"},
    "entity.import_run": {"cs": "import", "en": "import run"},
    "entity.api_token": {"cs": "API token", "en": "API token"},
    # through what
    "source.form": {"cs": "formulář", "en": "form"},
    "source.api": {"cs": "API", "en": "API"},
    "source.import": {"cs": "import", "en": "import"},
    "source.cli": {"cs": "příkazová řádka", "en": "command line"},
    "source.demo": {"cs": "ukázková data", "en": "demo data"},
}

GRID_HEIGHT = 420  # px; a taller list scrolls inside the grid
HEADER_HEIGHT = 42  # px, with the theme's spacing below
ROW_HEIGHT = 36
GRID_COLUMNS = (  # field, width in px (together about the page's width)
    ("at", 150),
    ("username", 130),
    ("action", 170),
    ("entity", 150),
    ("entity_id", 100),
    ("district", 150),
    ("source", 130),
    ("remote_addr", 120),
)


def label(kind: str, value, lang: str) -> str:
    """The Czech or English label of an action, record type or source (else the value)."""
    if value is None:
        return "–"
    key = f"{kind}.{value}"
    return t(key, lang, STRINGS) if key in STRINGS else str(value)


def fmt_when(value: dt.datetime | None, lang: str) -> str:
    """``15. 3. 2026 14:05`` in Czech, ``15 Mar 2026 14:05`` in English (local time)."""
    if value is None:
        return "–"
    return f"{fmt_date(value, lang)} {value:%H:%M}"


def count_text(shown: int, total: int, lang: str) -> str:
    if total == 0:
        return t("count.none", lang, STRINGS)
    if total > shown:
        return t(
            "count.limited",
            lang,
            STRINGS,
            shown=fmt_number(shown, lang),
            total=fmt_number(total, lang),
        )
    form = "count.one" if total == 1 else "count.few" if 2 <= total <= 4 else "count.many"
    return t(form, lang, STRINGS, n=fmt_number(total, lang))


def grid_rows(frame, lang: str) -> list[dict]:
    """AG Grid ``rowData`` of :func:`dashboard.queries.audit.events`: labels in ``lang``."""
    return [
        {
            "id": str(r["id"]),
            "at": fmt_when(r["at"], lang),
            "username": r["username"] or "–",
            "action": label("action", r["action"], lang),
            "entity": label("entity", r["entity"], lang),
            "entity_id": "" if _missing(r["entity_id"]) else str(int(r["entity_id"])),
            "district": r["district"] if isinstance(r["district"], str) else "–",
            "source": label("source", r["source"], lang),
            "remote_addr": r["remote_addr"] if isinstance(r["remote_addr"], str) else "",
        }
        for r in frame.to_dict("records")
    ]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


# ------------------------------------------------------------------ layout


def _options(values, kind: str | None, lang: str, chosen=()) -> list[dict]:
    every = list(values) + [v for v in chosen if v not in values]
    return [{"label": label(kind, v, lang) if kind else v, "value": v} for v in every]


def _control(name: str, control, lang: str, md: int = 4):
    return dbc.Col(
        [
            html.Label(
                t(f"filter.{name}", lang, STRINGS), htmlFor=control.id, className="form-label small"
            ),
            control,
        ],
        md=md,
        className="mb-2",
    )


def _filter_bar(filters: q.AuditFilters, lang: str):
    try:
        found = q.choices()
        districts = queries.districts()
    except Exception:
        log.exception("audit: the filter choices could not be loaded")
        found = {"users": [], "actions": [], "entities": [], "sources": []}
        districts = None
    district_options = (
        [{"label": r.name, "value": int(r.code)} for r in districts.itertuples()]
        if districts is not None
        else []
    )

    def dropdown(control_id, options, value):
        return dcc.Dropdown(
            id=control_id,
            options=options,
            value=list(value),
            multi=True,
            placeholder=t("filter.all", lang),
            labels=DROPDOWN_LABELS[lang],
        )

    period = dcc.DatePickerRange(
        id=PERIOD,
        start_date=filters.start.isoformat() if filters.start else None,
        end_date=filters.end.isoformat() if filters.end else None,
        display_format="D. M. YYYY" if lang == "cs" else "D MMM YYYY",
        start_date_placeholder_text="od" if lang == "cs" else "from",
        end_date_placeholder_text="do" if lang == "cs" else "to",
        first_day_of_week=1,
        clearable=True,
    )
    controls = [
        ("period", period),
        (
            "users",
            dropdown(USERS, _options(found["users"], None, lang, filters.users), filters.users),
        ),
        (
            "actions",
            dropdown(
                ACTIONS,
                _options(found["actions"], "action", lang, filters.actions),
                filters.actions,
            ),
        ),
        (
            "entities",
            dropdown(
                ENTITIES,
                _options(found["entities"], "entity", lang, filters.entities),
                filters.entities,
            ),
        ),
        ("districts", dropdown(DISTRICTS, district_options, filters.districts)),
        (
            "sources",
            dropdown(
                SOURCES,
                _options(found["sources"], "source", lang, filters.sources),
                filters.sources,
            ),
        ),
    ]
    return html.Div(
        dbc.Row([_control(name, control, lang) for name, control in controls], className="g-2"),
        className="filter-bar mb-3",
        role="search",
    )


def _grid(lang: str):
    options = {
        "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
        "enableCellTextSelection": True,
        "ensureDomOrder": True,
        "suppressColumnVirtualisation": True,
        "rowHeight": ROW_HEIGHT,
        "headerHeight": HEADER_HEIGHT,
        "localeText": {
            "noRowsToShow": t("grid.empty", lang, STRINGS),
            "loadingOoo": t("grid.loading", lang, STRINGS),
        },
        "theme": {"function": "themeQuartz.withParams({ spacing: 6, fontSize: 13 })"},
    }
    return dag.AgGrid(
        id=GRID,
        columnDefs=[
            {"field": field, "headerName": t(f"col.{field}", lang, STRINGS), "width": width}
            for field, width in GRID_COLUMNS
        ],
        rowData=[],
        # Read only: no column is editable; the order is the server's (newest first).
        defaultColDef={"editable": False, "sortable": False, "filter": False, "resizable": True},
        getRowId="params.data.id",
        dashGridOptions=options,
        style=grid_style(0),
    )


def layout(**kwargs):
    lang = current_lang()
    filters = q.AuditFilters.from_args(kwargs)
    return html.Div(
        [
            html.H1(t("heading", lang, STRINGS), className="h3"),
            html.P(t("intro", lang, STRINGS), className="lead fs-6"),
            _filter_bar(filters, lang),
            html.P(id=COUNT, className="small", role="status"),
            _grid(lang),
            html.Section(
                html.P(t("detail.hint", lang, STRINGS), className="text-muted"),
                id=DETAIL,
                className="mt-3",
                **{"aria-live": "polite"},
            ),
        ]
    )


# ------------------------------------------------------------------ callbacks


def grid_style(rows: int) -> dict:
    """As tall as its rows (at least three), at most GRID_HEIGHT: then it scrolls."""
    height = min(GRID_HEIGHT, HEADER_HEIGHT + ROW_HEIGHT * max(rows, 3) + 2)
    return {"height": f"{height}px", "width": "100%"}


@callback(
    Output(GRID, "rowData"),
    Output(GRID, "style"),
    Output(COUNT, "children"),
    *INPUTS,
)
def update_events(start, end, users, actions, entities, districts, sources):
    """The newest matching events and how many match in all."""
    lang = current_lang()
    filters = q.AuditFilters.from_controls(start, end, users, actions, entities, districts, sources)
    try:
        frame = q.events(filters, q.LIMIT)
        total = len(frame) if len(frame) < q.LIMIT else q.count(filters)
    except Exception:
        log.exception("audit: the events could not be loaded")
        failed = html.Span(t("failed", lang, STRINGS), className="text-danger")
        return [], grid_style(0), failed
    return grid_rows(frame, lang), grid_style(len(frame)), count_text(len(frame), total, lang)


@callback(
    Output(URL, "search", allow_duplicate=True),
    *INPUTS,
    prevent_initial_call=True,
)
def filters_to_url(start, end, users, actions, entities, districts, sources) -> str:
    """Keep the URL's query string in step with the filters (a copied link reopens them)."""
    return q.AuditFilters.from_controls(
        start, end, users, actions, entities, districts, sources
    ).to_query()


@callback(Output(DETAIL, "children"), Input(GRID, "selectedRows"))
def show_detail(selected):
    """The selected event: who, when, what, and its before → after field by field."""
    lang = current_lang()
    if not selected:
        return html.P(t("detail.hint", lang, STRINGS), className="text-muted")
    try:
        found = q.event(int(selected[0]["id"]))
    except Exception:
        log.exception("audit: the event could not be loaded")
        return html.P(t("failed", lang, STRINGS), className="text-danger")
    if found is None:
        return html.P(t("detail.missing", lang, STRINGS), className="text-muted")
    return detail(found, lang)


def _value(value, lang: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return t("yes" if value else "no", lang, STRINGS)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _cell(present: bool, value, lang: str):
    if not present:
        return html.Td(t("absent", lang, STRINGS), className="text-muted fst-italic")
    return html.Td(_value(value, lang), className="text-break font-monospace small")


def diff_table(before, after, lang: str):
    """Field | before | after; the changed fields highlighted (and said so in words)."""
    rows = q.changes(before, after)
    if not rows:
        return html.P(t("diff.nothing", lang, STRINGS), className="text-muted")
    changed = sum(r.changed for r in rows)
    body = []
    for r in rows:
        name = [html.Code(r.field or t("diff.value", lang, STRINGS))]
        if r.changed:
            name += [
                " ",
                html.Span(t("diff.changed", lang, STRINGS), className="badge text-bg-warning"),
            ]
        body.append(
            html.Tr(
                [
                    html.Th(name, scope="row"),
                    _cell(r.in_before, r.before, lang),
                    _cell(r.in_after, r.after, lang),
                ],
                className="table-warning changed" if r.changed else "unchanged",
            )
        )
    return html.Div(
        [
            html.P(
                t("diff.summary", lang, STRINGS, changed=changed, total=len(rows)),
                className="small text-muted",
            ),
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(t(f"diff.{h}", lang, STRINGS), scope="col")
                                for h in ("field", "before", "after")
                            ]
                        )
                    ),
                    html.Tbody(body),
                ],
                className="table table-sm",
                id=DIFF,
            ),
        ]
    )


def detail(found: dict, lang: str):
    """The detail panel of one event (as :func:`dashboard.queries.audit.event` returns it)."""
    facts = [
        ("at", fmt_when(found["at"], lang)),
        ("username", found["username"] or "–"),
        ("action", label("action", found["action"], lang)),
        (
            "entity",
            label("entity", found["entity"], lang)
            + (f" #{found['entity_id']}" if found["entity_id"] is not None else ""),
        ),
        ("district", found["district"] or "–"),
        ("source", label("source", found["source"], lang)),
        ("remote_addr", found["remote_addr"] or "–"),
    ]
    if found["import_run_id"] is not None:
        facts.append(("import_run_id", str(found["import_run_id"])))
    items = []
    for key, text in facts:
        items += [
            html.Dt(t(f"col.{key}", lang, STRINGS), className="col-sm-3"),
            html.Dd(text, className="col-sm-9 mb-1"),
        ]
    return html.Div(
        [
            html.H2(t("detail.heading", lang, STRINGS, id=found["id"]), className="h5"),
            html.Dl(items, className="row small mb-2"),
            diff_table(found["before"], found["after"], lang),
        ]
    )
