"""Imported by the report pool's fork server, last: one HTML export per report language.

:data:`perfkit.reports._WORKER_MODULES` ends with this module, so the fork server (or a
worker whose fork server another pool started) exports a small notebook once
(:func:`perfkit.reports._warm_exports`) after importing everything else. Each worker forked
from it then exports its first report as fast as its later ones.
"""

from __future__ import annotations

from .reports import _warm_exports

_warm_exports()
