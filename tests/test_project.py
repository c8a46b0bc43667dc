import pandas as pd

from indicators.compute.project import plan_dates, prosjektstatus, work_package_summary
from indicators.periods import Periode


def test_plan_dates_day_quarter_and_month():
    got = plan_dates(pd.Series(["2025-06-15", "2025Q2", "2025-02", "2024Q4", ""]))
    assert got.dt.strftime("%Y-%m-%d").tolist()[:4] == ["2025-06-15", "2025-06-30", "2025-02-28", "2024-12-31"]
    assert pd.isna(got.iloc[4])


PLAN = pd.DataFrame(
    [
        # aktivitet, planlagt_start, planlagt_slutt, status (as exported later), gjennomfort_dato
        ("A done on time", "2025-01", "2025Q1", "gjennomfort", "2025-03-20"),
        ("B done late", "2025-01", "2025-02", "gjennomfort", "2025-04-10"),
        ("C overdue", "2025-01", "2025-03-15", "pagaar", ""),
        ("D planned", "2025-05", "2025Q4", "planlagt", ""),
        ("E postponed", "2025-01", "2025Q1", "utsatt", ""),
        ("F cancelled", "2025-01", "2025Q1", "avlyst", ""),
    ],
    columns=["aktivitet", "planlagt_start", "planlagt_slutt", "status", "gjennomfort_dato"],
).assign(kommunenr="1874", delprosjekt="Hoved", arbeidspakke="AP1")


def test_statuses_at_the_end_of_march_by_hand():
    s = prosjektstatus(PLAN, Periode(2025, 3)).set_index("aktivitet")  # reference date 2025-03-31
    assert s["status"].to_dict() == {
        "A done on time": "gjennomfort",
        "B done late": "pagaar",
        "C overdue": "pagaar",
        "D planned": "planlagt",
        "E postponed": "utsatt",
        "F cancelled": "avlyst",
    }
    assert s["forsinket"].to_dict() == {
        "A done on time": False,
        "B done late": True,
        "C overdue": True,
        "D planned": False,
        "E postponed": False,
        "F cancelled": False,
    }
    assert s.loc["B done late", "dager_forsinket"] == 31  # 28 Feb → 31 Mar
    assert s.loc["C overdue", "dager_forsinket"] == 16  # 15 Mar → 31 Mar
    assert s.loc["A done on time", "planlagt_slutt"] == "2025-03-31"
    # E ends 2025Q1 = 31 March, the reference date itself: not yet overdue; a month later it is
    assert prosjektstatus(PLAN, Periode(2025, 4)).set_index("aktivitet").loc["E postponed", "forsinket"]


def test_an_activity_finished_late_is_done_but_keeps_its_delay():
    s = prosjektstatus(PLAN, Periode(2025, 4)).set_index("aktivitet")
    b = s.loc["B done late"]
    assert (b["status"], b["forsinket"], b["dager_forsinket"], b["gjennomfort_dato"]) == (
        "gjennomfort",
        False,
        41,
        "2025-04-10",
    )  # done 10 April, 41 days after 28 February
    assert s.loc["C overdue", "dager_forsinket"] == 46


def test_before_the_start_an_activity_is_planned():
    s = prosjektstatus(PLAN, Periode(2024, 12)).set_index("aktivitet")
    assert (s["status"].drop(["E postponed", "F cancelled"]) == "planlagt").all()
    assert not s["forsinket"].any()


def test_work_package_summary_counts():
    summary = work_package_summary(prosjektstatus(PLAN, Periode(2025, 3))).iloc[0]
    assert summary[["aktiviteter", "gjennomfort", "pagaar", "planlagt", "utsatt", "avlyst", "forsinket"]].tolist() == [
        6,
        1,
        2,
        1,
        1,
        1,
        2,
    ]
