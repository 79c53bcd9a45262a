"""The audit trail: manifests beside outputs (sorted, no timestamps, same bytes on a rerun),
and ``perfkit verify`` passing, then catching a changed input and a changed output."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat

import pytest
from click.testing import CliRunner
from conftest import PLANS_DIR, SAMPLE_DIR

from perfkit.audit import input_files, read_manifest
from perfkit.cli import cli
from perfkit.errors import PerfkitError


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the sample data and plans, and a statements run on it."""
    root = tmp_path_factory.mktemp("audit")
    shutil.copytree(SAMPLE_DIR, root / "data")
    shutil.copytree(PLANS_DIR, root / "plans")
    out = root / "out" / "st.xlsx"
    result = run("statements", root / "data", "--period", "2026Q3", "--plans", root / "plans",
                 "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    return root, out.with_name("st.manifest.json")


def test_the_manifest_records_hashes_figures_and_no_time(project):
    root, manifest = project
    text = manifest.read_text(encoding="utf-8")
    m = json.loads(text)
    assert text == json.dumps(m, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert m["command"] == "statements" and m["period"] == "2026Q3"
    assert m["perfkit_version"] == "0.1.0"
    employees = (root / "data" / "employees.csv").read_bytes()
    assert m["inputs"]["../data/employees.csv"] == hashlib.sha256(employees).hexdigest()
    assert set(m["inputs"]) == {f"../data/{p.name}" for p in input_files(root / "data")}
    assert "../data/README.md" not in m["inputs"]  # only the files perfkit reads
    assert len(m["plans"]) == 5
    assert set(m["outputs"]) == {"st.xlsx", "st.csv", "st_summary.csv"}
    assert m["rows"] == {"results": 139, "scores": 823}
    assert m["totals"]["currency"] == {"CNY": "1395122.67"}
    assert m["people"] == 139 and m["paid"] == 137
    assert not any(k in text for k in ("time", 'date"', "created"))
    assert stat.S_IMODE(manifest.stat().st_mode) == 0o600


def test_a_rerun_writes_the_same_bytes(project, tmp_path):
    root, manifest = project
    before = {p.name: p.read_bytes() for p in manifest.parent.iterdir()}
    result = run("statements", root / "data", "--period", "2026Q3", "--plans", root / "plans",
                 "-o", manifest.parent / "st.xlsx")  # fmt: skip
    assert result.exit_code == 0
    after = {p.name: p.read_bytes() for p in manifest.parent.iterdir()}
    assert before == after


def test_verify_passes_then_catches_a_changed_input_and_output(project, tmp_path):
    root, manifest = project
    ok = run("verify", manifest)
    assert ok.exit_code == 0, ok.output
    assert "outputs written again byte for byte" in ok.output
    # a copy of the whole tree, so the module's run stays intact
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    m2 = copy / "out" / "st.manifest.json"
    employees = copy / "data" / "employees.csv"
    text = employees.read_text(encoding="utf-8")
    employees.write_text(text.replace(",51500,CNY", ",61500,CNY", 1), encoding="utf-8")
    bad = run("verify", m2)
    assert bad.exit_code == 1
    assert "input changed: ../data/employees.csv" in bad.output
    # E0001's bonus rose by a fifth of 10,000 a year x 0.86 paid share: the total moves
    assert "totals currency CNY: 1395122.67 in the manifest" in bad.output
    employees.write_text(text, encoding="utf-8")
    assert run("verify", m2).exit_code == 0
    out = copy / "out" / "st.csv"
    out.write_bytes(out.read_bytes() + b"E9999,extra\n")
    changed = run("verify", m2)
    assert changed.exit_code == 1
    assert "output changed: st.csv" in changed.output


def test_verify_refuses_what_is_not_a_manifest(tmp_path):
    missing = run("verify", tmp_path / "none.json")
    assert missing.exit_code == 2 and "manifest not found" in missing.output
    junk = tmp_path / "x.json"
    junk.write_text('{"a": 1}', encoding="utf-8")
    assert run("verify", junk).exit_code == 2
    with pytest.raises(PerfkitError, match="not a perfkit manifest"):
        read_manifest(junk)


def test_score_writes_a_manifest_that_verifies(tmp_path):
    out = tmp_path / "payouts.xlsx"
    result = run("score", SAMPLE_DIR, "--period", "2026Q3", "--plans", PLANS_DIR, "-o", out)
    assert result.exit_code == 0, result.output
    manifest = tmp_path / "payouts.manifest.json"
    assert read_manifest(manifest)["command"] == "score"
    assert run("verify", manifest).exit_code == 0
