"""The audit trail: a manifest beside every output, and its check.

Every command that writes results (``score -o``, ``report``, ``scorecards``,
``statements``) also writes a manifest, a JSON file that says what went in and what came
out, so anyone can check a payroll figure later:

- ``perfkit_version``, the ``command`` and its ``arguments`` (the period as resolved, the
  roles, the language ...);
- ``inputs``: the SHA-256 of every data file read (the table files and ``mapping.yaml``)
  and ``plans``: of every plan file of the plans folder;
- ``outputs``: the SHA-256 of every file written;
- ``rows`` (results and metric-score rows), ``people``, ``paid`` and ``totals``: the
  payout per currency and per role and currency, exact to the cent (as text, ``"1234.50"``).

Paths are relative to the manifest's folder, keys are sorted and nothing in it depends on
the time, so a rerun on the same inputs writes the same bytes. :func:`verify` checks a
manifest: the input, plan and output files against their hashes, then the figures
recomputed from the inputs (:func:`perfkit.evaluation.evaluate_dir`), and, given a
``regenerate`` callable, the outputs written again into a scratch folder, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import PerfkitError
from .fsutil import atomic_path
from .payout import total_amount
from .plans import find_plans_dir, plan_files
from .schema import SUFFIXES, TABLES

#: Version of the manifest's layout.
MANIFEST_FORMAT = 1

#: A callable writing a manifest's outputs again: ``(manifest, folder) -> None``, into
#: ``folder`` laid out as beside the manifest.
Regenerate = Callable[[dict[str, Any], Path], None]


def sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_files(data_dir: str | Path) -> list[Path]:
    """The files of a data folder that perfkit reads: the table files and ``mapping.yaml``."""
    folder = Path(data_dir)
    if not folder.is_dir():
        return []
    return [
        p
        for p in sorted(folder.iterdir())
        if p.is_file()
        and (
            (p.stem.lower() in TABLES and p.suffix.lower() in SUFFIXES)
            or p.name.lower() == "mapping.yaml"
        )
    ]


def _rel(path: str | Path, base: Path) -> str:
    """``path`` relative to ``base`` in ``/`` form (absolute if it cannot be)."""
    try:
        return Path(os.path.relpath(Path(path).resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive
        return Path(path).resolve().as_posix()


def _cents(value: float) -> str:
    return f"{value:.2f}"


def figures(results: Any, scores: Any) -> dict[str, Any]:
    """The figures a manifest records: rows, people, paid and totals (as text to the cent)."""
    by_currency = {
        str(c): _cents(total_amount(results.loc[results["currency"] == c, "payout_amount"]))
        for c in sorted(results["currency"].dropna().unique())
    }
    by_role = {
        f"{role} {cur}": _cents(total_amount(g["payout_amount"]))
        for (role, cur), g in results.groupby(["role", "currency"], sort=True)
    }
    return {
        "rows": {"results": int(len(results)), "scores": int(len(scores))},
        "people": int(results["employee_id"].nunique()),
        "paid": int((results["payout_amount"] > 0).sum()),
        "totals": {"currency": by_currency, "role": by_role},
    }


def build_manifest(
    *,
    command: str,
    arguments: Mapping[str, Any],
    data_dir: str | Path,
    plans_dir: str | Path | None,
    period: str,
    results: Any,
    scores: Any,
    outputs: Iterable[str | Path],
    manifest_path: str | Path,
) -> dict[str, Any]:
    """The manifest of one run (see the module docstring for its fields).

    Parameters
    ----------
    command : str
        ``score``, ``report``, ``scorecards`` or ``statements``.
    arguments : mapping
        The command's options that shape its outputs (JSON values).
    data_dir, plans_dir : str or Path
        The inputs; the plans folder is found as the commands find it when None.
    period : str
        The period label evaluated.
    results, scores : DataFrame
        The evaluation of ``period`` the outputs show.
    outputs : iterable of path
        The files written (not the manifest).
    manifest_path : str or Path
        Where the manifest goes; paths in it are relative to its folder.

    Returns
    -------
    dict
    """
    base = Path(manifest_path).parent
    plans = find_plans_dir(plans_dir)
    return {
        "format": MANIFEST_FORMAT,
        "perfkit_version": _version(),
        "command": command,
        "arguments": dict(arguments),
        "period": period,
        "data_dir": _rel(data_dir, base),
        "plans_dir": _rel(plans, base),
        "inputs": {_rel(p, base): sha256(p) for p in input_files(data_dir)},
        "plans": {_rel(p, base): sha256(p) for p in plan_files(plans).values()},
        "outputs": {_rel(p, base): sha256(p) for p in sorted(map(Path, outputs))},
        **figures(results, scores),
    }


def _version() -> str:
    from . import __version__

    return __version__


def dumps(manifest: Mapping[str, Any]) -> str:
    """The manifest as text: JSON, sorted keys, two-space indent, a final newline."""
    return json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_manifest(
    manifest: Mapping[str, Any], path: str | Path, *, mode: str | int | None = None
) -> Path:
    """Write a manifest atomically (``0600`` by default: it holds pay totals)."""
    path = Path(path)
    with atomic_path(path, mode=mode) as tmp:
        tmp.write_text(dumps(manifest), encoding="utf-8")
    return path


def read_manifest(path: str | Path) -> dict[str, Any]:
    """Read a manifest.

    Raises
    ------
    PerfkitError
        If the file is missing or is not a perfkit manifest.
    """
    path = Path(path)
    if not path.is_file():
        raise PerfkitError(f"{path}: manifest not found; give the .json a perfkit command wrote")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PerfkitError(f"{path}: not a perfkit manifest (not JSON: {exc})") from None
    need = {"format", "command", "arguments", "period", "data_dir", "inputs", "outputs", "totals"}
    if not isinstance(data, dict) or not need <= set(data):
        raise PerfkitError(
            f"{path}: not a perfkit manifest (it needs {', '.join(sorted(need))}); give the "
            ".json a perfkit command wrote beside its outputs"
        )
    return data


def _compare_files(kind: str, recorded: Mapping[str, str], base: Path) -> list[str]:
    out = []
    for name, digest in sorted(recorded.items()):
        path = base / name
        if not path.is_file():
            out.append(f"{kind} missing: {name}")
        elif (now := sha256(path)) != digest:
            out.append(
                f"{kind} changed: {name} (sha256 {digest[:12]}… in the manifest, now {now[:12]}…)"
            )
    return out


def _compare_figures(recorded: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    out = []
    for key in ("rows", "people", "paid", "totals"):
        a, b = recorded.get(key), now.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            flat_a, flat_b = _flat(a), _flat(b)
            for k in sorted(set(flat_a) | set(flat_b)):
                if flat_a.get(k) != flat_b.get(k):
                    out.append(
                        f"{key} {k}: {flat_a.get(k, 'none')} in the manifest, "
                        f"{flat_b.get(k, 'none')} recomputed from the inputs"
                    )
        else:
            out.append(f"{key}: {a} in the manifest, {b} recomputed from the inputs")
    return out


def _flat(d: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        name = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flat(v, name + " "))
        else:
            out[name] = v
    return out


def manifest_evaluation(m: Mapping[str, Any], base: Path) -> Any:
    """The evaluation a manifest's command made, from its inputs as they are now.

    The data folder and plans the manifest names (relative to ``base``, its folder), its
    period and roles; for ``score --actuals-from`` the monthly actuals rolled up again from
    the events it names (``arguments.actuals_from`` and ``dedupe``), checked as the command
    checked them. A URL whose password the manifest masked cannot be opened again: that
    fails with the connection's message.

    Raises
    ------
    PerfkitError
        When the inputs are refused now, or the events cannot be read.
    """
    from .evaluation import evaluate_dir

    args = m.get("arguments", {})
    data_dir = base / m["data_dir"]
    plans_dir = base / m["plans_dir"] if m.get("plans_dir") else None
    roles = args.get("roles")
    if not args.get("actuals_from"):
        return evaluate_dir(data_dir, period=m["period"], roles=roles, plans_dir=plans_dir)

    def events() -> Any:  # connected once the plans, roles and period are checked
        from .backends import connect

        return connect(str(args["actuals_from"]), dedupe=bool(args.get("dedupe")) or None)

    return evaluate_dir(
        data_dir, period=m["period"], roles=roles, plans_dir=plans_dir, actuals=events
    )


def verify(path: str | Path, *, regenerate: Regenerate | None = None) -> list[str]:
    """Check a manifest; return every difference found (empty: everything matches).

    1. Each input, plan and output file against its SHA-256 (missing or changed);
    2. the rows, people, paid and totals recomputed from the inputs with the manifest's
       period, roles and plans;
    3. with ``regenerate``, the outputs written again into a scratch folder, compared byte
       for byte with the manifest's hashes (a rerun on the same inputs gives the same bytes).

    Parameters
    ----------
    path : str or Path
        The manifest.
    regenerate : callable, optional
        ``regenerate(manifest, folder)`` writes the outputs into ``folder`` as laid out
        beside the manifest.

    Returns
    -------
    list of str
        One sentence per difference.

    Raises
    ------
    PerfkitError
        If the manifest cannot be read.
    """
    path = Path(path)
    m = read_manifest(path)
    base = path.parent
    problems = []
    if m.get("perfkit_version") != _version():
        problems.append(
            f"perfkit version: {m.get('perfkit_version')} made the manifest, this is {_version()}"
        )
    problems += _compare_files("input", m.get("inputs", {}), base)
    problems += _compare_files("plan", m.get("plans", {}), base)
    problems += _compare_files("output", m.get("outputs", {}), base)
    data_dir = base / m["data_dir"]
    now_inputs = {_rel(p, base) for p in input_files(data_dir)}
    problems += [f"input added: {n}" for n in sorted(now_inputs - set(m.get("inputs", {})))]
    try:
        ev = manifest_evaluation(m, base)
    except PerfkitError as exc:
        problems.append(f"recomputing from the inputs failed: {str(exc).splitlines()[0]}")
    else:
        r = ev.results[ev.results["period"] == m["period"]]
        s = ev.scores[ev.scores["period"] == m["period"]]
        problems += _compare_figures(m, figures(r, s))
    if regenerate is not None and not problems:
        with tempfile.TemporaryDirectory(prefix=".perfkit-verify-") as tmp:
            regenerate(m, Path(tmp))
            again = {n: sha256(Path(tmp) / n) for n in m["outputs"] if (Path(tmp) / n).is_file()}
            for name, digest in sorted(m["outputs"].items()):
                if name not in again:
                    problems.append(f"rerun did not write {name}")
                elif again[name] != digest:
                    problems.append(
                        f"rerun differs: {name} (sha256 {digest[:12]}… in the manifest, "
                        f"{again[name][:12]}… written again from the same inputs)"
                    )
    return problems


__all__ = [
    "MANIFEST_FORMAT",
    "build_manifest",
    "dumps",
    "figures",
    "input_files",
    "read_manifest",
    "sha256",
    "verify",
    "write_manifest",
]
