"""Budget deviation and year-end forecast (``avvik``), docs/indikatorer/avvik.md.

All functions are pure: frames in, frame out. Amounts are NOK with ledger signs (debit/expense
positive, credit/income negative), so a net cost is positive and a positive deviation is
merforbruk (or mindreinntekt).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators import codes
from indicators.compute.accounts import code_number
from indicators.periods import Periode

#: The documented salary profile ``lonn`` (share of the year's salary budget per month):
#: ordinary months 8.2 %, June 13 % (holiday pay, feriepenger), July 5 % (holiday, less
#: overtime and temps). Sums to 1.
LONN_PROFIL: dict[int, float] = {
    1: 0.082,
    2: 0.082,
    3: 0.082,
    4: 0.082,
    5: 0.082,
    6: 0.13,
    7: 0.05,
    8: 0.082,
    9: 0.082,
    10: 0.082,
    11: 0.082,
    12: 0.082,
}
JEVN_PROFIL: dict[int, float] = {m: 1 / 12 for m in range(1, 13)}
BUILT_IN_KEYS = {"jevn": JEVN_PROFIL, "lonn": LONN_PROFIL}

UTEN_RAMMEOMRADE = "(uten rammeområde)"
METHODS = ("budsjett", "lineaer", "fjoraarsprofil")
PROFILE_BOUNDS = (0.05, 1.5)
LEVELS = ("kommune", "rammeomrade", "ansvar", "funksjon")
CELL = ["kommunenr", "ansvar", "funksjon"]
#: the ledger's three sums per cell the deviation reads (this year to P, last year to P, last year whole)
CELL_SUMS = ("regnskap_hittil", "fjor_hittil", "fjor_aar")

AVVIK_COLUMNS = [
    "kommunenr",
    "aar",
    "periode",
    "niva",
    "kode",
    "navn",
    "budsjettversjon",
    "budsjett_aar",
    "budsjett_hittil",
    "regnskap_hittil",
    "avvik_hittil",
    "avvik_pct",
    "prognosemetode",
    "prognose_aar",
    "prognose_avvik",
    "prognosejustering",
    "prognosejustering_begrunnelse",
    "prognose_merknad",
]


def exact_sum(frame: pd.DataFrame, by: list[str]) -> pd.Series:
    """Σ ``belop`` of ``frame`` per group of the columns ``by``, exact: each amount in ten-thousandths of a
    krone (a whole number), summed as such and given back in kr (float64). A sum has the same bits in any row
    order and equals DuckDB's decimal sum of the same amounts (:data:`indicators.compute.ledger.EXACT_SUM`);
    exact for sums below about 900 billion kr (2⁵³ ten-thousandths). Groups with an empty key are left out.
    """
    units = pd.Series(np.rint(frame["belop"].to_numpy(dtype="float64") * 10_000).astype("int64"), index=frame.index)
    sums = units.groupby([frame[c] for c in by], observed=True, sort=True).sum()
    return (sums.astype("float64") / 10_000).rename("belop")


def ledger_sums(regnskap: pd.DataFrame, aar: int, last_month: int) -> pd.Series:
    """Σ belop of drift lines (kontoklasse 1) in periods aar01..aar{last_month}, per cell (exact:
    :func:`exact_sum`).

    On :func:`drift_month_sums` (drift only, the period as a number in ``periode_nr``) a range on that number.
    """
    if "periode_nr" in regnskap.columns:
        nr = regnskap["periode_nr"]
        mask = nr.ge(aar * 100 + 1) & nr.le(aar * 100 + last_month)
    else:
        periode = regnskap["periode"].astype(str)
        year = periode.str.slice(0, 4).astype(int)
        month = periode.str.slice(4, 6).astype(int)
        mask = regnskap["kontoklasse"].astype(str).eq("1") & year.eq(aar) & month.le(last_month)
    lines = regnskap.loc[mask]
    return exact_sum(lines, CELL)


def drift_month_sums(regnskap: pd.DataFrame) -> pd.DataFrame:
    """The drift lines (kontoklasse 1) summed per cell (kommunenr, ansvar, funksjon) and period, kr.

    Columns ``kommunenr``, ``ansvar``, ``funksjon``, ``periode``, ``kontoklasse`` (``"1"``), ``belop`` and
    ``periode_nr`` (the period as the number ÅÅÅÅMM): a ledger :func:`ledger_sums` and :func:`compute_avvik`
    read as they read the lines (Σ of Σ per cell and period), a hundred times shorter. The run sums a unit's
    ledger once and computes the deviation, each forecast vintage and last year's accuracy from it. Rows are
    sorted by cell and period, so the sums (to the last bit) do not depend on which other municipalities or
    years a unit of the run read (a national run in units gives the figures of a run in one).
    """
    drift = regnskap[regnskap["kontoklasse"].astype(str).eq("1")]
    out = exact_sum(drift, [*CELL, "periode"]).reset_index()
    return out.assign(kontoklasse="1", periode_nr=pd.to_numeric(out["periode"].astype(str)).astype("int64"))


def month_units(month_sums: pd.DataFrame) -> pd.DataFrame:
    """The drift sums per cell and month (:func:`drift_month_sums`) as whole ten-thousandths of a krone, each
    row with its cell's number (``cell``, 0 … in cell order): the frame :func:`cell_sums_at` reads for any
    period. Made once per unit; every forecast vintage then costs a few array sums instead of three group-bys
    on text keys.
    """
    cell = month_sums.groupby(CELL, observed=True, sort=True).ngroup().to_numpy()
    units = np.rint(month_sums["belop"].to_numpy(dtype="float64") * 10_000).astype("int64")
    frame = (
        month_sums[CELL]
        .reset_index(drop=True)
        .assign(periode_nr=month_sums["periode_nr"].to_numpy(dtype="int64"), units=units, cell=cell)
    )
    return frame[cell >= 0].reset_index(drop=True)


def cell_sums_at(units: pd.DataFrame, periode: Periode) -> pd.DataFrame:
    """The three ledger sums per cell (:data:`CELL_SUMS`) the deviation at P reads, from :func:`month_units`:
    what :func:`ledger_sums` gives on the month sums for each range, to the bit (whole ten-thousandths summed,
    then kr), NaN for a cell without lines in a range; one row per cell with lines in one of the ranges.
    """
    last = 13 if periode.maned == 13 else periode.maned
    ranges = {
        "regnskap_hittil": (periode.aar, last),
        "fjor_hittil": (periode.aar - 1, last),
        "fjor_aar": (periode.aar - 1, 13),
    }
    nr, cell, amount = (units[c].to_numpy() for c in ("periode_nr", "cell", "units"))
    n = int(cell.max()) + 1 if len(cell) else 0
    present = np.zeros(n, dtype=bool)
    sums: dict[str, np.ndarray] = {}
    for name, (aar, upto) in ranges.items():
        inside = (nr >= aar * 100 + 1) & (nr <= aar * 100 + upto)
        total = np.zeros(n, dtype="int64")
        np.add.at(total, cell[inside], amount[inside])
        seen = np.bincount(cell[inside], minlength=n) > 0
        sums[name] = np.where(seen, total.astype("float64") / 10_000, np.nan)
        present |= seen
    _, first = np.unique(cell, return_index=True)
    keys = units.iloc[first][CELL].reset_index(drop=True)
    return keys.assign(**sums)[present].reset_index(drop=True)


def _year_versions(budsjett: pd.DataFrame, aar: int) -> tuple[pd.DataFrame, pd.Series | None]:
    """Year ``aar``'s budget lines and each (kommunenr, versjon)'s start (its greatest gjelder_fra; None
    without lines).
    """
    b = budsjett.loc[budsjett["aar"].astype(int).eq(aar)]
    if b.empty:
        return b, None
    return b, b.groupby(["kommunenr", "versjon"], observed=True)["gjelder_fra"].max().rename("versjon_start")


def _chosen_versions(starts: pd.Series, periode: Periode) -> pd.DataFrame:
    """Per kommunenr the version in effect at P (kommunenr, versjon, versjon_start): the latest start ≤ P."""
    started = starts[starts.astype(int) <= int(periode.kode)].reset_index()
    return started.sort_values("versjon_start").groupby("kommunenr", observed=True).tail(1)


def budget_in_effect(budsjett: pd.DataFrame, periode: Periode) -> pd.DataFrame:
    """Lines of the version in effect at P per kommunenr: the greatest gjelder_fra ≤ P in year y."""
    b, starts = _year_versions(budsjett, periode.aar)
    if starts is None:
        return b.assign(versjon_start=pd.Series(dtype="str"))
    return _pick_versions(b, _chosen_versions(starts, periode))


def _pick_versions(b: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    """The lines of ``b`` whose (kommunenr, versjon) is in ``chosen``, with its ``versjon_start``: the inner
    merge on (kommunenr, versjon), same rows, order, columns and index, by one lookup instead of a merge's
    take of every column (``chosen`` has one row per kommunenr).
    """
    start = chosen.set_index(["kommunenr", "versjon"])["versjon_start"]
    pos = start.index.get_indexer(pd.MultiIndex.from_arrays([b["kommunenr"], b["versjon"]]))
    keep = pos >= 0
    out = (b if keep.all() else b.loc[keep]).reset_index(drop=True)
    out["versjon_start"] = start.array.take(pos[keep])
    return out


def key_shares(periodisering: pd.DataFrame | None, months: int) -> pd.DataFrame:
    """Cumulative share of each key through month ``months``: columns kommunenr, aar, nokkel, andel_hittil.

    Built-in keys have kommunenr/aar empty (valid for all).
    """
    built = pd.DataFrame(
        [
            {"nokkel": k, "andel_hittil": sum(v for m, v in prof.items() if m <= months)}
            for k, prof in BUILT_IN_KEYS.items()
        ]
    )
    if periodisering is None or periodisering.empty:
        return built.assign(kommunenr=None, aar=None)
    p = periodisering.loc[periodisering["maned"].astype(int) <= months]
    custom = (
        periodisering[["kommunenr", "aar", "nokkel"]]
        .drop_duplicates()
        .merge(
            p.groupby(["kommunenr", "aar", "nokkel"], observed=True)["andel"]
            .sum()
            .rename("andel_hittil")
            .reset_index(),
            how="left",
            on=["kommunenr", "aar", "nokkel"],
        )
        .fillna({"andel_hittil": 0.0})
    )
    custom["aar"] = custom["aar"].astype(int)
    return pd.concat([custom, built.assign(kommunenr=None, aar=None)], ignore_index=True)


def with_keys(lines: pd.DataFrame) -> pd.DataFrame:
    """The budget lines with ``nokkel``: the line's periodiseringsnokkel, else ``lonn`` for art 010–099, else
    ``jevn`` (the same in every month: :class:`BudgetMonths` makes it once for a year's vintages).
    """
    out = lines.copy()
    art = code_number(out["art"])
    default = np.where((art >= 10) & (art <= 99), "lonn", "jevn")
    nokkel = out["periodiseringsnokkel"].astype("object").where(out["periodiseringsnokkel"].notna(), default)
    out["nokkel"] = nokkel.astype(str)
    return out


def periodised_budget(
    lines: pd.DataFrame, periodisering: pd.DataFrame | None, periode: Periode
) -> tuple[pd.DataFrame, list[str]]:
    """Add ``budsjett_hittil`` = belop × share of the line's key in months 1..min(m, 12).

    The key is the line's periodiseringsnokkel, else ``lonn`` for art 010–099, else ``jevn``
    (:func:`with_keys`; kept when ``lines`` has ``nokkel`` already). A key that is neither built in nor in
    ``periodisering`` for that municipality and year falls back to ``jevn``; the returned warnings say so.
    """
    out = lines.copy() if "nokkel" in lines.columns else with_keys(lines)
    if periode.maned == 13:
        out["budsjett_hittil"] = out["belop"]
        return out, []
    shares = key_shares(periodisering, periode.months_hittil)
    custom = shares[shares["kommunenr"].notna()][["kommunenr", "aar", "nokkel", "andel_hittil"]]
    built = shares[shares["kommunenr"].isna()].set_index("nokkel")["andel_hittil"]
    out["aar"] = out["aar"].astype(int)
    out = out.reset_index(drop=True)  # as a merge gives it
    # the left merge on (kommunenr, aar, nokkel) by one lookup (``custom`` has one row per key)
    # (no own keys: no lookup, every share is a built-in key's or jevn)
    keys = ["kommunenr", "aar", "nokkel"]
    if len(custom):
        pos = pd.MultiIndex.from_frame(custom[keys]).get_indexer(pd.MultiIndex.from_frame(out[keys]))
        andel = custom["andel_hittil"].to_numpy(dtype="float64")
        out["andel_hittil"] = np.where(pos >= 0, andel[pos], np.nan)
    else:
        out["andel_hittil"] = np.nan
    out["andel_hittil"] = out["andel_hittil"].fillna(out["nokkel"].map(built))
    unknown = out["andel_hittil"].isna()
    warnings = [
        f"Periodiseringsnøkkelen «{k}» finnes ikke for {kn} {periode.aar}; budsjettlinjene med den er "
        "periodisert jevnt (1/12 per måned)."
        for kn, k in out.loc[unknown, ["kommunenr", "nokkel"]].drop_duplicates().itertuples(index=False)
    ]
    out["andel_hittil"] = out["andel_hittil"].fillna(built["jevn"])
    out["budsjett_hittil"] = out["belop"] * out["andel_hittil"]
    return out, warnings


def _cells(regnskap: pd.DataFrame, budget: pd.DataFrame, justering: pd.Series, periode: Periode) -> pd.DataFrame:
    """One row per (kommunenr, ansvar, funksjon) with this year's and last year's sums, sorted by cell.

    ``regnskap``: ledger lines, the drift sums per cell and month (:func:`drift_month_sums`), or the three
    ledger sums per cell already made (:data:`CELL_SUMS`: :func:`indicators.compute.ledger.cell_sums`).
    """
    if set(CELL_SUMS) <= set(regnskap.columns):
        ledger = regnskap.set_index(CELL)[list(CELL_SUMS)]
    else:
        last_month = 13 if periode.maned == 13 else periode.maned
        ledger = pd.concat(
            {
                "regnskap_hittil": ledger_sums(regnskap, periode.aar, last_month),
                "fjor_hittil": ledger_sums(regnskap, periode.aar - 1, last_month),
                "fjor_aar": ledger_sums(regnskap, periode.aar - 1, 13),
            },
            axis=1,
        )
    parts = [
        ledger,
        budget.groupby(CELL, observed=True)["belop"].sum().rename("budsjett_aar"),
        budget.groupby(CELL, observed=True)["budsjett_hittil"].sum(),
    ]
    cells = pd.concat(parts, axis=1).sort_index()
    has_fjor = cells["fjor_aar"].notna() | cells["fjor_hittil"].notna()
    cells = cells.fillna(0.0)
    cells["har_fjor"] = has_fjor
    cells["justering"] = 0.0
    cells = cells.reset_index()
    if len(justering):
        adj = justering.rename("justering").reset_index().assign(funksjon=pd.NA)
        adj[["regnskap_hittil", "fjor_hittil", "fjor_aar", "budsjett_aar", "budsjett_hittil"]] = 0.0
        adj["har_fjor"] = False
        cells = pd.concat([cells, adj[cells.columns]], ignore_index=True)
    return cells


def forecast_year(levels: pd.DataFrame, periode: Periode, method: str) -> pd.DataFrame:
    """Add prognosemetode, prognose_aar (before adjustments) and prognose_merknad.

    ``levels`` holds, per row, the sums ``regnskap_hittil``, ``budsjett_aar``, ``budsjett_hittil``,
    ``fjor_hittil``, ``fjor_aar`` (NOK, ledger signs) and ``har_fjor``; the formulas are those of
    docs/indikatorer/avvik.md. The key figures use it for the year-end forecast of netto driftsresultat.
    """
    m = periode.maned
    return _forecast(levels, 12 / m if m <= 12 else 1.0, method)


def _forecast(levels: pd.DataFrame, scale: float | np.ndarray, method: str) -> pd.DataFrame:
    """:func:`forecast_year` with the linear method's factor 12 / m given (1 at m = 13), per row when an array
    (the levels of several periods at once); ``x × 1`` is ``x`` to the bit.
    """
    by_budget = levels["regnskap_hittil"] + (levels["budsjett_aar"] - levels["budsjett_hittil"])
    out = levels.assign(prognosemetode=method, prognose_merknad="")
    if method == "budsjett":
        out["prognose_aar"] = by_budget
    elif method == "lineaer":
        out["prognose_aar"] = levels["regnskap_hittil"] * scale
    elif method == "fjoraarsprofil":
        with np.errstate(divide="ignore", invalid="ignore"):
            s = levels["fjor_hittil"] / levels["fjor_aar"]
        ok = levels["har_fjor"] & s.between(*PROFILE_BOUNDS) & levels["fjor_aar"].ne(0)
        out["prognose_aar"] = np.where(ok, levels["regnskap_hittil"] / s.where(ok, 1.0), by_budget)
        out.loc[~ok, "prognosemetode"] = "budsjett"
        out.loc[~ok & ~levels["har_fjor"], "prognose_merknad"] = (
            "Fjorårsprofil mangler (ingen regnskap i fjor); prognosen bruker budsjettmetoden."
        )
        out.loc[~ok & levels["har_fjor"], "prognose_merknad"] = (
            "Fjorårsandelen er utenfor 0,05–1,5; prognosen bruker budsjettmetoden."
        )
    else:
        raise ValueError(f"unknown prognosemetode {method!r}; expected one of {METHODS}")
    return out


def compute_avvik(
    regnskap: pd.DataFrame,
    budsjett: pd.DataFrame | None,
    periode: Periode,
    *,
    organisasjon: pd.DataFrame | None = None,
    periodisering: pd.DataFrame | None = None,
    prognosejustering: pd.DataFrame | None = None,
    method: str = "budsjett",
    kommune_navn: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Deviation and forecast per level at period P by one method; see :func:`compute_avvik_methods`."""
    out, warnings = compute_avvik_methods(
        regnskap,
        budsjett,
        periode,
        organisasjon=organisasjon,
        periodisering=periodisering,
        prognosejustering=prognosejustering,
        methods=(method,),
        kommune_navn=kommune_navn,
    )
    return out[method], warnings


def compute_avvik_methods(
    regnskap: pd.DataFrame,
    budsjett: pd.DataFrame | None,
    periode: Periode,
    *,
    organisasjon: pd.DataFrame | None = None,
    periodisering: pd.DataFrame | None = None,
    prognosejustering: pd.DataFrame | None = None,
    methods: tuple[str, ...] = METHODS,
    kommune_navn: dict[str, str] | None = None,
    budget: tuple[pd.DataFrame, list[str]] | None = None,
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Deviation and forecast per level (kommune, rammeområde, ansvar, funksjon) at period P.

    Formulas (docs/indikatorer/):
        regnskap_hittil = Σ belop, drift, periods y01..ym (m = 12 excludes 13, m = 13 includes it)
        budsjett_aar = Σ belop of the version in effect (greatest gjelder_fra ≤ P)
        budsjett_hittil = Σ belop × share of the line's key in months 1..min(m, 12)
        avvik_hittil = regnskap_hittil − budsjett_hittil; avvik_pct = avvik_hittil / |budsjett_hittil| × 100
        prognose_aar by method, plus prognosejustering (ansvar, rammeområde, kommune levels);
        prognose_avvik = prognose_aar − budsjett_aar

    The level sums are computed once and every method in ``methods`` is applied to them. ``budget``: the
    budget lines in effect at P with ``budsjett_hittil`` and their warnings, as :class:`BudgetMonths` makes
    them for many periods at once (:class:`BudgetMonths`; ``budsjett`` is then not read).

    Returns:
        ({method: the ``avvik`` rows}, warnings for the run summary).
    """
    if budget is not None:
        lines, warnings = budget[0], list(budget[1])
    else:
        lines, warnings = _periodised_in_effect(_or_no_budget(budsjett), periodisering, periode)
    justering, reasons = _adjustments(prognosejustering, periode)
    org = _or_no_organisation(organisasjon)
    cells, missing = _cells_with_areas(_cells(regnskap, lines, justering, periode), org)
    warnings += missing

    sums = ["regnskap_hittil", "budsjett_aar", "budsjett_hittil", "fjor_hittil", "fjor_aar", "justering"]
    funksjon_navn = codes.funksjon_navn()
    ansvar_navn = org.drop_duplicates(["kommunenr", "ansvar"]).set_index(["kommunenr", "ansvar"])["ansvar_navn"]
    frames = []
    for niva, col in (
        ("kommune", "kommune"),
        ("rammeomrade", "rammeomrade"),
        ("ansvar", "ansvar"),
        ("funksjon", "funksjon"),
    ):
        grouped = cells.groupby(["kommunenr", col], observed=True, dropna=True)
        lvl = grouped[sums].sum()
        lvl["har_fjor"] = grouped["har_fjor"].any()
        lvl = lvl.reset_index().rename(columns={col: "kode"})
        if niva == "funksjon":
            lvl["justering"] = 0.0  # an ansvar does not map to a funksjon
            lvl["navn"] = lvl["kode"].map(funksjon_navn).fillna(lvl["kode"])
        elif niva == "ansvar":
            idx = pd.MultiIndex.from_frame(lvl[["kommunenr", "kode"]])
            lvl["navn"] = pd.Series(ansvar_navn.reindex(idx).to_numpy(), index=lvl.index).fillna(lvl["kode"])
        elif niva == "kommune":
            names = kommune_navn or codes.KOMMUNER
            lvl["navn"] = lvl["kode"].map(names).fillna(lvl["kode"])
        else:
            lvl["navn"] = lvl["kode"]
        lvl["niva"] = niva
        frames.append(lvl)
    levels = pd.concat(frames, ignore_index=True)
    levels = levels.merge(_adjustment_reasons(reasons, org), on=["kommunenr", "niva", "kode"], how="left")
    order = {n: i for i, n in enumerate(LEVELS)}  # rows by municipality, level, code: sorted once for every method
    levels = levels.sort_values(["kommunenr", "niva", "kode"], key=lambda s: s.map(order) if s.name == "niva" else s)
    versions = lines.drop_duplicates("kommunenr").set_index("kommunenr")["versjon"] if len(lines) else None
    out = {m: _finish(levels, periode, m, versions) for m in methods}
    return out, warnings


def _periodised_in_effect(
    budsjett: pd.DataFrame, periodisering: pd.DataFrame | None, periode: Periode
) -> tuple[pd.DataFrame, list[str]]:
    """The budget lines in effect at P with ``budsjett_hittil``, and the periodisation's warnings."""
    lines = budget_in_effect(budsjett, periode)
    if not len(lines):
        return lines.assign(budsjett_hittil=pd.Series(dtype="float64")), []
    return periodised_budget(lines, periodisering, periode)


class BudgetMonths:
    """What :func:`compute_avvik_methods` makes of one budget at many periods (a year's forecast vintages), the
    work that does not depend on the month done once.

    :meth:`at` gives, for P, the budget lines in effect with ``budsjett_hittil`` and the periodisation's
    warnings: the frames :func:`budget_in_effect` and :func:`periodised_budget` give for P alone, to the bit.
    Each year's versions are found once, the lines of each choice of versions are picked and given their keys
    (:func:`with_keys`) once, and only the shares to the month are looked up per period.
    """

    def __init__(self, budsjett: pd.DataFrame | None, periodisering: pd.DataFrame | None) -> None:
        self.budsjett = budsjett
        self.periodisering = periodisering
        self._years: dict[int, tuple[pd.DataFrame, pd.Series | None]] = {}
        self._keyed: dict[tuple[object, ...], pd.DataFrame] = {}
        self._at: dict[str, tuple[pd.DataFrame, list[str]]] = {}

    def at(self, periode: Periode) -> tuple[pd.DataFrame, list[str]] | None:
        """The budget at P (None without a budget: :func:`compute_avvik_methods` then takes no budget)."""
        if self.budsjett is None:
            return None
        if periode.kode not in self._at:
            self._at[periode.kode] = self._make(self.budsjett, periode)
        return self._at[periode.kode]

    def _make(self, budsjett: pd.DataFrame, periode: Periode) -> tuple[pd.DataFrame, list[str]]:
        if periode.aar not in self._years:
            self._years[periode.aar] = _year_versions(budsjett, periode.aar)
        b, starts = self._years[periode.aar]
        if starts is None:
            lines = b.assign(versjon_start=pd.Series(dtype="str"))
        else:
            chosen = _chosen_versions(starts, periode)
            key = (periode.aar, *map(tuple, chosen.astype("object").to_numpy()))
            if key not in self._keyed:
                picked = _pick_versions(b, chosen)
                self._keyed[key] = with_keys(picked) if len(picked) else picked
            lines = self._keyed[key]
        if not len(lines):
            return lines.assign(budsjett_hittil=pd.Series(dtype="float64")), []
        return periodised_budget(lines, self.periodisering, periode)


def forecasts_by_period(
    ledger: dict[str, pd.DataFrame],
    budgets: dict[str, tuple[pd.DataFrame, list[str]] | None],
    perioder: list[Periode],
    *,
    organisasjon: pd.DataFrame | None = None,
    periodisering: pd.DataFrame | None = None,
    prognosejustering: pd.DataFrame | None = None,
    methods: tuple[str, ...] = METHODS,
    only: dict[str, set[str]] | None = None,
) -> dict[str, pd.DataFrame]:
    """The year-end forecast by every method at many periods of one year, per level: for each period (by
    ``kode``) the rows :func:`compute_avvik_methods` gives at P, method after method, with the columns
    ``kommunenr``, ``aar``, ``periode``, ``niva``, ``kode``, ``prognosemetode`` (the method asked for),
    ``prognose_aar``, ``budsjett_aar``, ``regnskap_hittil`` and the same numbers to the bit.

    The cells and level sums are made per period, as there; sorting the levels and the three methods'
    forecasts are done for all periods at once (the per-period overhead of pandas was most of the time).

    Args:
        ledger: per period, the ledger as :func:`compute_avvik_methods` reads it (e.g. the three sums per cell).
        budgets: per period, the budget at P (:class:`BudgetMonths`); None: no budget.
        perioder: the periods, all of one year.
        organisasjon: as for :func:`compute_avvik_methods`.
        periodisering: as there (read only for a period without a budget given).
        prognosejustering: as there.
        methods: as there.
        only: per period, the municipalities it is computed for, as if the inputs held only their rows (the
            ledger and budget given must hold only theirs already; the adjustments are chosen here).
    """
    org = _or_no_organisation(organisasjon)
    sums = ["regnskap_hittil", "budsjett_aar", "budsjett_hittil", "fjor_hittil", "fjor_aar", "justering"]
    frames = []
    for i, periode in enumerate(perioder):
        budget = budgets.get(periode.kode)
        if budget is None:
            budget = _periodised_in_effect(_or_no_budget(None), periodisering, periode)
        adjustments = prognosejustering
        if only is not None and adjustments is not None and "kommunenr" in adjustments.columns:
            kept = adjustments["kommunenr"].astype(str).isin(only[periode.kode])
            adjustments = adjustments[kept].reset_index(drop=True)
        justering, _ = _adjustments(adjustments, periode)
        cells, _ = _cells_with_areas(_cells(ledger[periode.kode], budget[0], justering, periode), org)
        # the level sums per period, as compute_avvik_methods makes them: a group-by over several periods'
        # cells stacked does not always give the same bits (pandas' compensated sum), so only what follows is
        # done for all periods at once
        for niva in LEVELS:
            grouped = cells.groupby(["kommunenr", niva], observed=True, dropna=True)
            lvl = grouped[sums].sum()
            lvl["har_fjor"] = grouped["har_fjor"].any()
            lvl = lvl.reset_index().rename(columns={niva: "kode"})
            if niva == "funksjon":
                lvl["justering"] = 0.0
            lvl["niva"] = niva
            frames.append(lvl.assign(_p=i))
    levels = pd.concat(frames, ignore_index=True)
    order = {n: i for i, n in enumerate(LEVELS)}
    levels = levels.sort_values(
        ["_p", "kommunenr", "niva", "kode"], key=lambda s: s.map(order) if s.name == "niva" else s
    ).reset_index(drop=True)
    scale = np.array([12 / p.maned if p.maned <= 12 else 1.0 for p in perioder])[levels["_p"].to_numpy()]
    forecasts = {m: _forecast(levels, scale, m)["prognose_aar"] + levels["justering"] for m in methods}
    out: dict[str, pd.DataFrame] = {}
    position = levels.groupby("_p", sort=True).indices
    for i, periode in enumerate(perioder):
        rows = position.get(i, np.array([], dtype=np.intp))
        part = levels.iloc[rows]
        frames = [
            pd.DataFrame(
                {
                    "kommunenr": part["kommunenr"].to_numpy(),
                    "aar": periode.aar,
                    "periode": periode.kode,
                    "niva": part["niva"].to_numpy(),
                    "kode": part["kode"].to_numpy(),
                    "prognosemetode": method,
                    "prognose_aar": forecasts[method].to_numpy()[rows],
                    "budsjett_aar": part["budsjett_aar"].to_numpy(),
                    "regnskap_hittil": part["regnskap_hittil"].to_numpy(),
                }
            )
            for method in methods
        ]
        out[periode.kode] = pd.concat(frames, ignore_index=True)
    return out


#: the budget's columns the deviation reads (``budsjett``'s contract without its source-line columns)
BUDGET_COLUMNS = [
    "kommunenr",
    "aar",
    "versjon",
    "ansvar",
    "funksjon",
    "art",
    "belop",
    "gjelder_fra",
    "periodiseringsnokkel",
]


def _or_no_budget(budsjett: pd.DataFrame | None) -> pd.DataFrame:
    """``budsjett``, or a budget without lines."""
    if budsjett is not None:
        return budsjett
    return pd.DataFrame(columns=BUDGET_COLUMNS)


def _or_no_organisation(organisasjon: pd.DataFrame | None) -> pd.DataFrame:
    """``organisasjon``, or an organisation without rows."""
    if organisasjon is not None:
        return organisasjon
    return pd.DataFrame(columns=["kommunenr", "ansvar", "ansvar_navn", "rammeomrade"])


def _adjustments(prognosejustering: pd.DataFrame | None, periode: Periode) -> tuple[pd.Series, pd.DataFrame]:
    """The forecast adjustments of year y to P: their sum per (kommunenr, ansvar), and the rows with reasons."""
    justering = pd.Series(dtype="float64")
    if prognosejustering is not None and len(prognosejustering):
        pj = prognosejustering
        p_year = pj["periode"].astype(str).str.slice(0, 4).astype(int)
        keep = p_year.eq(periode.aar) & pj["periode"].astype(int).le(int(periode.kode))
        justering = pj.loc[keep].groupby(["kommunenr", "ansvar"], observed=True)["belop"].sum()
        reasons = pj.loc[keep, ["kommunenr", "ansvar", "belop", "begrunnelse"]]
    else:
        reasons = pd.DataFrame(columns=["kommunenr", "ansvar", "belop", "begrunnelse"])
    return justering, reasons


def _cells_with_areas(cells: pd.DataFrame, org: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The cells with their ansvar's name and rammeområde (UTEN_RAMMEOMRADE for an ansvar not in the
    organisation, with a warning each) and ``kommune``.
    """
    warnings = []
    cells = cells.merge(
        org[["kommunenr", "ansvar", "ansvar_navn", "rammeomrade"]], on=["kommunenr", "ansvar"], how="left"
    )
    missing = cells["rammeomrade"].isna()
    for kn, ans in cells.loc[missing, ["kommunenr", "ansvar"]].drop_duplicates().itertuples(index=False):
        warnings.append(f"Ansvar {ans} i {kn} finnes ikke i «organisasjon»; det er ført under {UTEN_RAMMEOMRADE}.")
    cells["rammeomrade"] = cells["rammeomrade"].fillna(UTEN_RAMMEOMRADE)
    cells["kommune"] = cells["kommunenr"]
    return cells, warnings


def _adjustment_reasons(reasons: pd.DataFrame, org: pd.DataFrame) -> pd.DataFrame:
    """Per (kommunenr, niva, kode) of the kommune, rammeområde and ansvar levels: each adjustment's
    reason with its amount in kr, ``"<begrunnelse> (<belop> kr, ansvar <ansvar>)"``, joined by «; ».
    """
    cols = ["kommunenr", "niva", "kode", "prognosejustering_begrunnelse"]
    if reasons.empty:
        return pd.DataFrame(columns=cols)
    r = reasons.merge(
        org[["kommunenr", "ansvar", "rammeomrade"]].drop_duplicates(["kommunenr", "ansvar"]),
        on=["kommunenr", "ansvar"],
        how="left",
    )
    r["rammeomrade"] = r["rammeomrade"].fillna(UTEN_RAMMEOMRADE)
    amount = r["belop"].map(lambda v: f"{v:,.0f}".replace(",", "\u00a0").replace("-", "\u2212"))
    r["tekst"] = r["begrunnelse"].astype(str) + " (" + amount + " kr, ansvar " + r["ansvar"].astype(str) + ")"
    parts = []
    r["kommune"] = r["kommunenr"]
    for niva in ("kommune", "rammeomrade", "ansvar"):
        g = r.groupby(["kommunenr", niva], sort=True)["tekst"].agg("; ".join).reset_index()
        g = g.rename(columns={niva: "kode", "tekst": "prognosejustering_begrunnelse"})
        parts.append(g.assign(niva=niva)[cols])
    return pd.concat(parts, ignore_index=True)


def _finish(levels: pd.DataFrame, periode: Periode, method: str, versions: pd.Series | None) -> pd.DataFrame:
    """Forecast by one method, adjustments, deviations and the output columns, from the level sums (sorted)."""
    out = forecast_year(levels, periode, method)
    out["prognosejustering"] = out["justering"]
    out["prognose_aar"] = out["prognose_aar"] + out["justering"]
    out["prognose_avvik"] = out["prognose_aar"] - out["budsjett_aar"]
    out["avvik_hittil"] = out["regnskap_hittil"] - out["budsjett_hittil"]
    denom = out["budsjett_hittil"].abs()
    out["avvik_pct"] = (out["avvik_hittil"] / denom.where(denom != 0)) * 100
    out["budsjettversjon"] = out["kommunenr"].map(versions) if versions is not None else pd.NA
    out["aar"] = periode.aar
    out["periode"] = periode.kode
    return out[AVVIK_COLUMNS].reset_index(drop=True)


def ledger_behind(regnskap: pd.DataFrame | None, periode: Periode) -> list[str]:
    """A sentence per municipality whose ledger stops before P: its figures «hittil P» are those of its last
    delivered month, and at m = 13 a year that is not closed is set against the whole year's budget.
    """
    if regnskap is None or regnskap.empty:
        return []
    last = regnskap.groupby("kommunenr", observed=True)["periode"].max()
    wanted = periode.kode if periode.maned == 13 else f"{periode.aar}{periode.maned:02d}"
    notes = []
    for kn, p in last.items():
        if str(p) < wanted:
            shown = Periode.parse(str(p))
            what = (
                f"{periode.aar} er ikke avsluttet, og årets tall settes mot hele årets budsjett"
                if periode.maned == 13
                else f"tallene for {periode} er tallene til og med {shown}"
            )
            notes.append(
                f"Regnskapet for {kn} går bare til {shown}: {what}. Lever regnskapet til og med "
                f"{periode}, eller kjør for {shown}."
            )
    return notes
