"""A CJK font for Chinese chart labels.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs, so charts with ``lang="zh"``
need a CJK font registered first. :func:`use_cjk_font` looks for one, in this order: the
Noto Sans CJK SC font shipped inside the ``mplfonts`` package (the ``zh`` extra of perfkit),
then a CJK font installed on the system. Call it *after* ``seaborn.set_theme()``, which
resets the font settings (:func:`perfkit.plotting.set_style` does both).
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

#: Font files looked for in the mplfonts package, best first.
MPLFONTS_FILES = ("NotoSansCJKsc-Regular.otf", "SourceHanSansSC-Regular.otf")

#: Words in a system font's file name that mark it as a CJK font.
_SYSTEM_HINTS = (
    "notosanscjk",
    "notoserifcjk",
    "sourcehansans",
    "wqy",
    "simhei",
    "msyh",
    "pingfang",
    "droidsansfallback",
)

_warned = False


def _mplfonts_files() -> list[Path]:
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return []
    found: list[Path] = []
    for folder in spec.submodule_search_locations:
        for name in MPLFONTS_FILES:
            found.extend(Path(folder).rglob(name))
    return found


def _system_files() -> list[Path]:
    hits = [
        Path(f)
        for f in font_manager.findSystemFonts()
        if any(h in Path(f).name.lower().replace("-", "").replace("_", "") for h in _SYSTEM_HINTS)
    ]
    return sorted(hits)


def find_cjk_font() -> Path | None:
    """Path of a CJK font file, or None when none is installed.

    Returns
    -------
    Path or None
        The mplfonts package's Noto Sans CJK SC if present, else a CJK system font.
    """
    for path in (*_mplfonts_files(), *_system_files()):
        if path.is_file():
            return path
    return None


def use_cjk_font(path: str | Path | None = None) -> str | None:
    """Register a CJK font with matplotlib and make it the first sans-serif family.

    Parameters
    ----------
    path : str or Path, optional
        A font file to use; by default :func:`find_cjk_font` picks one.

    Returns
    -------
    str or None
        The family name now in use (e.g. ``"Noto Sans CJK SC"``), or None when no CJK font
        was found; a warning says so once per process, and callers should fall back to
        English labels.
    """
    global _warned
    font = Path(path) if path is not None else find_cjk_font()
    if font is None or not font.is_file():
        if not _warned:
            warnings.warn(
                "no CJK font found, so charts fall back to English labels; install the "
                "Chinese extra (pip install 'perfkit[zh]', which brings mplfonts)",
                UserWarning,
                stacklevel=2,
            )
            _warned = True
        return None
    font_manager.fontManager.addfont(str(font))
    family = font_manager.FontProperties(fname=str(font)).get_name()
    current = [f for f in mpl.rcParams["font.sans-serif"] if f != family]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = [family, *current]
    # CJK fonts often lack the Unicode minus sign; use the ASCII hyphen-minus instead
    mpl.rcParams["axes.unicode_minus"] = False
    return family
