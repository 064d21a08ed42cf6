"""Reads: authentication on every route, JSON errors, and the same numbers and records
as the dashboard's own functions for the same filters."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import func, select

from dashboard import metrics
from dashboard.filters import Filters
from models import Activity, District, Project
from models.db import session_scope
from tests.api.conftest import bearer

PARAMS = {"{record_id}": "1", "{project_id}": "1"}


def _routes(server) -> list[tuple[str, str]]:
    """(method, path) of every API route but the public description."""
    out = []
    for rule in server.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.openapi":
            continue
        path = rule.rule.replace("<int:record_id>", "1").replace("<int:project_id>", "1")
        out.extend((m, path) for m in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return out


def test_every_route_needs_authentication(client, server):
    routes = _routes(server)
    assert len(routes) == 13
    for method, path in routes:
        answer = client.open(path, method=method, json={})
        assert answer.status_code == 401, (method, path)
        assert answer.is_json and answer.json["error"]["status"] == 401
        assert answer.json["error"]["message_cs"] and answer.json["error"]["message_en"]
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_description_is_public_and_lists_every_route(client, server):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    spec = answer.json
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    described = {
        (method.upper(), path.replace("{record_id}", "1").replace("{project_id}", "1"))
        for path, operations in spec["paths"].items()
        for method in operations
    }
    assert set(_routes(server)) <= described
    kind = spec["components"]["schemas"]["ProjectCreate"]["properties"]["kind"]
    from models.vocabulary import values

    assert kind["enum"] == list(values("kind"))  # from the vocabulary, not a hand copy
    assert spec["components"]["schemas"]["ActivityCreate"]["properties"]["channel"]["enum"] == list(
        values("channel")
    )


def test_unknown_routes_and_methods_are_json(client, tokens):
    auth = bearer(tokens["city"])
    for method, path in [
        ("GET", "/api/v1/nothing"),
        ("GET", "/api/v1/projects/"),
        ("GET", "/api/v2/projects"),
        ("POST", "/api/v1/nothing"),
        ("GET", "/api/v1/projects/abc"),
        ("GET", "/api/v1/projects/999999"),
        ("GET", "/api/v1/projects/99999999999999999999"),
        ("GET", "/api/"),
    ]:
        answer = client.open(path, method=method, headers=auth)
        assert answer.status_code == 404, (method, path)
        assert answer.is_json and answer.json["error"]["status"] == 404
    for method, path in [("DELETE", "/api/v1/projects"), ("PUT", "/api/v1/metrics")]:
        answer = client.open(path, method=method, headers=auth)
        assert answer.status_code == 405 and answer.is_json and "GET" in answer.headers["Allow"]


def test_bad_query_parameters_are_400_with_the_field(client, tokens):
    auth = bearer(tokens["city"])
    for query, field in [
        ("from=2021-13-01", "from"),
        ("to=yesterday", "to"),
        ("districts=praha-99", "districts"),
        ("kind=zoo", "kind"),
        ("topic=transport,bogus", "topic"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("offset=-1", "offset"),
        ("offset=x", "offset"),
        ("district=praha-14", "district"),  # a typo is refused, never ignored
    ]:
        answer = client.get(f"/api/v1/projects?{query}", headers=auth)
        assert answer.status_code == 400, query
        assert field in answer.json["error"]["fields"], query


def _close(a, b) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None and (b is None or math.isnan(b))
    return math.isclose(a, b, rel_tol=1e-12)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "kind=participatory_budgeting,survey&from=2021-01-01&to=2024-12-31"
        "&districts=547361,praha-1,500143",
        "topic=transport&from=2022-01-01",
    ],
)
def test_metrics_equal_the_dashboards_functions(client, tokens, query):
    answer = client.get(f"/api/v1/metrics?{query}", headers=bearer(tokens["leadership"]))
    assert answer.status_code == 200
    body = answer.json
    echo = body["filters"]
    filters = Filters.from_args(
        {
            "from": echo["from"],
            "to": echo["to"],
            "districts": echo["districts"],
            "kind": echo["kind"],
            "topic": echo["topic"],
        }
    )
    assert filters.to_query() == Filters.from_query(query.replace("praha-1,", "500054,")).to_query()

    frame, median = metrics.participation_with_pilot_median(filters)
    rows = body["participation"]["districts"]
    assert [r["code"] for r in rows] == list(frame["code"])
    assert [r["participants"] for r in rows] == list(frame["participants"])
    assert all(_close(r["per_1000"], v) for r, v in zip(rows, frame["per_1000"], strict=True))
    assert _close(body["participation"]["pilot_median_per_1000"], median)
    assert sum(r["participants"] for r in rows) > 0

    youth = metrics.youth_share_by_district(filters)
    shares = body["youth_share"]["districts"]
    assert [r["youth"] for r in shares] == list(youth["youth"])
    assert all(_close(r["share"], v) for r, v in zip(shares, youth["share"], strict=True))

    counts = metrics.process_counts(filters)
    assert {k: body["processes"][k] for k in counts} == counts

    for section, keys in (
        ("participation", ("participants", "participation_rate")),
        ("youth_share", ("youth_share",)),
        ("processes", ("active_processes", "completed_processes", "pb_allocated")),
        ("freshness", ("freshness",)),
    ):
        for key in keys:
            assert body[section]["definitions"][key]["definition_cs"] == (
                metrics.METRICS[key].definition_cs
            )


def test_listings_follow_the_filters_and_page_stably(client, tokens):
    auth = bearer(tokens["district-praha-14"])  # district coordinators read everything
    query = "districts=praha-14,500054&kind=participatory_budgeting,survey&from=2021-01-01"
    filters = Filters.from_query(query.replace("praha-14", "547361"))
    with session_scope() as session:
        expected = session.execute(
            filters.projects(
                select(func.count())
                .select_from(Project)
                .join(District, District.id == Project.district_id)
            )
        ).scalar()
        activities = session.execute(
            filters.activities(
                select(func.count())
                .select_from(Activity)
                .join(Project, Project.id == Activity.project_id)
                .join(District, District.id == Activity.district_id)
            )
        ).scalar()
    assert expected > 5

    seen = []
    for offset in range(0, expected, 4):
        page = client.get(f"/api/v1/projects?{query}&limit=4&offset={offset}", headers=auth).json
        assert page["total"] == expected and page["limit"] == 4
        seen.extend(page["items"])
    assert len(seen) == expected and len({p["id"] for p in seen}) == expected
    assert [(p["district_code"], p["project_id"]) for p in seen] == sorted(
        (p["district_code"], p["project_id"]) for p in seen
    )
    assert {p["district_code"] for p in seen} <= {547361, 500054}
    assert {p["kind"] for p in seen} <= {"participatory_budgeting", "survey"}

    listed = client.get(f"/api/v1/activities?{query}&limit=1000", headers=auth).json
    assert listed["total"] == activities == len(listed["items"])

    one = client.get(f"/api/v1/projects/{seen[0]['id']}", headers=auth).json
    assert {k: one[k] for k in seen[0]} == seen[0]
    assert one["history"] and one["history"][-1]["stage"] in {h["stage"] for h in one["history"]}

    usage = client.get("/api/v1/tool-usage?districts=praha-14&limit=5", headers=auth).json
    assert usage["total"] > 0 and all(u["district_code"] == 547361 for u in usage["items"])
    assert {"tool", "purpose", "project_id", "version"} <= set(usage["items"][0])

    districts = client.get("/api/v1/districts?districts=praha-14", headers=auth).json
    assert [d["code"] for d in districts["items"]] == [547361]
