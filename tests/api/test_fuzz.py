"""Property-based fuzzing of every operation in the API's own OpenAPI description
(schemathesis, positive data): with a valid city token no request gets a 500, and every
answer conforms to the description (status code, content type, body schema).

Bounded and reproducible: ``MAX_EXAMPLES`` per operation, derandomised, no example
database; SQLite only (the other API tests cover both backends)."""

from __future__ import annotations

import time
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer, sqlite_copy

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _fuzz(operation, headers: dict, ran: Counter, statuses: Counter) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        ran[operation.label] += 1
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


def test_fuzz_every_operation_from_the_openapi_description(server, request, tmp_path, capsys):
    from koordinace.accounts import issue_token
    from models.db import dispose, session_scope, use_database

    url = sqlite_copy(request, tmp_path)
    started = time.monotonic()
    ran: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    try:
        with use_database(url):
            with session_scope() as session:
                headers = bearer(issue_token(session=session, username="city"))
            schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", server)
            operations = [result.ok() for result in schema.get_all_operations()]
            assert len(operations) == 13  # every route but the description itself

            for operation in operations:
                _fuzz(operation, headers, ran, statuses)
    finally:
        dispose(url)
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nschemathesis: {sum(ran.values())} cases over {len(ran)} operations in "
            f"{elapsed:.1f} s; statuses {dict(sorted(statuses.items()))}"
        )
    assert 500 not in statuses
    assert statuses[200] and statuses[201]  # reads and writes both got through
