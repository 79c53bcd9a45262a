"""The Voila page in a real browser: Playwright drives Debian's Chromium on this machine only.

``perfkit calibrate-app`` serves the explorer on 127.0.0.1; the test moves the threshold
slider one step with the keyboard and checks that the page shows the cost the calibration
API gives for that threshold, and that nothing was loaded from outside this machine.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import PLANS_DIR, SAMPLE_DIR

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

DRAWS = 200
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "perfkit.cli", "calibrate-app", str(SAMPLE_DIR), "--plans",
         str(PLANS_DIR), "--port", str(port), "--draws", str(DRAWS)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                headers = dict(r.headers)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(proc.stdout.read().decode(errors="replace")[-3000:])
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the Voila page did not start within 120 s")
    yield url, headers
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_the_page_listens_on_this_machine_only_and_loads_nothing_from_outside(app):
    url, headers = app
    assert url.startswith("http://127.0.0.1:")
    policy = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy and "http" not in policy


def test_moving_the_threshold_shows_the_apis_cost(app):
    from perfkit.calibration import Calibrator

    url, _ = app
    cal = Calibrator.from_dir(
        SAMPLE_DIR, role="online_promotion", plans_dir=PLANS_DIR, draws=DRAWS, seed=0
    )
    before = cal.evaluate({}, intervals=False)
    after = cal.evaluate({"threshold": 0.71}, intervals=False)
    assert after.cost_expected < before.cost_expected  # one step up pays less
    finished: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        page.on("requestfinished", lambda r: finished.append(r.url))
        page.goto(url, timeout=120_000)
        cost = page.locator("td.perfkit-share[data-figure='1']").first
        cost.wait_for(timeout=120_000)
        assert cost.inner_text() == f"{before.cost_expected:,.0f} CNY"
        share = page.locator("td.perfkit-share[data-figure='0']").first.inner_text()
        assert share.startswith(f"{before.share_at_target:.1%} (")
        page.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")  # the threshold slider, one step of 0.01
        page.wait_for_function(
            "t => document.querySelector(\"td.perfkit-share[data-figure='1']\").innerText === t",
            arg=f"{after.cost_expected:,.0f} CNY",
            timeout=60_000,
        )
        assert page.locator(".widget-readout").first.inner_text() == "0.71"
        browser.close()
    outside = [u for u in finished if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert not outside, outside
