"""The turnaround project's follow-up (``prosjektstatus``): which activities are done, under way,
planned, postponed or overdue at each period, per work package and sub-project.

Dates in the plan may be a day (``2025-06-30``), a quarter (``2025Q2``) or a month (``2025-06``); a
quarter or month means its last day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.periods import Periode

PROSJEKTSTATUS_COLUMNS = [
    "kommunenr",
    "aar",
    "periode",
    "delprosjekt",
    "arbeidspakke",
    "aktivitet",
    "planlagt_slutt",
    "status",
    "forsinket",
    "dager_forsinket",
    "gjennomfort_dato",
]
DONE, CANCELLED, POSTPONED, ONGOING, PLANNED = "gjennomfort", "avlyst", "utsatt", "pagaar", "planlagt"


def plan_dates(values: pd.Series) -> pd.Series:
    """Parse plan dates: a day as is; a quarter or a month to its last day (vectorised)."""
    s = values.astype("str").str.strip()
    day = pd.to_datetime(s.where(s.str.fullmatch(r"\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d", errors="coerce")
    q = s.str.extract(r"^(\d{4})Q([1-4])$")
    quarter = pd.to_datetime(
        q[0] + "-" + (q[1].astype(float) * 3).astype("Int64").astype(str) + "-01", format="%Y-%m-%d", errors="coerce"
    ) + pd.offsets.MonthEnd(0)
    m = s.str.extract(r"^(\d{4})-(\d{2})$")
    month = pd.to_datetime(m[0] + "-" + m[1] + "-01", format="%Y-%m-%d", errors="coerce") + pd.offsets.MonthEnd(0)
    return day.fillna(quarter).fillna(month).astype("datetime64[ns]")


def prosjektstatus(plan: pd.DataFrame, periode: Periode) -> pd.DataFrame:
    """Status of every activity on the period's last day (31 December for period 13).

    Rules, in order: ``avlyst`` stays avlyst; done on or before the date → ``gjennomfort``; marked
    ``utsatt`` → utsatt; started on or before the date (planlagt_start, or marked pågår/done without
    a start) → ``pagaar``; otherwise ``planlagt``.
    ``forsinket`` = not done (nor cancelled) and planlagt_slutt before the date.
    ``dager_forsinket`` = days past planlagt_slutt: to the date when overdue, to gjennomfort_dato for an
    activity finished late, else 0.
    """
    ref = pd.Timestamp(periode.reference_date)
    p = plan.copy()
    slutt = plan_dates(p["planlagt_slutt"])
    start = plan_dates(p["planlagt_start"]) if "planlagt_start" in p else pd.Series(pd.NaT, index=p.index)
    done_at = plan_dates(p["gjennomfort_dato"]) if "gjennomfort_dato" in p else pd.Series(pd.NaT, index=p.index)
    marked = p["status"].astype(str)
    done = done_at.notna() & (done_at <= ref)
    started = (start.notna() & (start <= ref)) | (start.isna() & marked.isin([ONGOING, DONE]) & ~done)
    status = np.select(
        [marked.eq(CANCELLED), done, marked.eq(POSTPONED), started],
        [CANCELLED, DONE, POSTPONED, ONGOING],
        default=PLANNED,
    )
    p["status"] = status
    p["forsinket"] = ~pd.Series(status, index=p.index).isin([DONE, CANCELLED]) & (slutt < ref)
    late_done = pd.Series(status == DONE, index=p.index) & (done_at > slutt)
    p["dager_forsinket"] = np.select(
        [p["forsinket"], late_done], [(ref - slutt).dt.days, (done_at - slutt).dt.days], default=0
    ).astype(int)
    p["planlagt_slutt"] = slutt.dt.strftime("%Y-%m-%d")
    p["gjennomfort_dato"] = done_at.dt.strftime("%Y-%m-%d").where(done, None)
    p["aar"] = periode.aar
    p["periode"] = periode.kode
    return p[PROSJEKTSTATUS_COLUMNS].reset_index(drop=True)


def work_package_summary(status: pd.DataFrame) -> pd.DataFrame:
    """Counts per sub-project and work package: done, under way, planned, postponed, cancelled, overdue."""
    g = status.groupby(["delprosjekt", "arbeidspakke"], sort=False)
    out = pd.DataFrame(
        {
            "aktiviteter": g.size(),
            "gjennomfort": g["status"].agg(lambda s: int((s == DONE).sum())),
            "pagaar": g["status"].agg(lambda s: int((s == ONGOING).sum())),
            "planlagt": g["status"].agg(lambda s: int((s == PLANNED).sum())),
            "utsatt": g["status"].agg(lambda s: int((s == POSTPONED).sum())),
            "avlyst": g["status"].agg(lambda s: int((s == CANCELLED).sum())),
            "forsinket": g["forsinket"].sum().astype(int),
        }
    )
    return out.reset_index()
