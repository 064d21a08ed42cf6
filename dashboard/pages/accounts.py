"""Účty / Accounts: the administrator (IT of the city) manages the accounts in the app.

The list of accounts (role, district, active, last sign-in, failed sign-ins and lock,
active API tokens); a form to add an account (a typed password, twice, or a generated one
shown once); on the selected account: disable, unlock after failed sign-ins, revoke its
API tokens. Every change goes through ``koordinace.accounts`` and is audited there with
source "form", the administrator as the user and the request's address.

For administrators only (``roles=("admin",)``: the guard refuses the page, its layout and
its callbacks to every other role); the writing callbacks check the role once more
themselves.
"""

from __future__ import annotations

import datetime as dt
import logging

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update
from flask import request
from flask_login import current_user

from dashboard.i18n import current_lang, fmt_date, t
from dashboard.queries import entry as districts_q
from dashboard.queries.audit import as_local
from models.db import session_scope
from models.vocabulary import values

log = logging.getLogger(__name__)

ADMINS = ("admin",)

dash.register_page(
    __name__,
    path="/accounts",
    name="Účty",
    name_en="Accounts",
    order=98,
    title="Koordinace – účty",
    roles=ADMINS,
)

ID = "accounts"
GRID = f"{ID}-grid"
CHANGED = f"{ID}-changed"  # a counter: every accepted change bumps it (reloads the list)
SELECTED = f"{ID}-selected"
ACTION_RESULT = f"{ID}-action-result"
USERNAME = f"{ID}-username"
ROLE = f"{ID}-role"
DISTRICT = f"{ID}-district"
PASSWORD = f"{ID}-password"
PASSWORD2 = f"{ID}-password2"
GENERATE = f"{ID}-generate"
ADD = f"{ID}-add"
ADD_RESULT = f"{ID}-add-result"
#: the actions on the selected account: name -> (button id, its input property, confirm?)
ACTIONS = {
    "disable": (f"{ID}-disable", "submit_n_clicks", True),
    "enable": (f"{ID}-enable", "n_clicks", False),
    "unlock": (f"{ID}-unlock", "n_clicks", False),
    "revoke": (f"{ID}-revoke", "submit_n_clicks", True),
}

STRINGS = {
    "heading": {"cs": "Účty", "en": "Accounts"},
    "intro": {
        "cs": "Správa uživatelských účtů: nový účet, zablokování, odemčení po neúspěšných "
        "přihlášeních a zneplatnění API tokenů. Každá změna se zapisuje do záznamu změn.",
        "en": "Managing the user accounts: add an account, disable it, unlock it after failed "
        "sign-ins and revoke its API tokens. Every change is written to the audit log.",
    },
    "col.username": {"cs": "Uživatel", "en": "Username"},
    "col.role": {"cs": "Role", "en": "Role"},
    "col.district": {"cs": "Městská část", "en": "District"},
    "col.active": {"cs": "Aktivní", "en": "Active"},
    "col.last_login": {"cs": "Poslední přihlášení", "en": "Last sign-in"},
    "col.failed": {"cs": "Neúspěšná přihlášení", "en": "Failed sign-ins"},
    "col.tokens": {"cs": "Aktivní API tokeny", "en": "Active API tokens"},
    "locked": {"cs": "{n} · zamčeno do {when}", "en": "{n} · locked until {when}"},
    "yes": {"cs": "ano", "en": "yes"},
    "no": {"cs": "ne", "en": "no"},
    "never": {"cs": "nikdy", "en": "never"},
    "grid.empty": {"cs": "Žádné účty", "en": "No accounts"},
    "grid.failed": {
        "cs": "Seznam účtů se nepodařilo načíst; chyba byla zaznamenána.",
        "en": "The accounts could not be loaded; the error was logged.",
    },
    "selected.none": {
        "cs": "Vyberte v tabulce účet, se kterým chcete něco udělat.",
        "en": "Select an account in the table to act on it.",
    },
    "selected": {"cs": "Vybraný účet: {username}", "en": "Selected account: {username}"},
    "action.disable": {"cs": "Zablokovat účet", "en": "Disable the account"},
    "action.enable": {"cs": "Povolit účet", "en": "Enable the account"},
    "action.unlock": {"cs": "Odemknout přihlášení", "en": "Unlock sign-in"},
    "action.revoke": {"cs": "Zneplatnit API tokeny", "en": "Revoke API tokens"},
    "confirm.disable": {
        "cs": "Zablokovat vybraný účet? Uživatel bude okamžitě odhlášen a jeho API tokeny "
        "přestanou platit.",
        "en": "Disable the selected account? The user is signed out at once and their API "
        "tokens stop working.",
    },
    "confirm.revoke": {
        "cs": "Zneplatnit všechny API tokeny vybraného účtu?",
        "en": "Revoke every API token of the selected account?",
    },
    "done.disable": {
        "cs": "Účet „{username}“ je zablokovaný; uživatel byl odhlášen.",
        "en": "The account '{username}' is disabled; the user was signed out.",
    },
    "done.enable": {
        "cs": "Účet „{username}“ je znovu povolený; uživatel se může přihlásit.",
        "en": "The account '{username}' is enabled again; the user can sign in.",
    },
    "done.unlock": {
        "cs": "Účet „{username}“ je odemčený; uživatel se může znovu přihlásit.",
        "en": "The account '{username}' is unlocked; the user can sign in again.",
    },
    "done.revoke": {
        "cs": "Zneplatněné API tokeny účtu „{username}“: {n}.",
        "en": "API tokens of '{username}' revoked: {n}.",
    },
    "refused.none_selected": {
        "cs": "Nejdřív vyberte v tabulce účet.",
        "en": "Select an account in the table first.",
    },
    "refused.self": {
        "cs": "Svůj vlastní účet zablokovat nemůžete.",
        "en": "You cannot disable your own account.",
    },
    "refused.no_tokens": {
        "cs": "Účet „{username}“ nemá žádné platné API tokeny.",
        "en": "The account '{username}' has no active API tokens.",
    },
    "refused.role": {
        "cs": "Účty smí spravovat jen správce. Nic nebylo změněno.",
        "en": "Only an administrator may manage accounts. Nothing was changed.",
    },
    "refused.bad_request": {"cs": "Neplatný požadavek.", "en": "Invalid request."},
    "add.heading": {"cs": "Nový účet", "en": "New account"},
    "add.username": {"cs": "Uživatelské jméno", "en": "Username"},
    "add.role": {"cs": "Role", "en": "Role"},
    "add.district": {"cs": "Městská část", "en": "District"},
    "add.district.hint": {
        "cs": "Jen pro koordinátora MČ; pilotní městské části jsou nahoře.",
        "en": "Only for a district coordinator; the pilot districts come first.",
    },
    "add.choose": {"cs": "— vyberte —", "en": "— choose —"},
    "add.password": {"cs": "Heslo", "en": "Password"},
    "add.password2": {"cs": "Heslo znovu", "en": "Password again"},
    "add.password.hint": {
        "cs": "Alespoň {n} znaků.",
        "en": "At least {n} characters.",
    },
    "add.generate": {
        "cs": "Vygenerovat heslo (zobrazí se jen jednou)",
        "en": "Generate a password (shown only once)",
    },
    "add.submit": {"cs": "Vytvořit účet", "en": "Create the account"},
    "add.failed": {"cs": "Účet nebyl vytvořen:", "en": "The account was not created:"},
    "add.mismatch": {
        "cs": "Hesla se neshodují – zadejte stejné heslo dvakrát.",
        "en": "The passwords do not match – type the same password twice.",
    },
    "add.no_district": {
        "cs": "Koordinátor MČ potřebuje městskou část – vyberte ji.",
        "en": "A district coordinator needs a district – choose one.",
    },
    "add.no_role": {"cs": "Vyberte roli.", "en": "Choose a role."},
    "add.done": {
        "cs": "Účet „{username}“ vytvořen ({role}{where}).",
        "en": "Account '{username}' created ({role}{where}).",
    },
    "add.generated": {
        "cs": "Vygenerované heslo – předejte ho uživateli, znovu se už nezobrazí:",
        "en": "The generated password – pass it on to the user, it is not shown again:",
    },
}

GRID_COLUMNS = (  # field, share of the width (the grid fits the page, no scrolling)
    ("username", 3),
    ("role", 3),
    ("district", 3),
    ("active", 2),
    ("last_login", 3),
    ("failed", 4),
    ("tokens", 2),
)


def _t(key: str, lang: str, **values) -> str:
    return t(key, lang, STRINGS, **values)


def role_label(role: str, lang: str) -> str:
    return t(f"role.{role}", lang)


def fmt_when(value: dt.datetime | None, lang: str) -> str:
    """``15. 3. 2026 14:05`` in Czech, ``15 Mar 2026 14:05`` in English (Prague time)."""
    if value is None:
        return "–"
    local = as_local(value)
    return f"{fmt_date(local, lang)} {local:%H:%M}"


def grid_rows(rows, lang: str, now: dt.datetime | None = None) -> list[dict]:
    """The accounts (``koordinace.accounts.AccountRow``) as the grid shows them."""
    now = now or dt.datetime.now(dt.UTC)
    out = []
    for r in rows:
        failed = str(r.failed_logins)
        if r.locked_until is not None and r.locked_until > now:
            failed = _t("locked", lang, n=r.failed_logins, when=fmt_when(r.locked_until, lang))
        out.append(
            {
                "username": r.username,
                "role": role_label(r.role, lang),
                "district": r.district or "–",
                "active": _t("yes" if r.is_active else "no", lang),
                "last_login": fmt_when(r.last_login_at, lang)
                if r.last_login_at
                else _t("never", lang),
                "failed": failed,
                "tokens": r.active_tokens,
            }
        )
    return out


# ------------------------------------------------------------------ layout


def _grid(lang: str):
    return dag.AgGrid(
        id=GRID,
        columnDefs=[
            {"field": field, "headerName": _t(f"col.{field}", lang), "flex": share}
            for field, share in GRID_COLUMNS
        ],
        rowData=[],
        defaultColDef={
            "editable": False,
            "sortable": True,
            "filter": False,
            "resizable": True,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        },
        getRowId="params.data.username",
        dashGridOptions={
            "rowSelection": {
                "mode": "singleRow",
                "checkboxes": False,
                "enableClickSelection": True,
            },
            "enableCellTextSelection": True,
            "ensureDomOrder": True,
            "suppressColumnVirtualisation": True,
            "domLayout": "autoHeight",
            "localeText": {"noRowsToShow": _t("grid.empty", lang)},
            "theme": {"function": "themeQuartz.withParams({ spacing: 6, fontSize: 13 })"},
        },
        style={"width": "100%"},
    )


def _action_button(name: str, lang: str):
    ident, _prop, confirm = ACTIONS[name]
    color = {"disable": "danger", "enable": "success", "unlock": "secondary", "revoke": "warning"}[
        name
    ]
    if not confirm:
        return dbc.Button(_t(f"action.{name}", lang), id=ident, color=color, className="me-2")
    return dcc.ConfirmDialogProvider(
        dbc.Button(_t(f"action.{name}", lang), color=color, className="me-2"),
        id=ident,
        message=_t(f"confirm.{name}", lang),
    )


def _district_options(lang: str) -> list[dict]:
    frame = districts_q.district_choices()
    return [{"label": _t("add.choose", lang), "value": ""}] + [
        {"label": row.name, "value": row.name} for row in frame.itertuples()
    ]


def _add_form(lang: str):
    from koordinace.accounts import MIN_PASSWORD_LENGTH

    def field(label: str, control, hint: str | None = None, md: int = 6):
        return dbc.Col(
            [
                dbc.Label(label, html_for=control.id),
                control,
                html.Small(hint, className="text-muted") if hint else None,
            ],
            md=md,
            className="mb-3",
        )

    return html.Section(
        [
            html.H2(_t("add.heading", lang), className="h5"),
            dbc.Row(
                [
                    field(
                        _t("add.username", lang),
                        dbc.Input(id=USERNAME, type="text", autoComplete="off", maxLength=100),
                        md=4,
                    ),
                    field(
                        _t("add.role", lang),
                        dbc.Select(
                            id=ROLE,
                            options=[
                                {"label": role_label(r, lang), "value": r} for r in values("role")
                            ],
                            value="district",
                        ),
                        md=4,
                    ),
                    field(
                        _t("add.district", lang),
                        dbc.Select(id=DISTRICT, options=_district_options(lang), value=""),
                        _t("add.district.hint", lang),
                        md=4,
                    ),
                ]
            ),
            dbc.Row(
                [
                    field(
                        _t("add.password", lang),
                        dbc.Input(id=PASSWORD, type="password", autoComplete="new-password"),
                        _t("add.password.hint", lang, n=MIN_PASSWORD_LENGTH),
                        md=4,
                    ),
                    field(
                        _t("add.password2", lang),
                        dbc.Input(id=PASSWORD2, type="password", autoComplete="new-password"),
                        md=4,
                    ),
                    dbc.Col(
                        dbc.Checkbox(id=GENERATE, label=_t("add.generate", lang), value=False),
                        md=4,
                        className="mb-3 d-flex align-items-center",
                    ),
                ]
            ),
            dbc.Button(_t("add.submit", lang), id=ADD, color="primary"),
            html.Div(id=ADD_RESULT, className="mt-3", role="status"),
        ],
        className="mt-4",
    )


def layout(**_kwargs):
    lang = current_lang()
    return html.Div(
        [
            html.H1(_t("heading", lang), className="h3"),
            html.P(_t("intro", lang), className="lead fs-6"),
            dcc.Store(id=CHANGED, data=0),
            _grid(lang),
            html.Section(
                [
                    html.P(_t("selected.none", lang), id=SELECTED, className="mt-3 mb-2"),
                    html.Div([_action_button(name, lang) for name in ACTIONS], className="d-flex"),
                    html.Div(id=ACTION_RESULT, className="mt-3", role="status"),
                ],
                **{"aria-live": "polite"},
            ),
            _add_form(lang),
        ]
    )


# ------------------------------------------------------------------ reading


def _is_admin() -> bool:
    return bool(current_user.is_authenticated and current_user.role in ADMINS)


@callback(Output(GRID, "rowData"), Input(CHANGED, "data"))
def load_accounts(_changed):
    from koordinace.accounts import account_rows

    if not _is_admin():  # the guard refuses this earlier; be sure anyway
        return []
    lang = current_lang()
    try:
        with session_scope() as session:
            rows = account_rows(session=session)
    except Exception:
        log.exception("accounts: the list could not be loaded")
        return []
    return grid_rows(rows, lang)


@callback(Output(SELECTED, "children"), Input(GRID, "selectedRows"))
def show_selected(selected):
    lang = current_lang()
    username = _selected_username(selected)
    if not username:
        return _t("selected.none", lang)
    return [_t("selected", lang, username=""), html.Strong(username)]


@callback(Output(DISTRICT, "disabled"), Input(ROLE, "value"))
def district_only_for_district_role(role):
    return role != "district"


@callback(
    Output(PASSWORD, "disabled"),
    Output(PASSWORD2, "disabled"),
    Input(GENERATE, "value"),
)
def passwords_unless_generated(generate):
    return bool(generate), bool(generate)


# ------------------------------------------------------------------ writing


def _refused(lang: str, text: str | None = None, heading: str | None = None):
    body = [html.Strong(heading), " "] if heading else []
    return dbc.Alert([*body, text or _t("refused.role", lang)], color="danger", id=f"{ID}-error")


def _who() -> dict:
    """Who acts and how, for the audit log (``koordinace.accounts`` keyword arguments)."""
    return {
        "actor": current_user.username,
        "actor_id": current_user.id,
        "source": "form",
        "remote_addr": request.remote_addr if request else None,
    }


def _selected_username(selected) -> str | None:
    if not isinstance(selected, list) or not selected or not isinstance(selected[0], dict):
        return None
    username = selected[0].get("username")
    return username.strip() if isinstance(username, str) and username.strip() else None


KEEP_FORM = (no_update,) * 4  # a refused add: the counter and the typed values stay


@callback(
    Output(ADD_RESULT, "children"),
    Output(CHANGED, "data", allow_duplicate=True),
    Output(USERNAME, "value"),
    Output(PASSWORD, "value"),
    Output(PASSWORD2, "value"),
    Input(ADD, "n_clicks"),
    State(USERNAME, "value"),
    State(ROLE, "value"),
    State(DISTRICT, "value"),
    State(PASSWORD, "value"),
    State(PASSWORD2, "value"),
    State(GENERATE, "value"),
    State(CHANGED, "data"),
    prevent_initial_call=True,
)
def add_account(_clicks, username, role, district, password, password2, generate, changed):
    """Create an account from the form; the generated password is shown this once."""
    from koordinace.accounts import AccountError, add_user, generate_password

    lang = current_lang()
    if not _is_admin():
        return _refused(lang), *KEEP_FORM
    failed = _t("add.failed", lang)
    if not role:
        return _refused(lang, _t("add.no_role", lang), failed), *KEEP_FORM
    if role == "district" and not district:
        return _refused(lang, _t("add.no_district", lang), failed), *KEEP_FORM
    if generate:
        password = generate_password()
    elif (password or "") != (password2 or ""):
        return _refused(lang, _t("add.mismatch", lang), failed), *KEEP_FORM
    try:
        with session_scope() as session:
            account = add_user(
                session=session,
                username=str(username or ""),
                role=str(role),
                password=str(password or ""),
                district=str(district) if role == "district" else None,
                **_who(),
            )
            username = account.username
    except AccountError as err:
        message = err.en if lang == "en" else err.cs
        return _refused(lang, message, failed), *KEEP_FORM
    where = f", {district}" if role == "district" else ""
    done = [_t("add.done", lang, username=username, role=role_label(role, lang), where=where)]
    if generate:
        done += [html.Br(), _t("add.generated", lang), " ", html.Code(password, id=f"{ID}-new")]
    alert = dbc.Alert(done, color="success", id=f"{ID}-success")
    return alert, int(changed or 0) + 1, "", "", ""


def _action_callback(name: str):
    """The callback of an action on the selected account: (clicks, selected rows, counter)
    -> the message and the counter."""
    ident, prop, _confirm = ACTIONS[name]
    return callback(
        Output(ACTION_RESULT, "children", allow_duplicate=True),
        Output(CHANGED, "data", allow_duplicate=True),
        Input(ident, prop),
        State(GRID, "selectedRows"),
        State(CHANGED, "data"),
        prevent_initial_call=True,
    )


def _act(name: str, selected, changed, write):
    """Check the role, run ``write(session, username) -> message`` in one transaction and
    answer (message, counter); an AccountError is shown, nothing changes."""
    from koordinace.accounts import AccountError

    lang = current_lang()
    if not _is_admin():
        return _refused(lang), no_update
    username = _selected_username(selected)
    if username is None:
        return _refused(lang, _t("refused.none_selected", lang)), no_update
    try:
        with session_scope() as session:
            message = write(session, username, lang)
    except AccountError as err:
        return _refused(lang, err.en if lang == "en" else err.cs), no_update
    except _Refusal as refusal:
        return _refused(lang, str(refusal)), no_update
    log.info("accounts: %s %s by %s", name, username, current_user.username)
    return dbc.Alert(message, color="success", id=f"{ID}-success"), int(changed or 0) + 1


class _Refusal(Exception):
    """A page-level refusal (its text already in the user's language)."""


@_action_callback("disable")
def disable_account(_clicks, selected, changed):
    from koordinace.accounts import disable_user

    def write(session, username, lang):
        if username == current_user.username:
            raise _Refusal(_t("refused.self", lang))
        disable_user(session=session, username=username, **_who())
        return _t("done.disable", lang, username=username)

    return _act("disable", selected, changed, write)


@_action_callback("enable")
def enable_account(_clicks, selected, changed):
    from koordinace.accounts import enable_user

    def write(session, username, lang):
        enable_user(session=session, username=username, **_who())
        return _t("done.enable", lang, username=username)

    return _act("enable", selected, changed, write)


@_action_callback("unlock")
def unlock_account(_clicks, selected, changed):
    from koordinace.accounts import unlock_user

    def write(session, username, lang):
        unlock_user(session=session, username=username, **_who())
        return _t("done.unlock", lang, username=username)

    return _act("unlock", selected, changed, write)


@_action_callback("revoke")
def revoke_account_tokens(_clicks, selected, changed):
    from koordinace.accounts import revoke_tokens

    def write(session, username, lang):
        count = revoke_tokens(session=session, username=username, **_who())
        if not count:
            raise _Refusal(_t("refused.no_tokens", lang, username=username))
        return _t("done.revoke", lang, username=username, n=count)

    return _act("revoke", selected, changed, write)
