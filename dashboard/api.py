"""The JSON API under ``/api/v1/``: the dashboard's data and numbers, and the same writes as
the entry forms, for scripts and other systems.

Authentication, on every request except the description itself
(``GET /api/v1/openapi.json`` is public):

- ``Authorization: Bearer <token>`` — a per-user token from ``koordinace users token``
  (``koordinace.accounts.user_for_token``: an active account, a token not revoked); or
- the browser's signed-in session (Flask-Login). A write with a session cookie must come
  from a page of this app (``auth._same_origin``), else 403; bearer writes need no CSRF
  check (a browser never sends the header on its own).

No authentication: 401 with ``WWW-Authenticate: Bearer``. Every role reads (leadership
included: the summary pages show the same data); writes are for ``auth.WRITERS`` —
leadership is refused at once (403), and ``koordinace.records`` authorises each write
for the district (a district coordinator writes only their own district).

Reads take the dashboard's filters as the same query parameters as its URLs
(``dashboard.filters.Filters``: ``from``, ``to``, ``districts``, ``kind``, ``topic``;
comma-separated), checked strictly here (an unknown parameter or value is a 400, not
silently ignored as in a hand-edited dashboard link); districts by official code or
slug. Numbers come from ``dashboard.metrics`` — the functions the charts call.

Writes go through ``koordinace.records`` (validation by the import's own normaliser,
optimistic locking, the audit log with source "api"). Every answer is JSON, errors as
``{"error": {"status", "message_cs", "message_en", "fields": {field: [{"cs", "en"}]}}}``
(409 adds ``current`` and ``changes``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from typing import Any

import dash
import pandas as pd
from flask import Blueprint, Flask, current_app, g, jsonify, request
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from dashboard import auth, metrics, queries
from dashboard.filters import Filters
from koordinace import records
from models import Activity, District, Project, ProjectUpdate, Tool, ToolUsage
from models.db import session_scope
from models.reference import district_lookup
from models.vocabulary import compact_key, record_kind, values, vocabulary

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
MAX_ID = 2**31 - 1  # ids and versions are 32-bit integers in PostgreSQL
FILTER_PARAMS = ("from", "to", "districts", "kind", "topic")
PAGE_PARAMS = ("limit", "offset")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
REALM = 'Bearer realm="koordinace"'

bp = Blueprint("api", __name__, url_prefix=PREFIX)


# ------------------------------------------------------------------ errors


class ApiError(Exception):
    """A refusal of the API itself (not of ``koordinace.records``)."""

    def __init__(
        self,
        status: int,
        cs: str,
        en: str,
        fields: dict[str, list[tuple[str, str]]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(en)
        self.status, self.cs, self.en = status, cs, en
        self.fields = fields or {}
        self.headers = headers or {}


def error_body(status: int, cs: str, en: str, fields=None) -> dict:
    error: dict[str, Any] = {"status": status, "message_cs": cs, "message_en": en}
    if fields:
        error["fields"] = {
            name: [{"cs": r_cs, "en": r_en} for r_cs, r_en in reasons]
            for name, reasons in fields.items()
        }
    return {"error": error}


def _error_response(status: int, cs: str, en: str, fields=None, headers=None, extra=None):
    body = error_body(status, cs, en, fields)
    body["error"].update(extra or {})
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _bad_request(cs: str, en: str, fields=None) -> ApiError:
    return ApiError(400, cs, en, fields)


_HTTP_MESSAGES = {
    400: ("Chybný požadavek", "Bad request"),
    404: ("Taková adresa v API není", "No such address in the API"),
    405: ("Tuto metodu adresa nepodporuje", "The address does not support this method"),
    413: ("Požadavek je příliš velký", "The request is too large"),
    415: ("Nepodporovaný typ obsahu", "Unsupported content type"),
}


def _http_error(exc: HTTPException):
    cs, en = _HTTP_MESSAGES.get(exc.code or 500, ("Chyba", exc.name))
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return _error_response(exc.code or 500, cs, en, headers=headers)


def _not_found() -> ApiError:
    return ApiError(404, *_HTTP_MESSAGES[404])


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return _error_response(exc.status, exc.cs, exc.en, exc.fields, exc.headers)


@bp.errorhandler(records.RecordError)
def _record_error(exc: records.RecordError):
    extra = None
    if isinstance(exc, records.Conflict):
        current = exc.current
        if current:
            with session_scope() as session:
                current = _with_code(session, dict(current))
        extra = {
            "current": current,
            "changes": [
                {
                    "field": name,
                    "label_cs": label_cs,
                    "label_en": label_en,
                    "yours": yours,
                    "stored": stored,
                }
                for name, label_cs, label_en, yours, stored in exc.changes
            ],
        }
    return _error_response(exc.status, exc.cs, exc.en, exc.fields, extra=extra)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("API request failed: %s %s", request.method, request.path)
    return _error_response(
        500, "Vnitřní chyba serveru", "Internal server error"
    )  # a bug: the fuzz test asserts this never happens


# ------------------------------------------------------------------ who asks


def _token_user():
    from koordinace.accounts import user_for_token

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(
            401,
            "Hlavička Authorization musí mít tvar „Bearer <token>“",
            "The Authorization header must be 'Bearer <token>'",
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_request"'},
        )
    with session_scope() as session:
        account = user_for_token(session=session, token=token)
        if account is None:
            raise ApiError(
                401,
                "Neplatný, zneplatněný nebo cizí token, nebo zablokovaný účet",
                "The token is invalid or revoked, or the account is disabled",
                headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
            )
        district = session.get(District, account.district_id) if account.district_id else None
        return auth.user_from_account(account, district.name if district else None)


@bp.before_request
def _authenticate():
    """Every endpoint but the description: a bearer token or a signed-in session."""
    if request.endpoint == "api.openapi":
        return None
    if "Authorization" in request.headers:
        g.api_user = _token_user()
        via_session = False
    elif current_user.is_authenticated:
        g.api_user = current_user._get_current_object()
        via_session = True
    else:
        raise ApiError(
            401,
            "Přihlaste se, nebo pošlete token v hlavičce Authorization: Bearer <token>",
            "Sign in, or send a token in the header Authorization: Bearer <token>",
            headers={"WWW-Authenticate": REALM},
        )
    if request.method in SAFE_METHODS:
        return None
    if via_session and not auth._same_origin():
        raise ApiError(
            403,
            "Požadavek nepřišel ze stránky aplikace (kontrola původu); skripty posílají token",
            "The request did not come from a page of this app (origin check); scripts send a token",
        )
    if g.api_user.role not in auth.WRITERS:
        raise ApiError(
            403, "Vaše role nesmí data měnit", "Your role may not change data"
        )  # leadership reads only
    return None


def _actor() -> records.Actor:
    return g.api_user.actor("api")


# ------------------------------------------------------------------ query parameters


def _district_lookup(session) -> dict[str, int]:
    """Compact key of a district's code, name or slug -> its official code."""
    return district_lookup(session.execute(select(District)).scalars().all())


def _district_code(session, raw: str | int) -> int | None:
    return _district_lookup(session).get(compact_key(str(raw)))


def _listed(name: str) -> list[str]:
    items = []
    for value in request.args.getlist(name):
        items.extend(v.strip() for v in value.split(","))
    return [i for i in items if i]


def _check_params(allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(request.args) - set(allowed))
    if unknown:
        raise _bad_request(
            f"Neznámé parametry: {', '.join(unknown)} (povolené: {', '.join(allowed)})",
            f"Unknown parameters: {', '.join(unknown)} (allowed: {', '.join(allowed)})",
            {name: [("Neznámý parametr", "Unknown parameter")] for name in unknown},
        )


def _filters() -> Filters:
    """The dashboard's filters from the query string, every value checked."""
    problems: dict[str, list[tuple[str, str]]] = {}
    args: dict[str, str] = {}
    for name in ("from", "to"):
        given = _listed(name)
        if not given:
            continue
        try:
            if len(given) > 1:
                raise ValueError
            args[name] = dt.date.fromisoformat(given[0]).isoformat()
        except ValueError:
            problems[name] = [("Datum ve tvaru RRRR-MM-DD", "A date as YYYY-MM-DD")]
    districts = _listed("districts")
    if districts:
        with session_scope() as session:
            lookup = _district_lookup(session)
        codes = [lookup.get(compact_key(d)) for d in districts]
        unknown = [d for d, c in zip(districts, codes, strict=True) if c is None]
        if unknown:
            problems["districts"] = [
                (
                    f"Neznámá městská část: {', '.join(unknown)} (kód nebo slug)",
                    f"Unknown district: {', '.join(unknown)} (code or slug)",
                )
            ]
        else:
            args["districts"] = ",".join(str(c) for c in codes)
    for name, vocab in (("kind", "kind"), ("topic", "topic")):
        given = _listed(name)
        wrong = [v for v in given if v not in values(vocab)]
        if wrong:
            problems[name] = [
                (
                    f"Neznámá hodnota: {', '.join(wrong)} (povolené: {', '.join(values(vocab))})",
                    f"Unknown value: {', '.join(wrong)} (allowed: {', '.join(values(vocab))})",
                )
            ]
        elif given:
            args[name] = ",".join(given)
    if problems:
        raise _bad_request("Chybné parametry filtru", "Bad filter parameters", problems)
    return Filters.from_args(args)


def _whole_param(name: str, default: int, low: int, high: int) -> int:
    given = request.args.getlist(name)
    if not given:
        return default
    try:
        if len(given) > 1:
            raise ValueError
        number = int(given[0].strip(), 10)
        if not low <= number <= high:
            raise ValueError
    except ValueError:
        raise _bad_request(
            f"Parametr {name}: celé číslo od {low} do {high}",
            f"Parameter {name}: a whole number from {low} to {high}",
            {name: [(f"Celé číslo od {low} do {high}", f"A whole number from {low} to {high}")]},
        ) from None
    return number


def _page() -> tuple[int, int]:
    return (
        _whole_param("limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        _whole_param("offset", 0, 0, MAX_ID),
    )


def _filters_echo(filters: Filters) -> dict:
    return {
        "from": filters.start.isoformat() if filters.start else None,
        "to": filters.end.isoformat() if filters.end else None,
        "districts": list(filters.districts),
        "kind": list(filters.kinds),
        "topic": list(filters.topics),
    }


def _id(value: int) -> int:
    if value > MAX_ID:
        raise _not_found()
    return value


# ------------------------------------------------------------------ records


def _district_code_map(session) -> dict[int, int]:
    return dict(session.execute(select(District.id, District.code)).all())


def _utc_iso(value: dt.datetime | str | None) -> str | None:
    """A timestamp as ISO 8601 with its offset (SQLite hands back naive UTC); a missing
    one (None, pandas' NaT) as None."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def _with_code(session, record: dict, codes: dict[int, int] | None = None) -> dict:
    """A record of ``koordinace.records`` as the API shows it: with the district's
    official code, ``updated_at`` with its UTC offset."""
    codes = codes if codes is not None else _district_code_map(session)
    record["district_code"] = codes.get(record["district_id"])
    record["updated_at"] = _utc_iso(record.get("updated_at"))
    return record


def _listing(statement, entity: str, order) -> dict:
    """A page of records (``records.get_record`` shape) and the total for the filters."""
    limit, offset = _page()
    with session_scope() as session:
        total = session.execute(
            select(func.count()).select_from(statement.order_by(None).subquery())
        ).scalar_one()
        rows = session.execute(statement.order_by(*order).limit(limit).offset(offset)).all()
        codes = _district_code_map(session)
        items = [
            _with_code(
                session,
                records.get_record(session=session, entity=entity, record_id=row[0].id),
                codes,
            )
            for row in rows
        ]  # the rows (and their projects and tools) are in the session: no query per row
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def _list_args() -> Filters:
    _check_params(FILTER_PARAMS + PAGE_PARAMS)
    return _filters()


@bp.get("/districts")
def list_districts():
    """Every district (or those named in ``districts``), pilot ones first, then by name."""
    filters = _list_args()
    limit, offset = _page()
    frame = queries.districts()
    if filters.districts:
        frame = frame[frame["code"].isin(filters.districts)]
    items = [
        {
            "code": int(r.code),
            "name": r.name,
            "slug": r.slug,
            "population": int(r.population),
            "population_year": int(r.population_year),
            "is_pilot": bool(r.is_pilot),
        }
        for r in frame.iloc[offset : offset + limit].itertuples(index=False)
    ]
    return {"items": items, "total": len(frame), "limit": limit, "offset": offset}


@bp.get("/projects")
def list_projects():
    filters = _list_args()
    statement = filters.projects(select(Project).join(District, District.id == Project.district_id))
    return _listing(statement, "project", (District.code, Project.code, Project.id))


@bp.get("/projects/<int:record_id>")
def get_project(record_id: int):
    _check_params(())
    with session_scope() as session:
        record = records.get_record(session=session, entity="project", record_id=_id(record_id))
        history = session.execute(
            select(ProjectUpdate)
            .where(ProjectUpdate.project_id == record_id)
            .order_by(ProjectUpdate.effective_date, ProjectUpdate.id)
        ).scalars()
        record["history"] = [
            {
                "effective_date": h.effective_date.isoformat(),
                "stage": h.stage,
                "progress_pct": float(h.progress_pct) if h.progress_pct is not None else None,
                "note": h.note,
                "source": h.source,
            }
            for h in history
        ]
        return _with_code(session, record)


@bp.get("/activities")
def list_activities():
    filters = _list_args()
    statement = filters.activities(
        select(Activity, Project)
        .join(Project, Project.id == Activity.project_id)
        .join(District, District.id == Activity.district_id)
    )
    return _listing(statement, "activity", (District.code, Activity.date, Activity.id))


@bp.get("/tool-usage")
def list_tool_usage():
    """Tool usages of the projects the filters select (as on the tools page)."""
    filters = _list_args()
    statement = filters.projects(
        select(ToolUsage, Project, Tool)
        .select_from(ToolUsage)
        .join(Project, Project.id == ToolUsage.project_id)
        .join(District, District.id == ToolUsage.district_id)
        .join(Tool, Tool.id == ToolUsage.tool_id)
    )
    return _listing(
        statement,
        "tool_usage",
        (District.code, Project.code, Tool.name, ToolUsage.purpose, ToolUsage.id),
    )


# ------------------------------------------------------------------ metrics


def _number(value) -> float | None:
    """A float for JSON; NaN (no data) and missing values as null."""
    if value is None or value is pd.NA or math.isnan(value):
        return None
    return float(value)


def _definitions(*keys: str) -> dict:
    out = {}
    for key in keys:
        metric = metrics.METRICS[key]
        out[key] = {
            "label_cs": metric.label_cs,
            "label_en": metric.label_en,
            "definition_cs": metric.definition_cs,
            "definition_en": metric.definition_en,
        }
    return out


@bp.get("/metrics")
def get_metrics():
    """The overview's numbers for the filters, each with its definition (``METRICS``)."""
    _check_params(FILTER_PARAMS)
    filters = _filters()
    participation, median = metrics.participation_with_pilot_median(filters)
    youth = metrics.youth_share_by_district(filters)
    counts = metrics.process_counts(filters)
    fresh = metrics.freshness()
    chosen = (
        fresh["code"].isin(filters.districts)
        if filters.districts
        else fresh["is_pilot"].astype(bool)
    )
    fresh = fresh[chosen]
    return {
        "filters": _filters_echo(filters),
        "participation": {
            "definitions": _definitions("participants", "participation_rate"),
            "pilot_median_per_1000": _number(median),
            "districts": [
                {
                    "code": int(r.code),
                    "name": r.name,
                    "slug": r.slug,
                    "is_pilot": bool(r.is_pilot),
                    "population": int(r.population),
                    "population_year": int(r.population_year),
                    "participants": int(r.participants),
                    "per_1000": _number(r.per_1000),
                }
                for r in participation.itertuples(index=False)
            ],
        },
        "youth_share": {
            "definitions": _definitions("youth_share"),
            "districts": [
                {
                    "code": int(r.code),
                    "name": r.name,
                    "activities": int(r.activities),
                    "reporting": int(r.reporting),
                    "reporting_participants": int(r.reporting_participants),
                    "youth": int(r.youth),
                    "share": _number(r.share),
                }
                for r in youth.itertuples(index=False)
            ],
        },
        "processes": {
            "definitions": _definitions("active_processes", "completed_processes", "pb_allocated"),
            "active_processes": int(counts["active_processes"]),
            "completed_processes": int(counts["completed_processes"]),
            "pb_allocated": float(counts["pb_allocated"]),
        },
        "freshness": {
            "definitions": _definitions("freshness"),
            "stale_after_days": metrics.STALE_AFTER_DAYS,
            "districts": [
                {
                    "code": int(r.code),
                    "name": r.name,
                    "last_update": _utc_iso(r.last_update),
                    "days": None if r.days is None or r.days is pd.NA else int(r.days),
                    "stale": bool(r.stale),
                }
                for r in fresh.itertuples(index=False)
            ],
        },
    }


# ------------------------------------------------------------------ writes


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")  # Python reads NaN and Infinity; JSON has none


def _body() -> dict:
    if not request.is_json:
        raise _bad_request(
            "Tělo požadavku musí být JSON (Content-Type: application/json)",
            "The request body must be JSON (Content-Type: application/json)",
        )
    try:
        body = json.loads(request.get_data(as_text=True), parse_constant=_not_json)
    except ValueError:
        raise _bad_request(
            "Tělo požadavku není platný JSON", "The request body is not valid JSON"
        ) from None
    if not isinstance(body, dict):
        raise _bad_request(
            "Tělo požadavku musí být JSON objekt",
            "The request body must be a JSON object",
        )
    return body


def _version(body: dict) -> int:
    version = body.pop("version", None)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_ID:
        raise ApiError(
            422,
            "Záznam nelze uložit: opravte označené údaje",
            "The record cannot be saved: correct the marked values",
            {
                "version": [
                    (
                        "Verze záznamu, ze které změna vychází (celé číslo ≥ 1), chybí "
                        "nebo je chybná",
                        "The version of the record the change starts from (a whole number ≥ 1) "
                        "is missing or wrong",
                    )
                ]
            },
        )
    return version


def _district_id(body: dict) -> int:
    """The district a new record belongs to: ``district`` (code or slug); a district
    coordinator may leave it out (their own district)."""
    raw = body.pop("district", None)
    user = g.api_user
    reason = None
    if raw is None:
        if user.role == "district" and user.district_id is not None:
            return user.district_id
        reason = ("Městská část chybí (kód nebo slug)", "The district is missing (code or slug)")
    elif isinstance(raw, bool) or not isinstance(raw, str | int):
        reason = ("Městská část: kód nebo slug", "District: a code or a slug")
    else:
        with session_scope() as session:
            code = _district_code(session, raw)
            district = (
                session.execute(select(District).where(District.code == code)).scalar_one_or_none()
                if code is not None
                else None
            )
        if district is not None:
            return district.id
        reason = (f"Neznámá městská část „{raw}“", f"Unknown district '{raw}'")
    raise ApiError(
        422,
        "Záznam nelze uložit: opravte označené údaje",
        "The record cannot be saved: correct the marked values",
        {"district": [reason]},
    )


def _created(path: str, record: dict):
    with session_scope() as session:
        record = _with_code(session, record)
    response = jsonify(record)
    response.status_code = 201
    response.headers["Location"] = f"{PREFIX}/{path}/{record['id']}"
    return response


_CREATE = {
    "projects": records.create_project,
    "activities": records.create_activity,
    "tool-usage": records.create_tool_usage,
}


def _create(path: str):
    _check_params(())
    body = _body()
    create = _CREATE[path]
    district_id = _district_id(body)
    with session_scope() as session:
        record = create(session=session, actor=_actor(), district_id=district_id, values=body)
    return _created(path, record)


@bp.post("/projects")
def create_project():
    return _create("projects")


@bp.post("/activities")
def create_activity():
    return _create("activities")


@bp.post("/tool-usage")
def create_tool_usage():
    return _create("tool-usage")


@bp.post("/projects/<int:project_id>/updates")
def add_project_update(project_id: int):
    """Append a stage/progress entry to a project's history; returns the project."""
    _check_params(())
    body = _body()
    version = _version(body)
    with session_scope() as session:
        record = records.record_project_update(
            session=session,
            actor=_actor(),
            project_id=_id(project_id),
            values=body,
            version=version,
        )
    return _created("projects", record)


def _correct(entity: str, record_id: int):
    _check_params(())
    body = _body()
    version = _version(body)
    with session_scope() as session:
        record = records.correct_record(
            session=session,
            actor=_actor(),
            entity=entity,
            record_id=_id(record_id),
            values=body,
            version=version,
        )
        return _with_code(session, record)


@bp.patch("/projects/<int:record_id>")
def correct_project(record_id: int):
    return _correct("project", record_id)


@bp.patch("/activities/<int:record_id>")
def correct_activity(record_id: int):
    return _correct("activity", record_id)


@bp.patch("/tool-usage/<int:record_id>")
def correct_tool_usage(record_id: int):
    return _correct("tool_usage", record_id)


# ------------------------------------------------------------------ the description


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI description (public: it holds no data)."""
    _check_params(())
    return openapi_spec()


# ------------------------------------------------------------------ installing


def _is_api_route(path: str) -> bool:
    """Whether an API rule serves ``path`` for some method (a 405, not a 404)."""
    adapter = current_app.url_map.bind("localhost")
    for method in ("GET", "POST", "PATCH"):
        try:
            rule, _ = adapter.match(path, method=method, return_rule=True)
        except HTTPException:
            continue
        if rule.endpoint.startswith("api."):
            return True
    return False


def install(app: dash.Dash) -> None:
    """The blueprint on the app's Flask server; JSON 404/405 for every path under /api/
    (Dash's catch-all page route would otherwise answer unknown ones with the app)."""
    server: Flask = app.server
    server.register_blueprint(bp)

    @server.before_request
    def api_routes():
        if not request.path.startswith("/api/"):
            return None
        rule = request.url_rule
        if rule is not None and rule.endpoint.startswith("api."):
            return None
        if isinstance(request.routing_exception, MethodNotAllowed) and _is_api_route(request.path):
            return None  # answered as a JSON 405 by the handler below
        return _error_response(404, *_HTTP_MESSAGES[404])

    @server.errorhandler(HTTPException)
    def api_http_error(exc: HTTPException):
        if not request.path.startswith("/api/"):
            return exc  # Flask's default answer elsewhere
        return _http_error(exc)


# ------------------------------------------------------------------ OpenAPI


def _nullable(schema: dict) -> dict:
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    out = {**schema, "type": [*types, "null"]}
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def _input_schema(spec) -> dict:
    """A field as the API accepts it: the raw value a user would type (text or number);
    the import's normaliser reads and checks it."""
    described = f"{spec.label_cs} / {spec.label_en}"
    if spec.type == "vocabulary":
        vocab = vocabulary(spec.vocabulary)
        schema = {
            "type": "string",
            "enum": list(vocab.values),
            "description": f"{described}. Czech and English labels are accepted too.",
        }
    elif spec.type == "date":
        schema = {
            "type": "string",
            "format": "date",
            "description": f"{described}. ISO (2026-03-15) or Czech (15. 3. 2026).",
        }
    elif spec.type in ("amount", "percent"):
        schema = {
            "type": ["number", "string"],
            "description": f"{described}. A number, or text such as '1 234,50'"
            + (" or '45 %'" if spec.type == "percent" else ""),
        }
    elif spec.type == "whole":
        schema = {"type": ["integer", "string"], "description": described}
    else:
        schema = {"type": "string", "description": described}
        if spec.max_length:
            schema["maxLength"] = spec.max_length
    return schema if spec.required else _nullable(schema)


def _output_schema(spec) -> dict:
    if spec.type == "vocabulary":
        schema = {"type": "string", "enum": list(vocabulary(spec.vocabulary).values)}
    elif spec.type == "date":
        schema = {"type": "string", "format": "date"}
    elif spec.type in ("amount", "percent"):
        schema = {"type": "number"}
    elif spec.type == "whole":
        schema = {"type": "integer"}
    else:
        schema = {"type": "string"}
    schema["description"] = f"{spec.label_cs} / {spec.label_en}"
    return schema if spec.required else _nullable(schema)


_KINDS = {"project": "projects", "activity": "activities", "tool_usage": "tool_usage"}
_SCHEMA_NAMES = {"project": "Project", "activity": "Activity", "tool_usage": "ToolUsage"}


def _record_schema(entity: str) -> dict:
    kind = record_kind(_KINDS[entity])
    properties = {
        "id": {"type": "integer"},
        "district_id": {"type": "integer"},
        "district_code": {"type": "integer", "description": "official code of the district"},
        **{f.name: _output_schema(f) for f in kind.fields},
        "extra": {"type": ["object", "null"], "description": "columns the import did not know"},
        "source": {"type": "string", "enum": ["import", "form", "api", "cli"]},
        "version": {"type": "integer", "minimum": 1, "description": "send it back to change"},
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
    }
    if entity == "project":
        properties["project_id"]["description"] += " (the district's own project code)"
    else:
        properties["project_id"]["description"] += " (the project's code in the district)"
    if entity == "tool_usage":
        properties["tool_as_given"] = {"type": ["string", "null"]}
    return {
        "type": "object",
        "properties": properties,
        "required": ["id", "district_id", "district_code", "version", *kind.required],
    }


def _district_names() -> list[int | str]:
    """Every district's official code and slug (the description lists them)."""
    with session_scope() as session:
        rows = session.execute(select(District.code, District.slug).order_by(District.code)).all()
    return [*(code for code, _ in rows), *(slug for _, slug in rows)]


def _create_schema(entity: str, districts: list[int | str]) -> dict:
    kind = record_kind(_KINDS[entity])
    return {
        "type": "object",
        "properties": {
            "district": {
                "type": ["string", "integer"],
                "enum": districts,
                "description": "official code (547361) or slug (praha-14); the full or short "
                "name is accepted too; a district coordinator may leave it out",
            },
            **{f.name: _input_schema(f) for f in kind.fields},
        },
        "required": ["district", *kind.required],
        "additionalProperties": False,
    }


def _correct_schema(entity: str) -> dict:
    kind = record_kind(_KINDS[entity])
    return {
        "type": "object",
        "properties": {
            "version": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            **{f.name: _input_schema(f) for f in kind.fields},
        },
        "required": ["version"],
        "additionalProperties": False,
        "description": "Only the fields that change, and the version the change starts from.",
    }


def _update_schema() -> dict:
    projects = record_kind("projects")
    return {
        "type": "object",
        "properties": {
            "stage": _input_schema(projects.field("stage")),
            "progress_pct": _input_schema(projects.field("progress_pct")),
            "note": {"type": ["string", "null"]},
            "effective_date": {
                "type": ["string", "null"],
                "format": "date",
                "description": "default: today",
            },
            "version": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        },
        "required": ["stage", "version"],
        "additionalProperties": False,
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _errors(*codes: int) -> dict:
    texts = {
        400: "Malformed JSON, wrong content type or a bad query parameter",
        401: "No or a bad token / not signed in",
        403: "Your role or district may not do this (or a session write from another origin)",
        404: "No such record",
        409: "The record changed meanwhile (or exists already): the error has `current`",
        422: "Invalid values: the reasons per field, as the import words them",
    }
    out = {}
    for code in codes:
        schema = _ref("Conflict") if code == 409 else _ref("Error")
        out[str(code)] = {"description": texts[code], "content": _json_content(schema)}
    return out


def _page_of(name: str) -> dict:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref(name)},
            "total": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
        },
        "required": ["items", "total", "limit", "offset"],
    }


def _list_district_schema() -> dict:
    return {
        "type": "object",
        "properties": {
            "code": {"type": "integer"},
            "name": {"type": "string"},
            "slug": {"type": "string"},
            "population": {"type": "integer"},
            "population_year": {"type": "integer"},
            "is_pilot": {"type": "boolean"},
        },
        "required": ["code", "name", "slug", "population", "population_year", "is_pilot"],
    }


def _metrics_schema() -> dict:
    number = {"type": ["number", "null"]}
    definitions = {
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "properties": {
                k: {"type": "string"}
                for k in ("label_cs", "label_en", "definition_cs", "definition_en")
            },
            "required": ["label_cs", "label_en", "definition_cs", "definition_en"],
        },
    }

    def section(rows: dict, **more) -> dict:
        return {
            "type": "object",
            "properties": {
                "definitions": definitions,
                "districts": {
                    "type": "array",
                    "items": {"type": "object", "properties": rows, "required": list(rows)},
                },
                **more,
            },
            "required": ["definitions", "districts", *more],
        }

    integer, text = {"type": "integer"}, {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "filters": {"type": "object"},
            "participation": section(
                {
                    "code": integer,
                    "name": text,
                    "slug": text,
                    "is_pilot": {"type": "boolean"},
                    "population": integer,
                    "population_year": integer,
                    "participants": integer,
                    "per_1000": number,
                },
                pilot_median_per_1000=number,
            ),
            "youth_share": section(
                {
                    "code": integer,
                    "name": text,
                    "activities": integer,
                    "reporting": integer,
                    "reporting_participants": integer,
                    "youth": integer,
                    "share": number,
                }
            ),
            "processes": {
                "type": "object",
                "properties": {
                    "definitions": definitions,
                    "active_processes": integer,
                    "completed_processes": integer,
                    "pb_allocated": {"type": "number"},
                },
                "required": ["active_processes", "completed_processes", "pb_allocated"],
            },
            "freshness": section(
                {
                    "code": integer,
                    "name": text,
                    "last_update": {"type": ["string", "null"], "format": "date-time"},
                    "days": {"type": ["integer", "null"]},
                    "stale": {"type": "boolean"},
                },
                stale_after_days=integer,
            ),
        },
        "required": ["filters", "participation", "youth_share", "processes", "freshness"],
    }


def _filter_parameters(districts: list[int | str]) -> list[dict]:
    def listed(name: str, description: str, items: dict) -> dict:
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": description + " (comma-separated, as in the dashboard's URLs)",
            "schema": {"type": "array", "items": items},
            "style": "form",
            "explode": False,
        }

    return [
        {
            "name": "from",
            "in": "query",
            "required": False,
            "description": "Start of the period (ISO date)",
            "schema": {"type": "string", "format": "date"},
        },
        {
            "name": "to",
            "in": "query",
            "required": False,
            "description": "End of the period (ISO date)",
            "schema": {"type": "string", "format": "date"},
        },
        listed(
            "districts",
            "Districts by official code or slug; none: the pilot districts",
            {"type": "string", "enum": [str(d) for d in districts]},
        ),
        listed("kind", "Process kinds", {"type": "string", "enum": list(values("kind"))}),
        listed("topic", "Topics", {"type": "string", "enum": list(values("topic"))}),
    ]


def _page_parameters() -> list[dict]:
    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
        },
    ]


def _id_parameter(name: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }


def openapi_spec() -> dict:
    """OpenAPI 3.1 for every endpoint, built from the vocabulary (fields, their types and
    value lists) and the districts in the database, so it cannot drift from them."""
    districts = _district_names()
    list_params = _filter_parameters(districts) + _page_parameters()

    def listing(name: str, summary: str) -> dict:
        return {
            "summary": summary,
            "parameters": list_params,
            "responses": {
                "200": {
                    "description": "A page of records",
                    "content": _json_content(_page_of(name)),
                },
                **_errors(400, 401),
            },
        }

    def create(entity: str, summary: str) -> dict:
        return {
            "summary": summary,
            "requestBody": {
                "required": True,
                "content": _json_content(_ref(f"{_SCHEMA_NAMES[entity]}Create")),
            },
            "responses": {
                "201": {
                    "description": "Created",
                    "content": _json_content(_ref(_SCHEMA_NAMES[entity])),
                },
                **_errors(400, 401, 403, 409, 422),
            },
        }

    def correct(entity: str) -> dict:
        return {
            "summary": "Correct fields of a record (optimistic lock: send its version)",
            "parameters": [_id_parameter("record_id")],
            "requestBody": {
                "required": True,
                "content": _json_content(_ref(f"{_SCHEMA_NAMES[entity]}Correction")),
            },
            "responses": {
                "200": {
                    "description": "The corrected record",
                    "content": _json_content(_ref(_SCHEMA_NAMES[entity])),
                },
                **_errors(400, 401, 403, 404, 409, 422),
            },
        }

    error = {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "status": {"type": "integer"},
                    "message_cs": {"type": "string"},
                    "message_en": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"cs": {"type": "string"}, "en": {"type": "string"}},
                                "required": ["cs", "en"],
                            },
                        },
                    },
                },
                "required": ["status", "message_cs", "message_en"],
            }
        },
        "required": ["error"],
    }
    conflict = {
        "allOf": [
            error,
            {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {
                            "current": {"type": "object"},
                            "changes": {"type": "array", "items": {"type": "object"}},
                        },
                        "required": ["current", "changes"],
                    }
                },
            },
        ]
    }
    project_with_history = {
        "allOf": [
            _ref("Project"),
            {
                "type": "object",
                "properties": {
                    "history": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "effective_date": {"type": "string", "format": "date"},
                                "stage": {"type": "string", "enum": list(values("stage"))},
                                "progress_pct": {"type": ["number", "null"]},
                                "note": {"type": ["string", "null"]},
                                "source": {"type": "string"},
                            },
                        },
                    }
                },
                "required": ["history"],
            },
        ]
    }
    schemas = {
        "Error": error,
        "Conflict": conflict,
        "District": _list_district_schema(),
        "Metrics": _metrics_schema(),
        "ProjectUpdate": _update_schema(),
        "ProjectWithHistory": project_with_history,
    }
    for entity, name in _SCHEMA_NAMES.items():
        schemas[name] = _record_schema(entity)
        schemas[f"{name}Create"] = _create_schema(entity, districts)
        schemas[f"{name}Correction"] = _correct_schema(entity)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Koordinace API",
            "version": "1",
            "description": (
                "Participation data of Prague's districts: the same records and numbers as "
                "the dashboard. Every endpoint but this description needs a bearer token "
                "(`koordinace users token USERNAME`) or a signed-in session. Query "
                "parameters are the dashboard's filters. Errors: "
                '`{"error": {"status", "message_cs", "message_en", "fields"}}`.'
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `koordinace users token USERNAME`",
                }
            },
            "schemas": schemas,
        },
        "paths": {
            f"{PREFIX}/openapi.json": {
                "get": {
                    "summary": "This description (no authentication needed)",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": _json_content({"type": "object"}),
                        }
                    },
                }
            },
            f"{PREFIX}/districts": {"get": listing("District", "Districts (reference data)")},
            f"{PREFIX}/projects": {
                "get": listing("Project", "Projects (processes) for the filters"),
                "post": create("project", "Create a project in a district"),
            },
            f"{PREFIX}/projects/{{record_id}}": {
                "get": {
                    "summary": "A project with its stage/progress history",
                    "parameters": [_id_parameter("record_id")],
                    "responses": {
                        "200": {
                            "description": "The project",
                            "content": _json_content(_ref("ProjectWithHistory")),
                        },
                        **_errors(400, 401, 404),
                    },
                },
                "patch": correct("project"),
            },
            f"{PREFIX}/projects/{{project_id}}/updates": {
                "post": {
                    "summary": "Record a stage/progress update (optimistic lock: version)",
                    "parameters": [_id_parameter("project_id")],
                    "requestBody": {
                        "required": True,
                        "content": _json_content(_ref("ProjectUpdate")),
                    },
                    "responses": {
                        "201": {
                            "description": "The project after the update",
                            "content": _json_content(_ref("Project")),
                        },
                        **_errors(400, 401, 403, 404, 409, 422),
                    },
                }
            },
            f"{PREFIX}/activities": {
                "get": listing("Activity", "Activities (engagement events) for the filters"),
                "post": create("activity", "Record an activity of a project"),
            },
            f"{PREFIX}/activities/{{record_id}}": {"patch": correct("activity")},
            f"{PREFIX}/tool-usage": {
                "get": listing("ToolUsage", "Tool usages of the projects the filters select"),
                "post": create("tool_usage", "Record a tool used by a project"),
            },
            f"{PREFIX}/tool-usage/{{record_id}}": {"patch": correct("tool_usage")},
            f"{PREFIX}/metrics": {
                "get": {
                    "summary": "Participation (per 1,000, pilot median), youth share, process "
                    "counts and freshness, each with its definition",
                    "parameters": _filter_parameters(districts),
                    "responses": {
                        "200": {
                            "description": "The numbers",
                            "content": _json_content(_ref("Metrics")),
                        },
                        **_errors(400, 401),
                    },
                }
            },
        },
    }
