"""Instrument services: import and export (YAML, XLSX), the default instrument, copies, freezing,
aspect weights and crosswalks. Views, commands and other apps call only these.

Every function that writes is atomic and refuses what is not allowed with a
:class:`kotacerdas.core.errors.ServiceError` subclass (``Locked`` for a frozen instrument,
``InstrumentFileError`` / ``CrosswalkFileError`` listing every problem with its place).
"""

from .crosswalk import (
    CrosswalkFileError,
    EntryRow,
    comparable_pairs,
    crosswalk_problems,
    export_crosswalk_csv,
    import_crosswalk_csv,
    parse_rescale,
    save_entries,
    suggest_crosswalk,
)
from .editing import (
    DEFAULT_INSTRUMENT,
    copy_instrument,
    ensure_editable,
    export_xlsx,
    export_yaml,
    freeze,
    import_xlsx,
    import_yaml,
    load_default_instrument,
    set_aspect_weights,
)
from .tree import InstrumentFileError, instrument_tree

__all__ = [
    "DEFAULT_INSTRUMENT",
    "CrosswalkFileError",
    "EntryRow",
    "InstrumentFileError",
    "comparable_pairs",
    "copy_instrument",
    "crosswalk_problems",
    "ensure_editable",
    "export_crosswalk_csv",
    "export_xlsx",
    "export_yaml",
    "freeze",
    "import_crosswalk_csv",
    "import_xlsx",
    "import_yaml",
    "instrument_tree",
    "load_default_instrument",
    "parse_rescale",
    "save_entries",
    "set_aspect_weights",
    "suggest_crosswalk",
]
