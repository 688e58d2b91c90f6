"""kotacerdas.index is pure Python: it imports neither Django nor any module that does."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import kotacerdas.index

PACKAGE = Path(kotacerdas.index.__file__).parent


def test_no_module_of_the_package_mentions_django_in_an_import():
    pattern = re.compile(r"^\s*(from|import)\s+django\b", re.MULTILINE)
    sources = sorted(PACKAGE.glob("*.py"))
    assert len(sources) > 10
    offenders = [path.name for path in sources if pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_package_imports_and_builds_with_django_blocked():
    script = """
import sys

class NoDjango:
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError("django is blocked in this test")
        return None

sys.meta_path.insert(0, NoDjango())
import pandas as pd
import kotacerdas.index as index
from kotacerdas.index import cli  # noqa: F401
tree = index.Tree([index.Node("R"), index.Node("a", "R", type="level")])
frame = pd.DataFrame({"unit": ["U"], "indicator": ["a"], "value": [3.0]})
assert index.build(tree, frame).index["U"] == 60.0
assert not [name for name in sys.modules if name.split(".")[0] == "django"]
print("ok")
"""
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "ok"
