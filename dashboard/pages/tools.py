"""Nástroje / Tools: which civic-tech tools the districts use, how satisfied they are
with them, what they cost per participant, and the tool catalogue with its properties.

The usage-based charts follow the filters (districts, process kind, topic, period = the
project overlaps it); the catalogue and the list of uncatalogued tools do not.
"""

from __future__ import annotations

import logging

import dash
import dash_ag_grid as dag
from dash import Output, callback, html

from dashboard import figures, queries
from dashboard.components.filters import INPUTS, filter_bar
from dashboard.components.graph import chart, data_table
from dashboard.figures import tools as fig
from dashboard.filters import Filters
from dashboard.i18n import current_lang, fmt_number, t
from dashboard.metrics import METRICS, MIN_RATINGS
from dashboard.queries import tools as q

log = logging.getLogger(__name__)

dash.register_page(
    __name__,
    path="/tools",
    name="Nástroje",
    name_en="Tools",
    order=30,
    title="Koordinace – nástroje",
)

MATRIX = "tools-matrix"
SATISFACTION = "tools-satisfaction"
HIDDEN = "tools-satisfaction-hidden"
COST = "tools-cost"
COST_NOTE = "tools-cost-note"
CATALOGUE = "tools-catalogue"
UNCATALOGUED = "tools-uncatalogued"

STRINGS = {
    "heading": {"cs": "Nástroje", "en": "Tools"},
    "intro": {
        "cs": "Které digitální i nedigitální nástroje městské části v participaci používají, "
        "jak jsou s nimi spokojené, kolik stojí na účastníka a co nástroje z katalogu umějí.",
        "en": "Which digital and non-digital tools the districts use for participation, how "
        "satisfied they are with them, what they cost per participant and what the "
        "catalogued tools can do.",
    },
    "matrix.heading": {"cs": "Které nástroje kde používají", "en": "Which tools are used where"},
    "matrix.help": {
        "cs": "Počet procesů (projektů) městské části, které nástroj použily; nástroje seřazené "
        "podle celkového počtu procesů. Platí filtry: proces spadá do období, když se s ním "
        "překrývá.",
        "en": "Number of a district's processes (projects) that used the tool; tools ordered "
        "by their total number of processes. The filters apply: a process is in the period "
        "when it overlaps it.",
    },
    "satisfaction.heading": {"cs": "Spokojenost s nástroji", "en": "Satisfaction with tools"},
    "hidden.label": {
        "cs": "Méně než {n} hodnocení (průměr se nezobrazuje): ",
        "en": "Fewer than {n} ratings (no mean shown): ",
    },
    "hidden.item": {"cs": "{tool} ({n} hodn.)", "en": "{tool} ({n} ratings)"},
    "hidden.item_one": {"cs": "{tool} ({n} hodn.)", "en": "{tool} ({n} rating)"},
    "hidden.none": {
        "cs": "Všechny použité nástroje mají alespoň {n} hodnocení.",
        "en": "Every tool used has at least {n} ratings.",
    },
    "cost.heading": {"cs": "Náklady na účastníka", "en": "Cost per participant"},
    "cost.definition": {
        "cs": "Náklady na účastníka = součet známých nákladů použití nástroje ÷ počet "
        "účastníků všech aktivit projektů, ve kterých byl nástroj s uvedenými náklady použit "
        "(každý projekt jednou). Použití bez uvedených nákladů se nepočítají; nulové náklady "
        "(nástroj zdarma) se počítají. Účastníci se sčítají podle definice: kdo přišel na dvě "
        "aktivity, počítá se dvakrát.",
        "en": "Cost per participant = the sum of the known costs of a tool's usages ÷ the "
        "participants of all activities of the projects that used the tool with a stated cost "
        "(each project once). Usages without a stated cost do not count; zero costs (free "
        "tools) do. Participants are added as defined: one person at two activities counts "
        "twice.",
    },
    "cost.note": {
        "cs": "Do výpočtu vstupuje {usages} použití nástrojů s uvedenými náklady.",
        "en": "The calculation uses {usages} tool usages with a stated cost.",
    },
    "cost.no_participants": {
        "cs": " Bez účastníků (náklady na účastníka nelze spočítat): {tools}.",
        "en": " No participants (cost per participant unknown): {tools}.",
    },
    "catalogue.heading": {"cs": "Katalog nástrojů", "en": "Tool catalogue"},
    "catalogue.help": {
        "cs": "Vlastnosti nástrojů z katalogu; nezávisí na filtrech. Hodnocení podle šesti "
        "kritérií People Powered pro výběr participační platformy je srovnávací úsudek "
        "koordinátorů (1 slabé – 5 silné), ne měření. Popis nástroje se ukáže po najetí "
        "myší na název.",
        "en": "Properties of the catalogued tools; not filtered. The scores on People "
        "Powered's six criteria for choosing a participation platform are the coordinators' "
        "comparative judgement (1 weak – 5 strong), not measurements. Hover over a name for "
        "the tool's description.",
    },
    "catalogue.error": {
        "cs": "Katalog se nepodařilo načíst; chyba byla zaznamenána.",
        "en": "The catalogue could not be loaded; the error was logged.",
    },
    "uncatalogued.heading": {"cs": "Nástroje mimo katalog", "en": "Tools not in the catalogue"},
    "uncatalogued.help": {
        "cs": "Nástroje, které se poprvé objevily v importu a v katalogu zatím nejsou: ke "
        "kontrole (doplnit do katalogu, nebo sloučit s existujícím nástrojem). Nezávisí na "
        "filtrech.",
        "en": "Tools first seen in an import and not yet in the catalogue: to review (add to "
        "the catalogue or merge with an existing tool). Not filtered.",
    },
    "uncatalogued.none": {
        "cs": "Všechny použité nástroje jsou v katalogu.",
        "en": "Every tool used is in the catalogue.",
    },
    "col.name": {"cs": "Název", "en": "Name"},
    "col.usages": {"cs": "Počet použití", "en": "Usages"},
    "col.districts": {"cs": "Městské části", "en": "Districts"},
    "col.spellings": {"cs": "Zapsáno také jako", "en": "Also written as"},
    "col.state": {"cs": "Stav", "en": "State"},
    "review": {"cs": "ke kontrole", "en": "to review"},
    "reviewed": {"cs": "zkontrolováno", "en": "reviewed"},
}


def _section(heading: str, *children, section_id: str) -> html.Section:
    return html.Section([html.H2(heading, className="h4 mt-4"), *children], id=section_id)


def _catalogue(lang: str):
    try:
        columns, rows = fig.catalogue_grid(q.catalogue(), lang)
    except Exception:
        log.exception("the tool catalogue could not be loaded")
        return html.P(t("catalogue.error", lang, STRINGS), className="alert alert-danger")
    options = {
        "domLayout": "autoHeight",
        "tooltipShowDelay": 300,
        "enableCellTextSelection": True,
        "ensureDomOrder": True,
        "suppressColumnVirtualisation": True,  # every column in the DOM: find, read aloud
        "theme": {"function": "themeQuartz.withParams({ spacing: 6, fontSize: 13 })"},
    }
    if lang == "cs":
        options["localeText"] = fig.GRID_LOCALE_CS
    return dag.AgGrid(
        id=CATALOGUE,
        columnDefs=columns,
        rowData=rows,
        defaultColDef={
            "sortable": True,
            "filter": True,
            "resizable": True,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        },
        getRowId="params.data.name",
        dashGridOptions=options,
        style={"height": None, "width": "100%"},
    )


def _uncatalogued(lang: str):
    try:
        frame = q.uncatalogued()
    except Exception:
        log.exception("the uncatalogued tools could not be loaded")
        return html.P(t("error", lang), className="alert alert-danger")
    if frame.empty:
        return html.P(t("uncatalogued.none", lang, STRINGS), id=UNCATALOGUED)
    headers = ("name", "usages", "districts", "spellings", "state")
    return html.Table(
        [
            html.Thead(
                html.Tr([html.Th(t(f"col.{h}", lang, STRINGS), scope="col") for h in headers])
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(row.name),
                            html.Td(fmt_number(row.usages, lang), className="text-end"),
                            html.Td(", ".join(row.districts) or "–"),
                            html.Td(", ".join(row.spellings) or "–"),
                            html.Td(
                                html.Span(
                                    t("review", lang, STRINGS),
                                    className="badge text-bg-warning",
                                )
                                if row.needs_review
                                else t("reviewed", lang, STRINGS)
                            ),
                        ]
                    )
                    for row in frame.itertuples()
                ]
            ),
        ],
        className="table table-sm w-auto",
        id=UNCATALOGUED,
    )


def layout(**kwargs):
    lang = current_lang()
    filters = Filters.from_args(kwargs)
    return html.Div(
        [
            html.H1(t("heading", lang, STRINGS), className="h3"),
            html.P(t("intro", lang, STRINGS), className="lead fs-6"),
            filter_bar(filters, lang),
            _section(
                t("matrix.heading", lang, STRINGS),
                html.P(t("matrix.help", lang, STRINGS), className="small text-muted"),
                chart(MATRIX, lang),
                section_id="tools-matrix-section",
            ),
            _section(
                t("satisfaction.heading", lang, STRINGS),
                html.P(
                    METRICS["tool_satisfaction"].definition(lang),
                    className="small text-muted",
                    id="tools-satisfaction-definition",
                ),
                chart(SATISFACTION, lang),
                html.P(id=HIDDEN, className="small"),
                section_id="tools-satisfaction-section",
            ),
            _section(
                t("cost.heading", lang, STRINGS),
                html.P(
                    t("cost.definition", lang, STRINGS),
                    className="small text-muted",
                    id="tools-cost-definition",
                ),
                chart(COST, lang),
                html.P(id=COST_NOTE, className="small"),
                section_id="tools-cost-section",
            ),
            _section(
                t("catalogue.heading", lang, STRINGS),
                html.P(t("catalogue.help", lang, STRINGS), className="small text-muted"),
                _catalogue(lang),
                section_id="tools-catalogue-section",
            ),
            _section(
                t("uncatalogued.heading", lang, STRINGS),
                html.P(t("uncatalogued.help", lang, STRINGS), className="small text-muted"),
                _uncatalogued(lang),
                section_id="tools-uncatalogued-section",
            ),
        ]
    )


# ------------------------------------------------------------------ callbacks


def _failed(lang: str, title: str):
    return figures.empty(t("error", lang), title=title, lang=lang)


def _nothing(lang: str, title: str):
    """The figure and the table alternative when the filters leave nothing to show."""
    message = t("no_data", lang)
    return figures.empty(message, title=title, lang=lang), html.P(message, className="small")


@callback(Output(MATRIX, "figure"), Output(f"{MATRIX}-table", "children"), *INPUTS)
def update_matrix(start, end, districts, kinds, topics):
    lang = current_lang()
    title = t("matrix.title", lang, fig.STRINGS)
    try:
        frame = q.usage_matrix(Filters.from_controls(start, end, districts, kinds, topics))
        if frame.empty:
            return _nothing(lang, title)
        table, columns = fig.usage_table(frame, lang)
        figure = fig.usage_heatmap(frame, lang, data_as_of=queries.data_as_of())
        return figure, data_table(table, columns)
    except Exception:
        log.exception("tools: the district × tool matrix failed")
        return _failed(lang, title), None


@callback(
    Output(SATISFACTION, "figure"),
    Output(f"{SATISFACTION}-table", "children"),
    Output(HIDDEN, "children"),
    *INPUTS,
)
def update_satisfaction(start, end, districts, kinds, topics):
    lang = current_lang()
    title = t("satisfaction.title", lang, fig.STRINGS)
    try:
        frame = q.satisfaction(Filters.from_controls(start, end, districts, kinds, topics))
        hidden = _hidden_list(fig.too_few_ratings(frame), lang) if len(frame) else None
        if fig.rated(frame).empty:
            return *_nothing(lang, title), hidden
        table, columns = fig.satisfaction_table(frame, lang)
        figure = fig.satisfaction_bars(frame, lang, data_as_of=queries.data_as_of())
        return figure, data_table(table, columns), hidden
    except Exception:
        log.exception("tools: the satisfaction chart failed")
        return _failed(lang, title), None, None


def _hidden_list(hidden, lang: str):
    if hidden.empty:
        return t("hidden.none", lang, STRINGS, n=MIN_RATINGS)
    items = ", ".join(
        t(
            "hidden.item_one" if r.ratings == 1 else "hidden.item",
            lang,
            STRINGS,
            tool=r.tool,
            n=r.ratings,
        )
        for r in hidden.itertuples()
    )
    return [html.Strong(t("hidden.label", lang, STRINGS, n=MIN_RATINGS)), items]


@callback(
    Output(COST, "figure"),
    Output(f"{COST}-table", "children"),
    Output(COST_NOTE, "children"),
    *INPUTS,
)
def update_cost(start, end, districts, kinds, topics):
    lang = current_lang()
    title = t("cost.title", lang, fig.STRINGS)
    try:
        frame = q.cost_per_participant(Filters.from_controls(start, end, districts, kinds, topics))
        if frame.empty:
            return *_nothing(lang, title), None
        note = t("cost.note", lang, STRINGS, usages=fmt_number(frame["usages"].sum(), lang))
        unknown = frame[frame["cost_per_participant"].isna()]
        if len(unknown):
            note += t("cost.no_participants", lang, STRINGS, tools=", ".join(unknown["tool"]))
        if fig.with_cost(frame).empty:
            return *_nothing(lang, title), note
        table, columns = fig.cost_table(frame, lang)
        figure = fig.cost_bars(frame, lang, data_as_of=queries.data_as_of())
        return figure, data_table(table, columns), note
    except Exception:
        log.exception("tools: the cost per participant chart failed")
        return _failed(lang, title), None, None
