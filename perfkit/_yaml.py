"""Reading YAML written by people: plans and ``mapping.yaml``.

:func:`load_yaml` is :func:`yaml.safe_load` with two differences. A key repeated in one
mapping is an error naming the line and the key (plain YAML keeps the last value silently, so
a duplicated ``weight:`` would change a role's total without anyone noticing). And every
failure (bad syntax, a file that is not UTF-8, a repeated key) is raised as the caller's
:class:`~perfkit.errors.PerfkitError` subclass naming the file and line, never as a
traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import PerfkitError, Problem

__all__ = ["load_yaml"]

_MERGE_TAG = "tag:yaml.org,2002:merge"


def _shown(key: Any) -> str:
    """A key as it reads in the file, kept short and on one line (file text is hostile)."""
    text = " ".join(str(key).split())
    return text if len(text) <= 60 else text[:57] + "..."


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A SafeLoader (on libyaml's parser when PyYAML has it) that records every key
    repeated within one mapping.

    Keys brought in by a merge (``<<: *defaults``) are not repeats: overriding them is what a
    merge is for. Only the keys written in the mapping itself are compared.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeats: list[tuple[int, int, str]] = []  # (line, first line, key) from 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    if key in first:
                        self.repeats.append((line, first[key], _shown(key)))
                    else:
                        first[key] = line
                except TypeError:  # an unhashable key: SafeLoader reports it below
                    continue
        return super().construct_mapping(node, deep=deep)


def load_yaml(source: str | Path, *, where: str, error: type[PerfkitError]) -> Any:
    """Parse YAML, refusing a key repeated within one mapping.

    Parameters
    ----------
    source : str or Path
        A :class:`~pathlib.Path` is read as a UTF-8 file (a byte-order mark is allowed); a
        ``str`` is the YAML text itself.
    where : str
        How messages name the source, e.g. ``templates/plans/online_promotion.yaml`` or
        ``mapping.yaml``; a line number is appended.
    error : type of PerfkitError
        The error raised, e.g. :class:`~perfkit.errors.PlanError` for a plan or
        :class:`~perfkit.errors.DataError` for ``mapping.yaml``.

    Returns
    -------
    Any
        The document as :func:`yaml.safe_load` returns it (``None`` for an empty one).

    Raises
    ------
    PerfkitError
        Of type ``error``: for a file that cannot be read or is not UTF-8 text, for invalid
        YAML (naming the line), and for every repeated key, each naming the line, the key,
        the line it first appeared on and the fix (keep one ``key:`` line). Several repeats
        are listed together.

    Examples
    --------
    >>> from perfkit.errors import PlanError
    >>> load_yaml("weight: 0.2\\ntarget: 5\\n", where="p.yaml", error=PlanError)
    {'weight': 0.2, 'target': 5}
    >>> load_yaml("weight: 0.2\\nweight: 0.3\\n", where="p.yaml", error=PlanError)
    Traceback (most recent call last):
    ...
    perfkit.errors.PlanError: p.yaml, line 2: found the key `weight` a second time in one mapping (first on line 1); YAML would silently keep only the last value; keep one `weight:` line
    """
    if isinstance(source, Path):
        try:
            raw = source.read_bytes()
        except OSError as exc:
            raise error.single(
                where, f"cannot be read ({exc.strerror})", "check the file"
            ) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise error.single(
                f"{where}, line {line}", "is not UTF-8 text", "save the file as UTF-8"
            ) from None
    else:
        text = source
    loader = _UniqueKeyLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{where}, line {mark.line + 1}" if mark is not None else where
        problem = getattr(exc, "problem", None) or "unreadable"
        if "nesting depth" in problem:  # libyaml's limit: worded as Python's recursion below
            at, problem = where, "nested too deeply"
        raise error.single(at, f"not valid YAML ({problem})", "fix the syntax") from None
    except RecursionError:  # nesting thousands deep: not a file a person wrote
        raise error.single(where, "not valid YAML (nested too deeply)", "fix the syntax") from None
    finally:
        loader.dispose()
    problems = [
        Problem(
            f"{where}, line {line}",
            f"found the key `{key}` a second time in one mapping (first on line {first}); "
            "YAML would silently keep only the last value",
            f"keep one `{key}:` line",
        )
        for line, first, key in sorted(loader.repeats)
    ]
    if len(problems) == 1:
        p = problems[0]
        raise error.single(p.where, p.found, p.expected)
    if problems:
        raise error.from_problems(problems, subject=where)
    return data
