"""The kroner of a file, reconciled: Σ beløp read = Σ beløp stored + Σ beløp in quarantine (issue 18).

Rows are reconciled by count elsewhere (``lest = godtatt + karantene``); a controller's first check is
the money: the product's total must equal the ERP's. Sums are kept in whole øre (int), so the check is
exact and no float rounding can hide a missing krone. A line whose amount cannot be read (not a number,
or a broken line whose fields cannot be trusted) has no kroner to count: it is counted in
``uleselige`` instead, and named in the quarantine like every other fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Share of a file's money (Σ |beløp|) in quarantine above which the run's summary warns first (1 %).
DEFAULT_THRESHOLD = 0.01


def _amounts(belop: pd.Series) -> np.ndarray:
    """Amounts in kroner as float64, NaN where a cell is no number."""
    return pd.to_numeric(belop, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def ore(belop: pd.Series) -> np.ndarray:
    """Amounts in kroner -> whole øre (int64); missing and non-finite amounts are 0."""
    x = _amounts(belop)
    return np.round(np.where(np.isfinite(x), x, 0.0) * 100).astype("int64")


def adds_up(read_kr: float, stored_kr: float, quarantined_kr: float) -> bool:
    """Σ read = Σ stored + Σ quarantined, compared in whole øre (amounts in kr)."""
    return bool(round(read_kr * 100) == round(stored_kr * 100) + round(quarantined_kr * 100))


@dataclass(frozen=True)
class Money:
    """One file's kroner, in øre.

    Attributes:
        lest: Σ beløp of every line whose amount could be read.
        godtatt: Σ beløp of the accepted (stored) lines, summed on its own.
        karantene: Σ beløp of the quarantined lines whose amount could be read.
        lest_abs: Σ |beløp| of every line read (the file's money, for the quarantine's share).
        karantene_abs: Σ |beløp| of the quarantined lines.
        uleselige: quarantined lines whose amount could not be read (no kroner to count).
        per_regel: Σ beløp in quarantine per rule (a line under the first rule it broke), øre.
    """

    lest: int = 0
    godtatt: int = 0
    karantene: int = 0
    lest_abs: int = 0
    karantene_abs: int = 0
    uleselige: int = 0
    per_regel: dict[str, int] = field(default_factory=dict)

    def __add__(self, other: Money) -> Money:
        rules = dict(self.per_regel)
        for rule, cents in other.per_regel.items():
            rules[rule] = rules.get(rule, 0) + cents
        return Money(
            self.lest + other.lest,
            self.godtatt + other.godtatt,
            self.karantene + other.karantene,
            self.lest_abs + other.lest_abs,
            self.karantene_abs + other.karantene_abs,
            self.uleselige + other.uleselige,
            rules,
        )

    @property
    def balanced(self) -> bool:
        """Σ read = Σ accepted + Σ quarantined, to the øre."""
        return self.lest == self.godtatt + self.karantene

    @property
    def quarantine_share(self) -> float:
        """Σ |beløp| in quarantine / Σ |beløp| read (0 when the file holds no money)."""
        return self.karantene_abs / self.lest_abs if self.lest_abs else 0.0


def file_money(typed: pd.DataFrame, reasons: pd.Series, broken_lines: int = 0) -> Money:
    """The kroner of one validated table.

    Args:
        typed: every row read, amounts parsed (``belop`` in kr, NaN where the cell is not a number).
        reasons: the rule each quarantined row broke first, indexed by the row (the rows put in quarantine).
        broken_lines: lines quarantined before parsing (wrong number of fields): amounts unreadable.
    """
    quarantined = pd.Index(reasons.index)
    belop = typed["belop"]
    readable = np.isfinite(_amounts(belop))
    cents = ore(belop)
    in_q = typed.index.isin(quarantined)
    return Money(
        lest=int(cents.sum()),
        godtatt=int(cents[~in_q].sum()),
        karantene=int(cents[in_q].sum()),
        lest_abs=int(np.abs(cents).sum()),
        karantene_abs=int(np.abs(cents[in_q]).sum()),
        uleselige=int((in_q & ~readable).sum()) + int(broken_lines),
        per_regel=_per_rule(pd.Series(cents[in_q], index=typed.index[in_q]), reasons),
    )


def _per_rule(cents: pd.Series, reasons: pd.Series) -> dict[str, int]:
    if cents.empty:
        return {}
    sums = cents.groupby(reasons.reindex(cents.index).fillna("").astype("str")).sum()
    return {str(k): int(v) for k, v in sums.items() if v}


def quarantined_money(belop: pd.Series, reasons: pd.Series | None = None) -> Money:
    """Money of lines quarantined before the contract ran (e.g. a KOSTRA record with a bad region):
    ``belop`` per line in kr, NaN where it could not be read; ``reasons`` the rule per line (same index).
    """
    cents = ore(belop)
    readable = np.isfinite(_amounts(belop))
    return Money(
        lest=int(cents.sum()),
        karantene=int(cents.sum()),
        lest_abs=int(np.abs(cents).sum()),
        karantene_abs=int(np.abs(cents).sum()),
        uleselige=int((~readable).sum()),
        per_regel=_per_rule(pd.Series(cents, index=belop.index), reasons)
        if reasons is not None
        else ({"": int(cents.sum())} if cents.any() else {}),
    )


def kroner(cents: int) -> float:
    """Øre -> kroner (two decimals exact)."""
    return cents / 100
