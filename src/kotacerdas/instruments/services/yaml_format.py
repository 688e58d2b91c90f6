"""The instrument as YAML: one nested document (see docs/instruments.md).

Reading keeps the line of every value, so each problem is named by its path and line, e.g.
``dimensions[2].elements[0].indicators[3].type (baris 57)``. Only plain YAML is read (SafeLoader;
anchors and aliases are refused, which also rules out "billion laughs" documents).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import yaml
from django.utils.translation import gettext as _

from .. import schema
from .sources import max_file_bytes, read_bytes
from .tree import InstrumentFileError, Record, validate

# libyaml's C parser and emitter when PyYAML was built with it (same safe semantics, ~10x faster).
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

TOP_KEYS = ("format", "code", "name", "name_en", "description", "aspects", "dimensions")
CHILDREN = {"dimensions": "elements", "elements": "indicators", "indicators": "levels"}


def _fields(kind: str) -> set[str]:
    parent = schema.PARENT_FIELD.get(kind)
    return {f.name for f in schema.RECORD_FIELDS[kind] if f.name != parent}


class _Reader:
    """Walks the composed YAML node tree into records, noting each value's line."""

    def __init__(self, loader):
        self.loader = loader
        self.errors: list[str] = []
        self.records: dict[str, list[Record]] = {kind: [] for kind in schema.RECORD_FIELDS}

    def error(self, path: str, node: yaml.Node, message: str) -> None:
        self.errors.append(f"{path} ({_line(node)}): {message}")

    def mapping(self, node: yaml.Node, path: str) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(path, node, _("harus berupa mapping (kunci: nilai)"))
            return None
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                self.error(f"{path}.{key}", key_node, _("kunci ini muncul dua kali"))
            result[key] = value_node
        return result

    def sequence(self, node: yaml.Node | None, path: str) -> list[yaml.Node]:
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(path, node, _("harus berupa daftar"))
            return []
        return list(node.value)

    def value(self, node: yaml.Node, path: str) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self.loader.construct_object(node, deep=True)
        if isinstance(node, yaml.SequenceNode) and all(
            isinstance(item, yaml.ScalarNode) for item in node.value
        ):
            return [self.loader.construct_object(item) for item in node.value]
        self.error(path, node, _("harus berupa nilai tunggal"))
        return None

    def record(
        self, kind: str, node: yaml.Node, path: str, allowed: set[str], extra: dict | None = None
    ) -> tuple[Record, dict[str, yaml.Node]] | None:
        items = self.mapping(node, path)
        if items is None:
            return None
        raw = dict(extra or {})
        for key, value_node in items.items():
            if key not in allowed:
                self.error(f"{path}.{key}", value_node, _("kunci tidak dikenal"))
            elif key not in CHILDREN.values():
                raw[key] = self.value(value_node, f"{path}.{key}")

        def place(field: str, items=items, node=node, path=path) -> str:
            return f"{path}.{field} ({_line(items.get(field, node))})"

        record = Record(kind, raw, place, implied_parent=bool(extra))
        self.records[kind].append(record)
        return record, items

    def document(self, root: yaml.Node) -> None:
        items = self.mapping(root, "(dokumen)")
        if items is None:
            return
        for key, node in items.items():
            if key not in TOP_KEYS:
                self.error(key, node, _("kunci tidak dikenal"))
        if "format" in items and self.value(items["format"], "format") != schema.FORMAT:
            self.error("format", items["format"], _("harus %(f)s") % {"f": schema.FORMAT})
        instrument = {
            key: self.value(items[key], key) for key in _fields("instrument") if key in items
        }
        self.records["instrument"].append(
            Record("instrument", instrument, lambda f: f"{f} ({_line(items.get(f, root))})")
        )
        self.aspects(items.get("aspects"), root)
        for d_index, d_node in enumerate(self.sequence(items.get("dimensions"), "dimensions")):
            self.children("dimensions", d_node, f"dimensions[{d_index}]", None)

    def aspects(self, node: yaml.Node | None, root: yaml.Node) -> None:
        if node is None:
            return
        items = self.mapping(node, "aspects")
        for aspect, weight_node in (items or {}).items():
            raw = {"aspect": aspect, "weight": self.value(weight_node, f"aspects.{aspect}")}
            self.records["aspects"].append(
                Record(
                    "aspects",
                    raw,
                    lambda f, a=aspect, n=weight_node: f"aspects.{a} ({_line(n)})",
                )
            )

    def children(self, kind: str, node: yaml.Node, path: str, parent: str | None) -> None:
        child_kind = CHILDREN.get(kind)
        allowed = _fields(kind) | ({child_kind} if child_kind else set())
        extra = {schema.PARENT_FIELD[kind]: parent} if kind in schema.PARENT_FIELD else None
        result = self.record(kind, node, path, allowed, extra)
        if result is None or child_kind is None:
            return
        record, items = result
        code = record.raw.get("code")
        code = code if isinstance(code, str | int) and not isinstance(code, bool) else None
        for index, child in enumerate(self.sequence(items.get(child_kind), f"{path}.{child_kind}")):
            self.children(child_kind, child, f"{path}.{child_kind}[{index}]", code)


def _line(node: yaml.Node) -> str:
    return _("baris %(n)d") % {"n": node.start_mark.line + 1}


def read_yaml(text: str) -> dict:
    """Parse and validate an instrument YAML document; return its tree or raise
    InstrumentFileError listing every problem with its path and line."""
    errors: list[str] = []
    try:
        aliases = [e for e in yaml.parse(text, Loader=Loader) if isinstance(e, yaml.AliasEvent)]
        if aliases:
            raise InstrumentFileError(
                [
                    _("baris %(n)d: alias YAML (*nama) tidak diizinkan; tulis nilainya langsung")
                    % {"n": event.start_mark.line + 1}
                    for event in aliases
                ]
            )
        loader = Loader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                raise InstrumentFileError([_("berkas YAML kosong")])
            reader = _Reader(loader)
            reader.document(root)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("baris %(n)d") % {"n": mark.line + 1} if mark else _("berkas")
        problem = getattr(exc, "problem", None) or str(exc)
        message = _("YAML tidak valid")
        raise InstrumentFileError([f"{where}: {message} ({problem})"]) from None
    errors = reader.errors
    tree = validate(reader.records, errors)
    if errors or tree is None:
        raise InstrumentFileError(errors)
    return tree


def decode(source: str | bytes | Path | IO[Any]) -> str:
    """The YAML text of ``source``: YAML text itself, bytes, a path or an open file (capped)."""
    if isinstance(source, str):
        source = source.encode("utf-8")
    data, error = read_bytes(source, max_file_bytes())
    if error:
        raise InstrumentFileError([error])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InstrumentFileError([_("berkas bukan teks UTF-8")]) from None


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def tree_to_yaml(tree: dict) -> str:
    """Dump a tree as the YAML document that :func:`read_yaml` reads back to the same tree.

    Empty optional values are left out; goalposts only for numbers, levels only for rubrics.
    """
    document: dict[str, Any] = {"format": schema.FORMAT}
    for key in ("code", "name", "name_en", "description"):
        if tree.get(key):
            document[key] = tree[key]
    document["aspects"] = {item["aspect"]: _plain(item["weight"]) for item in tree["aspects"]}
    document["dimensions"] = [
        {
            **_compact(dimension, ("code", "name", "name_en", "weight")),
            "elements": [
                {
                    **_compact(element, ("code", "name", "name_en", "weight")),
                    "indicators": [_indicator(item) for item in element["indicators"]],
                }
                for element in dimension["elements"]
            ],
        }
        for dimension in tree["dimensions"]
    ]
    return yaml.dump(document, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)


def _compact(item: dict, keys: tuple[str, ...]) -> dict:
    return {key: _plain(item[key]) for key in keys if item.get(key) not in (None, "", [])}


def _indicator(item: dict) -> dict:
    keys = tuple(f.name for f in schema.INDICATOR_FIELDS if f.name != "element")
    data = _compact(item, keys)
    data["direction"] = schema.direction_name(item["direction"])
    if item["type"] == "level":
        del data["direction"]
    data["evidence_required"] = bool(item["evidence_required"])
    data["allow_not_applicable"] = bool(item["allow_not_applicable"])
    if item["levels"]:
        keys = ("level", "description", "description_en")
        data["levels"] = [_compact(level, keys) for level in item["levels"]]
    return data
