"""notebooks/calibration.ipynb: its shape, and a papermill run whose numbers match the API."""

from __future__ import annotations

import json

import nbformat
import papermill as pm
import pytest
from conftest import PLANS_DIR, ROOT, SAMPLE_DIR

from perfkit.calibration import Calibrator

NOTEBOOK = ROOT / "notebooks" / "calibration.ipynb"


def test_parameters_are_typed_and_documented():
    params = pm.inspect_notebook(NOTEBOOK)
    assert {k: v["inferred_type_name"] for k, v in params.items()} == {
        "data_dir": "str", "plans_dir": "str", "role": "str", "target_share": "float",
        "budget": "float", "draws": "int", "seed": "int",
    }  # fmt: skip
    assert all(v["help"] for v in params.values())
    assert params["role"]["default"] == '"online_promotion"'
    assert params["data_dir"]["default"] == '"../data/sample"'
    assert params["plans_dir"]["default"] == '"../templates/plans"'


def _outputs(nb) -> list[str]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            out.append(o.get("text", "") or o.get("data", {}).get("text/plain", ""))
    return out


def test_runs_under_papermill_with_the_api_numbers(tmp_path):
    # laid out like the repository so the default relative paths hold
    (tmp_path / "notebooks").mkdir()
    for name in ("data", "templates"):
        (tmp_path / name).symlink_to(ROOT / name)
    out = tmp_path / "notebooks" / "calibration.ipynb"
    pm.execute_notebook(
        NOTEBOOK, out, parameters={"draws": 300}, kernel_name="python3",
        cwd=tmp_path / "notebooks", progress_bar=False,
    )  # fmt: skip
    nb = nbformat.read(out, as_version=4)
    texts = _outputs(nb)
    shown = json.loads(next(t for t in texts if t.lstrip().startswith('{\n "role"')))
    rec = Calibrator.from_dir(
        SAMPLE_DIR, role="online_promotion", plans_dir=PLANS_DIR, draws=300, seed=7
    ).solve("target", target_share=0.6)
    want = rec.to_dict()
    for key, value in shown.items():
        assert value == pytest.approx(want[key]), key
    assert shown["parameter"] == "payout.curve.target" and shown["draws"] == 300
    assert any(t.startswith("Set the on-target composite") for t in texts)
    assert any("person-periods of" in t for t in texts)
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert images == 1
