"""Figures: pure functions DataFrame → go.Figure, one module per page; shared look here.

Every chart: a title that says what it shows and in which unit, a "data as of" line, a
colour-blind-safe palette (Okabe–Ito), hover text with the real values, Czech number
formats (Plotly ``separators`` and the ``cs`` locale), and a message instead of an empty
axis when there is no data.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go

from dashboard.i18n import PLOTLY_SEPARATORS, fmt_date, t

#: Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
MUTED = "#BBBBBB"
#: Stage order (vocabulary order) → colour, so a stage looks the same on every chart.
STAGE_COLOURS = {
    "preparation": "#56B4E9",
    "collecting_input": "#0072B2",
    "evaluation": "#E69F00",
    "voting": "#CC79A7",
    "implementation": "#009E73",
    "completed": "#000000",
    "cancelled": MUTED,
}


def styled(
    fig: go.Figure,
    *,
    title: str,
    lang: str,
    data_as_of: dt.date | None = None,
    height: int = 420,
) -> go.Figure:
    """The shared look: title (what and in which unit), data-as-of line, formats."""
    subtitle = t("data_as_of", lang, date=fmt_date(data_as_of, lang)) if data_as_of else None
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "subtitle": {"text": subtitle}}
        if subtitle
        else {"text": title, "x": 0, "xanchor": "left"},
        separators=PLOTLY_SEPARATORS[lang],
        colorway=list(PALETTE),
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 80 if subtitle else 60, "b": 50},
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13},
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.25, "x": 0},
        hoverlabel={"namelength": -1},
    )
    return fig


def empty(message: str, *, title: str = "", lang: str = "cs") -> go.Figure:
    """A figure that says there is nothing to show (instead of an empty axis)."""
    fig = go.Figure()
    fig.add_annotation(
        text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 15}
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return styled(fig, title=title, lang=lang, height=260)
