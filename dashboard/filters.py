"""The dashboard's filters: period, districts, process kind, topic.

Kept in the URL query string (``?from=2021-01-01&to=2022-12-31&districts=500054,547361
&kind=survey&topic=transport``) so a copied link reopens the same view. Queries take a
:class:`Filters` and apply it in SQL with :meth:`Filters.projects` / :meth:`activities`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from sqlalchemy import Select

from models import Activity, District, Project
from models.vocabulary import values


def _codes(raw) -> tuple[int, ...]:
    items = raw if isinstance(raw, list | tuple) else str(raw or "").split(",")
    out = []
    for item in items:
        try:
            out.append(int(str(item).strip()))
        except ValueError:
            continue  # an unknown code in a hand-edited link is ignored
    return tuple(sorted(set(out)))


def _terms(raw, vocabulary: str) -> tuple[str, ...]:
    items = raw if isinstance(raw, list | tuple) else str(raw or "").split(",")
    allowed = set(values(vocabulary))
    return tuple(sorted({str(i).strip() for i in items} & allowed))


def _date(raw) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class Filters:
    start: dt.date | None = None
    end: dt.date | None = None
    districts: tuple[int, ...] = field(default_factory=tuple)  # official codes; () = pilot
    kinds: tuple[str, ...] = field(default_factory=tuple)  # () = all
    topics: tuple[str, ...] = field(default_factory=tuple)  # () = all

    # ------------------------------------------------------------ URL round trip

    @classmethod
    def from_args(cls, args: dict) -> Filters:
        """From Dash page kwargs or parsed query parameters (values str or lists)."""

        def one(key):
            value = args.get(key)
            return value[0] if isinstance(value, list) and len(value) == 1 else value

        return cls(
            start=_date(one("from")),
            end=_date(one("to")),
            districts=_codes(one("districts")),
            kinds=_terms(one("kind"), "kind"),
            topics=_terms(one("topic"), "topic"),
        )

    @classmethod
    def from_query(cls, search: str | None) -> Filters:
        return cls.from_args(parse_qs((search or "").lstrip("?")))

    @classmethod
    def from_controls(cls, start, end, districts, kinds, topics) -> Filters:
        """From the filter bar's component values."""
        return cls(
            start=_date(start),
            end=_date(end),
            districts=_codes(districts or ()),
            kinds=_terms(kinds or (), "kind"),
            topics=_terms(topics or (), "topic"),
        )

    def to_query(self) -> str:
        """``?…`` for the URL ('' when no filter is set)."""
        params = {}
        if self.start:
            params["from"] = self.start.isoformat()
        if self.end:
            params["to"] = self.end.isoformat()
        if self.districts:
            params["districts"] = ",".join(str(c) for c in self.districts)
        if self.kinds:
            params["kind"] = ",".join(self.kinds)
        if self.topics:
            params["topic"] = ",".join(self.topics)
        return "?" + urlencode(params, safe=",") if params else ""

    # ------------------------------------------------------------ SQL

    def district_clause(self):
        """Selected districts, or the pilot districts when none is selected."""
        if self.districts:
            return District.code.in_(self.districts)
        return District.is_pilot.is_(True)

    def projects(self, statement: Select) -> Select:
        """Restrict a select that joins Project and District. A process is in the period
        when it overlaps it (started before the period ends, ended after it starts)."""
        statement = statement.where(self.district_clause())
        if self.kinds:
            statement = statement.where(Project.kind.in_(self.kinds))
        if self.topics:
            statement = statement.where(Project.topic.in_(self.topics))
        if self.end:
            statement = statement.where(
                (Project.start_date.is_(None)) | (Project.start_date <= self.end)
            )
        if self.start:
            statement = statement.where(
                (Project.end_date.is_(None)) | (Project.end_date >= self.start)
            )
        return statement

    def activities(self, statement: Select) -> Select:
        """Restrict a select that joins Activity, Project and District (activity dates)."""
        statement = statement.where(self.district_clause())
        if self.kinds:
            statement = statement.where(Project.kind.in_(self.kinds))
        if self.topics:
            statement = statement.where(Project.topic.in_(self.topics))
        if self.start:
            statement = statement.where(Activity.date >= self.start)
        if self.end:
            statement = statement.where(Activity.date <= self.end)
        return statement
