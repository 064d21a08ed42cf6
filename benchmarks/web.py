"""Web benchmark: sign-in, API reads and writes against the real app under gunicorn.

A fresh SQLite database with the sample inbox imported through the ETL and the demo
accounts; ``koordinace serve`` with two workers; then, over HTTP from this process:

- **sign-in**: GET /login + POST /login (argon2id verification), as a browser does;
- **API reads** as the city coordinator: /api/v1/metrics (the overview's numbers),
  filtered metrics, /projects (100), /activities (1,000);
- **API write**: POST /api/v1/activities as a district coordinator (validation by the
  ETL's normaliser, authorisation, audit event, commit).

Each is repeated and the median and 95th percentile reported in milliseconds. Run with
``python -m benchmarks web`` (``make bench`` runs it after the ETL benchmark).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

PASSWORD = "benchmark-heslo-1"
REPEAT = 30


def _prepare(url: str) -> None:
    from etl.pipeline import run_etl
    from koordinace.accounts import ensure_demo_accounts
    from koordinace.settings import DEFAULT_PILOT, SAMPLE_INBOX
    from models.db import dispose, session_scope, upgrade
    from models.reference import load_reference_data

    upgrade(url)
    with session_scope(url) as session:
        load_reference_data(session, DEFAULT_PILOT)
    run_etl(SAMPLE_INBOX, url=url, triggered_by="demo", workers=1)
    with session_scope(url) as session:
        ensure_demo_accounts(session=session, password=PASSWORD)
    dispose(url)


class Client:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, method: str, path: str, data: bytes | None = None, headers=None):
        req = urllib.request.Request(self.base + path, data=data, method=method)
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        with self.opener.open(req, timeout=30) as response:
            return response.status, response.read()

    def login(self, username: str) -> None:
        _, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        form = {"username": username, "password": PASSWORD, "csrf_token": token}
        status, body = self.request("POST", "/login", urllib.parse.urlencode(form).encode())
        if status != 200 or b'id="login-form"' in body:  # the form again: refused
            raise RuntimeError(f"sign-in as {username} failed")


def _timed(fn, repeat: int = REPEAT) -> dict:
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "n": repeat,
    }


def _wait(base: str, proc: subprocess.Popen) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def run() -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="koordinace-web-bench-"))
    url = f"sqlite:///{workdir / 'bench.db'}"
    _prepare(url)
    port = 18000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": url, "KOORDINACE_INSTANCE": str(workdir)}
    koordinace = str(Path(sys.executable).with_name("koordinace"))
    proc = subprocess.Popen(
        [koordinace, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(base, proc)
        results = {"sign-in (GET + POST /login)": _timed(lambda _i: Client(base).login("city"))}
        city = Client(base)
        city.login("city")
        for label, path in [
            ("GET /api/v1/metrics", "/api/v1/metrics"),
            (
                "GET /api/v1/metrics?districts=praha-14&from=2025-01-01",
                "/api/v1/metrics?districts=praha-14&from=2025-01-01",
            ),
            ("GET /api/v1/projects?limit=100", "/api/v1/projects?limit=100"),
            ("GET /api/v1/activities?limit=1000", "/api/v1/activities?limit=1000"),
        ]:
            results[label] = _timed(lambda _i, path=path: city.request("GET", path))
        coordinator = Client(base)
        coordinator.login("district-praha-14")
        _, body = coordinator.request("GET", "/api/v1/projects?districts=praha-14&limit=1")
        code = json.loads(body)["items"][0]["project_id"]

        def post(i: int) -> None:
            payload = {
                "project_id": code,
                "activity_id": f"BENCH-{i}",
                "date": "15. 3. 2026",
                "activity": "workshop",
                "channel": "in_person",
                "participants": 40,
            }
            status, _ = coordinator.request(
                "POST",
                "/api/v1/activities",
                json.dumps(payload).encode(),
                {"Content-Type": "application/json", "Origin": base},
            )
            assert status == 201, status

        results["POST /api/v1/activities (validate, authorise, audit, commit)"] = _timed(post)
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        shutil.rmtree(workdir, ignore_errors=True)


def main(_argv: list[str]) -> int:
    results = run()
    print("| request | median ms | p95 ms | n |")
    print("|---|---:|---:|---:|")
    for label, r in results.items():
        print(f"| {label} | {r['median_ms']} | {r['p95_ms']} | {r['n']} |")
    print()
    print(json.dumps(results, indent=2))
    return 0
