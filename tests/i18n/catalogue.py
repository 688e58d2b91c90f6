"""Read the committed English catalogue and list the messages the source marks for translation.

Neither needs GNU gettext: the .po file is parsed here, the Python source through ``ast`` and the
templates through Django's own ``templatize`` (what ``makemessages`` feeds to xgettext), so the
checks run on a fresh machine too. Where xgettext is installed, the tests also run the real
``makemessages`` (see test_catalogue.py).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation.template import templatize

PACKAGE_DIR = Path(settings.PACKAGE_DIR)
PO_FILE = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
# What `make messages` leaves out (the index library has no Django and no UI text).
IGNORED_DIRS = ("index", "locale", "__pycache__")
TEMPLATE_SUFFIXES = (".html", ".txt")

# A message's identity in a catalogue: (context, singular, plural).
Key = tuple[str | None, str, str | None]


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid, self.msgid_plural)


def _po_string(line: str) -> str:
    """The text of one quoted PO string (its escapes are those of a Python literal)."""
    return ast.literal_eval(line.strip())


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """The header fields and the entries (obsolete ``#~`` entries are left out)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    pending_flags: set[str] = set()

    def finish():
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            finish()
            pending_flags = {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            name, index = target
            text = _po_string(line)
            if name == "msgstr_plural":
                current.msgstr_plural[index] += text
            else:
                setattr(current, name, (getattr(current, name) or "") + text)
            continue
        keyword, _, rest = line.partition(" ")
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword in ("msgctxt", "msgid") and (
            current is None or current.msgstr is not None or current.msgstr_plural
        ):
            finish()
        if current is None:
            current = Entry(flags=pending_flags)
            pending_flags = set()
        if match:
            target = ("msgstr_plural", int(match.group(1)))
            current.msgstr_plural[target[1]] = _po_string(rest)
        else:
            target = (keyword, None)
            setattr(current, keyword, _po_string(rest))
    finish()
    header = entries.pop(0) if entries and entries[0].msgid == "" else Entry(msgstr="")
    fields = dict(
        line.split(": ", 1) for line in (header.msgstr or "").splitlines() if ": " in line
    )
    return fields, entries


# --- Messages marked in the source ------------------------------------------------------------

# xgettext's Python keywords as makemessages sets them: name → (context arg, singular, plural).
KEYWORDS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _gettext_calls(tree: ast.AST):
    """Each call of a gettext function, and whether it sits inside an f-string."""

    def visit(node: ast.AST, in_fstring: bool):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in KEYWORDS:
                yield node, name, in_fstring
        for child in ast.iter_child_nodes(node):
            yield from visit(child, in_fstring or isinstance(node, ast.JoinedStr))

    yield from visit(tree, False)


def calls_inside_fstrings(source: str) -> list[int]:
    """Lines where a gettext call sits inside an f-string, where xgettext does not see it."""
    return [node.lineno for node, _name, inside in _gettext_calls(ast.parse(source)) if inside]


def python_messages(source: str) -> set[Key]:
    """The messages of one Python source: calls of the gettext functions with literal text
    (as xgettext reads them: not inside f-strings)."""
    found: set[Key] = set()
    for node, name, in_fstring in _gettext_calls(ast.parse(source)):
        if in_fstring:
            continue
        context, singular, plural = KEYWORDS[name]
        args = node.args
        needed = max(i for i in (context, singular, plural) if i is not None)
        if len(args) <= needed:
            continue
        texts = [_literal(args[i]) if i is not None else None for i in (context, singular, plural)]
        if texts[1] is None or (context is not None and texts[0] is None):
            continue
        if plural is not None and texts[2] is None:
            continue
        found.add((texts[0], texts[1], texts[2]))
    return found


_STRING = r"""u(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATE_CALLS = (
    (re.compile(rf" npgettext\(({_STRING}), ({_STRING}), ({_STRING}),count\) "), (0, 1, 2)),
    (re.compile(rf" ngettext\(({_STRING}), ({_STRING}), count\) "), (None, 0, 1)),
    (re.compile(rf" pgettext\(({_STRING}), ({_STRING})\) "), (0, 1, None)),
    (re.compile(rf" gettext\(({_STRING})\) "), (None, 0, None)),
    # _("...") in a filter's argument, e.g. {{ value|default:_("belum pernah") }}
    (re.compile(r""" _\(("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\) """), (None, 0, None)),
)


def template_messages(source: str) -> set[Key]:
    """The messages of one template, read from Django's ``templatize`` output."""
    code = templatize(source)
    found: set[Key] = set()
    for pattern, (context, singular, plural) in _TEMPLATE_CALLS:
        for match in pattern.finditer(code):
            groups = [ast.literal_eval(text) for text in match.groups()]
            found.add(
                tuple(groups[i] if i is not None else None for i in (context, singular, plural))
            )
    return found


def source_files(root: Path = PACKAGE_DIR):
    """The files makemessages reads: .py, .html and .txt, outside the ignored folders."""
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if parts[0] in IGNORED_DIRS or any(part.startswith(".") for part in parts):
            continue
        if path.suffix == ".py" or path.suffix in TEMPLATE_SUFFIXES:
            yield path


def source_messages(root: Path = PACKAGE_DIR) -> set[Key]:
    """Every message the package marks for translation."""
    found: set[Key] = set()
    for path in source_files(root):
        text = path.read_text(encoding="utf-8")
        found |= python_messages(text) if path.suffix == ".py" else template_messages(text)
    found.discard((None, "", None))
    return found
