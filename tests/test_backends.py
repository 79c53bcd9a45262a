"""The roll-up seam: any backend that serves monthly actuals pays exactly what the frame pays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from conftest import PLANS_DIR, SAMPLE_DIR

import perfkit
from perfkit.backends import ActualsBackend, FrameActuals
from perfkit.errors import PerfkitError
from perfkit.io import Dataset


class EventsInMemory:
    """A toy backend: raw events (one row per day and metric) summed to months on request."""

    def __init__(self, events: pd.DataFrame) -> None:
        self.events = events
        self.asked: dict = {}

    def monthly(self, *, employee_ids, metrics, months):
        self.asked = {
            "employee_ids": list(employee_ids),
            "metrics": list(metrics),
            "months": list(months),
        }
        e = self.events[self.events["metric"].isin(metrics)]
        month = e["date"].dt.strftime("%Y-%m")
        e = e.assign(period=month)[month.isin(months)]
        return e.groupby(["employee_id", "period", "metric"], as_index=False)["value"].sum()

    def months(self):
        return sorted(self.events["date"].dt.strftime("%Y-%m").unique())


def _as_events(actuals: pd.DataFrame) -> pd.DataFrame:
    """Each monthly value split into three events on days 3, 14 and 27 of its month."""
    parts = []
    for day, share in ((3, 0.25), (14, 0.5), (27, 0.25)):
        parts.append(
            actuals.assign(
                date=pd.to_datetime(actuals["period"] + f"-{day:02d}"),
                value=actuals["value"] * share,
            )[["employee_id", "date", "metric", "value"]]
        )
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def sample():
    return perfkit.load_dataset(SAMPLE_DIR), perfkit.load_plans(PLANS_DIR)


def test_an_events_backend_pays_what_the_frame_pays(sample):
    data, plans = sample
    backend = EventsInMemory(_as_events(data.actuals))
    assert isinstance(backend, ActualsBackend)
    no_actuals = Dataset(
        data.employees, data.actuals.iloc[:0], data.targets, data.ratings, data.modifiers
    )
    periods = ["2026Q2", "2026Q3"]
    frame = perfkit.evaluate(data, plans, periods)
    events = perfkit.evaluate(no_actuals, plans, periods, backend=backend)
    # sums of quarters are exact in binary (0.25, 0.5), so every value and cent agrees
    pdt.assert_frame_equal(events.results, frame.results)
    pdt.assert_frame_equal(events.scores, frame.scores)
    # it was asked for the months the plans need, baselines included (2025Q2 for growth)
    assert backend.asked["months"][0] <= "2025-04" and backend.asked["months"][-1] == "2026-09"
    assert "web_sessions" in backend.asked["metrics"] or backend.asked["metrics"]


def test_the_default_serves_the_frame_as_it_is(sample):
    data, _ = sample
    got = FrameActuals(data.actuals).monthly(employee_ids=[], metrics=[], months=[])
    assert got is data.actuals


def test_a_backend_without_monthly_is_refused(sample):
    data, plans = sample
    with pytest.raises(PerfkitError, match="has no monthly"):
        perfkit.evaluate(data, plans, "2026Q3", backend=object())


def test_rows_a_backend_returns_beyond_the_request_are_ignored(sample):
    data, plans = sample
    extra = pd.DataFrame(
        {"employee_id": ["NOBODY", data.employees["employee_id"].iloc[0]], "period": ["2026-07", "1999-01"],
         "metric": ["leads", "leads"], "value": [1e9, 1e9]}
    )  # fmt: skip
    padded = FrameActuals(pd.concat([data.actuals, extra], ignore_index=True))
    a = perfkit.evaluate(data, plans, "2026Q3").results["payout_amount"].to_numpy()
    b = perfkit.evaluate(data, plans, "2026Q3", backend=padded).results["payout_amount"].to_numpy()
    assert np.array_equal(a, b)
