"""Figures of the Zapojení / Engagement page: pure functions DataFrame → go.Figure (and the
table alternatives: DataFrame → formatted DataFrame and headers). No database access.

The frames are those of :mod:`dashboard.queries.engagement`. Labels come from the
vocabulary in the page language; numbers are formatted by Plotly's ``separators`` (hover
templates) or by :mod:`dashboard.i18n` (text prepared in Python, percentages).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures import MUTED, PALETTE, empty, styled
from dashboard.i18n import fmt_number, fmt_percent, t
from models.vocabulary import vocabulary

STRINGS = {
    "monthly.title": {
        "cs": "Účastníci podle měsíců a městských částí (počet účastníků)",
        "en": "Participants by month and district (number of participants)",
    },
    "rate.title": {
        "cs": "Účastníci na 1 000 obyvatel podle městských částí",
        "en": "Participants per 1,000 residents by district",
    },
    "channels.title": {
        "cs": "Forma účasti podle městských částí (% účastníků)",
        "en": "Channel by district (% of participants)",
    },
    "types.title": {
        "cs": "Účastníci podle typu aktivity (počet účastníků)",
        "en": "Participants by activity type (number of participants)",
    },
    "youth.title": {
        "cs": "Podíl mládeže mezi účastníky podle městských částí (%)",
        "en": "Youth share of participants by district (%)",
    },
    "pb.title": {
        "cs": "Participativní rozpočty: návrhy a hlasy podle městských částí (počet)",
        "en": "Participatory budgeting: proposals and votes by district (count)",
    },
    "month": {"cs": "Měsíc", "en": "Month"},
    "district": {"cs": "Městská část", "en": "District"},
    "total": {"cs": "Celkem", "en": "Total"},
    "participants": {"cs": "Účastníci", "en": "Participants"},
    "activities": {"cs": "Aktivity", "en": "Activities"},
    "activities_n": {"cs": "aktivit", "en": "activities"},
    "population": {"cs": "Obyvatel ({year})", "en": "Residents ({year})"},
    "population_plain": {"cs": "Obyvatel", "en": "Residents"},
    "per_1000": {"cs": "Účastníci na 1 000 obyvatel", "en": "Participants per 1,000 residents"},
    "median": {"cs": "Medián pilotních MČ: {value}", "en": "Pilot median: {value}"},
    "median_row": {"cs": "Medián pilotních MČ", "en": "Pilot median"},
    "share_axis": {"cs": "% účastníků", "en": "% of participants"},
    "activity": {"cs": "Typ aktivity", "en": "Activity type"},
    "per_activity": {"cs": "Průměr na aktivitu", "en": "Average per activity"},
    "youth": {"cs": "Mládež", "en": "Youth"},
    "youth_share": {"cs": "Podíl mládeže", "en": "Youth share"},
    "youth_of": {
        "cs": "Mládež: {youth} z {participants} účastníků",
        "en": "Youth: {youth} of {participants} participants",
    },
    "youth_reporting": {
        "cs": "Aktivit s údajem o mládeži: {reporting} z {activities}",
        "en": "Activities reporting youth: {reporting} of {activities}",
    },
    "youth_participants": {
        "cs": "Účastníci aktivit s údajem",
        "en": "Participants of reporting activities",
    },
    "reporting": {"cs": "Aktivity s údajem / všechny", "en": "Reporting / all activities"},
    "no_youth": {"cs": "bez údajů o mládeži", "en": "no youth data"},
    "no_activities": {"cs": "bez aktivit", "en": "no activities"},
    "proposals": {"cs": "Návrhy", "en": "Proposals"},
    "votes": {"cs": "Hlasy", "en": "Votes"},
    "processes": {"cs": "Procesy PR", "en": "PB processes"},
    "reported_in": {"cs": "uvedeno u {n} aktivit", "en": "reported by {n} activities"},
}

MONTHS = {
    "cs": (
        "leden",
        "únor",
        "březen",
        "duben",
        "květen",
        "červen",
        "červenec",
        "srpen",
        "září",
        "říjen",
        "listopad",
        "prosinec",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
#: Channel → colour, the same on every chart of the page.
CHANNEL_COLOURS = {"online": PALETTE[0], "in_person": PALETTE[1], "hybrid": PALETTE[2]}


def text(key: str, lang: str, **values) -> str:
    return t(key, lang, STRINGS, **values)


def fmt_month(month: dt.date, lang: str) -> str:
    """``březen 2021`` / ``March 2021``."""
    return f"{MONTHS[lang if lang in MONTHS else 'cs'][month.month - 1]} {month.year}"


def _bar_height(rows: int) -> int:
    return 170 + 34 * max(rows, 3)


def _by_name(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("name", key=lambda s: s.str.casefold(), ignore_index=True)


# ---------------------------------------------------------------- participants by month


def _months(frame: pd.DataFrame) -> list[dt.date]:
    first, last = min(frame["month"]), max(frame["month"])
    months, current = [], first
    while current <= last:
        months.append(current)
        current = dt.date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def monthly(frame: pd.DataFrame, lang: str, data_as_of: dt.date | None = None) -> go.Figure:
    """One line per district: participants per calendar month (months without activities
    are 0, not a gap bridged by the line)."""
    title = text("monthly.title", lang)
    if frame.empty:
        return empty(t("no_data", lang), title=title, lang=lang)
    months = _months(frame)
    fig = go.Figure()
    for index, (name, rows) in enumerate(_by_name(frame).groupby("name", sort=False)):
        by_month = rows.set_index("month")
        participants = by_month["participants"].reindex(months, fill_value=0)
        activities = by_month["activities"].reindex(months, fill_value=0)
        fig.add_trace(
            go.Scatter(
                x=months,
                y=participants.tolist(),
                customdata=activities.tolist(),
                name=name,
                mode="lines",
                line={
                    "color": PALETTE[index % len(PALETTE)],
                    "width": 2,
                    # Eight colours: the ninth district on gets a dotted line.
                    "dash": "solid" if index < len(PALETTE) else "dot",
                },
                hovertemplate=(f"%{{y:,.0f}} · {text('activities_n', lang)}: %{{customdata:,.0f}}"),
            )
        )
    fig.update_xaxes(hoverformat="%B %Y", title=None)
    fig.update_yaxes(title=text("participants", lang), rangemode="tozero", tickformat=",d")
    fig.update_layout(hovermode="x unified")
    return styled(fig, title=title, lang=lang, data_as_of=data_as_of, height=480)


def monthly_table(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Months × districts (participants), with a total column."""
    if frame.empty:
        return pd.DataFrame(), {}
    wide = frame.pivot_table(
        index="month", columns="name", values="participants", aggfunc="sum", fill_value=0
    ).reindex(_months(frame), fill_value=0)
    names = sorted(wide.columns, key=str.casefold)
    table = pd.DataFrame({"month": [fmt_month(m, lang) for m in wide.index]})
    for i, name in enumerate(names):
        table[f"d{i}"] = [fmt_number(v, lang) for v in wide[name]]
    table["total"] = [fmt_number(v, lang) for v in wide[names].sum(axis=1)]
    headers = {"month": text("month", lang)}
    headers.update({f"d{i}": name for i, name in enumerate(names)})
    headers["total"] = text("total", lang)
    return table, headers


# ---------------------------------------------------------------- per 1,000 residents


def participation_rate(
    frame: pd.DataFrame, median: float, lang: str, data_as_of: dt.date | None = None
) -> go.Figure:
    """Horizontal bars, highest rate on top, the pilot median as a dashed line."""
    title = text("rate.title", lang)
    if frame.empty or frame["participants"].sum() == 0:
        return empty(t("no_data", lang), title=title, lang=lang)
    rows = frame.sort_values(["per_1000", "name"], ascending=[True, False], ignore_index=True)
    fig = go.Figure(
        go.Bar(
            x=rows["per_1000"].tolist(),
            y=rows["name"].tolist(),
            orientation="h",
            marker_color=[PALETTE[0] if p else MUTED for p in rows["is_pilot"]],
            text=[fmt_number(v, lang, 1) for v in rows["per_1000"]],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [int(r.participants), int(r.population), int(r.population_year)]
                for r in rows.itertuples()
            ],
            hovertemplate=(
                f"<b>%{{y}}</b><br>{text('per_1000', lang)}: %{{x:,.1f}}"
                f"<br>{text('participants', lang)}: %{{customdata[0]:,.0f}}"
                f"<br>{text('population_plain', lang)} (%{{customdata[2]}}): "
                f"%{{customdata[1]:,.0f}}<extra></extra>"
            ),
            name=text("per_1000", lang),
        )
    )
    if not math.isnan(median):
        fig.add_vline(
            x=median,
            line_dash="dash",
            line_color=PALETTE[5],
            annotation_text=text("median", lang, value=fmt_number(median, lang, 1)),
            annotation_position="top",
            annotation_font_color=PALETTE[5],
        )
    top = float(max(rows["per_1000"].max(), 0 if math.isnan(median) else median))
    # Room for the value labels outside the bars.
    fig.update_xaxes(title=text("per_1000", lang), range=[0, top * 1.15], tickformat=",d")
    fig.update_yaxes(title=None)
    fig.update_layout(showlegend=False)
    return styled(fig, title=title, lang=lang, data_as_of=data_as_of, height=_bar_height(len(rows)))


def participation_table(
    frame: pd.DataFrame, median: float, lang: str
) -> tuple[pd.DataFrame, dict[str, str]]:
    if frame.empty or frame["participants"].sum() == 0:
        return pd.DataFrame(), {}
    rows = frame.sort_values("per_1000", ascending=False, ignore_index=True)
    year = int(rows["population_year"].max()) if len(rows) else ""
    table = pd.DataFrame(
        {
            "name": rows["name"].tolist(),
            "participants": [fmt_number(v, lang) for v in rows["participants"]],
            "population": [fmt_number(v, lang) for v in rows["population"]],
            "per_1000": [fmt_number(v, lang, 1) for v in rows["per_1000"]],
        }
    )
    median_row = {
        "name": text("median_row", lang),
        "participants": "",
        "population": "",
        "per_1000": fmt_number(median, lang, 1),
    }
    table = pd.concat([table, pd.DataFrame([median_row])], ignore_index=True)
    headers = {
        "name": text("district", lang),
        "participants": text("participants", lang),
        "population": text("population", lang, year=year),
        "per_1000": text("per_1000", lang),
    }
    return table, headers


# ---------------------------------------------------------------- channels


def _channel_wide(frame: pd.DataFrame) -> pd.DataFrame:
    """Per district (by name) and channel (vocabulary order): participants, activities."""
    channels = vocabulary("channel").values
    wide = frame.pivot_table(
        index="name", columns="channel", values=["participants", "activities"], aggfunc="sum"
    ).fillna(0)
    names = sorted(wide.index, key=str.casefold)
    return wide.reindex(index=names).reindex(
        columns=pd.MultiIndex.from_product([["participants", "activities"], channels]),
        fill_value=0,
    )


def channels(frame: pd.DataFrame, lang: str, data_as_of: dt.date | None = None) -> go.Figure:
    """100 % stacked bars: each district's participants split by channel; hover with the
    numbers of participants and activities."""
    title = text("channels.title", lang)
    if frame.empty or frame["participants"].sum() == 0:
        return empty(t("no_data", lang), title=title, lang=lang)
    wide = _channel_wide(frame)
    totals = wide["participants"].sum(axis=1)
    names = list(wide.index)
    fig = go.Figure()
    for term in vocabulary("channel").terms:
        participants = wide[("participants", term.value)]
        activities = wide[("activities", term.value)]
        shares = [
            (p / total * 100) if total else 0.0
            for p, total in zip(participants, totals, strict=True)
        ]
        fig.add_trace(
            go.Bar(
                x=shares,
                y=names,
                orientation="h",
                name=term.label(lang),
                marker_color=CHANNEL_COLOURS.get(term.value),
                customdata=[
                    [fmt_percent(s, lang, 1), int(p), int(a)]
                    for s, p, a in zip(shares, participants, activities, strict=True)
                ],
                hovertemplate=(
                    f"<b>%{{y}}</b><br>{term.label(lang)}: %{{customdata[0]}}"
                    f"<br>{text('participants', lang)}: %{{customdata[1]:,.0f}}"
                    f"<br>{text('activities', lang)}: %{{customdata[2]:,.0f}}<extra></extra>"
                ),
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(title=text("share_axis", lang), range=[0, 100], ticksuffix="\u00a0%")
    fig.update_yaxes(title=None, autorange="reversed")
    styled(fig, title=title, lang=lang, data_as_of=data_as_of, height=_bar_height(len(names)) + 40)
    # The legend at the bottom of the whole figure, below the axis title, however few rows.
    return fig.update_layout(
        legend={"yref": "container", "y": 0, "yanchor": "bottom"}, margin={"b": 90}
    )


def channels_table(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    if frame.empty or frame["participants"].sum() == 0:
        return pd.DataFrame(), {}
    wide = _channel_wide(frame)
    totals = wide["participants"].sum(axis=1)
    table = pd.DataFrame({"name": list(wide.index)})
    headers = {"name": text("district", lang)}
    for term in vocabulary("channel").terms:
        values = wide[("participants", term.value)]
        table[term.value] = [
            f"{fmt_number(v, lang)} ({fmt_percent(v / total * 100 if total else 0, lang)})"
            for v, total in zip(values, totals, strict=True)
        ]
        headers[term.value] = term.label(lang)
    table["total"] = [fmt_number(v, lang) for v in totals]
    headers["total"] = text("total", lang)
    return table, headers


# ---------------------------------------------------------------- activity types


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in vocabulary order (types without activities left out)."""
    order = {value: i for i, value in enumerate(vocabulary("activity").values)}
    rows = frame[frame["activities"] > 0]
    return rows.sort_values("activity", key=lambda s: s.map(order), ignore_index=True)


def activity_types(frame: pd.DataFrame, lang: str, data_as_of: dt.date | None = None) -> go.Figure:
    """Horizontal bars in vocabulary order (top down): participants per activity type."""
    title = text("types.title", lang)
    rows = _typed(frame)
    if rows.empty:
        return empty(t("no_data", lang), title=title, lang=lang)
    labels = [vocabulary("activity").label(v, lang) for v in rows["activity"]]
    fig = go.Figure(
        go.Bar(
            x=rows["participants"].tolist(),
            y=labels,
            orientation="h",
            marker_color=PALETTE[0],
            customdata=[
                [int(r.activities), r.participants / r.activities] for r in rows.itertuples()
            ],
            hovertemplate=(
                f"<b>%{{y}}</b><br>{text('participants', lang)}: %{{x:,.0f}}"
                f"<br>{text('activities', lang)}: %{{customdata[0]:,.0f}}"
                f"<br>{text('per_activity', lang)}: %{{customdata[1]:,.1f}}<extra></extra>"
            ),
            name=text("participants", lang),
        )
    )
    fig.update_xaxes(title=text("participants", lang), rangemode="tozero", tickformat=",d")
    fig.update_yaxes(title=None, autorange="reversed")
    fig.update_layout(showlegend=False)
    return styled(fig, title=title, lang=lang, data_as_of=data_as_of, height=_bar_height(len(rows)))


def activity_types_table(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    rows = _typed(frame)
    if rows.empty:
        return pd.DataFrame(), {}
    table = pd.DataFrame(
        {
            "activity": [vocabulary("activity").label(v, lang) for v in rows["activity"]],
            "activities": [fmt_number(v, lang) for v in rows["activities"]],
            "participants": [fmt_number(v, lang) for v in rows["participants"]],
            "per_activity": [
                fmt_number(p / a, lang, 1)
                for p, a in zip(rows["participants"], rows["activities"], strict=True)
            ],
        }
    )
    headers = {
        "activity": text("activity", lang),
        "activities": text("activities", lang),
        "participants": text("participants", lang),
        "per_activity": text("per_activity", lang),
    }
    return table, headers


# ---------------------------------------------------------------- youth share


def _missing(row, lang: str) -> str:
    return text("no_activities" if row.activities == 0 else "no_youth", lang)


def youth(frame: pd.DataFrame, lang: str, data_as_of: dt.date | None = None) -> go.Figure:
    """Horizontal bars of the youth share per district (%); a district without youth
    figures gets no bar but a note saying so."""
    title = text("youth.title", lang)
    if frame.empty or frame["activities"].sum() == 0:
        return empty(t("no_data", lang), title=title, lang=lang)
    rows = _by_name(frame)
    known = rows["share"].notna()
    hover = []
    for r in rows.itertuples():
        if pd.isna(r.share):
            hover.append(f"<b>{r.name}</b><br>{_missing(r, lang)}")
            continue
        hover.append(
            f"<b>{r.name}</b><br>{text('youth_share', lang)}: {fmt_percent(r.share * 100, lang, 1)}"
            "<br>"
            + text(
                "youth_of",
                lang,
                youth=fmt_number(r.youth, lang),
                participants=fmt_number(r.reporting_participants, lang),
            )
            + "<br>"
            + text(
                "youth_reporting",
                lang,
                reporting=fmt_number(r.reporting, lang),
                activities=fmt_number(r.activities, lang),
            )
        )
    fig = go.Figure(
        go.Bar(
            x=[None if pd.isna(s) else s * 100 for s in rows["share"]],
            y=rows["name"].tolist(),
            orientation="h",
            marker_color=PALETTE[2],
            text=["" if pd.isna(s) else fmt_percent(s * 100, lang, 1) for s in rows["share"]],
            textposition="auto",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            name=text("youth_share", lang),
        )
    )
    for r in rows[~known].itertuples():
        fig.add_annotation(
            x=0,
            y=r.name,
            xref="x",
            yref="y",
            text=_missing(r, lang),
            showarrow=False,
            xanchor="left",
            font={"color": "#555555", "size": 12},
        )
    top = float(rows.loc[known, "share"].max() * 100) if known.any() else 0.0
    fig.update_xaxes(
        title=text("youth_share", lang),
        ticksuffix="\u00a0%",
        range=[0, max(10.0, math.ceil(top * 1.15))],
    )
    fig.update_yaxes(
        title=None, autorange="reversed", categoryorder="array", categoryarray=rows["name"]
    )
    fig.update_layout(showlegend=False)
    return styled(fig, title=title, lang=lang, data_as_of=data_as_of, height=_bar_height(len(rows)))


def youth_table(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    if frame.empty or frame["activities"].sum() == 0:
        return pd.DataFrame(), {}
    rows = _by_name(frame)
    table = pd.DataFrame(
        {
            "name": rows["name"].tolist(),
            "share": [
                _missing(r, lang) if pd.isna(r.share) else fmt_percent(r.share * 100, lang, 1)
                for r in rows.itertuples()
            ],
            "youth": [fmt_number(v, lang) for v in rows["youth"]],
            "participants": [fmt_number(v, lang) for v in rows["reporting_participants"]],
            "reporting": [
                f"{fmt_number(r.reporting, lang)} / {fmt_number(r.activities, lang)}"
                for r in rows.itertuples()
            ],
        }
    )
    headers = {
        "name": text("district", lang),
        "share": text("youth_share", lang),
        "youth": text("youth", lang),
        "participants": text("youth_participants", lang),
        "reporting": text("reporting", lang),
    }
    return table, headers


# ---------------------------------------------------------------- participatory budgeting


def participatory_budgeting(
    frame: pd.DataFrame, lang: str, data_as_of: dt.date | None = None
) -> go.Figure:
    """Two panels sharing the district axis: proposals (left) and votes (right)."""
    title = text("pb.title", lang)
    if frame.empty:
        return empty(t("no_data", lang), title=title, lang=lang)
    rows = _by_name(frame)
    names = rows["name"].tolist()
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.06,
        subplot_titles=(text("proposals", lang), text("votes", lang)),
    )
    for col, (measure, reports, colour) in enumerate(
        (("proposals", "proposal_reports", PALETTE[1]), ("votes", "vote_reports", PALETTE[3])),
        start=1,
    ):
        fig.add_trace(
            go.Bar(
                x=rows[measure].tolist(),
                y=names,
                orientation="h",
                name=text(measure, lang),
                marker_color=colour,
                customdata=[
                    [text("reported_in", lang, n=fmt_number(n, lang)), int(p)]
                    for n, p in zip(rows[reports], rows["processes"], strict=True)
                ],
                hovertemplate=(
                    f"<b>%{{y}}</b><br>{text(measure, lang)}: %{{x:,.0f}} (%{{customdata[0]}})"
                    f"<br>{text('processes', lang)}: %{{customdata[1]:,.0f}}<extra></extra>"
                ),
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(
            title=text(measure, lang), rangemode="tozero", tickformat=",d", row=1, col=col
        )
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_layout(showlegend=False)
    return styled(fig, title=title, lang=lang, data_as_of=data_as_of, height=_bar_height(len(rows)))


def participatory_budgeting_table(
    frame: pd.DataFrame, lang: str
) -> tuple[pd.DataFrame, dict[str, str]]:
    if frame.empty:
        return pd.DataFrame(), {}
    rows = _by_name(frame)
    table = pd.DataFrame(
        {
            "name": rows["name"].tolist(),
            "processes": [fmt_number(v, lang) for v in rows["processes"]],
            "proposals": [fmt_number(v, lang) for v in rows["proposals"]],
            "votes": [fmt_number(v, lang) for v in rows["votes"]],
            "activities": [fmt_number(v, lang) for v in rows["activities"]],
        }
    )
    headers = {
        "name": text("district", lang),
        "processes": text("processes", lang),
        "proposals": text("proposals", lang),
        "votes": text("votes", lang),
        "activities": text("activities", lang),
    }
    return table, headers
