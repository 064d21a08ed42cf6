"""Rules that need the whole run: duplicates across a district's files, references to
projects, and tool names resolved against the catalogue.

Input is every normalised table of one district, in file order. Each check marks the
offending rows on their own table (``TableResult.reject``), so a rejected row always
carries the file and row number the user sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from etl.normalise import TableResult
from models.vocabulary import compact_key


def valid_rows(table: TableResult) -> pd.DataFrame:
    """The table's clean rows not rejected so far."""
    if not table.rejected:
        return table.clean
    return table.clean.drop(index=list(table.rejected), errors="ignore")


def _stack(tables: list[tuple[str, TableResult]], columns: list[str]) -> pd.DataFrame:
    """Valid rows of several tables, one frame, with where each row came from."""
    parts = []
    for order, (rel, table) in enumerate(tables):
        rows = valid_rows(table)
        part = pd.DataFrame(
            {
                c: rows[c] if c in rows.columns else pd.Series(pd.NA, index=rows.index)
                for c in columns
            },
            index=rows.index,
        )
        part["_order"] = order
        part["_row"] = rows.index.to_numpy()
        part["_rel"] = rel
        parts.append(part.reset_index(drop=True))
    if not parts:
        return pd.DataFrame(columns=[*columns, "_order", "_row", "_rel"])
    return pd.concat(parts, ignore_index=True)


def _where(rel: str, table: TableResult, row: int) -> tuple[str, str]:
    sheet_cs = f", list {table.location}" if table.location else ""
    sheet_en = f", sheet {table.location}" if table.location else ""
    return f"{rel}{sheet_cs}, řádek {row}", f"{rel}{sheet_en}, row {row}"


def reject_duplicates(
    tables: list[tuple[str, TableResult]],
    key_columns: list[str],
    describe: tuple[str, str],
    label_of: Callable[[TableResult, int], tuple[str, str]] | None = None,
) -> None:
    """Reject every repeat of a key among valid rows; the first occurrence stays.

    ``describe`` is (cs, en) text naming the key, formatted with ``{key}``: what
    ``label_of(table, row)`` says (cs, en) of the first occurrence, else the key values.
    """
    stacked = _stack(tables, key_columns)
    if stacked.empty:
        return
    keyed = stacked[key_columns].astype("string").fillna("\u0000")
    repeats = keyed.duplicated(keep=False)
    if not repeats.any():
        return
    for _, group in stacked[repeats.to_numpy()].groupby(
        [keyed[c][repeats] for c in key_columns], sort=False, dropna=False
    ):
        first = group.iloc[0]
        first_rel, first_table = tables[int(first["_order"])]
        where_cs, where_en = _where(first_rel, first_table, int(first["_row"]))
        if label_of:
            key_cs, key_en = label_of(first_table, int(first["_row"]))
        else:
            key_cs = key_en = " / ".join(str(first[c]) for c in key_columns if pd.notna(first[c]))
        for _, dup in group.iloc[1:].iterrows():
            _, table = tables[int(dup["_order"])]
            table.reject(
                [int(dup["_row"])],
                (
                    f"{describe[0].format(key=key_cs)} se v importu opakuje (poprvé: {where_cs})",
                    f"{describe[1].format(key=key_en)} appears twice in this import "
                    f"(first: {where_en})",
                ),
            )


def unknown_project_reason(code: str, district_name: str) -> tuple[str, str]:
    """The reason given for an activity or tool usage naming no project of its district
    (the import and the manual entry, ``koordinace.records``, say the same)."""
    return (
        f"Projekt „{code}“ v městské části {district_name} neexistuje "
        f"(není v tomto importu ani v databázi)",
        f"Project '{code}' does not exist in {district_name} "
        f"(neither in this import nor in the database)",
    )


def reject_unknown_projects(
    tables: list[tuple[str, TableResult]], known: Iterable[str], district_name: str
) -> None:
    """Activities and tool usage must name a project of the same district."""
    known_set = set(known)
    for _, table in tables:
        rows = valid_rows(table)
        if "project_id" not in rows.columns:
            continue
        unknown = ~rows["project_id"].isin(known_set) & rows["project_id"].notna()
        for row in rows.index[unknown.to_numpy(dtype=bool)]:
            code = rows.at[row, "project_id"]
            table.reject([row], unknown_project_reason(code, district_name), "project_id")


def tool_keys(tables: list[tuple[str, TableResult]]) -> None:
    """Add a ``tool_key`` column (compact key of the tool as given) to tool-usage tables."""
    for _, table in tables:
        if "tool" in table.clean.columns:
            tool = table.clean["tool"]
            distinct = {t: compact_key(t) for t in tool.dropna().unique()}
            table.clean["tool_key"] = tool.map(distinct).astype("string")
