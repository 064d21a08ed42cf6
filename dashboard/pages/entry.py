"""Zadání dat / data entry: district coordinators keep their own district current.

Five forms: a new process, a process update (stage, progress, note, effective date), an
activity, a tool usage, and the correction of a stored record. Every save goes through
``koordinace.records`` — the same validation and messages as the ETL, the authorisation
(a district coordinator writes only their own district, whatever the request says), the
version check and the audit log. This page only gathers the values and shows the answer.
"""

from __future__ import annotations

import json
import logging

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, dcc, html, no_update
from flask_login import current_user

from dashboard.auth import WRITERS
from dashboard.i18n import current_lang, fmt_date, fmt_number, t
from dashboard.queries import entry as q
from models.db import session_scope
from models.vocabulary import record_kind, vocabulary

log = logging.getLogger(__name__)

dash.register_page(
    __name__,
    path="/entry",
    name="Zadání dat",
    name_en="Data entry",
    order=80,
    title="Koordinace – zadání dat",
    roles=WRITERS,
)

ID = "entry"
DISTRICT = f"{ID}-district"
SAVED = f"{ID}-saved"  # a counter: every successful save bumps it (refreshes the choices)
UPDATE_PROJECT = f"{ID}-update-project"
UPDATE_STATE = f"{ID}-update-state"
CORRECT_ENTITY = f"{ID}-correct-entity"
CORRECT_RECORD = f"{ID}-correct-record"
CORRECT_FIELDS = f"{ID}-correct-fields"
CORRECT_BASE = f"{ID}-correct-base"
PROJECT_SELECTS = ("activity", "tool")  # forms whose project_id is chosen from a list

# form -> (record kind whose field specs describe the inputs, fields in order)
FORMS = {
    "project": (
        "projects",
        (
            "project_id",
            "title",
            "kind",
            "stage",
            "start_date",
            "end_date",
            "budget_czk",
            "topic",
            "progress_pct",
            "coordinator",
            "url",
            "description",
        ),
    ),
    "update": ("projects", ("stage", "progress_pct", "effective_date", "note")),
    "activity": (
        "activities",
        (
            "project_id",
            "activity_id",
            "date",
            "activity",
            "channel",
            "participants",
            "youth_participants",
            "proposals",
            "votes",
            "note",
        ),
    ),
    "tool": ("tool_usage", ("project_id", "tool", "purpose", "cost_czk", "rating")),
}
CORRECTABLE = {"project": "projects", "activity": "activities", "tool_usage": "tool_usage"}

STRINGS = {
    "title": {"cs": "Zadání dat", "en": "Data entry"},
    "lead": {
        "cs": "Zapište, co se v městské části stalo – bez čekání na další import. Hodnoty se "
        "kontrolují stejně jako při importu a každá změna se zapisuje do záznamu změn.",
        "en": "Record what happened in the district without waiting for the next import. "
        "Values are checked as in an import and every change is logged.",
    },
    "district": {"cs": "Městská část", "en": "District"},
    "district.fixed": {
        "cs": "Zapisujete za svou městskou část.",
        "en": "You write for your own district.",
    },
    "tab.project": {"cs": "Nový proces", "en": "New process"},
    "tab.update": {"cs": "Změna stavu procesu", "en": "Process update"},
    "tab.activity": {"cs": "Aktivita", "en": "Activity"},
    "tab.tool": {"cs": "Použití nástroje", "en": "Tool usage"},
    "tab.correct": {"cs": "Oprava záznamu", "en": "Correct a record"},
    "save": {"cs": "Uložit", "en": "Save"},
    "required": {"cs": "povinné", "en": "required"},
    "choose": {"cs": "— vyberte —", "en": "— choose —"},
    "project": {"cs": "Proces", "en": "Process"},
    "effective_date": {"cs": "Platí od", "en": "Effective date"},
    "note": {"cs": "Poznámka", "en": "Note"},
    "current": {
        "cs": "Nyní: {stage}, postup {progress} (verze {version})",
        "en": "Now: {stage}, progress {progress} (version {version})",
    },
    "saved": {
        "cs": "Uloženo: {what} (verze {version}).",
        "en": "Saved: {what} (version {version}).",
    },
    "saved.link": {"cs": "Zobrazit v grafech", "en": "Show in the charts"},
    "failed": {"cs": "Neuloženo – opravte prosím:", "en": "Not saved – please correct:"},
    "conflict": {
        "cs": "Neuloženo: záznam mezitím změnil někdo jiný. Nic nebylo přepsáno. "
        "Načtěte záznam znovu a změnu zopakujte.",
        "en": "Not saved: someone else changed the record meanwhile. Nothing was "
        "overwritten. Reload the record and make your change again.",
    },
    "conflict.field": {"cs": "Položka", "en": "Field"},
    "conflict.yours": {"cs": "Vaše hodnota", "en": "Your value"},
    "conflict.stored": {"cs": "Nyní uloženo", "en": "Stored now"},
    "correct.entity": {"cs": "Typ záznamu", "en": "Record type"},
    "correct.record": {"cs": "Záznam", "en": "Record"},
    "correct.none": {"cs": "Nic nebylo změněno.", "en": "Nothing was changed."},
    "entity.project": {"cs": "Proces", "en": "Process"},
    "entity.activity": {"cs": "Aktivita", "en": "Activity"},
    "entity.tool_usage": {"cs": "Použití nástroje", "en": "Tool usage"},
    "what.project": {"cs": "proces {code}", "en": "process {code}"},
    "what.update": {"cs": "změna stavu procesu {code}", "en": "update of process {code}"},
    "what.activity": {"cs": "aktivita z {date}", "en": "activity of {date}"},
    "what.tool": {"cs": "použití nástroje {tool}", "en": "tool usage {tool}"},
    "what.correct": {"cs": "oprava záznamu", "en": "correction"},
    "hint.date": {"cs": "např. 15. 3. 2026", "en": "e.g. 15. 3. 2026 or 2026-03-15"},
    "hint.amount": {"cs": "např. 250 000", "en": "e.g. 250 000"},
    "hint.percent": {"cs": "0–100 %", "en": "0–100 %"},
    "hint.whole": {"cs": "celé číslo", "en": "whole number"},
    "not_signed_in": {"cs": "Nejste přihlášeni.", "en": "You are not signed in."},
}


def _t(key: str, lang: str, **values) -> str:
    return t(key, lang, STRINGS, **values)


# ------------------------------------------------------------------ form building


def _label(kind: str, name: str, lang: str) -> tuple[str, str, bool]:
    """(label, type, required) of a form field."""
    if name == "effective_date":
        return _t("effective_date", lang), "date", False
    if name == "note" and kind == "projects":
        return _t("note", lang), "text", False
    spec = record_kind(kind).field(name)
    return spec.label(lang), spec.type, spec.required


def field_input(form: str, kind: str, name: str, lang: str, value=None, disabled=False):
    """One labelled input; its id carries the form and the canonical field name."""
    label, type_, required = _label(kind, name, lang)
    ident = {"type": f"{ID}-input", "form": form, "field": name}
    if name == "project_id" and form in PROJECT_SELECTS:
        control = dbc.Select(
            id=ident, options=[], value=value, disabled=disabled, placeholder=_t("choose", lang)
        )
    elif type_ == "vocabulary":
        spec = record_kind(kind).field(name)
        options = [
            {"label": term.label(lang), "value": term.value}
            for term in vocabulary(spec.vocabulary).terms
        ]
        if not required:
            options.insert(0, {"label": "", "value": ""})
        control = dbc.Select(id=ident, options=options, value=value or "", disabled=disabled)
    elif name == "description" or (name == "note" and form != "correct"):
        control = dbc.Textarea(id=ident, value=value, rows=2, disabled=disabled)
    else:
        hint = {"date": "hint.date", "amount": "hint.amount", "percent": "hint.percent"}.get(
            type_, "hint.whole" if type_ == "whole" else None
        )
        control = dbc.Input(
            id=ident,
            type="text",
            value=value,
            placeholder=_t(hint, lang) if hint else None,
            list=f"{ID}-tools" if name == "tool" else None,
            disabled=disabled,
        )
    mark = html.Small(f" ({_t('required', lang)})", className="text-muted") if required else None
    return dbc.Col(
        [
            # Dash renders a dict id as compact JSON with sorted keys: the label points there.
            dbc.Label(
                [label, mark], html_for=json.dumps(ident, sort_keys=True, separators=(",", ":"))
            ),
            control,
            dbc.FormFeedback(
                id={"type": f"{ID}-feedback", "form": form, "field": name}, type="invalid"
            ),
        ],
        md=6,
        lg=4,
        className="mb-3",
    )


def _form(form: str, lang: str, extra=None):
    kind, fields = FORMS[form]
    return html.Div(
        [
            *(extra or []),
            dbc.Row([field_input(form, kind, name, lang) for name in fields]),
            dbc.Button(_t("save", lang), id=f"{ID}-{form}-save", color="primary"),
            html.Div(id=f"{ID}-{form}-result", className="mt-3", role="status"),
        ],
        className="pt-3",
    )


def _writable_districts() -> tuple[list[dict], str | None, bool]:
    """(options, value, fixed): a district coordinator has exactly their own district."""
    fixed = current_user.role == "district"
    frame = q.district_choices([current_user.district_id] if fixed else None)
    options = [{"label": row.name, "value": str(row.id)} for row in frame.itertuples()]
    value = options[0]["value"] if options else None
    return options, value, fixed


def layout(**_kwargs):
    lang = current_lang()
    options, value, fixed = _writable_districts()
    update_extra = [
        dbc.Row(
            dbc.Col(
                [
                    dbc.Label(_t("project", lang), html_for=UPDATE_PROJECT),
                    dbc.Select(id=UPDATE_PROJECT, options=[], placeholder=_t("choose", lang)),
                    html.Small(id=f"{UPDATE_PROJECT}-current", className="text-muted"),
                ],
                md=8,
                className="mb-3",
            )
        ),
        dcc.Store(id=UPDATE_STATE),
    ]
    correct = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(_t("correct.entity", lang), html_for=CORRECT_ENTITY),
                            dbc.Select(
                                id=CORRECT_ENTITY,
                                options=[
                                    {"label": _t(f"entity.{e}", lang), "value": e}
                                    for e in CORRECTABLE
                                ],
                                value="project",
                            ),
                        ],
                        md=4,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(_t("correct.record", lang), html_for=CORRECT_RECORD),
                            dbc.Select(
                                id=CORRECT_RECORD, options=[], placeholder=_t("choose", lang)
                            ),
                        ],
                        md=8,
                    ),
                ],
                className="mb-3",
            ),
            html.Div(id=CORRECT_FIELDS),
            dcc.Store(id=CORRECT_BASE),
            dbc.Button(_t("save", lang), id=f"{ID}-correct-save", color="primary"),
            html.Div(id=f"{ID}-correct-result", className="mt-3", role="status"),
        ],
        className="pt-3",
    )
    return html.Div(
        [
            html.H1(_t("title", lang), className="h3"),
            html.P(_t("lead", lang), className="text-muted"),
            dbc.Row(
                dbc.Col(
                    [
                        dbc.Label(_t("district", lang), html_for=DISTRICT),
                        dbc.Select(id=DISTRICT, options=options, value=value, disabled=fixed),
                        html.Small(_t("district.fixed", lang), className="text-muted")
                        if fixed
                        else None,
                    ],
                    md=6,
                ),
                className="mb-3",
            ),
            dcc.Store(id=SAVED, data=0),
            html.Datalist([html.Option(value=name) for name in q.tool_names()], id=f"{ID}-tools"),
            dbc.Tabs(
                [
                    dbc.Tab(
                        _form("activity", lang), label=_t("tab.activity", lang), tab_id="activity"
                    ),
                    dbc.Tab(
                        _form("update", lang, update_extra),
                        label=_t("tab.update", lang),
                        tab_id="update",
                    ),
                    dbc.Tab(
                        _form("project", lang), label=_t("tab.project", lang), tab_id="project"
                    ),
                    dbc.Tab(_form("tool", lang), label=_t("tab.tool", lang), tab_id="tool"),
                    dbc.Tab(correct, label=_t("tab.correct", lang), tab_id="correct"),
                ],
                id=f"{ID}-tabs",
                active_tab="activity",
            ),
        ]
    )


# ------------------------------------------------------------------ choices


@callback(
    *(
        Output({"type": f"{ID}-input", "form": form, "field": "project_id"}, "options")
        for form in PROJECT_SELECTS
    ),
    Output(UPDATE_PROJECT, "options"),
    Input(DISTRICT, "value"),
    Input(SAVED, "data"),
)
def project_choices(district, _saved):
    if not district:
        return [], [], []
    by_id = q.projects(int(district))
    options = [
        {"label": f"{row.code} – {row.title}", "value": row.code} for row in by_id.itertuples()
    ]
    update_options = [
        {"label": f"{row.code} – {row.title}", "value": str(row.id)} for row in by_id.itertuples()
    ]
    return options, options, update_options


@callback(
    Output(f"{UPDATE_PROJECT}-current", "children"),
    Output(UPDATE_STATE, "data"),
    Input(UPDATE_PROJECT, "value"),
    Input(SAVED, "data"),
    State(DISTRICT, "value"),
)
def update_current(project, _saved, district):
    if not project or not district:
        return "", None
    lang = current_lang()
    frame = q.projects(int(district))
    row = frame[frame["id"] == int(project)]
    if row.empty:
        return "", None
    r = row.iloc[0]
    text = _t(
        "current",
        lang,
        stage=vocabulary("stage").label(r["stage"], lang),
        progress="–"
        if r["progress_pct"] is None
        else f"{fmt_number(float(r['progress_pct']), lang)} %",
        version=int(r["version"]),
    )
    return text, {"id": int(r["id"]), "code": r["code"], "version": int(r["version"])}


@callback(
    Output(CORRECT_RECORD, "options"),
    Input(DISTRICT, "value"),
    Input(CORRECT_ENTITY, "value"),
    Input(SAVED, "data"),
)
def correct_choices(district, entity, _saved):
    lang = current_lang()
    choose: list[dict] = []
    if not district or entity not in CORRECTABLE:
        return choose
    district_id = int(district)
    if entity == "project":
        rows = q.projects(district_id)
        return choose + [
            {"label": f"{r.code} – {r.title}", "value": str(r.id)} for r in rows.itertuples()
        ]
    if entity == "activity":
        rows = q.activities(district_id)
        return choose + [
            {
                "label": f"{fmt_date(r.date, lang)} · {r.project} · "
                f"{vocabulary('activity').label(r.activity, lang)} · "
                f"{vocabulary('channel').label(r.channel, lang)} · {r.participants}",
                "value": str(r.id),
            }
            for r in rows.itertuples()
        ]
    rows = q.tool_usages(district_id)
    return choose + [
        {
            "label": f"{r.project} · {r.tool} · {vocabulary('purpose').label(r.purpose, lang)}",
            "value": str(r.id),
        }
        for r in rows.itertuples()
    ]


def _shown(value) -> str:
    """A stored value as the form shows it (and the ETL's parsers read back)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@callback(
    Output(CORRECT_FIELDS, "children"),
    Output(CORRECT_BASE, "data"),
    Input(CORRECT_RECORD, "value"),
    Input(SAVED, "data"),
    State(CORRECT_ENTITY, "value"),
)
def correct_form(record, _saved, entity):
    if not record or entity not in CORRECTABLE:
        return None, None
    from koordinace.records import RecordError, get_record

    lang = current_lang()
    kind = CORRECTABLE[entity]
    try:
        with session_scope() as session:
            stored = get_record(session=session, entity=entity, record_id=int(record))
    except RecordError as err:
        return dbc.Alert(err.en if lang == "en" else err.cs, color="danger"), None
    fields = [spec.name for spec in record_kind(kind).fields]
    base = {name: _shown(stored.get(name)) for name in fields}
    row = dbc.Row(
        [
            field_input(
                "correct", kind, name, lang, value=base[name], disabled=name == "project_id"
            )
            for name in fields
        ]
    )
    return row, {"entity": entity, "id": stored["id"], "version": stored["version"], "values": base}


# ------------------------------------------------------------------ saving


def _save_callback(form: str, *extra_states: State):
    """A form's save callback: (clicks, values, ids, saved, *extra) -> field flags,
    field messages, the message and the save counter."""
    return callback(
        Output({"type": f"{ID}-input", "form": form, "field": ALL}, "invalid"),
        Output({"type": f"{ID}-feedback", "form": form, "field": ALL}, "children"),
        Output(f"{ID}-{form}-result", "children"),
        Output(SAVED, "data", allow_duplicate=True),
        Input(f"{ID}-{form}-save", "n_clicks"),
        State({"type": f"{ID}-input", "form": form, "field": ALL}, "value"),
        State({"type": f"{ID}-input", "form": form, "field": ALL}, "id"),
        State(SAVED, "data"),
        *extra_states,
        prevent_initial_call=True,
    )


def _values(values: list, ids: list[dict]) -> dict:
    """Field -> value as typed; empty inputs left out (missing, as in a file)."""
    out = {}
    for value, ident in zip(values, ids, strict=True):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        out[ident["field"]] = value
    return out


def _answer(ids: list[dict], lang: str, saved: int, result=None, error=None):
    """The outputs of a save: field flags, field messages, the message, the counter."""
    fields = getattr(error, "fields", None) or {}
    invalid = [ident["field"] in fields for ident in ids]
    feedback = [
        "; ".join(en if lang == "en" else cs for cs, en in fields.get(ident["field"], []))
        for ident in ids
    ]
    if error is None:
        return invalid, feedback, result, saved + 1
    return invalid, feedback, _error_alert(error, lang), no_update


def _error_alert(error, lang: str):
    from koordinace.records import Conflict

    if isinstance(error, Conflict):
        rows = [
            html.Tr(
                [
                    html.Td(label_en if lang == "en" else label_cs),
                    html.Td(_shown(yours)),
                    html.Td(_shown(stored)),
                ]
            )
            for _field, label_cs, label_en, yours, stored in error.changes
        ]
        table = (
            dbc.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(_t("conflict.field", lang)),
                                html.Th(_t("conflict.yours", lang)),
                                html.Th(_t("conflict.stored", lang)),
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                size="sm",
                className="mt-2 mb-0",
            )
            if rows
            else None
        )
        message = error.en if lang == "en" else error.cs
        return dbc.Alert(
            [html.Strong(_t("conflict", lang)), html.Div(message), table],
            color="warning",
            id=f"{ID}-conflict",
        )
    reasons = [en if lang == "en" else cs for items in error.fields.values() for cs, en in items]
    if not reasons:
        reasons = [error.en if lang == "en" else error.cs]
    return dbc.Alert(
        [html.Strong(_t("failed", lang)), html.Ul([html.Li(r) for r in reasons], className="mb-0")],
        color="danger",
        id=f"{ID}-error",
    )


def _success(what: str, version: int, lang: str, href: str | None = None):
    return dbc.Alert(
        [
            _t("saved", lang, what=what, version=version),
            " ",
            html.A(_t("saved.link", lang), href=href, className="alert-link") if href else None,
        ],
        color="success",
        id=f"{ID}-success",
    )


def _actor():
    if not current_user.is_authenticated:  # the guard refuses this earlier; be sure anyway
        from koordinace.records import Forbidden

        raise Forbidden(_t("not_signed_in", "cs"), _t("not_signed_in", "en"))
    return current_user.actor("form")


def _save(form: str, district, write):
    """Run ``write(session, actor, district_id)`` in one transaction; RecordError -> answer."""
    from koordinace.records import RecordError

    try:
        with session_scope() as session:
            return write(session, _actor(), int(district) if district else None), None
    except RecordError as err:
        return None, err
    except (TypeError, ValueError) as err:
        log.info("entry form %s: bad request %s", form, err)
        from koordinace.records import Invalid

        return None, Invalid("Neplatný požadavek.", "Invalid request.")


def _district_href(district, page: str = "/engagement") -> str | None:
    """The chart page filtered to the district (the new record shows there at once)."""
    code = q.district_code(int(district)) if district else None
    return f"{page}?districts={code}" if code else None


def _save_new(form: str, write, values, ids, saved, district, describe, page: str):
    """A create form's save: ``write`` (a koordinace.records create function) in one
    transaction, then the answer with a link to the chart page that shows the record."""
    lang = current_lang()
    if not district:
        from koordinace.records import Invalid

        error = Invalid("Vyberte městskou část.", "Choose a district.")
        return _answer(ids, lang, saved, error=error)
    record, error = _save(
        form,
        district,
        lambda s, actor, d: write(
            session=s, actor=actor, district_id=d, values=_values(values, ids)
        ),
    )
    if error:
        return _answer(ids, lang, saved, error=error)
    success = _success(
        describe(record, lang), record["version"], lang, _district_href(district, page)
    )
    return _answer(ids, lang, saved, success)


@_save_callback("activity", State(DISTRICT, "value"))
def save_activity(_clicks, values, ids, saved, district):
    from koordinace.records import create_activity

    def describe(record, lang):
        return _t("what.activity", lang, date=fmt_date(_as_date(record.get("date")), lang))

    return _save_new(
        "activity", create_activity, values, ids, saved, district, describe, "/engagement"
    )


@_save_callback("project", State(DISTRICT, "value"))
def save_project(_clicks, values, ids, saved, district):
    from koordinace.records import create_project

    def describe(record, lang):
        return _t("what.project", lang, code=record.get("project_id"))

    return _save_new("project", create_project, values, ids, saved, district, describe, "/progress")


@_save_callback("tool", State(DISTRICT, "value"))
def save_tool(_clicks, values, ids, saved, district):
    from koordinace.records import create_tool_usage

    def describe(record, lang):
        return _t("what.tool", lang, tool=record.get("tool"))

    return _save_new("tool", create_tool_usage, values, ids, saved, district, describe, "/tools")


@_save_callback("update", State(UPDATE_STATE, "data"))
def save_update(_clicks, values, ids, saved, project):
    from koordinace.records import Invalid, record_project_update

    lang = current_lang()
    if not project:
        error = Invalid(
            "Vyberte proces.",
            "Choose a process.",
        )
        return _answer(ids, lang, saved, error=error)
    record, error = _save(
        "update",
        None,
        lambda s, actor, _d: record_project_update(
            session=s,
            actor=actor,
            project_id=int(project["id"]),
            values=_values(values, ids),
            version=int(project["version"]),
        ),
    )
    if error:
        return _answer(ids, lang, saved, error=error)
    what = _t("what.update", lang, code=project["code"])
    return _answer(ids, lang, saved, _success(what, record["version"], lang))


@_save_callback("correct", State(CORRECT_BASE, "data"))
def save_correction(_clicks, values, ids, saved, base):
    from koordinace.records import correct_record

    lang = current_lang()
    if not base:
        return [], [], no_update, no_update
    typed = {
        ident["field"]: ("" if v is None else str(v)) for v, ident in zip(values, ids, strict=True)
    }
    changed = {
        name: value
        for name, value in typed.items()
        if name != "project_id" and value.strip() != (base["values"].get(name) or "").strip()
    }
    if not changed:
        return (
            [False] * len(ids),
            [""] * len(ids),
            dbc.Alert(_t("correct.none", lang), color="secondary"),
            no_update,
        )
    record, error = _save(
        "correct",
        None,
        lambda s, actor, _d: correct_record(
            session=s,
            actor=actor,
            entity=base["entity"],
            record_id=int(base["id"]),
            values=changed,
            version=int(base["version"]),
            base=base["values"],
        ),
    )
    if error:
        return _answer(ids, lang, saved, error=error)
    return _answer(ids, lang, saved, _success(_t("what.correct", lang), record["version"], lang))


def _as_date(value):
    import datetime as dt

    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value
