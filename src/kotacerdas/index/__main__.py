"""``python -m kotacerdas.index``: the same as the ``kotacerdas-index`` command."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
