"""The vega-embed bundle, served as a static file and generated from vl-convert on first use.

``vl_convert.javascript_bundle()`` returns Vega, Vega-Lite and vega-embed in one file (no CDN).
The bundle is not committed: this staticfiles finder writes it once into
``VAR_DIR/generated-static/`` and hands it to ``runserver``/WhiteNoise (development) and to
``collectstatic`` (production), so the browser always runs the same Vega that renders the PDFs'
SVG charts on the server. See docs/decisions.md, "Charts".
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

BUNDLE_PATH = "vendor/vega/vega-embed.js"
# The Vega-Lite version Altair writes its specs for (altair.SCHEMA_VERSION is "v6.4.1").
VEGA_LITE_VERSION = "6.4"

_lock = threading.Lock()


def generated_root() -> Path:
    return Path(settings.VAR_DIR) / "generated-static"


def bundle_text() -> str:
    """The vega-embed bundle for the Vega-Lite version our specs use (deterministic)."""
    import vl_convert

    return vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)


def ensure_bundle() -> Path:
    """Write the bundle under ``generated_root()`` unless it is there; return its path.

    Guarantees: the file is complete when it appears (written to a temporary name, then renamed),
    so concurrent workers never serve half a file.
    """
    target = generated_root() / BUNDLE_PATH
    if target.exists():
        return target
    with _lock:
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(bundle_text())
        os.replace(temporary, target)
    return target


class VegaBundleFinder(BaseFinder):
    """Finds ``vendor/vega/vega-embed.js``, generating it on first use."""

    def check(self, **kwargs) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        if path != BUNDLE_PATH:
            return [] if find_all else None
        found = str(ensure_bundle())
        return [found] if find_all else found

    def list(self, ignore_patterns):
        ensure_bundle()
        yield BUNDLE_PATH, FileSystemStorage(location=str(generated_root()))
