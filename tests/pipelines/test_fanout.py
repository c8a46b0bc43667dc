"""The fan-out of the monthly flow on local processes: results in the order asked, a failed unit named."""

import pytest
from indicators_flows.monthly import FanOut, _unit_name

from indicators.errors import StepFailed, UserError

pytestmark = pytest.mark.integration


def test_units_on_two_local_processes_keep_their_order_and_a_failure_names_the_step():
    with FanOut(workers=2) as fan_out:
        assert fan_out.size == 2
        # (functions the spawned processes can import: the units are indicators.steps.units.compute_unit)
        assert fan_out("beregn-indikatorer", abs, [(-3,), (4,), (-5,)]) == [3, 4, 5]
        with pytest.raises(StepFailed) as failed:
            fan_out("beregn-indikatorer", int, [("12",), ("tolv",)])
    assert failed.value.step == "beregn-indikatorer" and "ValueError" in failed.value.detail


def test_a_unit_is_named_by_its_municipalities():
    assert _unit_name("beregn-indikatorer", ("out", "P", ["1859", "1860"])) == "beregn-indikatorer 1859–1860"
    assert _unit_name("beregn-indikatorer", ("out", "P", ["1874"])) == "beregn-indikatorer 1874"
    assert _unit_name("beregn-indikatorer", ("out", "P", None)) == "beregn-indikatorer"


def test_an_unreachable_dask_scheduler_is_one_plain_sentence():
    pytest.importorskip("distributed")  # first: its defaults in dask's config outlive the `set` below
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(UserError, match="Får ikke kontakt med Dask-klyngen på tcp://127.0.0.1:9 .*--dask"):
            FanOut(dask="tcp://127.0.0.1:9").size  # noqa: B018 - the property connects
