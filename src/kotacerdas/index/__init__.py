"""kotacerdas.index: the composite index engine of Kota Cerdas (pure Python, no Django).

Build a cycle's index along an instrument tree, measure how robust its ranks are, how far the
assessors agree, what changed since the last cycle, what would move a unit most and how its
indicators behave statistically (:func:`audit`). The
formulas and file formats are in docs/methodology.md; the command line is ``kotacerdas-index``.

Entry points: :func:`build`, :func:`uncertainty`, :func:`agreement`, :func:`compare`,
:func:`what_if`, :func:`path_to`; inputs :class:`Tree`, :class:`Values` (or a long data frame) and
:class:`Config`. Bad input raises :class:`InputError`, which names the source and the row.
"""

from __future__ import annotations

from .agreement import (
    AgreementResult,
    agreement,
    deviations,
    krippendorff_alpha,
    severity_over_time,
)
from .association import Association, spearman
from .audit import (
    AUDIT_FLAGS,
    AuditResult,
    AuditThresholds,
    audit,
    audit_build,
    cronbach_alpha,
)
from .build import IndexResult, build, prepare_groups, read_groups
from .compare import CompareResult, compare, read_crosswalk, resolve_crosswalk
from .config import DEFAULT_BANDS, Band, Config
from .errors import InputError
from .path import Path, next_band, path_to, paths_to, reaches
from .tree import Node, Tree
from .uncertainty import UncertaintyResult, uncertainty
from .values import Values
from .whatif import what_if

__all__ = [
    "AUDIT_FLAGS",
    "DEFAULT_BANDS",
    "AgreementResult",
    "Association",
    "AuditResult",
    "AuditThresholds",
    "Band",
    "CompareResult",
    "Config",
    "IndexResult",
    "InputError",
    "Node",
    "Path",
    "Tree",
    "UncertaintyResult",
    "Values",
    "agreement",
    "audit",
    "audit_build",
    "build",
    "compare",
    "cronbach_alpha",
    "deviations",
    "krippendorff_alpha",
    "next_band",
    "path_to",
    "paths_to",
    "prepare_groups",
    "reaches",
    "read_crosswalk",
    "read_groups",
    "resolve_crosswalk",
    "severity_over_time",
    "spearman",
    "uncertainty",
    "what_if",
]
