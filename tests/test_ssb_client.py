"""The StatBank client on recorded responses only (no network): retries, limits, errors, saving."""

import json
from pathlib import Path

import httpx
import pytest

from indicators.external.jsonstat import read_dataset
from indicators.external.ssb import StatBankClient, StatBankError

DOC = {
    "version": "2.0",
    "class": "dataset",
    "id": ["KOKkommuneregion0000", "ContentsCode", "Tid"],
    "size": [1, 1, 1],
    "dimension": {
        "KOKkommuneregion0000": {"category": {"index": {"1874": 0}}},
        "ContentsCode": {"category": {"index": {"KOSbelopinnbygge0000": 0}}},
        "Tid": {"category": {"index": {"2025": 0}}},
    },
    "value": [41234],
}


class Clock:
    def __init__(self):
        self.t, self.slept = 0.0, []

    def sleep(self, s):
        self.slept.append(s)
        self.t += s

    def __call__(self):
        return self.t


def client(tmp_path: Path, handler, clock=None) -> StatBankClient:
    clock = clock or Clock()
    return StatBankClient(
        tmp_path, http=httpx.Client(transport=httpx.MockTransport(handler)), sleep=clock.sleep, clock=clock, retries=2
    )


def test_data_query_is_saved_with_its_parameters(tmp_path: Path):
    seen = []

    def handler(request):
        seen.append(request.url)
        return httpx.Response(200, json=DOC)

    doc, path = client(tmp_path, handler).data("12362", {"KOKkommuneregion0000": ["1874", "EKG14"], "Tid": "top(3)"})
    assert seen[0].path == "/api/pxwebapi/v2/tables/12362/data"
    assert seen[0].params["valueCodes[KOKkommuneregion0000]"] == "1874,EKG14"
    assert seen[0].params["outputFormat"] == "json-stat2"
    assert json.loads(path.read_text()) == DOC and read_dataset(doc)["value"].item() == 41234
    meta = json.loads(path.with_suffix("").with_suffix(".meta.json").read_text())
    assert meta["tabell"] == "12362" and "hentet" in meta


def test_429_is_retried_after_the_servers_wait_and_requests_are_spaced(tmp_path: Path):
    calls = []
    clock = Clock()

    def handler(request):
        calls.append(clock())
        return httpx.Response(429, headers={"Retry-After": "7"}) if len(calls) == 1 else httpx.Response(200, json=DOC)

    c = client(tmp_path, handler, clock)
    c.data("07459", {"Region": ["1874"]})
    c.data("07459", {"Region": ["1859"]})
    assert 7 in clock.slept
    assert all(b - a >= 2.1 - 1e-9 for a, b in zip(calls, calls[1:], strict=False))


def test_non_existent_value_gives_a_clear_message(tmp_path: Path):
    def handler(request):
        return httpx.Response(400, json={"type": "Parameter error", "title": "Non-existent value", "status": 400})

    with pytest.raises(StatBankError, match="Non-existent value") as err:
        client(tmp_path, handler).data("12362", {"KOKkommuneregion0000": ["9999"]})
    assert "Sjekk tabellnummer, koder og perioder" in str(err.value)


def test_timeouts_and_server_errors_give_up_with_a_message(tmp_path: Path):
    def timeout(request):
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(StatBankError, match="Fikk ikke svar fra SSB"):
        client(tmp_path, timeout).data("12362", {"Tid": "top(1)"})

    def broken(request):
        return httpx.Response(503)

    with pytest.raises(StatBankError, match="503"):
        client(tmp_path, broken).data("12362", {"Tid": "top(1)"})


def test_klass_correspondence(tmp_path: Path):
    def handler(request):
        assert request.url.path == "/api/klass/v1/classifications/131/corresponds"
        assert request.url.params["targetClassificationId"] == "112"
        return httpx.Response(
            200,
            json={
                "correspondenceItems": [
                    {"sourceCode": "1874", "sourceName": "Moskenes", "targetCode": "EKG14", "targetName": "Gruppe 14"}
                ]
            },
        )

    items = client(tmp_path, handler).klass_correspondence("131", "112", "2025-01-01", "2025-12-31")
    assert items[0]["targetCode"] == "EKG14"
    assert (tmp_path / "klass_131_112_2025-01-01.json").exists()


def test_klass_answer_with_two_periods_is_saved_whole_and_loads_with_its_periods(tmp_path: Path):
    from indicators.compute.kostra import groups_in_year
    from indicators.external.kostra_answers import load_recorded

    recorded = json.loads((Path(__file__).parent / "data" / "klass" / "klass_131_112_to_perioder.json").read_text())

    def handler(request):
        assert (request.url.params["from"], request.url.params["to"]) == ("2023-01-01", "2024-12-31")
        return httpx.Response(200, json=recorded)

    items = client(tmp_path, handler).klass_correspondence("131", "112", "2023-01-01", "2024-12-31")
    assert [(i["targetCode"], i["validFrom"], i["validTo"]) for i in items if i["sourceCode"] == "1874"] == [
        ("EKG16", "2020-01-01", "2024-01-01"),
        ("EKG14", "2024-01-01", None),
    ]
    _tables, groups = load_recorded(tmp_path)
    assert groups_in_year(groups, 2023)["1874"] == "EKG16" and groups_in_year(groups, 2024)["1874"] == "EKG14"
