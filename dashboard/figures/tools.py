"""Figures and tables of the tools page (Nástroje): pure functions of DataFrames.

- :func:`usage_heatmap` — district × tool matrix of the number of processes using a tool;
- :func:`satisfaction_bars` — mean rating per tool (only with ``MIN_RATINGS`` ratings);
- :func:`cost_bars` — known cost per participant per tool;
- :func:`catalogue_grid` — the catalogue as AG Grid ``columnDefs`` and ``rowData``, with
  the Czech/English labels of the catalogue's enumerations (kept here, next to their use).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import PALETTE, styled
from dashboard.i18n import NBSP, fmt_czk, fmt_number, t
from dashboard.metrics import MIN_RATINGS

STRINGS = {
    "matrix.title": {
        "cs": "Kolik procesů používá který nástroj (počet procesů podle městské části)",
        "en": "How many processes use each tool (number of processes by district)",
    },
    "matrix.hover": {"cs": "Počet procesů", "en": "Processes"},
    "matrix.total": {"cs": "Celkem ve výběru", "en": "Total in the selection"},
    "matrix.colorbar": {"cs": "Procesy", "en": "Processes"},
    "tool": {"cs": "Nástroj", "en": "Tool"},
    "district": {"cs": "Městská část", "en": "District"},
    "total": {"cs": "Celkem", "en": "Total"},
    "satisfaction.title": {
        "cs": "Spokojenost s nástroji: průměrné hodnocení 1–5 (počet hodnocení)",
        "en": "Satisfaction with tools: mean rating 1–5 (number of ratings)",
    },
    "satisfaction.axis": {"cs": "Průměrné hodnocení (1–5)", "en": "Mean rating (1–5)"},
    "satisfaction.mean": {"cs": "Průměrné hodnocení", "en": "Mean rating"},
    "satisfaction.count": {"cs": "Počet hodnocení", "en": "Number of ratings"},
    "satisfaction.usages": {"cs": "Počet použití", "en": "Usages"},
    "cost.title": {
        "cs": "Známé náklady nástroje na účastníka (Kč na účastníka projektů, které nástroj "
        "použily s uvedenými náklady)",
        "en": "Known cost of a tool per participant (CZK per participant of the projects "
        "that used it with a stated cost)",
    },
    "cost.axis": {"cs": "Kč na účastníka", "en": "CZK per participant"},
    "cost.per_participant": {"cs": "Náklady na účastníka", "en": "Cost per participant"},
    "cost.cost": {"cs": "Známé náklady celkem", "en": "Known costs in total"},
    "cost.participants": {
        "cs": "Účastníci těchto projektů",
        "en": "Participants of these projects",
    },
    "cost.usages": {"cs": "Použití s uvedenými náklady", "en": "Usages with a stated cost"},
    "cost.projects": {"cs": "Projekty", "en": "Projects"},
    "yes": {"cs": "✓", "en": "✓"},
    "no": {"cs": "–", "en": "–"},
    "grid.name": {"cs": "Název", "en": "Name"},
    "grid.category": {"cs": "Kategorie", "en": "Category"},
    "grid.licence": {"cs": "Licence", "en": "Licence"},
    "grid.cost_model": {"cs": "Model nákladů", "en": "Cost model"},
    "grid.czech": {"cs": "Podpora češtiny", "en": "Czech support"},
    "grid.features": {"cs": "Funkce", "en": "Features"},
    "grid.scores": {
        "cs": "Hodnocení podle People Powered (1 slabé – 5 silné)",
        "en": "People Powered assessment (1 weak – 5 strong)",
    },
    "grid.website": {"cs": "Web", "en": "Website"},
}

#: Labels of the catalogue's enumerations (models/data/tools.toml documents the values).
CATEGORY_LABELS = {
    "all_in_one": {"cs": "Komplexní platforma", "en": "All-in-one platform"},
    "participatory_budgeting": {"cs": "Participativní rozpočet", "en": "Participatory budgeting"},
    "survey": {"cs": "Dotazníky a ankety", "en": "Surveys and polls"},
    "mapping": {"cs": "Mapování", "en": "Mapping"},
    "issue_reporting": {"cs": "Hlášení podnětů", "en": "Issue reporting"},
    "messaging": {"cs": "Zprávy obyvatelům", "en": "Messaging residents"},
    "social_media": {"cs": "Sociální sítě", "en": "Social media"},
    "offline": {"cs": "Bez techniky (papír, setkání)", "en": "Offline (paper, meetings)"},
    "collaboration": {"cs": "Spolupráce a online setkání", "en": "Collaboration, online meetings"},
    "website": {"cs": "Webové stránky", "en": "Website"},
}
LICENCE_LABELS = {
    "open_source": {"cs": "Otevřený software", "en": "Open source"},
    "commercial": {"cs": "Komerční", "en": "Commercial"},
    "free_service": {"cs": "Bezplatná služba", "en": "Free service"},
    "not_applicable": {"cs": "Nejde o software", "en": "Not software"},
}
COST_MODEL_LABELS = {
    "free": {"cs": "Zdarma", "en": "Free"},
    "free_tier": {"cs": "Základ zdarma, placené tarify", "en": "Free tier, paid plans"},
    "subscription": {"cs": "Předplatné", "en": "Subscription"},
    "licence_fee": {"cs": "Licenční poplatek", "en": "Licence fee"},
    "per_project": {"cs": "Platba za projekt", "en": "Per project"},
    "self_hosted": {"cs": "Vlastní provoz (software zdarma)", "en": "Self-hosted (free software)"},
    "staff_time": {"cs": "Hlavně práce úřadu", "en": "Mainly staff time"},
}
CZECH_LABELS = {
    "full": {"cs": "Plná", "en": "Full"},
    "partial": {"cs": "Částečná", "en": "Partial"},
    "none": {"cs": "Žádná", "en": "None"},
}
FEATURE_LABELS = {
    "proposals": {"cs": "Návrhy", "en": "Proposals"},
    "voting": {"cs": "Hlasování", "en": "Voting"},
    "surveys": {"cs": "Dotazníky", "en": "Surveys"},
    "mapping": {"cs": "Mapy", "en": "Mapping"},
    "issue_reporting": {"cs": "Hlášení podnětů", "en": "Issue reporting"},
    "messaging": {"cs": "Zprávy", "en": "Messaging"},
    "results_exports": {"cs": "Export výsledků", "en": "Results export"},
}
SCORE_LABELS = {
    "cost": {"cs": "Cena", "en": "Cost"},
    "capacity": {"cs": "Nároky na úřad", "en": "Staff capacity"},
    "features": {"cs": "Funkce", "en": "Features"},
    "accessibility": {"cs": "Přístupnost", "en": "Accessibility"},
    "ethics": {"cs": "Etika a transparentnost", "en": "Ethics and transparency"},
    "track_record": {"cs": "Ověřenost v praxi", "en": "Track record"},
}
SCORE_HINTS = {
    "cost": {"cs": "Dostupnost (5 = zdarma nebo velmi levné)", "en": "Affordability (5 = free)"},
    "capacity": {
        "cs": "Potřebná kapacita a dovednosti úřadu (5 = velmi malé)",
        "en": "Staff capacity and skills needed (5 = very little)",
    },
    "features": {
        "cs": "Jak funkce odpovídají participační práci",
        "en": "Fit of the features to participation work",
    },
    "accessibility": {
        "cs": "Čeština, mobilní použití, WCAG, offline alternativy",
        "en": "Czech language, mobile use, WCAG, offline alternatives",
    },
    "ethics": {
        "cs": "Ochrana dat a GDPR, otevřený kód, vlastnictví dat, bez reklam a sledování",
        "en": "Data protection and GDPR, open source, data ownership, no ads or tracking",
    },
    "track_record": {
        "cs": "Ověřené použití, především v českých obcích",
        "en": "Proven use, above all in Czech municipalities",
    },
}
LABELS = {
    "category": CATEGORY_LABELS,
    "licence": LICENCE_LABELS,
    "cost_model": COST_MODEL_LABELS,
    "czech": CZECH_LABELS,
}

#: AG Grid's own texts (filter menu, empty grid, ARIA labels) in Czech.
GRID_LOCALE_CS = {
    "noRowsToShow": "Žádné řádky",
    "noMatchingRows": "Žádné odpovídající řádky",
    "loadingOoo": "Načítání…",
    "filterOoo": "Filtrovat…",
    "searchOoo": "Hledat…",
    "selectAll": "(Vybrat vše)",
    "blanks": "(Prázdné)",
    "equals": "Rovná se",
    "notEqual": "Nerovná se",
    "blank": "Prázdné",
    "notBlank": "Neprázdné",
    "contains": "Obsahuje",
    "notContains": "Neobsahuje",
    "startsWith": "Začíná na",
    "endsWith": "Končí na",
    "lessThan": "Menší než",
    "greaterThan": "Větší než",
    "lessThanOrEqual": "Menší nebo rovno",
    "greaterThanOrEqual": "Větší nebo rovno",
    "inRange": "V rozsahu",
    "inRangeStart": "Od",
    "inRangeEnd": "Do",
    "andCondition": "A",
    "orCondition": "NEBO",
    "applyFilter": "Použít",
    "resetFilter": "Obnovit",
    "clearFilter": "Vymazat",
    "cancelFilter": "Zrušit",
    "sortAscending": "Seřadit vzestupně",
    "sortDescending": "Seřadit sestupně",
    "sortUnSort": "Zrušit řazení",
    "pinColumn": "Připnout sloupec",
    "pinLeft": "Připnout vlevo",
    "pinRight": "Připnout vpravo",
    "noPin": "Nepřipínat",
    "autosizeThisColumn": "Přizpůsobit šířku sloupce",
    "autosizeAllColumns": "Přizpůsobit šířku všech sloupců",
    "resetColumns": "Obnovit sloupce",
    "columnFilter": "Filtr sloupce",
    "ariaFilterInput": "Pole filtru",
    "ariaFilterValue": "Hodnota filtru",
    "ariaFilteringOperator": "Operátor filtru",
    "ariaLabelColumnFilter": "Filtr sloupce",
    "ariaLabelColumnMenu": "Nabídka sloupce",
    "ariaFilterMenuOpen": "Otevřít nabídku filtru",
    "ariaColumnFiltered": "Sloupec je filtrován",
    "ariaSortableColumn": "Stiskněte ENTER pro seřazení",
    "ariaMenuColumn": "Stiskněte ALT ŠIPKA DOLŮ pro nabídku sloupce",
    "ariaFilterColumn": "Stiskněte CTRL ENTER pro filtr",
    "ariaChecked": "zaškrtnuto",
    "ariaUnchecked": "nezaškrtnuto",
    "ariaLabelTooltip": "Popisek",
    "thousandSeparator": NBSP,
    "decimalSeparator": ",",
}


def _missing(value) -> bool:
    """None, NaN, pd.NA (pandas 3 keeps missing strings as NaN) or an empty string."""
    return value is None or value == "" or (not isinstance(value, str) and bool(pd.isna(value)))


def label(labels: dict, value, lang: str) -> str:
    """The label of an enumeration value; the raw value when unknown, "–" when missing."""
    if _missing(value):
        return "–"
    entry = labels.get(value)
    return entry[lang] if entry else str(value)


# ------------------------------------------------------------------ district × tool matrix


def usage_heatmap(
    frame: pd.DataFrame, lang: str, *, data_as_of: dt.date | None = None
) -> go.Figure:
    """Heatmap: rows = tools (most used first), columns = districts, cell = processes.

    ``frame`` as :func:`dashboard.queries.tools.usage_matrix` returns it (long form, in
    display order). Zero cells stay empty of text but keep their hover.
    """
    tools = list(dict.fromkeys(frame["tool"]))
    districts = list(dict.fromkeys(frame["district"]))
    matrix = (
        frame.pivot_table(index="tool", columns="district", values="projects", aggfunc="sum")
        .reindex(index=tools, columns=districts)
        .fillna(0)
        .astype("int64")
    )
    totals = matrix.sum(axis=1)
    text = [[str(v) if v else "" for v in row] for row in matrix.to_numpy().tolist()]
    customdata = [[int(totals[tool])] * len(districts) for tool in tools]
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy().tolist(),
            x=districts,
            y=tools,
            text=text,
            texttemplate="%{text}",
            customdata=customdata,
            colorscale="Blues",  # sequential, one hue: readable with colour-vision deficiencies
            zmin=0,
            xgap=1,
            ygap=1,
            colorbar={"title": {"text": t("matrix.colorbar", lang, STRINGS)}, "thickness": 12},
            hovertemplate=(
                "<b>%{y}</b><br>%{x}<br>"
                + t("matrix.hover", lang, STRINGS)
                + ": %{z:,.0f}<br>"
                + t("matrix.total", lang, STRINGS)
                + ": %{customdata:,.0f}<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True, title=None)
    fig.update_xaxes(side="top", automargin=True, tickangle=-30, title=None)
    fig = styled(
        fig,
        title=t("matrix.title", lang, STRINGS),
        lang=lang,
        data_as_of=data_as_of,
        height=max(320, 150 + 26 * len(tools)),
    )
    fig.update_layout(margin={"t": 150})
    return fig


def usage_table(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The matrix as a table (tools × districts, with totals), formatted for the page."""
    tools = list(dict.fromkeys(frame["tool"]))
    districts = list(dict.fromkeys(frame["district"]))
    matrix = (
        frame.pivot_table(index="tool", columns="district", values="projects", aggfunc="sum")
        .reindex(index=tools, columns=districts)
        .fillna(0)
    )
    matrix["__total"] = matrix.sum(axis=1)
    table = matrix.map(lambda v: fmt_number(v, lang)).reset_index()
    table.columns = ["tool", *(f"d{i}" for i in range(len(districts))), "__total"]
    columns = {"tool": t("tool", lang, STRINGS)}
    columns.update({f"d{i}": name for i, name in enumerate(districts)})
    columns["__total"] = t("total", lang, STRINGS)
    return table, columns


# ------------------------------------------------------------------ satisfaction


def rated(frame: pd.DataFrame) -> pd.DataFrame:
    """Tools with a mean rating to show (at least MIN_RATINGS ratings)."""
    keep = frame["mean_rating"].notna() & (frame["ratings"] >= MIN_RATINGS)
    return frame[keep]


def too_few_ratings(frame: pd.DataFrame) -> pd.DataFrame:
    """Tools used in the selection whose mean is not shown (fewer than MIN_RATINGS)."""
    return frame[frame["ratings"] < MIN_RATINGS]


def satisfaction_bars(
    frame: pd.DataFrame, lang: str, *, data_as_of: dt.date | None = None
) -> go.Figure:
    """Horizontal bars of the mean rating of each tool with enough ratings, best on top.

    ``frame`` as :func:`dashboard.queries.tools.satisfaction` returns it; tools with fewer
    than ``MIN_RATINGS`` ratings are left out here (the page lists them by name).
    """
    shown = rated(frame).sort_values("mean_rating", ascending=False, kind="stable")
    count = t("satisfaction.count", lang, STRINGS)
    fig = go.Figure(
        go.Bar(
            x=shown["mean_rating"].tolist(),
            y=shown["tool"].tolist(),
            orientation="h",
            marker_color=PALETTE[0],
            customdata=np.stack([shown["ratings"], shown["usages"]], axis=-1).tolist()
            if len(shown)
            else [],
            text=[
                f"{fmt_number(m, lang, 1)} ({n})"
                for m, n in zip(shown["mean_rating"], shown["ratings"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=(
                "<b>%{y}</b><br>"
                + t("satisfaction.mean", lang, STRINGS)
                + ": %{x:.2f}<br>"
                + count
                + ": %{customdata[0]:,.0f}<br>"
                + t("satisfaction.usages", lang, STRINGS)
                + ": %{customdata[1]:,.0f}<extra></extra>"
            ),
            name=t("satisfaction.mean", lang, STRINGS),
        )
    )
    fig.update_xaxes(
        range=[0, 5.6],
        tickvals=[1, 2, 3, 4, 5],
        title=t("satisfaction.axis", lang, STRINGS),
    )
    fig.update_yaxes(autorange="reversed", automargin=True, title=None)
    return styled(
        fig,
        title=t("satisfaction.title", lang, STRINGS),
        lang=lang,
        data_as_of=data_as_of,
        height=max(300, 140 + 24 * len(shown)),
    )


def satisfaction_table(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The shown means as a table (tools with too few ratings have no mean here either)."""
    shown = rated(frame)
    table = pd.DataFrame(
        {
            "tool": shown["tool"],
            "mean": [fmt_number(v, lang, 2) for v in shown["mean_rating"]],
            "ratings": [fmt_number(v, lang) for v in shown["ratings"]],
            "usages": [fmt_number(v, lang) for v in shown["usages"]],
        }
    )
    return table, {
        "tool": t("tool", lang, STRINGS),
        "mean": t("satisfaction.mean", lang, STRINGS),
        "ratings": t("satisfaction.count", lang, STRINGS),
        "usages": t("satisfaction.usages", lang, STRINGS),
    }


# ------------------------------------------------------------------ cost per participant


def fmt_czk_per_participant(value, lang: str) -> str:
    """``12,5 Kč`` / ``CZK 12.5`` (one decimal: these are small amounts)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    number = fmt_number(value, lang, 1)
    return f"{number}{NBSP}Kč" if lang == "cs" else f"CZK{NBSP}{number}"


def with_cost(frame: pd.DataFrame) -> pd.DataFrame:
    """Tools whose cost per participant is known (their projects have participants)."""
    return frame[frame["cost_per_participant"].notna()]


def cost_bars(frame: pd.DataFrame, lang: str, *, data_as_of: dt.date | None = None) -> go.Figure:
    """Horizontal bars of the known cost per participant, dearest on top."""
    shown = with_cost(frame).sort_values("cost_per_participant", ascending=False, kind="stable")
    unit_text = "%{x:,.1f} Kč" if lang == "cs" else "CZK %{x:,.1f}"
    money = "%{customdata[0]:,.0f} Kč" if lang == "cs" else "CZK %{customdata[0]:,.0f}"
    fig = go.Figure(
        go.Bar(
            x=shown["cost_per_participant"].tolist(),
            y=shown["tool"].tolist(),
            orientation="h",
            marker_color=PALETTE[1],
            customdata=np.stack(
                [shown["cost"], shown["participants"], shown["usages"], shown["projects"]],
                axis=-1,
            ).tolist()
            if len(shown)
            else [],
            texttemplate=unit_text,
            textposition="outside",
            cliponaxis=False,
            hovertemplate=(
                "<b>%{y}</b><br>"
                + t("cost.per_participant", lang, STRINGS)
                + ": "
                + unit_text.replace(".1f", ".2f")
                + "<br>"
                + t("cost.cost", lang, STRINGS)
                + ": "
                + money
                + "<br>"
                + t("cost.participants", lang, STRINGS)
                + ": %{customdata[1]:,.0f}<br>"
                + t("cost.usages", lang, STRINGS)
                + ": %{customdata[2]:,.0f}<br>"
                + t("cost.projects", lang, STRINGS)
                + ": %{customdata[3]:,.0f}<extra></extra>"
            ),
            name=t("cost.per_participant", lang, STRINGS),
        )
    )
    top = float(shown["cost_per_participant"].max()) if len(shown) else 1.0
    fig.update_xaxes(
        title=t("cost.axis", lang, STRINGS), range=[0, max(top, 1.0) * 1.18], tickformat=",.0f"
    )
    fig.update_yaxes(autorange="reversed", automargin=True, title=None)
    return styled(
        fig,
        title=t("cost.title", lang, STRINGS),
        lang=lang,
        data_as_of=data_as_of,
        height=max(300, 140 + 24 * len(shown)),
    )


def cost_table(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    shown = frame
    table = pd.DataFrame(
        {
            "tool": shown["tool"],
            "per": [fmt_czk_per_participant(v, lang) for v in shown["cost_per_participant"]],
            "cost": [fmt_czk(v, lang) for v in shown["cost"]],
            "participants": [fmt_number(v, lang) for v in shown["participants"]],
            "usages": [fmt_number(v, lang) for v in shown["usages"]],
            "projects": [fmt_number(v, lang) for v in shown["projects"]],
        }
    )
    return table, {
        "tool": t("tool", lang, STRINGS),
        "per": t("cost.per_participant", lang, STRINGS),
        "cost": t("cost.cost", lang, STRINGS),
        "participants": t("cost.participants", lang, STRINGS),
        "usages": t("cost.usages", lang, STRINGS),
        "projects": t("cost.projects", lang, STRINGS),
    }


# ------------------------------------------------------------------ catalogue grid

FEATURES = tuple(FEATURE_LABELS)
SCORES = tuple(SCORE_LABELS)


def _website(url) -> str:
    if _missing(url):
        return "–"
    shown = str(url).split("://", 1)[-1].removeprefix("www.").rstrip("/")
    return f"[{shown}]({url})"


def catalogue_grid(frame: pd.DataFrame, lang: str) -> tuple[list[dict], list[dict]]:
    """AG Grid ``columnDefs`` and ``rowData`` for the catalogue, labels in ``lang``.

    ``frame`` as :func:`dashboard.queries.tools.catalogue` returns it.
    """
    yes, no = t("yes", lang, STRINGS), t("no", lang, STRINGS)
    rows = []
    for record in frame.to_dict("records"):
        row = {
            "name": record["name"],
            "description": next(
                (
                    d
                    for d in (record[f"description_{lang}"], record["description_cs"])
                    if not _missing(d)
                ),
                "",
            ),
            **{key: label(LABELS[key], record[key], lang) for key in LABELS},
            **{f"f_{f}": yes if record[f"has_{f}"] else no for f in FEATURES},
            **{
                f"s_{c}": None if _missing(record[f"score_{c}"]) else int(record[f"score_{c}"])
                for c in SCORES
            },
            "website": _website(record["website"]),
        }
        rows.append(row)
    # Narrow columns sort on a click but have no filter menu (its icon would crowd them).
    narrow = {"width": 104, "filter": False, "cellStyle": {"textAlign": "center"}}
    score_width = {"width": 122}
    widths = {"category": 230, "licence": 160, "cost_model": 230, "czech": 120}
    columns = [
        {
            "field": "name",
            "headerName": t("grid.name", lang, STRINGS),
            "pinned": "left",
            "tooltipField": "description",
            "width": 190,
        },
        *(
            {"field": key, "headerName": t(f"grid.{key}", lang, STRINGS), "width": widths[key]}
            for key in LABELS
        ),
        {
            "headerName": t("grid.features", lang, STRINGS),
            "children": [
                {"field": f"f_{f}", "headerName": FEATURE_LABELS[f][lang], **narrow}
                for f in FEATURES
            ],
        },
        {
            "headerName": t("grid.scores", lang, STRINGS),
            "children": [
                {
                    "field": f"s_{c}",
                    "headerName": SCORE_LABELS[c][lang],
                    "headerTooltip": SCORE_HINTS[c][lang],
                    **narrow,
                    **score_width,
                }
                for c in SCORES
            ],
        },
        {
            "field": "website",
            "headerName": t("grid.website", lang, STRINGS),
            "cellRenderer": "markdown",
            "width": 200,
        },
    ]
    return columns, rows
