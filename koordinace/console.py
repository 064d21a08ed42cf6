"""The one helper for user-facing command-line output.

Data (exports, ``--json`` summaries) goes to stdout; messages, tables and progress bars
go to stderr, so a pipe receives only data. Progress bars show only on a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

T = TypeVar("T")

err = Console(stderr=True, highlight=False)


def info(message: str) -> None:
    err.print(message)


def success(message: str) -> None:
    err.print(f"[green]✓[/green] {message}")


def warn(message: str) -> None:
    err.print(f"[yellow]![/yellow] {message}")


def error(message: str) -> None:
    err.print(f"[red]✗ {message}[/red]")


def data(text: str) -> None:
    """Write data to stdout unchanged (no markup, no wrapping)."""
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()


def table(title: str, columns: list[str], rows: Iterable[Iterable[object]]) -> None:
    t = Table(title=title, title_justify="left")
    for c in columns:
        t.add_column(c)
    for row in rows:
        t.add_row(*("" if v is None else str(v) for v in row))
    err.print(t)


def progress() -> Progress:
    """A progress display (files and rows); silent when stderr is not a terminal."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=False,
        auto_refresh=False,  # refreshed on each update: no background thread
    )


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    with progress() as p:
        yield from p.track(items, description=description, total=total)
