"""Caching of published results (pages and exports).

Published results are immutable, so what is rendered from a published snapshot can be kept
until the snapshot is replaced. Every key holds the snapshot's id and version: when an admin
republishes, the new snapshot has a new id, so every page and export is invalidated at once and
the old entries are never read again (the cache evicts them). The lookup of the current snapshot id stays
a database query on purpose, so that several application processes with their own local caches
can serve a superseded version for at most ``POINTER_SECONDS``: the current snapshot of a year
is remembered that long (and forgotten at once in a shared cache when a snapshot is published).

A region's profile and report card also show its trend over the other years, read from those
years' public versions: their keys hold ``profile.trend_key()`` (every year's public version), so
a correction of an earlier year reaches them as well, at its release.

Only content that is the same for every visitor is cached: the pages' main content (never the
layout, which carries the visitor's name and CSRF token) and the export files. Nothing from an
unpublished snapshot ever reaches a key: callers pass a snapshot from ``published``.

Embargo (``Snapshot.released_at``): a snapshot whose release time lies ahead is never cached
(the admins' preview renders afresh), and the remembered current snapshot of a year expires at
the year's next release time at the latest, so a release becomes public at its moment without
anyone touching the cache, and never before. A refusal (404) is never cached.

Pages also show region data that lives outside the snapshot (names, population size classes):
every key holds ``regions.services.data_version()``, remembered ``POINTER_SECONDS`` like the
current snapshot, so loading new population figures reaches the cached pages within that time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from ..models import Snapshot

T = TypeVar("T")
TIMEOUT = None  # until replaced: published snapshots never change
PREFIX = "kc:results"
POINTER_SECONDS = 10


def key(snapshot: Snapshot, name: str, *parts: object) -> str:
    """The cache key of one piece of a published snapshot (language-specific, and specific to
    the current region data)."""
    joined = "\x1f".join(str(part) for part in (_regions_version(), *parts))
    digest = hashlib.sha256(joined.encode()).hexdigest()[:32]  # search text may hold anything
    return f"{PREFIX}:{snapshot.pk}:v{snapshot.version}:{get_language()}:{name}:{digest}"


def _regions_version() -> str:
    """The region data's fingerprint, remembered ``POINTER_SECONDS``."""
    from kotacerdas.regions.services import data_version

    remembered_key = f"{PREFIX}:regions-version"
    version = cache.get(remembered_key)
    if version is None:
        version = data_version()
        cache.set(remembered_key, version, POINTER_SECONDS)
    return version


def cached(snapshot: Snapshot, name: str, parts: tuple, build: Callable[[], T]) -> T:
    """The cached value for (snapshot, name, parts), built and stored on a miss.

    Guarantees: refuses (ValueError) a snapshot that is not published, so a draft can never be
    cached where the public reads; a snapshot under embargo is built afresh and not stored.
    """
    if not snapshot.is_published:
        raise ValueError("only published snapshots are cached")
    if snapshot.is_embargoed:
        return build()
    cache_key = key(snapshot, name, *parts)
    value = cache.get(cache_key)
    if value is None:
        value = build()
        cache.set(cache_key, value, TIMEOUT)
    return value


def _pointer_key(year: int) -> str:
    return f"{PREFIX}:current:{year}"


def current(year: int, load: Callable[[], Snapshot]) -> Snapshot:
    """The public snapshot of ``year`` as ``load`` finds it, remembered ``POINTER_SECONDS`` and
    never past the year's next release time (``published.next_release``).

    ``load`` raises when the year is not public; nothing is remembered then, so a cycle becomes
    visible the moment it is published (or released).
    """
    from .published import next_release

    pointer = _pointer_key(year)
    remembered = cache.get(pointer)
    now = timezone.now()
    if remembered is not None and remembered[1] > now:
        return remembered[0]
    snapshot = load()
    expires = now + timedelta(seconds=POINTER_SECONDS)
    upcoming = next_release(year)
    if upcoming is not None and upcoming < expires:
        expires = upcoming
    cache.set(pointer, (snapshot, expires), POINTER_SECONDS)
    return snapshot


def forget_current(year: int) -> None:
    """Drop the remembered current snapshot of ``year`` (after a publication commits)."""
    cache.delete(_pointer_key(year))
