"""The instrument tree: aggregates with weights, indicators with type, direction and range.

A tree has one root. Every other node names its parent and carries a weight (> 0) relative to
its siblings. Leaves are indicators and have a type: ``level`` (a rubric level in ``min..max``,
default ``0..5``), ``number`` (a quantity; ``min``/``max`` are its goalposts, optional),
``percent`` (0-100; ``min``/``max`` optional goalposts) or ``yesno`` (0 or 1). Inner nodes are
aggregates and have no type. A direction of -1 means lower is better.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from .csvio import parse_number, read_table, text
from .errors import InputError

if TYPE_CHECKING:
    from .engine import Plan

__all__ = ["INDICATOR_TYPES", "TREE_COLUMNS", "IndicatorType", "Node", "Tree"]

IndicatorType = Literal["level", "number", "percent", "yesno"]
INDICATOR_TYPES: tuple[str, ...] = ("level", "number", "percent", "yesno")
TREE_COLUMNS: tuple[str, ...] = ("code", "parent", "weight", "type", "direction", "min", "max")

DEFAULT_LEVEL_RANGE = (0.0, 5.0)


@dataclass(frozen=True)
class Node:
    """One node of an instrument tree (an aggregate when ``type`` is ``None``)."""

    code: str
    parent: str | None = None
    weight: float = 1.0
    type: IndicatorType | None = None
    direction: int = 1
    min: float | None = None
    max: float | None = None

    @property
    def is_indicator(self) -> bool:
        """True for a leaf that carries answers."""
        return self.type is not None

    def bounds(self) -> tuple[float, float] | None:
        """The indicator's range or goalposts after defaults, ``None`` when it has none.

        level: ``min..max`` (default 0..5); yesno: 0..1; percent: ``min..max`` (default 0..100);
        number: its goalposts, or ``None`` without them; aggregates: ``None``.
        """
        if self.type == "level":
            low = DEFAULT_LEVEL_RANGE[0] if self.min is None else self.min
            high = DEFAULT_LEVEL_RANGE[1] if self.max is None else self.max
            return (low, high)
        if self.type == "yesno":
            return (0.0, 1.0)
        if self.type == "percent":
            return (0.0 if self.min is None else self.min, 100.0 if self.max is None else self.max)
        if self.type == "number" and self.min is not None and self.max is not None:
            return (self.min, self.max)
        return None


class Tree:
    """A validated instrument tree.

    Guarantees after construction: codes are unique and non-empty; there is exactly one root
    and it is an aggregate; every parent exists; there is no cycle; every weight is finite and
    > 0; every leaf is an indicator with a known type and every indicator is a leaf; direction
    is 1 or -1; ranges and goalposts have ``min < max``. Violations raise :class:`InputError`
    naming the source and the row (``rows[k]`` labels ``nodes[k]``; by default the 1-based
    position).

    ``nodes`` keeps the given order; ``indicators`` and ``aggregates`` are in depth-first order
    with children in the given order.
    """

    def __init__(
        self,
        nodes: Iterable[Node],
        *,
        source: str = "tree",
        rows: Sequence[object] | None = None,
    ) -> None:
        self.nodes: tuple[Node, ...] = tuple(nodes)
        self.source = source
        self._rows: tuple[object, ...] = (
            tuple(rows) if rows is not None else tuple(range(1, len(self.nodes) + 1))
        )
        if len(self._rows) != len(self.nodes):
            raise ValueError("rows must label every node")
        self._validate()

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        source: str = "tree",
        rows: Sequence[object] | None = None,
    ) -> Tree:
        """Build from mappings with the keys of :data:`TREE_COLUMNS` (text or numbers).

        Empty ``parent`` marks the root; empty ``weight`` means 1; empty ``direction`` means 1;
        empty ``type`` marks an aggregate. Cells that cannot be read raise :class:`InputError`.
        """
        records = list(records)
        labels = list(rows) if rows is not None else list(range(1, len(records) + 1))
        nodes = [
            _node_from_record(record, source, row)
            for record, row in zip(records, labels, strict=True)
        ]
        return cls(nodes, source=source, rows=labels)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, source: str = "tree") -> Tree:
        """Build from a frame with the columns of :data:`TREE_COLUMNS`; rows are index labels."""
        if "code" not in frame.columns:
            raise InputError(source, None, "missing column code")
        records = frame.to_dict("records")
        return cls.from_records(records, source=source, rows=list(frame.index))

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str]) -> Tree:
        """Read ``code,parent,weight,type,direction,min,max`` (see docs/methodology.md)."""
        frame = read_table(path, required=("code", "parent", "weight"), optional=TREE_COLUMNS)
        return cls.from_frame(frame, source=os.path.basename(os.fspath(path)))

    # -- reading ------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def __repr__(self) -> str:
        return (
            f"Tree(root={self.root!r}, {len(self.aggregates)} aggregates, "
            f"{len(self.indicators)} indicators)"
        )

    def node(self, code: str) -> Node:
        """The node with this code (``KeyError`` if absent)."""
        return self.nodes[self._index[code]]

    def children(self, code: str) -> tuple[str, ...]:
        """The codes of the node's children, in the given order."""
        return self._children[code]

    def depth(self, code: str) -> int:
        """Edges from the root (the root has depth 0)."""
        return self._depth[code]

    def indicators_under(self, code: str) -> tuple[str, ...]:
        """The indicators in the subtree of ``code`` (itself if it is an indicator)."""
        if self.node(code).is_indicator:
            return (code,)
        out: list[str] = []
        for child in self._children[code]:
            out.extend(self.indicators_under(child))
        return tuple(out)

    @property
    def root(self) -> str:
        """The code of the root."""
        return self._root

    @cached_property
    def order(self) -> tuple[str, ...]:
        """All codes in depth-first pre-order (root first, children in the given order)."""
        out: list[str] = []
        stack = [self._root]
        while stack:
            code = stack.pop()
            out.append(code)
            stack.extend(reversed(self._children[code]))
        return tuple(out)

    @cached_property
    def indicators(self) -> tuple[str, ...]:
        """Indicator codes in depth-first order."""
        return tuple(code for code in self.order if self.node(code).is_indicator)

    @cached_property
    def aggregates(self) -> tuple[str, ...]:
        """Aggregate codes in depth-first order (the root first)."""
        return tuple(code for code in self.order if not self.node(code).is_indicator)

    def effective_weights(self) -> pd.Series:
        """Each indicator's share of the root: the product of sibling-normalised weights.

        Guarantees: indexed by :attr:`indicators`, positive, sums to 1.
        """
        share = {self._root: 1.0}
        for code in self.order:
            kids = self._children[code]
            total = sum(self.node(kid).weight for kid in kids)
            for kid in kids:
                share[kid] = share[code] * self.node(kid).weight / total
        return pd.Series({code: share[code] for code in self.indicators}, name="weight")

    def to_records(self) -> list[dict[str, Any]]:
        """Plain records (the CSV columns), in the given order; round-trips through from_records."""
        return [asdict(node) for node in self.nodes]

    def to_frame(self) -> pd.DataFrame:
        """The tree as a frame with the CSV columns, in the given order."""
        return pd.DataFrame(self.to_records(), columns=list(TREE_COLUMNS))

    def canonical(self) -> list[dict[str, Any]]:
        """Records sorted by code, for fingerprints: same tree, same canonical form."""
        return sorted(self.to_records(), key=lambda record: record["code"])

    @cached_property
    def canonical_json(self) -> str:
        """:meth:`canonical` as compact JSON with sorted keys."""
        return json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))

    def subtree(self, indicators: Iterable[str]) -> Tree:
        """The tree pruned to these indicators and the aggregates above them (weights kept).

        Raises :class:`InputError` if an indicator is unknown or nothing is kept.
        """
        keep_indicators = set(indicators)
        for code in keep_indicators:
            if code not in self._index or not self.node(code).is_indicator:
                raise InputError(self.source, None, f"{code!r} is not an indicator of this tree")
        if not keep_indicators:
            raise InputError(self.source, None, "no indicator left after pruning")
        keep: set[str] = set()
        for code in keep_indicators:
            while code is not None:
                keep.add(code)
                code = self.node(code).parent
        kept = [
            (node, row)
            for node, row in zip(self.nodes, self._rows, strict=True)
            if node.code in keep
        ]
        return Tree([node for node, _ in kept], source=self.source, rows=[row for _, row in kept])

    @cached_property
    def plan(self) -> Plan:
        """The compiled level structure used by the aggregation engine."""
        from .engine import Plan

        return Plan.from_tree(self)

    # -- validation ---------------------------------------------------------------------------

    def _error(self, position: int, message: str) -> InputError:
        return InputError(self.source, self._rows[position], message)

    def _validate(self) -> None:
        if not self.nodes:
            raise InputError(self.source, None, "the tree has no nodes")
        self._index: dict[str, int] = {}
        for position, node in enumerate(self.nodes):
            self._validate_node(position, node)
            if node.code in self._index:
                first = self._rows[self._index[node.code]]
                raise self._error(position, f"duplicate code {node.code!r} (first at row {first})")
            self._index[node.code] = position
        roots = [position for position, node in enumerate(self.nodes) if node.parent is None]
        if len(roots) > 1:
            raise self._error(
                roots[1],
                f"a second root {self.nodes[roots[1]].code!r}: only one node may have "
                "an empty parent",
            )
        self._children: dict[str, tuple[str, ...]] = {node.code: () for node in self.nodes}
        grouped: dict[str, list[str]] = {node.code: [] for node in self.nodes}
        for position, node in enumerate(self.nodes):
            if node.parent is not None:
                if node.parent not in self._index:
                    raise self._error(position, f"unknown parent {node.parent!r}")
                grouped[node.parent].append(node.code)
        self._children = {code: tuple(kids) for code, kids in grouped.items()}
        self._check_cycles()  # with every parent known, no root means a cycle: refused here
        self._root = self.nodes[roots[0]].code
        self._depth = {self._root: 0}
        for code in self.order:
            for kid in self._children[code]:
                self._depth[kid] = self._depth[code] + 1
        for position, node in enumerate(self.nodes):
            kids = self._children[node.code]
            if node.is_indicator and kids:
                raise self._error(
                    position,
                    f"indicator {node.code!r} has children ({', '.join(kids)}); "
                    "only aggregates (empty type) may have children",
                )
            if not node.is_indicator and not kids:
                raise self._error(
                    position,
                    f"aggregate {node.code!r} has no children; give a leaf a type "
                    f"({', '.join(INDICATOR_TYPES)})",
                )

    def _check_cycles(self) -> None:
        state: dict[str, int] = {}  # 1 = on the current walk, 2 = reaches a root
        for start in self.nodes:
            walk: list[str] = []
            code: str | None = start.code
            while code is not None and state.get(code) != 2:
                if state.get(code) == 1:
                    cycle = walk[walk.index(code) :]
                    position = min(self._index[member] for member in cycle)
                    raise self._error(position, "cycle in the tree: " + " -> ".join([*cycle, code]))
                state[code] = 1
                walk.append(code)
                code = self.nodes[self._index[code]].parent
            for member in walk:
                state[member] = 2

    def _validate_node(self, position: int, node: Node) -> None:
        if (
            not isinstance(node.code, str)
            or not node.code.strip()
            or node.code != node.code.strip()
        ):
            raise self._error(
                position, f"code must be non-empty text without padding: {node.code!r}"
            )
        if node.parent is not None and (not isinstance(node.parent, str) or not node.parent):
            raise self._error(position, f"parent must be a code or empty: {node.parent!r}")
        if node.parent == node.code:
            raise self._error(position, f"node {node.code!r} is its own parent")
        weight = node.weight
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight != weight:
            raise self._error(position, f"weight must be a number, found {weight!r}")
        if not (0 < weight < float("inf")):
            raise self._error(
                position, f"weight must be greater than 0 and finite, found {weight!r}"
            )
        if node.type is not None and node.type not in INDICATOR_TYPES:
            raise self._error(
                position,
                f"unknown type {node.type!r}; expected one of {', '.join(INDICATOR_TYPES)} "
                "or empty for an aggregate",
            )
        if node.direction not in (1, -1):
            raise self._error(position, f"direction must be 1 or -1, found {node.direction!r}")
        if node.type is None:
            return
        if node.type == "number" and (node.min is None) != (node.max is None):
            raise self._error(position, "a number's goalposts need both min and max, or neither")
        bounds = node.bounds()
        if bounds is not None and not bounds[0] < bounds[1]:
            raise self._error(
                position, f"min must be less than max, found {bounds[0]} and {bounds[1]}"
            )


def _node_from_record(record: Mapping[str, Any], source: str, row: object) -> Node:
    code = text(record.get("code"))
    if not code:
        raise InputError(source, row, "code is empty")
    parent = text(record.get("parent")) or None
    weight = parse_number(record.get("weight"), source, row, "weight")
    kind = text(record.get("type")).lower() or None
    if kind is not None and kind not in INDICATOR_TYPES:
        raise InputError(
            source,
            row,
            f"unknown type {kind!r}; expected one of {', '.join(INDICATOR_TYPES)} "
            "or empty for an aggregate",
        )
    direction = parse_number(record.get("direction"), source, row, "direction")
    if direction is not None and direction not in (1.0, -1.0):
        raise InputError(source, row, f"direction must be 1 or -1, found {direction:g}")
    return Node(
        code=code,
        parent=parent,
        weight=1.0 if weight is None else weight,
        type=kind,  # type: ignore[arg-type]
        direction=1 if direction is None else int(direction),
        min=parse_number(record.get("min"), source, row, "min"),
        max=parse_number(record.get("max"), source, row, "max"),
    )
