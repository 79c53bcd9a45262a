"""Screenshots of the reports in a real browser (headless Chromium), to look at.

Run from the repository root::

    .venv/bin/python scripts/screenshots.py                  # en and zh reports, with pay
    .venv/bin/python scripts/screenshots.py --reports reports/2026Q3 --role event_planning
    make screenshots                                         # the same as the first line

Without ``--reports`` it writes the sample's role reports (English and Chinese, with pay
figures, into ``reports/screenshots/<lang>/``), then takes full-page PNGs of the index page
and one role report of each into ``reports/screenshots/``, and prints their paths: open
them and look. ``tests/test_reports.py`` takes the same screenshots of its batch and checks
they are not blank; it is skipped where Chromium is not installed (``make chromium``
installs it with apt on Debian/Ubuntu).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    """The headless-capable Chromium on this machine, or None (``$PERFKIT_CHROMIUM`` first)."""
    given = os.environ.get("PERFKIT_CHROMIUM")
    if given:
        return given if shutil.which(given) or Path(given).is_file() else None
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(page: Path, png: Path, *, width: int = 1280, height: int = 2400) -> Path:
    """A PNG of ``page`` (an HTML file) as headless Chromium draws it, ``width`` pixels wide."""
    browser = find_browser()
    if browser is None:
        raise SystemExit("no Chromium found: install it (make chromium) or set PERFKIT_CHROMIUM")
    if not page.is_file():
        raise SystemExit(f"{page}: no such page; give --reports the period folder (reports/2026Q3)")
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="perfkit-chromium-") as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                f"--window-size={width},{height}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    if not png.is_file():
        raise SystemExit(f"{page}: Chromium drew no screenshot")
    return png


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, help="an existing period folder of reports")
    parser.add_argument("--role", default="online_promotion")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "screenshots")
    parser.add_argument("--height", type=int, default=6000)
    args = parser.parse_args()

    folders: dict[str, Path] = {}
    if args.reports is not None:
        folders["given"] = args.reports
    else:
        from perfkit.reports import run_reports

        for lang in ("en", "zh"):
            batch = run_reports(
                ROOT / "data" / "sample",
                lang=lang,
                show_pay=True,
                output_dir=args.out / lang,
                progress=False,
            )
            folders[lang] = batch.folder
    for name, folder in folders.items():
        for page in ("index", args.role):
            png = screenshot(
                folder / f"{page}.html",
                args.out / f"{name}_{page}.png",
                height=1600 if page == "index" else args.height,
            )
            print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
