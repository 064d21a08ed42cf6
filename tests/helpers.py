"""Helpers for tests that run the real command line and the real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

KOORDINACE = str(Path(sys.executable).with_name("koordinace"))
DEMO_PASSWORD = "demo-heslo-123"  # the demo accounts' password in tests


def add_demo_accounts(url: str) -> None:
    """admin, city, leadership and district-<slug> per pilot district (DEMO_PASSWORD)."""
    from koordinace.accounts import ensure_demo_accounts
    from models.db import session_scope

    with session_scope(url) as session:
        ensure_demo_accounts(session=session, password=DEMO_PASSWORD)


def run_cli(*args: str, env: dict | None = None, input: str | None = None, check: bool = True):
    """Run the installed ``koordinace`` console script; return the CompletedProcess."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    result = subprocess.run(
        [KOORDINACE, *args], capture_output=True, text=True, env=full_env, input=input, timeout=300
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"koordinace {' '.join(args)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``koordinace serve`` (gunicorn) in a subprocess, stopped on exit."""

    def __init__(self, database_url: str, workers: int = 2, extra_env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": database_url, **(extra_env or {})}
        self.log = open(Path(os.environ["KOORDINACE_INSTANCE"]) / f"server-{self.port}.log", "w+")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [KOORDINACE, "serve", "--port", str(self.port), "--workers", str(workers)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait()

    def _wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"server exited {self.proc.returncode}:\n{self.log.read()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return
            except urllib.error.HTTPError as answered:
                answered.close()
                return  # it answers (unhealthy is for the test to judge)
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not answer /healthz in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
