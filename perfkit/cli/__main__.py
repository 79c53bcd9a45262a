"""``python -m perfkit.cli``: the ``perfkit`` command."""

from . import main

main()
