"""Generic helpers for the engine's frames: text as integer codes, and the typed output frames.

The engine never loops over rows in Python. Text columns with few distinct values (ids,
periods, metric keys, notes) travel as :class:`Coded` (integer codes into a small array of
labels) and become pandas ``str`` columns once, at the end, with one Arrow ``take`` each.
Text built from several inputs (notes, explanation sentences) is written once per distinct
combination of those inputs (:func:`distinct`), then spread to the rows by code.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .schema import BOOL_COLUMNS, FLOAT_COLUMNS  # the output columns' dtypes


@dataclass(frozen=True, eq=False)
class Coded:
    """A text column as integer codes into labels (cheap to build, sort and concatenate).

    Attributes
    ----------
    codes : numpy.ndarray of int
        Position of each row's text in ``labels``; any shape.
    labels : numpy.ndarray of object or pyarrow.Array
        The distinct texts (None or NaN for a missing value).
    cycle : int
        When above 0, the codes repeat their first ``cycle`` values over and over (a
        metric key per row of a person's metrics), which builds the text faster.
    """

    codes: np.ndarray
    labels: np.ndarray
    cycle: int = 0


# -- text to codes -----------------------------------------------------------------------


def arrow_strings(values: Any) -> Any:
    """The pyarrow ChunkedArray behind an Arrow-backed pandas string Series, else None."""
    arr = getattr(values, "array", None)
    data = getattr(arr, "_pa_array", None)
    if data is None:
        return None
    import pyarrow as pa

    return data if pa.types.is_string(data.type) or pa.types.is_large_string(data.type) else None


# The codes of Arrow text columns already coded, by the identity of their Arrow data (which
# is immutable: a column changed in place gets new data, so a memo never goes stale). An
# entry lives as long as its data; the codes are kept in the smallest integer type.
_MEMO: dict[int, tuple[weakref.ref, np.ndarray, np.ndarray]] = {}
_MEMO_LOCK = threading.Lock()


def remember_codes(data: Any, codes: np.ndarray, uniques: np.ndarray) -> None:
    """Remember the codes and distinct values of the Arrow text ``data`` (see :func:`known_codes`).

    Parameters
    ----------
    data : pyarrow.ChunkedArray or Array
        The Arrow data behind a pandas ``str`` column (:func:`arrow_strings`).
    codes : numpy.ndarray of int
        Position of each row's text in ``uniques``, ``-1`` for a missing value.
    uniques : numpy.ndarray of object
    """
    if data is None or len(codes) != len(data):
        return
    small = np.min_scalar_type(-max(len(uniques), 1))  # signed, room for -1
    key = id(data)

    def forget(_ref: Any, key: int = key) -> None:
        with _MEMO_LOCK:
            _MEMO.pop(key, None)

    kept = codes.astype(small, copy=False)
    kept.flags.writeable = False  # handed out without a copy (known_codes): nobody writes
    with _MEMO_LOCK:
        _MEMO[key] = (weakref.ref(data, forget), kept, uniques)


def _remembered(data: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """The remembered codes (in their small type) and distinct values of ``data``, or None."""
    if data is None:
        return None
    with _MEMO_LOCK:
        hit = _MEMO.get(id(data))
    if hit is None or hit[0]() is not data:
        return None
    return hit[1], hit[2]


def known_codes(data: Any, *, dtype: Any = np.int64) -> tuple[np.ndarray, np.ndarray] | None:
    """The remembered codes and distinct values of Arrow text ``data``, or None.

    ``dtype``: of the codes; None gives the remembered array itself (the smallest signed
    type holding every code and -1; read only), which spares a copy of a long column.
    """
    got = _remembered(data)
    if got is None or dtype is None:
        return got
    return got[0].astype(dtype), got[1]


def codes_against(
    values: pd.Series | np.ndarray, index: pd.Index, *, dtype: Any = np.int64
) -> np.ndarray:
    """Position of each value in ``index`` (``-1`` where absent), hashing each distinct value once.

    Parameters
    ----------
    values : Series or array
        Labels, e.g. two million employee ids. Arrow-backed text already coded (checked
        on reading, :func:`remember_codes`) is looked up by its distinct values; other
        Arrow-backed text with one Arrow ``index_in`` pass; categorical series use their
        codes; anything else is factorized first.
    index : pandas.Index
        Unique labels to look the values up in.
    dtype : numpy integer dtype or None
        Of the result; None keeps the lookup's own (int32 for Arrow text, else int64),
        which spares a copy of a long column.

    Returns
    -------
    numpy.ndarray of int
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    data = arrow_strings(s)
    got = _remembered(data)
    if got is not None:
        codes, uniques = got
        lookup = np.append(index.get_indexer(uniques), -1)  # code -1 (missing) -> -1
        return lookup.astype(dtype or np.int32)[codes]
    if data is not None and len(index) and index.inferred_type == "string":
        import pyarrow as pa
        import pyarrow.compute as pc

        known = arrow_strings(index)
        if known is None:
            known = pa.array(np.asarray(index, dtype=object), type=data.type, from_pandas=True)
        else:
            known = known.combine_chunks().cast(data.type)
        found = pc.index_in(data, value_set=known, skip_nulls=True).fill_null(-1).to_numpy()
        return found if dtype is None else found.astype(dtype, copy=False)
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy()
        lookup = index.get_indexer(s.cat.categories)
    else:
        codes, uniques = pd.factorize(s)
        lookup = index.get_indexer(uniques)
    lookup = np.append(lookup, -1).astype(dtype or np.int64)  # code -1 (missing) -> -1
    return lookup[codes]


def text_codes(values: pd.Series, *, dtype: Any = np.int64) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a column's values and its distinct values, in order of appearance.

    Arrow-backed text is coded by one Arrow ``dictionary_encode`` pass (several times
    faster than :func:`pandas.factorize` on two million cells); anything else by
    :func:`pandas.factorize`.

    Parameters
    ----------
    values : Series
        Any column, e.g. the ``metric`` column of two million actuals.
    dtype : numpy integer dtype or None
        Of the codes. None: for Arrow text, the remembered codes themselves, in the smallest
        signed type holding every code and -1 (read only: no copy of a long column; a
        caller doing arithmetic on them must widen them first); else int64.

    Returns
    -------
    codes : numpy.ndarray of int (int64 unless ``dtype`` says otherwise)
        Position of each value in ``uniques``; ``-1`` for a missing value.
    uniques : numpy.ndarray of object
        The distinct non-missing values.
    """
    data = arrow_strings(values)
    if data is None:
        codes, uniques = pd.factorize(values)
        return codes.astype(dtype or np.int64, copy=False), np.asarray(uniques, dtype=object)
    got = known_codes(data, dtype=dtype)
    if got is not None:
        return got
    import pyarrow.compute as pc

    codes, uniques = dictionary_codes(pc.dictionary_encode(data), compact=False, dtype=None)
    remember_codes(data, codes, uniques)
    return (codes if dtype is None else codes.astype(dtype)), uniques


def dictionary_codes(
    data: Any, *, compact: bool = True, dtype: Any = np.int64
) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and distinct values of Arrow dictionary data (e.g. read from Parquet).

    Parameters
    ----------
    data : pyarrow.DictionaryArray or ChunkedArray of them
        Chunks may hold dictionaries of their own; they are unified.
    compact : bool
        Leave out dictionary values no row uses (and a null value), so the distinct values
        are exactly those of the rows, as :func:`pandas.factorize` gives them.
    dtype : numpy integer dtype or None
        Of the codes; None: the smallest signed type holding every code and -1, which
        spares widening (and a copy of) a long column.

    Returns
    -------
    codes : numpy.ndarray of int (int64 unless ``dtype`` says otherwise)
        ``-1`` for a missing value.
    uniques : numpy.ndarray of object
    """
    import pyarrow as pa

    chunks = list(data.chunks) if isinstance(data, pa.ChunkedArray) else [data]
    if not chunks:
        return np.zeros(0, dtype=np.int64), np.array([], dtype=object)
    # one memo for every chunk (dictionary_encode): each chunk's dictionary starts the last's
    last = max((c.dictionary for c in chunks), key=len)
    if not all(last.slice(0, len(c.dictionary)).equals(c.dictionary) for c in chunks):
        chunks = list(pa.chunked_array(chunks).unify_dictionaries().chunks)
        last = chunks[-1].dictionary
    if dtype is None:
        dtype = np.min_scalar_type(-max(len(last), 1))
    codes = np.empty(sum(len(c) for c in chunks), dtype=dtype)
    at = 0
    for c in chunks:
        idx = c.indices if c.null_count == 0 else c.indices.fill_null(-1)
        codes[at : at + len(c)] = idx.to_numpy(zero_copy_only=False)
        at += len(c)
    if compact:
        nulls = any(c.null_count for c in chunks)
        keep = np.bincount(codes[codes >= 0] if nulls else codes, minlength=len(last)) > 0
        if last.null_count:
            keep &= ~np.asarray(last.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        if not keep.all():
            remap = np.full(len(last) + 1, -1, dtype=codes.dtype)  # the last entry: code -1
            remap[np.flatnonzero(keep)] = np.arange(int(keep.sum()))
            codes = remap[codes]
            last = last.filter(pa.array(keep))
    return codes, np.asarray(last.to_pylist(), dtype=object)


def label_codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of text values and the distinct labels (missing values get code -1).

    Returns
    -------
    codes : numpy.ndarray of int64
    uniques : numpy.ndarray of object
    """
    codes, uniques = pd.factorize(values if isinstance(values, pd.Series) else pd.Series(values))
    return codes.astype(np.int64, copy=False), np.asarray(uniques, dtype=object)


def distinct(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct combinations of integer key columns, and one row of each.

    Used to write a text (a note, a part of a sentence) once per distinct combination of
    its inputs instead of once per row.

    Parameters
    ----------
    *keys : numpy.ndarray of int
        Columns of the same length.

    Returns
    -------
    codes : numpy.ndarray of int64
        Combination of each row, numbered in order of first appearance.
    first : numpy.ndarray of int64
        The first row holding each combination.
    """
    n = len(keys[0]) if keys else 0
    cols = [np.asarray(k, dtype=np.int64) for k in keys]
    lows = [int(c.min()) if n else 0 for c in cols]
    spans = [int(c.max()) - lo + 1 if n else 1 for c, lo in zip(cols, lows, strict=True)]
    if float(np.prod(spans, dtype=np.float64)) < 2.0**62:  # one integer per combination
        packed = np.zeros(n, dtype=np.int64)
        for c, lo, span in zip(cols, lows, spans, strict=True):
            packed *= span
            packed += c - lo
        code, uniq = pd.factorize(packed)
    else:  # renumber column by column so the numbers stay small
        code, uniq = np.zeros(n, dtype=np.int64), [0]
        for c in cols:
            kc, ku = pd.factorize(c)
            code, uniq = pd.factorize(code * len(ku) + kc)
    first = np.empty(len(uniq), dtype=np.int64)
    first[code[::-1]] = np.arange(n - 1, -1, -1)
    return code.astype(np.int64, copy=False), first


def row_codes(matrix: np.ndarray) -> np.ndarray:
    """An integer per row of an integer or boolean matrix; equal rows get equal integers.

    Rows are read as numbers in base (range of values) when that fits in 62 bits, else
    numbered by :func:`numpy.unique`.

    Returns
    -------
    numpy.ndarray of int64 (rows,)
    """
    m = np.asarray(matrix)
    n, k = m.shape
    if n == 0 or k == 0:
        return np.zeros(n, dtype=np.int64)
    lo, hi = int(m.min()), int(m.max())
    base = hi - lo + 1
    if base**k >= 2**62:
        return np.unique(m, axis=0, return_inverse=True)[1].ravel().astype(np.int64)
    key = m[:, 0].astype(np.int64) - lo
    for j in range(1, k):
        key *= base
        key += m[:, j]
        key -= lo
    return key


def join_text(*parts: str) -> str:
    """One note from several: the non-empty ones joined with ``"; "``."""
    return "; ".join(p for p in parts if p)


# -- codes to text -----------------------------------------------------------------------


def arrow_text(values: Any) -> Any:
    """An Arrow large_string array of text values (None/NaN become nulls)."""
    import pyarrow as pa

    values = np.asarray(values)
    if values.dtype == object:
        return pa.array(values, type=pa.large_string(), from_pandas=True)
    return pa.array(values).cast(pa.large_string())  # numpy StringDType or unicode


def text_take(codes: np.ndarray, labels: Any) -> Any:
    """``labels[codes]`` as an Arrow large_string array, by one Arrow ``take``."""
    import pyarrow as pa

    lab = labels if isinstance(labels, pa.Array) else arrow_text(np.asarray(labels, dtype=object))
    return lab.take(pa.array(np.asarray(codes, dtype=np.int64).ravel()))


def text_from_codes(codes: np.ndarray, labels: np.ndarray, *, cycle: int = 0) -> Any:
    """A pandas ``str`` array of ``labels[codes]``, built by one Arrow ``take``.

    With ``cycle`` (see :class:`Coded`) the first ``cycle`` texts are repeated instead.
    """
    codes = np.asarray(codes).ravel()
    if cycle and len(codes) % cycle == 0 and len(codes) > cycle:
        once = text_take(codes[:cycle], labels)
        if once.null_count == 0:
            return pd.array(_repeat_text(once, len(codes) // cycle), dtype="str")
    return pd.array(text_take(codes, labels), dtype="str")


def _repeat_text(text: Any, times: int) -> Any:
    """An Arrow large_string array repeated ``times`` times, end to end."""
    import pyarrow as pa

    k = len(text)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset : text.offset + k + 1]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    size = int(offsets[-1] - offsets[0])
    starts = np.empty(k * times + 1, dtype=np.int64)
    grid = starts[:-1].reshape(times, k)
    grid[:] = np.arange(times, dtype=np.int64)[:, None] * size
    grid += offsets[:-1] - offsets[0]
    starts[-1] = times * size
    return pa.LargeStringArray.from_buffers(
        k * times, pa.py_buffer(starts), pa.py_buffer(np.tile(data, times))
    )


def _merge(values: list[Any]) -> Any:
    """Concatenate one column's parts (arrays, Arrow arrays, or :class:`Coded`)."""
    if len(values) == 1:
        v = values[0]
        return Coded(v.codes.ravel(), v.labels, v.cycle) if isinstance(v, Coded) else v
    if hasattr(values[0], "to_pylist"):  # Arrow text, e.g. explanations
        import pyarrow as pa

        return pa.concat_arrays([v.cast(pa.large_string()) for v in values])
    if not isinstance(values[0], Coded):
        if any(isinstance(v, np.ndarray) and v.dtype == object for v in values):
            values = [np.asarray(v, dtype=object) for v in values]
        return np.concatenate(values)
    first = values[0].labels
    if all(v.labels is first for v in values):
        return Coded(np.concatenate([v.codes.ravel() for v in values]), first)
    offsets = np.cumsum([0] + [len(v.labels) for v in values[:-1]])
    codes = np.concatenate([v.codes.ravel() + o for v, o in zip(values, offsets, strict=True)])
    return Coded(codes, np.concatenate([np.asarray(v.labels, dtype=object) for v in values]))


def sort_order(parts: list[dict[str, Any]]) -> np.ndarray | None:
    """The order sorting the rows of ``parts`` by their ``_p, _r, _m`` keys (stable).

    Returns
    -------
    numpy.ndarray or None
        None when the rows are in order already.
    """
    p = np.concatenate([x["_p"] for x in parts]).astype(np.int64)
    r = np.concatenate([x["_r"] for x in parts]).astype(np.int64)
    m = np.concatenate([x["_m"] for x in parts]).astype(np.int64)
    key = (p * (int(r.max(initial=0)) + 1) + r) * (int(m.max(initial=0)) + 1) + m
    return None if bool(np.all(key[1:] >= key[:-1])) else np.argsort(key, kind="stable")


def expand_order(order: np.ndarray | None, sizes: np.ndarray) -> np.ndarray | None:
    """Order of detail rows when each row ``i`` of an ordered frame stands for ``sizes[i]``
    consecutive detail rows (a person-period's metric scores).

    Returns
    -------
    numpy.ndarray or None
        None when ``order`` is None.
    """
    if order is None:
        return None
    sizes = np.asarray(sizes, dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    lengths = sizes[order]
    shift = starts[order] - (np.cumsum(lengths) - lengths)
    return np.repeat(shift, lengths) + np.arange(int(lengths.sum()))


def long_frame(
    parts: list[dict[str, Any]], columns: list[str], *, order: Any = "keys"
) -> pd.DataFrame:
    """Concatenate column dicts, put the rows in order, type the columns.

    Each part maps column names to equally long columns (numpy arrays, Arrow text arrays or
    :class:`Coded`) and, to be sorted here, the sort keys ``_p`` (period position), ``_r``
    (employee id rank) and ``_m`` (metric position). Text columns given as :class:`Coded`
    are reordered as integer codes and turned into pandas ``str`` arrays once, at the end.

    Parameters
    ----------
    parts : list of dict
    columns : list of str
    order : "keys", None or numpy.ndarray
        ``"keys"``: sort by ``_p, _r, _m`` (:func:`sort_order`); None: the rows are in order;
        an array: this order (e.g. from :func:`expand_order`).

    Returns
    -------
    pandas.DataFrame
        ``columns`` in order, with a RangeIndex.
    """
    if not parts:
        return empty_frame(columns)
    if isinstance(order, str):
        order = sort_order(parts)
    out = {}
    for c in columns:
        col = _merge([x[c] for x in parts])
        if isinstance(col, Coded):
            if order is None:
                out[c] = text_from_codes(col.codes, col.labels, cycle=col.cycle)
            else:
                out[c] = text_from_codes(col.codes[order], col.labels)
        elif hasattr(col, "to_pylist"):
            out[c] = pd.array(col if order is None else col.take(order), dtype="str")
        else:
            out[c] = typed_column(c, col if order is None else col[order])
    n = len(next(iter(out.values()))) if out else 0
    # the numeric columns are new arrays: the frame takes them as they are, without
    # gathering them into one block (a copy), unless two are views of one array
    bases = [
        id(v.base if v.base is not None else v) for v in out.values() if isinstance(v, np.ndarray)
    ]
    return pd.DataFrame(out, index=pd.RangeIndex(n), copy=len(set(bases)) < len(bases))


def typed_column(name: str, values: Any) -> Any:
    """One output column with its documented dtype: float64, bool or pandas ``str``."""
    if name in FLOAT_COLUMNS:
        return np.asarray(values, dtype=np.float64)
    if name in BOOL_COLUMNS:
        return np.asarray(values, dtype=bool)
    if isinstance(values, pd.Series | pd.Index):
        values = values.to_numpy(dtype=object, na_value=None)
    if isinstance(values, np.ndarray) and values.dtype == object and len(values) > 1000:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        return text_from_codes(codes, np.asarray(uniques, dtype=object))
    if isinstance(values, np.ndarray) and values.dtype.kind == "T":  # numpy StringDType
        return pd.array(arrow_text(values), dtype="str")
    return pd.array(values, dtype="str")


def type_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Give the engine's output columns their documented dtypes (text as pandas ``str``)."""
    return pd.DataFrame(
        {c: typed_column(c, frame[c]) for c in frame.columns}, index=pd.RangeIndex(len(frame))
    )


def empty_frame(columns: Sequence[str]) -> pd.DataFrame:
    """An empty frame with the engine's column dtypes."""
    return type_frame(pd.DataFrame({c: pd.Series([], dtype=object) for c in columns}))
